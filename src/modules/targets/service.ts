import type { Ctx } from '../../core/context.js';
import type { Queryable } from '../../core/db.js';
import { PLAN_TARGETS, SEED_SOURCE, type EntryLevel, type PlanTarget } from '../../domain/targets/catalog.js';
import { CADENCE_LABELS } from '../../domain/targets/dispatch.js';
import { status, targetWindow, type RagStatus } from '../../domain/targets/rag.js';
import { assertCan } from '../access/policy.js';
import { actorCovers, subtreeRange } from '../access/scope.js';
import { dispatchCompliance } from './dispatch-cadence.js';
import { approvedReached } from './entries.js';

/**
 * `tuopin report targets`: every quantified target of the seed with its planned value as the
 * seed states it, and what the data shows. A target is "reached" from the registry where the
 * registry holds the fact, from the dispatch records for 五(一)'s cadence (T-5-1-*); a reported
 * target is reached by its city-approved entered values (entries.ts); targets whose data lives
 * in capabilities not built yet (village and county exit decisions, plans, benefits), or
 * reported ones with no approved value yet, have `reached: null`, with `reachedBy` saying where
 * the figure will come from. `detail` says how a computed figure was counted when one number
 * does not tell it (the dispatch targets: periods owed, held, on time, missing).
 */

/** A catalogue target as reported: its own fields, and what the data shows. */
export type TargetRow = Pick<PlanTarget, 'id' | 'clause' | 'text' | 'indicator' | 'unit' | 'region' | 'year' | 'planned' | 'comparison'> & {
  period: string | null;
  reached: number | null;
  status: RagStatus;
  reachedBy: string;
  detail: string | null;
};

/** What a computation sees of the report: the year asked for (if any) and the report's time. */
interface ReportWindow { year?: number; asOf: Date }
type Computed = number | null | { reached: number | null; detail: string };
type Computation = (q: Queryable, t: PlanTarget, w: ReportWindow) => Promise<Computed>;

/** Rows of households in a region subtree, removed households excluded. */
function scope(region: string): { sql: string; params: unknown[] } {
  const { lo, hi } = subtreeRange(region);
  return { sql: `h.village_code BETWEEN $1 AND $2 AND h.poverty_status <> '已剔除'`, params: [lo, hi] };
}

const MEMBERS = `FROM households h JOIN members m ON m.county_code = h.county_code AND m.household_id = h.id AND m.left_at IS NULL`;

const pct = (num: number, den: number) => (den > 0 ? Math.round((num / den) * 10000) / 100 : null);

const exitedPeopleIn = (year: number): Computation => async (q, t) => {
  const s = scope(t.region);
  const r = await q.query<{ n: number }>(
    `SELECT count(*)::int AS n ${MEMBERS} WHERE ${s.sql} AND h.poverty_status = '已脱贫' AND h.exit_year = $3`, [...s.params, year]);
  return r[0]?.n ?? 0;
};

const householdShare = (cond: string): Computation => async (q, t) => {
  const s = scope(t.region);
  const r = await q.query<{ yes: number; n: number }>(
    `SELECT count(*) FILTER (WHERE ${cond})::int AS yes, count(*)::int AS n FROM households h WHERE ${s.sql}`, s.params);
  return pct(r[0]?.yes ?? 0, r[0]?.n ?? 0);
};

const memberShare = (cond: string): Computation => async (q, t) => {
  const s = scope(t.region);
  const r = await q.query<{ yes: number; n: number }>(
    `SELECT count(*) FILTER (WHERE ${cond})::int AS yes, count(*)::int AS n ${MEMBERS} WHERE ${s.sql}`, s.params);
  return pct(r[0]?.yes ?? 0, r[0]?.n ?? 0);
};

const DAY_MS = 86_400_000;
const isoDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const LEVEL_LABELS: Record<EntryLevel, string> = { city: '市级', county: '县级', township: '乡镇', village: '村' };

/**
 * 五(一) 一月/一周/一天一调度: every current region of the levels inside the target's region owes one
 * meeting per period. Counted over the target's window (or the year asked for inside it), closed
 * periods only (up to the report's day). `reached` is the catalogue's per-unit figure: the
 * weakest region's meetings in its weakest period — 1 when every region held every period, else 0
 * (one record per region and period is kept). `detail` gives the counts and the on-time share.
 */
