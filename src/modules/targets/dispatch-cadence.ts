import { audit } from '../../core/audit.js';
import type { Ctx } from '../../core/context.js';
import type { Queryable } from '../../core/db.js';
import { ConflictError, NotFoundError } from '../../core/errors.js';
import { newId } from '../../core/ids.js';
import type { EntryLevel } from '../../domain/targets/catalog.js';
import {
  closedUntil, compliance, DISPATCH_CADENCE, missingPeriods, parseDay, periodEnd, periodOf, periodsBetween, periodStart, recordedOnTime,
  REPORT_GRACE_DAYS, type Cadence, type Compliance,
} from '../../domain/targets/dispatch.js';
import { entryLevelOf } from '../../domain/targets/entry.js';
import { assertCan } from '../access/policy.js';
import { actorCovers, scopeSql, subtreeRange } from '../access/scope.js';
import { bad, checkDay, checkRegion, countyOf, day, today } from './dispatch.js';

/**
 * 调度记录 (seed 五(一)): 市级党政主要负责人一月一调度，县级一周一调度，乡镇和村一天一调度. A meeting
 * is recorded once per region and cadence period; a record entered after its period's grace day
 * is late (domain/targets/dispatch.ts). The cadence board lists, per region, the closed periods
 * without a meeting and those recorded late; compliance sums it per level, and the T-5-1 targets
 * are computed from it (service.ts).
 */

export interface DispatchReport {
  id: string; regionCode: string; regionName: string | null; level: EntryLevel; heldOn: string; period: string; chair: string; summary: string;
  reportedBy: string; recordedAt: string; onTime: boolean;
}

interface ReportRow { id: string; region_code: string; region_name: string | null; held_on: Date | string; period: string; chair: string; summary: string; reported_by: string; created_at: Date | string }

const toReport = (r: ReportRow): DispatchReport => {
  const level = entryLevelOf(r.region_code)!;
  const heldOn = day(r.held_on)!;
  return {
    id: r.id, regionCode: r.region_code, regionName: r.region_name, level, heldOn, period: r.period, chair: r.chair, summary: r.summary,
    reportedBy: r.reported_by, recordedAt: new Date(r.created_at).toISOString(), onTime: recordedOnTime(DISPATCH_CADENCE[level], heldOn, r.created_at),
  };
};

/** Record a dispatch meeting of an office in the actor's scope, at most one per region and cadence period. */
export async function addReport(ctx: Ctx, input: { regionCode: string; heldOn: string; chair: string; summary: string }): Promise<DispatchReport> {
  assertCan(ctx.actor, 'dispatch.write');
  await checkRegion(ctx, input.regionCode);
  checkDay('heldOn', input.heldOn);
  if (parseDay(input.heldOn) > parseDay(today())) bad('heldOn', input.heldOn, '调度日期不能晚于今天');
  const chair = input.chair.trim();
  const summary = input.summary.trim();
  if (!chair) bad('chair', input.chair, '请填写主持调度的负责人');
  if (summary.length < 2) bad('summary', input.summary, '请填写调度内容');
  const cadence = DISPATCH_CADENCE[entryLevelOf(input.regionCode)!];
  const period = periodOf(cadence, input.heldOn);
  const id = newId();
  return ctx.db.transaction(async (tx) => {
    await tx.execute('SELECT pg_advisory_xact_lock(7420002)');
    const dup = await tx.query('SELECT 1 FROM dispatch_reports WHERE region_code = $1 AND period = $2', [input.regionCode, period]);
    if (dup.length) throw new ConflictError(`该区划 ${period} 的调度已记录`, { field: 'heldOn', value: input.heldOn, period }, 'DUPLICATE');
    await tx.execute(
      'INSERT INTO dispatch_reports (id, region_code, held_on, period, chair, summary, reported_by) VALUES ($1, $2, $3, $4, $5, $6, $7)',
      [id, input.regionCode, input.heldOn, period, chair, summary, ctx.actor.username]);
    await audit(tx, ctx.actor, ctx.requestId, {
      action: 'dispatch.report', targetType: 'dispatch_report', targetId: id, countyCode: countyOf(input.regionCode),
      details: { region: input.regionCode, heldOn: input.heldOn, period, chair },
    });
    const rows = await tx.query<ReportRow>(`${REPORT_SELECT} WHERE d.id = $1`, [id]);
    return toReport(rows[0]!);
  });
}

