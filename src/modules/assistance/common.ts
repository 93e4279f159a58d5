import type { Actor, Ctx } from '../../core/context.js';
import type { Queryable } from '../../core/db.js';
import { ConflictError, NotFoundError, ValidationError } from '../../core/errors.js';
import { newId } from '../../core/ids.js';
import { normalizeDate } from '../../domain/policy/index.js';
import { actorCovers } from '../access/scope.js';
import { todayCn } from '../../domain/dates.js';

/**
 * Shared by the assistance services: the household scope check (a helper sees only the
 * households paired with them; everyone else the households of their region subtree), the
 * change-event writer, and small row helpers.
 */

export type DbRow = Record<string, unknown>;

export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const iso = (v: unknown): string | null => (v instanceof Date ? v.toISOString() : v == null ? null : String(v));

/** Today as YYYY-MM-DD (UTC+8, the working day in Lanzhou). */
export function today(): string {
  return todayCn();
}

export interface HouseholdRef {
  id: string;
  countyCode: string;
  villageCode: string;
  householdNumber: string;
  povertyStatus: string;
}

/**
 * The cadre ids a helper acts as (cadres.user_id = the helper's user id). Empty for others.
 */
export async function actorCadreIds(tx: Queryable, actor: Actor): Promise<string[]> {
  if (actor.role !== 'helper' || !actor.id) return [];
  const rows = await tx.query<{ id: string }>('SELECT id FROM cadres WHERE user_id = $1', [actor.id]);
  return rows.map((r) => r.id);
}

/** A helper's household: an active pairing (to_date empty or not yet past) with the helper's cadre. */
async function helperPaired(tx: Queryable, actor: Actor, h: HouseholdRef): Promise<boolean> {
  if (!actor.id) return false;
  const rows = await tx.query(
    `SELECT 1 FROM pairings p JOIN cadres c ON c.id = p.cadre_id
      WHERE p.county_code = $1 AND p.household_id = $2 AND c.user_id = $3
        AND p.from_date <= $4 AND (p.to_date IS NULL OR p.to_date >= $4) LIMIT 1`,
    [h.countyCode, h.id, actor.id, today()],
  );
  return rows.length > 0;
}

/** May this actor reach this household (by region, or for a helper by pairing)? */
export async function coversHousehold(tx: Queryable, actor: Actor, h: HouseholdRef): Promise<boolean> {
  if (actor.role === 'helper') return helperPaired(tx, actor, h);
  return actorCovers(actor, h.villageCode);
}

/**
 * Loads the household (the registry's row: id, county, village, number, status) if the actor may
 * reach it, else NotFound — the same answer for "no such household" and "not yours".
 */
export async function scopedHousehold(ctx: Ctx, tx: Queryable, id: string): Promise<HouseholdRef> {
  if (!UUID.test(id)) throw new NotFoundError();
  const rows = await tx.query<DbRow>('SELECT id, county_code, village_code, household_number, poverty_status FROM households WHERE id = $1', [id]);
  const r = rows[0];
  if (!r) throw new NotFoundError();
  const h: HouseholdRef = {
    id: r.id as string,
    countyCode: r.county_code as string,
    villageCode: r.village_code as string,
    householdNumber: r.household_number as string,
    povertyStatus: r.poverty_status as string,
  };
  if (!(await coversHousehold(tx, ctx.actor, h))) throw new NotFoundError();
  return h;
}

/** Refuses writes to a removed (已剔除) household. */
export function assertWritable(h: HouseholdRef): void {
  if (h.povertyStatus === '已剔除') throw new ConflictError('该户已剔除，不能再修改帮扶信息', undefined, 'HOUSEHOLD_REMOVED');
}

export function assertVersion(row: DbRow, version: number | undefined): void {
  if (version === undefined || version === null) {
    throw new ValidationError('缺少版本号（version），无法防止并发覆盖', { errors: [{ field: 'version', value: '', code: 'REQUIRED', message: '必填' }] });
  }
  if (row.version !== version) {
    throw new ConflictError('该记录已被他人修改，请刷新后重试', { currentVersion: row.version, yourVersion: version }, 'STALE_VERSION');
  }
}

