import crypto from 'node:crypto';
import type { Db } from './db.js';

/** The roles of DESIGN.md. */
export const ROLES = ['city', 'county', 'township', 'village', 'helper', 'department', 'inspector'] as const;
export type Role = (typeof ROLES)[number];

export const ROLE_LABELS: Record<Role, string> = {
  city: '市级扶贫办',
  county: '县级扶贫办',
  township: '乡镇',
  village: '村级干部',
  helper: '帮扶责任人',
  department: '行业部门',
  inspector: '纪检/审计',
};

/** Who is acting. `system` is the CLI run by an operator on the server itself. */
export interface Actor {
  id: string | null;
  username: string;
  displayName: string;
  role: Role | 'system';
  /** 12-digit region code of the user's scope; the system actor has the whole country. */
  regionCode: string;
}

/** Carried into every service call: the user, the database, the request id. */
export interface Ctx {
  db: Db;
  actor: Actor;
  requestId: string;
}

export const SYSTEM_ACTOR: Actor = {
  id: null,
  username: 'system',
  displayName: '系统（命令行）',
  role: 'system',
  regionCode: '000000000000',
};

export function systemCtx(db: Db, requestId = 'cli-' + crypto.randomUUID()): Ctx {
  return { db, actor: SYSTEM_ACTOR, requestId };
}
