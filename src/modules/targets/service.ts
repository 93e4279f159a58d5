import type { Ctx } from '../../core/context.js';
import type { Queryable } from '../../core/db.js';
import { PLAN_TARGETS, SEED_SOURCE, type PlanTarget } from '../../domain/targets/catalog.js';
import { status, type RagStatus } from '../../domain/targets/rag.js';
import { assertCan } from '../access/policy.js';
import { actorCovers, subtreeRange } from '../access/scope.js';
import { approvedReached } from './entries.js';

/**
 * `tuopin report targets`: every quantified target of the seed with its planned value as the
 * seed states it, and what the data shows. A target is "reached" from the registry where the
 * registry holds the fact; a reported target is reached by its city-approved entered values
 * (entries.ts); targets whose data lives in capabilities not built yet (village and county exit
 * decisions, plans, benefits, dispatch), or reported ones with no approved value yet, have
 * `reached: null`, with `reachedBy` saying where the figure will come from.
 */

/** A catalogue target as reported: its own fields, and what the data shows. */
export type TargetRow = Pick<PlanTarget, 'id' | 'clause' | 'text' | 'indicator' | 'unit' | 'region' | 'year' | 'planned' | 'comparison'> & {
  period: string | null;
  reached: number | null;
  status: RagStatus;
  reachedBy: string;
};

type Computation = (q: Queryable, t: PlanTarget) => Promise<number | null>;

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

/** The targets the registry can answer today, by target id. */
const COMPUTATIONS: Record<string, Computation> = {
  'T-1-2-exit-people-2018': exitedPeopleIn(2018),
  'T-1-2-exit-people-2019': exitedPeopleIn(2019),
  'T-1-2-exit-people-2020': exitedPeopleIn(2020),
  'T-1-2-all-people-exit-2020': memberShare(`h.poverty_status = '已脱贫'`),
  'T-1-2-housing-safety-2020': householdShare('h.dangerous_house = false'),
  'T-1-2-water-safety-2020': householdShare('h.safe_water = true'),
  'T-1-2-critical-illness-coverage-2020': memberShare('m.serious_illness_insurance = true'),
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
    const reached = compute ? await compute(ctx.db, t) : entered?.reached ?? null;
    targets.push({
      id: t.id, clause: t.clause, text: t.text, indicator: t.indicator, unit: t.unit, region: t.region, year: t.year,
      period: t.period ?? null, planned: t.planned, comparison: t.comparison, reached,
      status: status(t, reached, asOf),
      reachedBy: compute ? `registry: ${t.reach.kind === 'computed' ? t.reach.source : ''}` : t.reach.kind === 'computed'
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