export function invalid(field: string, value: unknown, code: string, message: string): never {
  throw new ValidationError(message, { errors: [{ field, value: value == null ? '' : String(value), code, message }] });
}

/** A date field: YYYY-MM-DD (or YYYYMMDD), else 400 naming the field. */
export function dateField(field: string, raw: string): string {
  const d = normalizeDate(raw);
  if (d === null) invalid(field, raw, 'DATE', `「${field}」不是有效日期（应为 YYYY-MM-DD）`);
  return d;
}

export interface AssistanceEvent {
  countyCode: string;
  householdId?: string | null;
  villageCode?: string | null;
  entity: 'pairing' | 'team' | 'plan' | 'measure' | 'benefit' | 'income' | 'lianbuchou';
  entityId: string;
  planId?: string | null;
  action: string;
  before?: unknown;
  after?: unknown;
  reason?: string | null;
}

/** A change event, in the same transaction as the change. */
export async function recordAssistanceEvent(tx: Queryable, ctx: Ctx, e: AssistanceEvent): Promise<void> {
  await tx.execute(
    `INSERT INTO assistance_events (county_code, id, household_id, village_code, entity, entity_id, plan_id, action, before, after, user_id, username, reason, request_id)
     VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14)`,
    [e.countyCode, newId(), e.householdId ?? null, e.villageCode ?? null, e.entity, e.entityId, e.planId ?? null, e.action,
      e.before === undefined ? null : JSON.stringify(e.before), e.after === undefined ? null : JSON.stringify(e.after),
      ctx.actor.id, ctx.actor.username, e.reason ?? null, ctx.requestId],
  );
}

export interface EventView {
  id: string;
  at: string;
  username: string | null;
  entity: string;
  entityId: string;
  planId: string | null;
  action: string;
  before: unknown;
  after: unknown;
  reason: string | null;
}

export function eventView(r: DbRow): EventView {
  return {
    id: r.id as string, at: iso(r.at) as string, username: (r.username as string) ?? null, entity: r.entity as string,
    entityId: r.entity_id as string, planId: (r.plan_id as string) ?? null, action: r.action as string,
    before: r.before ?? null, after: r.after ?? null, reason: (r.reason as string) ?? null,
  };
}

/** Only the fields that changed, for an event's before/after; null when nothing changed. */
export function changed(before: Record<string, unknown>, after: Record<string, unknown>): { before: Record<string, unknown>; after: Record<string, unknown> } | null {
  const b: Record<string, unknown> = {};
  const a: Record<string, unknown> = {};
  for (const k of Object.keys(after)) {
    if (after[k] === undefined) continue;
    if (JSON.stringify(before[k] ?? null) !== JSON.stringify(after[k] ?? null)) {
      b[k] = before[k] ?? null;
      a[k] = after[k] ?? null;
    }
  }
  return Object.keys(a).length ? { before: b, after: a } : null;
}

/** The active members of a household (id, name), for checking a member id and labelling. */
export async function householdMembers(tx: Queryable, h: HouseholdRef): Promise<{ id: string; name: string; leftAt: unknown }[]> {
  const rows = await tx.query<DbRow>('SELECT id, name, left_at FROM members WHERE county_code = $1 AND household_id = $2', [h.countyCode, h.id]);
  return rows.map((r) => ({ id: r.id as string, name: r.name as string, leftAt: r.left_at }));
}

export async function assertMemberOf(tx: Queryable, h: HouseholdRef, memberId: string | null | undefined, field = 'memberId'): Promise<void> {
  if (memberId === null || memberId === undefined) return;
  if (!UUID.test(memberId)) invalid(field, memberId, 'NOT_A_MEMBER', '成员不属于本户');
  const rows = await tx.query('SELECT 1 FROM members WHERE county_code = $1 AND household_id = $2 AND id = $3', [h.countyCode, h.id, memberId]);
  if (!rows.length) invalid(field, memberId, 'NOT_A_MEMBER', '成员不属于本户');
}
