import type { Ctx } from '../../core/context.js';
import type { Queryable } from '../../core/db.js';
import { audit } from '../../core/audit.js';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../../core/errors.js';
import { newId } from '../../core/ids.js';
import { PLAN_TARGETS, targetById, type PlanTarget } from '../../domain/targets/catalog.js';
import {
  aggregateReported, entryLevelOf, entryRegionProblem, entryYears, meetsPlan, transition, valueProblem,
  type ApproverLevel, type EntryStatus,
} from '../../domain/targets/entry.js';
import { assertCan } from '../access/policy.js';
import { actorCovers, scopeSql, significantPrefix, subtreeRange } from '../access/scope.js';

/**
 * 目标填报: values for the targets the system cannot compute, entered per target × region × year
 * at the target's entry level and approved county → city (domain/targets/entry.ts has the rules).
 * Every write and every approval step is audited in the same transaction; an approved value is
 * locked until its approver un-approves it with a reason.
 */

export interface ReportedTarget {
  id: string;
  clause: string;
  text: string;
  indicator: string;
  unit: string;
  region: string;
  year: number | null;
  period: string | null;
  planned: number;
  comparison: PlanTarget['comparison'];
  per: string | null;
  entryLevel: string;
  department: string;
  years: number[];
}

export interface TargetEntry {
  id: string;
  targetId: string;
  indicator: string;
  clause: string;
  unit: string;
  planned: number;
  regionCode: string;
  regionName: string | null;
  year: number;
  value: number;
  meetsPlan: boolean;
  note: string | null;
  status: EntryStatus;
  returnReason: string | null;
  enteredBy: string;
  submittedBy: string | null;
  submittedAt: string | null;
  countyApprovedBy: string | null;
  countyApprovedAt: string | null;
  cityApprovedBy: string | null;
  cityApprovedAt: string | null;
  version: number;
  updatedAt: string;
}

/** The targets entered by hand, with the level that enters each and the years it may be entered for. */
export function reportedTargets(ctx: Ctx): ReportedTarget[] {
  assertCan(ctx.actor, 'targets.read');
  return PLAN_TARGETS.filter((t) => t.reach.kind === 'reported').map((t) => ({
    id: t.id, clause: t.clause, text: t.text, indicator: t.indicator, unit: t.unit, region: t.region, year: t.year,
    period: t.period ?? null, planned: t.planned, comparison: t.comparison, per: t.per ?? null,
    entryLevel: t.reach.kind === 'reported' ? t.reach.entryLevel : 'city',
    department: t.reach.kind === 'reported' ? t.reach.department : '', years: entryYears(t),
  }));
}

interface Row {
  id: string; target_id: string; region_code: string; region_name: string | null; year: number; value: number | string; note: string | null;
  status: EntryStatus; return_reason: string | null; entered_by: string; submitted_by: string | null; submitted_at: Date | string | null;
  county_approved_by: string | null; county_approved_at: Date | string | null; city_approved_by: string | null;
  city_approved_at: Date | string | null; version: number; updated_at: Date | string;
}

const iso = (v: Date | string | null) => (v === null ? null : new Date(v).toISOString());

function toEntry(r: Row): TargetEntry {
  const t = targetById(r.target_id);
  const value = Number(r.value);
  return {
    id: r.id, targetId: r.target_id, indicator: t?.indicator ?? r.target_id, clause: t?.clause ?? '', unit: t?.unit ?? '',
    planned: t?.planned ?? 0, regionCode: r.region_code, regionName: r.region_name, year: r.year, value,
    meetsPlan: t ? meetsPlan(t, value) : false, note: r.note, status: r.status, returnReason: r.return_reason,
    enteredBy: r.entered_by, submittedBy: r.submitted_by, submittedAt: iso(r.submitted_at),
    countyApprovedBy: r.county_approved_by, countyApprovedAt: iso(r.county_approved_at),
    cityApprovedBy: r.city_approved_by, cityApprovedAt: iso(r.city_approved_at), version: r.version, updatedAt: iso(r.updated_at)!,
  };
}

const SELECT = `SELECT v.*, r.name AS region_name FROM target_values v LEFT JOIN regions r ON r.code = v.region_code`;

export interface EntryFilter {
  targetId?: string;
  region?: string;
  year?: number;
  status?: EntryStatus;
  /** Only values that miss the plan (e.g. villages under 5万元). */
  belowPlan?: boolean;
}