const dispatchCadence = (levels: EntryLevel[]): Computation => async (q, t, w) => {
  const win = targetWindow(t);
  if (win === null) return null;
  let start = win.start;
  let end = win.end - DAY_MS;
  if (w.year !== undefined) {
    start = Math.max(start, Date.UTC(w.year, 0, 1));
    end = Math.min(end, Date.UTC(w.year, 11, 31));
  }
  const today = isoDay(w.asOf.getTime());
  const rows = await dispatchCompliance(q, { root: t.region, from: isoDay(start), to: isoDay(end), today, levels });
  const expected = rows.reduce((a, r) => a + r.expected, 0);
  if (expected === 0) return { reached: null, detail: `${isoDay(start)} 至 ${isoDay(end)} 尚无已结束的调度期，暂不计算` };
  const held = rows.reduce((a, r) => a + r.held, 0);
  const onTime = rows.reduce((a, r) => a + r.onTime, 0);
  const parts = rows.map((r) =>
    `${LEVEL_LABELS[r.level]}${CADENCE_LABELS[r.cadence]}：${r.units} 个区划 × ${r.periods} 期（${r.from} 至 ${r.to ?? '—'}）应调度 ${r.expected} 次，` +
    `已记录 ${r.held} 次（按时 ${r.onTime}，补录 ${r.late}），缺 ${r.missing} 次`);
  const share = Math.round((onTime / expected) * 1000) / 10;
  return { reached: held === expected ? 1 : 0, detail: `${parts.join('；')}；按时率 ${share}%` };
};

/** The targets the data can answer today, by target id. */
const COMPUTATIONS: Record<string, Computation> = {
  'T-1-2-exit-people-2018': exitedPeopleIn(2018),
  'T-1-2-exit-people-2019': exitedPeopleIn(2019),
  'T-1-2-exit-people-2020': exitedPeopleIn(2020),
  'T-1-2-all-people-exit-2020': memberShare(`h.poverty_status = '已脱贫'`),
  'T-1-2-housing-safety-2020': householdShare('h.dangerous_house = false'),
  'T-1-2-water-safety-2020': householdShare('h.safe_water = true'),
  'T-1-2-critical-illness-coverage-2020': memberShare('m.serious_illness_insurance = true'),
  'T-5-1-dispatch-city-monthly': dispatchCadence(['city']),
  'T-5-1-dispatch-county-weekly': dispatchCadence(['county']),
  'T-5-1-dispatch-township-village-daily': dispatchCadence(['township', 'village']),
};

export function computableTargetIds(): string[] {
  return Object.keys(COMPUTATIONS);
}

export async function reportTargets(ctx: Ctx, opts: { year?: number; asOf?: Date } = {}): Promise<{ source: typeof SEED_SOURCE; asOf: string; targets: TargetRow[] }> {
  assertCan(ctx.actor, 'registry.read');
  const asOf = opts.asOf ?? new Date();
  const selected = PLAN_TARGETS.filter((t) => actorCovers(ctx.actor, t.region))
    .filter((t) => opts.year === undefined || t.year === opts.year || (t.period !== undefined && periodCovers(t.period, opts.year)));
  const approved = await approvedReached(ctx.db, selected, opts.year);
  const targets: TargetRow[] = [];
  for (const t of selected) {
    const compute = COMPUTATIONS[t.id];
    const entered = approved.get(t.id);
    const computed = compute ? await compute(ctx.db, t, { year: opts.year, asOf }) : undefined;
    const reached = computed === undefined ? entered?.reached ?? null : computed !== null && typeof computed === 'object' ? computed.reached : computed;
    const detail = computed !== null && typeof computed === 'object' ? computed.detail : null;
    targets.push({
      id: t.id, clause: t.clause, text: t.text, indicator: t.indicator, unit: t.unit, region: t.region, year: t.year,
      period: t.period ?? null, planned: t.planned, comparison: t.comparison, reached,
      status: status(t, reached, asOf), detail,
      reachedBy: compute ? (t.reach.kind === 'computed' ? t.reach.source : '') : t.reach.kind === 'computed'
        ? `待建功能计算：${t.reach.source}`
        : entered ? `填报：${entered.year}年已批准 ${entered.entries} 个区划的数值（${t.reach.entryLevel}级填报，县、市审批）`
          : `由${t.reach.department}按${t.reach.entryLevel}级填报`,
    });
  }
  return { source: SEED_SOURCE, asOf: asOf.toISOString(), targets };
}

function periodCovers(period: string, year: number): boolean {
  const [a, b] = period.split('-').map(Number);
  return a !== undefined && b !== undefined && year >= a && year <= b;
}
