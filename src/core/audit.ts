import crypto from 'node:crypto';
import type { Actor } from './context.js';
import type { Queryable } from './db.js';

/**
 * The audit log: append-only (a trigger refuses UPDATE/DELETE) and hash-chained, so an edited,
 * inserted or deleted row breaks the chain and `tuopin audit verify` says where.
 * Every write and every unmasked read calls `audit()` inside the same transaction as the work.
 */

export interface AuditEntry {
  action: string;
  targetType?: string | null;
  targetId?: string | null;
  countyCode?: string | null;
  details?: Record<string, unknown>;
}

const GENESIS = '0'.repeat(64);

/** JSON with sorted keys, so a jsonb round trip (which reorders keys) hashes the same. */
export function canonicalJson(v: unknown): string {
  if (v === null || typeof v !== 'object') return JSON.stringify(v ?? null);
  if (Array.isArray(v)) return '[' + v.map(canonicalJson).join(',') + ']';
  const o = v as Record<string, unknown>;
  return (
    '{' +
    Object.keys(o)
      .filter((k) => o[k] !== undefined)
      .sort()
      .map((k) => JSON.stringify(k) + ':' + canonicalJson(o[k]))
      .join(',') +
    '}'
  );
}

interface HashInput {
  seq: number;
  at: string;
  userId: string | null;
  username: string | null;
  action: string;
  targetType: string | null;
  targetId: string | null;
  countyCode: string | null;
  requestId: string | null;
  details: unknown;
  prevHash: string;
}

function rowHash(r: HashInput): string {
  const body = canonicalJson({ ...r, details: r.details ?? {} });
  return crypto.createHash('sha256').update(body).digest('hex');
}

export async function audit(tx: Queryable, actor: Actor, requestId: string | null, entry: AuditEntry): Promise<number> {
  // One writer at a time extends the chain (a transaction-scoped lock, released at commit).
  await tx.execute('SELECT pg_advisory_xact_lock(7420001)');
  const last = await tx.query<{ seq: number; hash: string }>('SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1');
  const seq = (last[0]?.seq ?? 0) + 1;
  const prevHash = last[0]?.hash ?? GENESIS;
  const at = new Date().toISOString();
  const input: HashInput = {
    seq,
    at,
    userId: actor.id,
    username: actor.username,
    action: entry.action,
    targetType: entry.targetType ?? null,
    targetId: entry.targetId ?? null,
    countyCode: entry.countyCode ?? null,
    requestId,
    details: entry.details ?? {},
    prevHash,
  };
  const hash = rowHash(input);
  await tx.execute(
    `INSERT INTO audit_log (seq, at, user_id, username, action, target_type, target_id, county_code, request_id, details, prev_hash, hash)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
    [seq, at, input.userId, input.username, input.action, input.targetType, input.targetId, input.countyCode, requestId,
      JSON.stringify(input.details), prevHash, hash],
  );
  return seq;
}

export interface VerifyResult {
  ok: boolean;
  rows: number;
  lastSeq: number;
  problems: { seq: number; code: 'HASH_MISMATCH' | 'CHAIN_BROKEN' | 'SEQ_GAP'; message: string }[];
}

/** Walks the whole chain in seq order, in pages, and reports every break. */
export async function verifyAudit(db: Queryable, pageSize = 5000): Promise<VerifyResult> {
  const problems: VerifyResult['problems'] = [];
  let prevHash = GENESIS;
  let expectSeq = 1;
  let rows = 0;
  let after = 0;
  for (;;) {
    const page = await db.query<{
      seq: number; at: Date | string; user_id: string | null; username: string | null; action: string;
      target_type: string | null; target_id: string | null; county_code: string | null; request_id: string | null;
      details: unknown; prev_hash: string; hash: string;
    }>('SELECT * FROM audit_log WHERE seq > $1 ORDER BY seq LIMIT $2', [after, pageSize]);
    if (page.length === 0) break;
    for (const r of page) {
      rows++;
      if (r.seq !== expectSeq) {
        problems.push({ seq: r.seq, code: 'SEQ_GAP', message: `第 ${expectSeq}–${r.seq - 1} 条审计记录缺失（被删除）` });
      }
      if (r.prev_hash !== prevHash) {
        problems.push({ seq: r.seq, code: 'CHAIN_BROKEN', message: `第 ${r.seq} 条记录的前序哈希与上一条不符` });
      }
      const at = r.at instanceof Date ? r.at.toISOString() : new Date(r.at).toISOString();
      const details = typeof r.details === 'string' ? JSON.parse(r.details) : r.details;
      const h = rowHash({
        seq: r.seq, at, userId: r.user_id, username: r.username, action: r.action, targetType: r.target_type,
        targetId: r.target_id, countyCode: r.county_code, requestId: r.request_id, details, prevHash: r.prev_hash,
      });
      if (h !== r.hash) {
        problems.push({ seq: r.seq, code: 'HASH_MISMATCH', message: `第 ${r.seq} 条记录的内容被修改（哈希不符）` });
      }
      prevHash = r.hash;
      expectSeq = r.seq + 1;
      after = r.seq;
    }
  }
  return { ok: problems.length === 0, rows, lastSeq: after, problems };
}