export async function listEntries(ctx: Ctx, f: EntryFilter = {}): Promise<TargetEntry[]> {
  assertCan(ctx.actor, 'targets.read');
  const params: unknown[] = [];
  const where = [scopeSql(ctx.actor, 'v.region_code', params)];
  if (f.targetId) { params.push(f.targetId); where.push(`v.target_id = $${params.length}`); }
  if (f.region) {
    if (!actorCovers(ctx.actor, f.region)) throw new NotFoundError('区划不存在或不在本人辖区内');
    const { lo, hi } = subtreeRange(f.region);
    params.push(lo, hi);
    where.push(`v.region_code BETWEEN $${params.length - 1} AND $${params.length}`);
  }
  if (f.year !== undefined) { params.push(f.year); where.push(`v.year = $${params.length}`); }
  if (f.status) { params.push(f.status); where.push(`v.status = $${params.length}`); }
  const rows = await ctx.db.query<Row>(`${SELECT} WHERE ${where.join(' AND ')} ORDER BY v.target_id, v.year, v.region_code LIMIT 5000`, params);
  const out = rows.map(toEntry);
  return f.belowPlan ? out.filter((e) => !e.meetsPlan) : out;
}

export interface SaveInput {
  targetId: string;
  regionCode: string;
  year: number;
  value: number;
  note?: string | null;
  /** Required to change an existing draft; omitted to create. */
  version?: number;
}

function bad(field: string, value: unknown, reason: string): never {
  throw new ValidationError(`${field}「${String(value)}」：${reason}`, { field, value, reason });
}

/** Enter or correct a value (a new one or a draft; approved values are locked). */
export async function saveEntry(ctx: Ctx, input: SaveInput): Promise<TargetEntry> {
  assertCan(ctx.actor, 'targets.enter');
  const t = targetById(input.targetId);
  if (!t) bad('targetId', input.targetId, '目标不存在');
  const regionProblem = entryRegionProblem(t, input.regionCode);
  if (regionProblem) bad('regionCode', input.regionCode, regionProblem);
  if (!actorCovers(ctx.actor, input.regionCode)) throw new NotFoundError('区划不存在或不在本人辖区内');
  const years = entryYears(t);
  if (!years.includes(input.year)) bad('year', input.year, `该目标可填报的年度为 ${years.join('、')}`);
  const vp = valueProblem(t, input.value);
  if (vp) bad('value', input.value, vp);
  const note = input.note?.trim() || null;
  return ctx.db.transaction(async (tx) => {
    const region = await tx.query<{ code: string }>(
      'SELECT code FROM regions WHERE code = $1 AND (effective_to IS NULL OR effective_to > CURRENT_DATE)', [input.regionCode]);
    if (!region[0]) bad('regionCode', input.regionCode, '区划不存在');
    const existing = await tx.query<Row>(`${SELECT} WHERE v.target_id = $1 AND v.region_code = $2 AND v.year = $3 FOR UPDATE OF v`,
      [t.id, input.regionCode, input.year]);
    const cur = existing[0];
    let id: string;
    if (!cur) {
      id = newId();
      await tx.execute(
        `INSERT INTO target_values (id, target_id, region_code, year, value, note, status, entered_by) VALUES ($1, $2, $3, $4, $5, $6, 'draft', $7)`,
        [id, t.id, input.regionCode, input.year, input.value, note, ctx.actor.username]);
    } else {
      id = cur.id;
      if (cur.status !== 'draft') throw new ConflictError(`该数值状态为「${statusLabel(cur.status)}」，已锁定，需审批人退回后才能修改`, { status: cur.status }, 'LOCKED');
      if (input.version !== cur.version) throw new ConflictError('该数值已被他人更新，请刷新后重试', { version: cur.version }, 'STALE_VERSION');
      await tx.execute(
        `UPDATE target_values SET value = $2, note = $3, entered_by = $4, version = version + 1, updated_at = now() WHERE id = $1`,
        [id, input.value, note, ctx.actor.username]);
    }
    await audit(tx, ctx.actor, ctx.requestId, {
      action: 'targets.value_save', targetType: 'target_value', targetId: id, countyCode: countyOf(input.regionCode),
      details: { targetId: t.id, region: input.regionCode, year: input.year, value: input.value, before: cur ? Number(cur.value) : null },
    });
    return fetchEntry(tx, id);
  });
}

export interface ActInput {
  action: 'submit' | 'approve' | 'unapprove';
  version: number;
  reason?: string;
}