const REPORT_SELECT = 'SELECT d.*, r.name AS region_name FROM dispatch_reports d LEFT JOIN regions r ON r.code = d.region_code';

/** The meetings recorded in the actor's scope (a region's subtree, a date window), newest first, at most 500. */
export async function listReports(ctx: Ctx, f: { region?: string; from?: string; to?: string } = {}): Promise<DispatchReport[]> {
  assertCan(ctx.actor, 'dispatch.read');
  const params: unknown[] = [];
  const where = [scopeSql(ctx.actor, 'd.region_code', params)];
  if (f.region) {
    if (!actorCovers(ctx.actor, f.region)) throw new NotFoundError('区划不存在或不在本人辖区内');
    const { lo, hi } = subtreeRange(f.region);
    params.push(lo, hi);
    where.push(`d.region_code BETWEEN $${params.length - 1} AND $${params.length}`);
  }
  if (f.from) { checkDay('from', f.from); params.push(f.from); where.push(`d.held_on >= $${params.length}::date`); }
  if (f.to) { checkDay('to', f.to); params.push(f.to); where.push(`d.held_on <= $${params.length}::date`); }
  const rows = await ctx.db.query<ReportRow>(`${REPORT_SELECT} WHERE ${where.join(' AND ')} ORDER BY d.held_on DESC, d.region_code LIMIT 500`, params);
  return rows.map(toReport);
}

export interface CadenceRow {
  regionCode: string; regionName: string | null; level: EntryLevel; cadence: Cadence; held: number; onTime: number; expected: number;
  missing: string[]; late: string[]; lastHeldOn: string | null;
}

function checkWindow(from: string, to: string): void {
  checkDay('from', from);
  checkDay('to', to);
  if (parseDay(to) < parseDay(from)) bad('to', to, '结束日期早于开始日期');
  if (parseDay(to) - parseDay(from) > 366 * 86_400_000) bad('to', to, '时间范围不能超过一年');
}

/**
 * For a region of the actor's scope and the regions one level below it, the periods of
 * [from, to] with a meeting, those without (closed periods only: the one holding today may yet
 * get its meeting) and those recorded late.
 */
export async function cadenceStatus(ctx: Ctx, input: { region?: string; from: string; to: string; today?: string }): Promise<CadenceRow[]> {
  assertCan(ctx.actor, 'dispatch.read');
  checkWindow(input.from, input.to);
  const root = input.region ?? ctx.actor.regionCode;
  if (!actorCovers(ctx.actor, root)) throw new NotFoundError('区划不存在或不在本人辖区内');
  const now = input.today ?? today();
  const { lo, hi } = subtreeRange(root);
  const regions = await ctx.db.query<{ code: string; name: string }>(
    `SELECT code, name FROM regions WHERE (code = $1 OR parent_code = $1) AND code BETWEEN $2 AND $3
        AND (effective_to IS NULL OR effective_to > CURRENT_DATE) ORDER BY code`, [root, lo, hi]);
  const reports = await ctx.db.query<{ region_code: string; held_on: Date | string; created_at: Date | string }>(
    `SELECT region_code, held_on, created_at FROM dispatch_reports WHERE region_code = ANY($1::text[]) AND held_on BETWEEN $2::date AND $3::date`,
    [regions.map((r) => r.code), input.from, input.to]);
  const byRegion = new Map<string, { heldOn: string; recordedAt: Date | string }[]>();
  for (const r of reports) byRegion.set(r.region_code, [...(byRegion.get(r.region_code) ?? []), { heldOn: day(r.held_on)!, recordedAt: r.created_at }]);
  const out: CadenceRow[] = [];
  for (const r of regions) {
    const level = entryLevelOf(r.code);
    if (level === null) continue;
    const cadence = DISPATCH_CADENCE[level];
    const held = (byRegion.get(r.code) ?? []).sort((a, b) => a.heldOn.localeCompare(b.heldOn));
    const missing = missingPeriods(cadence, held.map((h) => h.heldOn), input.from, input.to, now);
    const late = held.filter((h) => !recordedOnTime(cadence, h.heldOn, h.recordedAt)).map((h) => periodOf(cadence, h.heldOn));
    out.push({
      regionCode: r.code, regionName: r.name, level, cadence, held: held.length, onTime: held.length - late.length, expected: held.length + missing.length,
      missing, late, lastHeldOn: held.at(-1)?.heldOn ?? null,
    });
  }
  return out;
}

