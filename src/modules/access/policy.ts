import { ForbiddenError } from '../../core/errors.js';
import type { Actor, Role } from '../../core/context.js';

/**
 * What each role may do. Declared once; services call `can`/`assertCan` before anything else.
 * Scope (which regions) is checked separately, see scope.ts.
 */
export const PERMISSIONS = {
  'registry.read': ['city', 'county', 'township', 'village', 'helper', 'inspector'],
  'registry.write': ['city', 'county', 'township', 'village'],
  'registry.remove': ['city', 'county'],
  'registry.import': ['city', 'county', 'township', 'village'],
  'registry.export': ['city', 'county', 'township', 'village', 'inspector'],
  /** Unmasked ID numbers, phones and bank accounts; every such read is audited. */
  'pii.unmask': ['city', 'county', 'township', 'village', 'inspector'],
  'regions.read': ['city', 'county', 'township', 'village', 'helper', 'department', 'inspector'],
  'regions.write': ['city'],
  'users.manage': ['city', 'county'],
  'audit.read': ['city', 'inspector'],
  /** 帮扶: plans, measures, benefits, 两不愁三保障 of households in scope (a helper: paired households only). */
  'assistance.read': ['city', 'county', 'township', 'village', 'helper', 'inspector'],
  'assistance.write': ['city', 'county', 'township', 'village', 'helper'],
  /** Approve a household's plan (一户一策 review). */
  'assistance.approve': ['city', 'county', 'township'],
  'assistance.export': ['city', 'county', 'township', 'village', 'inspector'],
  /** Cadres, pairing, village work teams (a helper reads their own record). */
  'cadres.read': ['city', 'county', 'township', 'village', 'helper', 'inspector'],
  'cadres.write': ['city', 'county', 'township', 'village'],
  /** The measure catalog and the policy calculators (reference data, no personal data). */
  'policy.read': ['city', 'county', 'township', 'village', 'helper', 'inspector'],
  /** 数据比对: upload a department dataset and run the comparison (within the uploader's scope). */
  'comparison.upload': ['city', 'county', 'department'],
  /** Findings and datasets; a department user sees only the datasets it uploaded, no findings. */
  'comparison.read': ['city', 'county', 'township', 'village', 'inspector'],
  'comparison.datasets': ['city', 'county', 'department', 'inspector'],
  /** Confirm or dismiss a finding (routed to the household's village and township). */
  'comparison.verify': ['county', 'township', 'village'],
  /**
   * Confirm or dismiss a finding about someone whose ID number is not from a Lanzhou county
   * (county 000000: only DIBAO_NOT_REGISTERED makes one), which is routed to the city office: no
   * county's cadre sees it. Confirming names the Lanzhou village where the person lives.
   */
  'comparison.verify-outside': ['city'],
  /** Change rule parameters (a new effective-dated row). */
  'comparison.rules': ['city'],
  /** 动态管理: cycles, proposals, notices of households in scope. */
  'review.read': ['city', 'county', 'township', 'village', 'helper', 'inspector'],
  /** Open and close the quarterly cycle (the city office). */
  'review.cycles': ['city'],
  /** Make a proposal (申报) for a household in scope. */
  'review.propose': ['county', 'township', 'village'],
  /** Sign a step; each step further names the role that signs it (domain/review/workflows.ts). */
  'review.sign': ['county', 'township', 'village', 'helper'],
  /** Standards by year (poverty line, monitoring line, thresholds): read by all staff, set by the city office. */
  'standards.read': ['city', 'county', 'township', 'village', 'helper', 'department', 'inspector'],
  'standards.write': ['city'],
  /** Exit checks (households, villages, counties) and village exit conditions. */
  'exit.check': ['city', 'county', 'township', 'village', 'inspector'],
  'exit.conditions': ['city', 'county', 'township', 'village'],
  /** 防返贫监测: warnings, clues, monitored households, 回头看 tasks. */
  'monitoring.read': ['city', 'county', 'township', 'village', 'helper', 'inspector'],
  'monitoring.write': ['city', 'county', 'township', 'village', 'helper'],
  /** Department warnings (a clue about a person by ID number). */
  'monitoring.department': ['city', 'county', 'department'],
  'monitoring.scan': ['city', 'county'],
  /** Sample and assign 回头看 inspections. */
  'monitoring.inspect': ['city', 'county', 'township'],
  /** 目标: read the targets, entered values and indicators of the scope. */
  'targets.read': ['city', 'county', 'township', 'village', 'department', 'inspector'],
  /** Enter and submit a value for a reported target at its entry level (in scope). */
  'targets.enter': ['city', 'county', 'township', 'village', 'department'],
  /** Approve or un-approve entered values: the county office, then the city office. */
  'targets.approve': ['city', 'county'],
  /** Recompute the pre-aggregated indicators. */
  'indicators.refresh': ['city'],
  /** 调度 (五(一)): working groups, task lists and dispatch meetings of the scope. */
  'dispatch.read': ['city', 'county', 'township', 'village', 'inspector'],
  /** Record a dispatch meeting of one's own office, add and close tasks in scope. */
  'dispatch.write': ['city', 'county', 'township', 'village'],
} as const satisfies Record<string, readonly Role[]>;

export type Permission = keyof typeof PERMISSIONS;

export function can(actor: Actor, perm: Permission): boolean {
  if (actor.role === 'system') return true;
  return (PERMISSIONS[perm] as readonly string[]).includes(actor.role);
}

export function assertCan(actor: Actor, perm: Permission): void {
  if (!can(actor, perm)) throw new ForbiddenError('当前角色无权执行此操作', { permission: perm, role: actor.role });
}

/** Roles whose scope may hold other users (for `users add`): a user can only create within it. */
export const ROLE_MIN_LEVEL: Record<Role, 'city' | 'county' | 'township' | 'village'> = {
  city: 'city',
  county: 'county',
  township: 'township',
  village: 'village',
  helper: 'village',
  department: 'city',
  inspector: 'city',
};
