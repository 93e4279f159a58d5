import type { Ctx } from '../../core/context.js';
import type { Queryable } from '../../core/db.js';
import { newId } from '../../core/ids.js';

/** A change event (who, when, before, after) written in the same transaction as the change. */
export interface ChangeEvent {
  countyCode: string;
  householdId: string;
  memberId?: string | null;
  entity: 'household' | 'member' | 'income';
  action: 'create' | 'update' | 'remove' | 'leave';
  before?: unknown;
  after?: unknown;
  source: string;
  reason?: string | null;
}

export async function recordEvent(tx: Queryable, ctx: Ctx, e: ChangeEvent): Promise<void> {
  await tx.execute(
    `INSERT INTO change_events (county_code, id, household_id, member_id, entity, action, before, after, user_id, username, source, reason, request_id)
     VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13)`,
    [e.countyCode, newId(), e.householdId, e.memberId ?? null, e.entity, e.action,
      e.before === undefined ? null : JSON.stringify(e.before), e.after === undefined ? null : JSON.stringify(e.after),
      ctx.actor.id, ctx.actor.username, e.source, e.reason ?? null, ctx.requestId],
  );
}

/** Only the fields that changed, for the event's before/after. */
export function diff(before: Record<string, unknown>, after: Record<string, unknown>): { before: Record<string, unknown>; after: Record<string, unknown> } | null {
  const b: Record<string, unknown> = {};
  const a: Record<string, unknown> = {};
  for (const k of Object.keys(after)) {
    if (JSON.stringify(before[k] ?? null) !== JSON.stringify(after[k] ?? null)) {
      b[k] = before[k] ?? null;
      a[k] = after[k] ?? null;
    }
  }
  return Object.keys(a).length ? { before: b, after: a } : null;
}