/** Submit, approve or un-approve one value. */
export async function actOnEntry(ctx: Ctx, id: string, input: ActInput): Promise<TargetEntry> {
  assertCan(ctx.actor, input.action === 'submit' ? 'targets.enter' : 'targets.approve');
  const reason = input.reason?.trim() ?? '';
  if (input.action === 'unapprove' && reason.length < 2) bad('reason', input.reason ?? '', '退回须填写原因');
  if (!/^[0-9a-f-]{36}$/i.test(id)) throw new NotFoundError();
  return ctx.db.transaction(async (tx) => {
    const params: unknown[] = [id];
    const rows = await tx.query<Row>(`${SELECT} WHERE v.id = $1 AND ${scopeSql(ctx.actor, 'v.region_code', params)} FOR UPDATE OF v`, params);
    const cur = rows[0];
    if (!cur) throw new NotFoundError();
    if (input.version !== cur.version) throw new ConflictError('该数值已被他人更新，请刷新后重试', { version: cur.version }, 'STALE_VERSION');
    const level = entryLevelOf(cur.region_code) ?? 'city';
    const by = approverLevel(ctx, input.action, cur.status, level);
    const next = transition(cur.status, input.action, by, level);
    if ('refused' in next) {
      // Refused for who is acting (another level could do it): 403; refused for the state: 409.
      const other = (['county', 'city'] as const).filter((l) => l !== by);
      if (by !== 'entry' && other.some((l) => !('refused' in transition(cur.status, input.action, l, level)))) {
        throw new ForbiddenError(next.refused, { status: cur.status });
      }
      throw new ConflictError(next.refused, { status: cur.status }, 'INVALID_TRANSITION');
    }
    const who = ctx.actor.username;
    const sets: string[] = ['status = $2', 'version = version + 1', 'updated_at = now()'];
    const p: unknown[] = [id, next.to];
    if (input.action === 'submit') {
      p.push(who);
      sets.push(`submitted_by = $${p.length}`, 'submitted_at = now()', 'return_reason = NULL');
    } else if (input.action === 'approve') {
      p.push(who);
      sets.push(next.to === 'approved' ? `city_approved_by = $${p.length}, city_approved_at = now()` : `county_approved_by = $${p.length}, county_approved_at = now()`);
    } else {
      p.push(reason);
      sets.push(`return_reason = $${p.length}`);
      if (next.to !== 'approved') sets.push('city_approved_by = NULL', 'city_approved_at = NULL');
      if (next.to === 'draft') sets.push('county_approved_by = NULL', 'county_approved_at = NULL', 'submitted_by = NULL', 'submitted_at = NULL');
    }
    await tx.execute(`UPDATE target_values SET ${sets.join(', ')} WHERE id = $1`, p);
    await audit(tx, ctx.actor, ctx.requestId, {
      action: `targets.value_${input.action}`, targetType: 'target_value', targetId: id, countyCode: countyOf(cur.region_code),
      details: { targetId: cur.target_id, region: cur.region_code, year: cur.year, value: Number(cur.value), from: cur.status, to: next.to, reason: reason || null },
    });
    return fetchEntry(tx, id);
  });
}

function approverLevel(ctx: Ctx, action: ActInput['action'], status: EntryStatus, level: string): ApproverLevel | 'entry' {
  if (action === 'submit') return 'entry';
  const role = ctx.actor.role;
  if (role === 'county') return 'county';
  if (role === 'city') return 'city';
  // The system actor (CLI on the server) acts as the level the value waits for.
  return status === 'submitted' && level !== 'city' ? 'county' : 'city';
}

async function fetchEntry(q: Queryable, id: string): Promise<TargetEntry> {
  const rows = await q.query<Row>(`${SELECT} WHERE v.id = $1`, [id]);
  return toEntry(rows[0]!);
}

function countyOf(region: string): string | null {
  return entryLevelOf(region) === 'city' ? null : region.slice(0, 6);
}

function statusLabel(s: EntryStatus): string {
  return { draft: '填报中', submitted: '已上报', county_approved: '县级已审核', approved: '市级已批准' }[s];
}

/**
 * What the approved (city-approved) values reach for each reported target at its own region,
 * for reportTargets: `{ reached, entries }` by target id. Years: the given one, or for each
 * target the latest year with an approved value.
 */
export async function approvedReached(q: Queryable, targets: readonly PlanTarget[], year?: number): Promise<Map<string, { reached: number; entries: number; year: number }>> {
  const ids = targets.filter((t) => t.reach.kind === 'reported').map((t) => t.id);
  const out = new Map<string, { reached: number; entries: number; year: number }>();
  if (!ids.length) return out;
  const rows = await q.query<{ target_id: string; region_code: string; year: number; value: number | string }>(
    `SELECT target_id, region_code, year, value FROM target_values WHERE status = 'approved' AND target_id = ANY($1::text[])
       ${year === undefined ? '' : 'AND year = $2'} ORDER BY target_id, year`, year === undefined ? [ids] : [ids, year]);
  const byTarget = new Map<string, typeof rows>();
  for (const r of rows) byTarget.set(r.target_id, [...(byTarget.get(r.target_id) ?? []), r]);
  for (const t of targets) {
    const list = byTarget.get(t.id);
    if (!list) continue;
    const latest = Math.max(...list.map((r) => r.year));
    const prefix = significantPrefix(t.region);
    const values = list.filter((r) => r.year === latest && r.region_code.startsWith(prefix)).map((r) => ({ region: r.region_code, value: Number(r.value) }));
    const reached = aggregateReported(t, values);
    if (reached !== null) out.set(t.id, { reached, entries: values.length, year: latest });
  }
  return out;
}