export interface LevelCompliance extends Compliance {
  level: EntryLevel;
  cadence: Cadence;
  /** The whole periods counted: from the start of the one holding `from` to the end of the last closed one. */
  from: string;
  to: string | null;
}

const LEVELS: EntryLevel[] = ['city', 'county', 'township', 'village'];

/** The last day of a report's period in SQL, per cadence (ISO weeks end on Sunday). */
const PERIOD_END_SQL: Record<Cadence, string> = {
  daily: 'd.held_on',
  weekly: '(d.held_on + (7 - extract(isodow from d.held_on)::int))',
  monthly: "((date_trunc('month', d.held_on::timestamp) + interval '1 month')::date - 1)",
};

/**
 * Cadence compliance per level below (and at) `root` over [from, to]: every current region of
 * the level owes one meeting per closed period; held counts the periods with one, on time those
 * recorded by the grace day. Set-based: one count per level, whatever the number of villages.
 * No access check: callers check (the route through `complianceFor`, the targets report by scope).
 */
export async function dispatchCompliance(q: Queryable, input: { root: string; from: string; to: string; today: string; levels?: EntryLevel[] }): Promise<LevelCompliance[]> {
  const { lo, hi } = subtreeRange(input.root);
  const rootLevel = entryLevelOf(input.root);
  const levels = (input.levels ?? LEVELS).filter((l) => rootLevel === null || LEVELS.indexOf(l) >= LEVELS.indexOf(rootLevel));
  const out: LevelCompliance[] = [];
  for (const level of levels) {
    const cadence = DISPATCH_CADENCE[level];
    const from = periodStart(cadence, input.from);
    const closed = closedUntil(cadence, input.today);
    const to = parseDay(input.to) < parseDay(closed) ? periodEnd(cadence, input.to) : closed;
    const periods = parseDay(to) < parseDay(from) ? 0 : periodsBetween(cadence, from, to).length;
    const units = await q.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM regions WHERE level = $1 AND code BETWEEN $2 AND $3 AND (effective_to IS NULL OR effective_to > CURRENT_DATE)`,
      [level, lo, hi]);
    let held = 0;
    let onTime = 0;
    if (periods > 0) {
      const r = await q.query<{ held: number; on_time: number }>(
        `SELECT count(*)::int AS held,
                count(*) FILTER (WHERE d.created_at < ((${PERIOD_END_SQL[cadence]} + ${1 + REPORT_GRACE_DAYS})::timestamp AT TIME ZONE INTERVAL '+08:00'))::int AS on_time
           FROM dispatch_reports d JOIN regions g ON g.code = d.region_code
          WHERE g.level = $1 AND (g.effective_to IS NULL OR g.effective_to > CURRENT_DATE)
            AND d.region_code BETWEEN $2 AND $3 AND d.held_on BETWEEN $4::date AND $5::date`,
        [level, lo, hi, from, to]);
      held = r[0]?.held ?? 0;
      onTime = r[0]?.on_time ?? 0;
    }
    out.push({ level, cadence, from, to: periods > 0 ? to : null, ...compliance(units[0]?.n ?? 0, periods, held, onTime) });
  }
  return out;
}

/** The cadence board's summary: compliance per level in a region of the actor's scope. */
export async function complianceFor(ctx: Ctx, input: { region?: string; from: string; to: string; today?: string }): Promise<LevelCompliance[]> {
  assertCan(ctx.actor, 'dispatch.read');
  checkWindow(input.from, input.to);
  const root = input.region ?? ctx.actor.regionCode;
  if (!actorCovers(ctx.actor, root)) throw new NotFoundError('区划不存在或不在本人辖区内');
  return dispatchCompliance(ctx.db, { root, from: input.from, to: input.to, today: input.today ?? today() });
}
