import type { Ctx } from '../../core/context.js';
import { NotFoundError, ValidationError } from '../../core/errors.js';
import { normalizeRegionCode, type RegionLevel } from '../../domain/regions.js';
import { assertCan } from '../access/policy.js';
import { actorCovers, scopeSql, significantPrefix, subtreeRange } from '../access/scope.js';

/**
 * Statistics for the dashboard: counts of households and people in a region's subtree by
 * poverty status, category and main cause; poor population and poverty incidence (贫困发生率 =
 * poor people ÷ rural registered population) per child region; identification and exit trends.
 *
 * All counting is set-based SQL over households joined to their current members (members.left_at
 * IS NULL) by (county_code, household_id), restricted to the actor's scope and the region's
 * subtree (contiguous code ranges, see access/scope.ts). Removed households (已剔除) appear in the
 * status breakdown only; every other figure leaves them out.
 */

export const POOR_STATUSES = ['未脱贫', '返贫'] as const;
export const EXITED_STATUS = '已脱贫';
export const REMOVED_STATUS = '已剔除';

export interface Bucket {
  key: string;
  households: number;
  people: number;
}

export interface Overview {
  region: RegionRef;
  households: number;
  people: number;
  poorHouseholds: number;
  poorPeople: number;
  byStatus: Bucket[];
  byCategory: Bucket[];
  byCause: Bucket[];
}

export interface RegionRef {
  code: string;
  name: string;
  level: RegionLevel;
}

export interface RegionStats extends RegionRef {
  poorVillage: boolean;
  /** Whether this region has regions below it (the dashboard can drill into it). */
  hasChildren: boolean;
  households: number;
  people: number;
  poorHouseholds: number;
  poorPeople: number;
  exitedHouseholds: number;
  exitedPeople: number;
  /** Rural registered population of the year; null when unknown (never estimated). */
  ruralPopulation: number | null;
  /** 'own': the region's own row; 'sum': the sum over the regions below, all of which are known. */
  populationBasis: 'own' | 'sum' | null;
  /** poorPeople ÷ ruralPopulation (a fraction, 0.0321 = 3.21%), or null when the population is unknown. */
  incidence: number | null;
}

export interface ByRegion {
  parent: RegionStats;
  /** The year of the population figures, or null when the subtree has none. */
  populationYear: number | null;
  items: RegionStats[];
}

export interface YearCount {
  year: number;
  households: number;
  people: number;
}

export interface Trends {
  region: RegionRef;
  /** Households and people by identification year (识别年度), all statuses but 已剔除. */
  identification: YearCount[];
  /** Households and people by exit year (脱贫年度), households that carry one, all statuses but 已剔除. */
  exit: YearCount[];
  /** Of those: still out of poverty (已脱贫) by exit year. */
  exitStillOut: YearCount[];
}

const ROOT = '000000000000';

export interface RegionRow {
  code: string;
  name: string;
  level: RegionLevel;
  parent_code: string | null;
  poor_village: boolean;
}

/** The region the caller asked for (or their scope root), checked against scope: outside → 404. */
async function resolveRegion(ctx: Ctx, raw: string | undefined): Promise<RegionRef & { poorVillage: boolean }> {
  const code = raw === undefined ? ctx.actor.regionCode : normalizeRegionCode(raw);
  if (!code) throw new ValidationError(`区划代码「${raw}」格式不正确`, { field: 'region', value: raw });
  if (!actorCovers(ctx.actor, code)) throw new NotFoundError('区划不存在或不在本人辖区内');
  if (code === ROOT) return { code, name: '全部', level: 'province', poorVillage: false };
  const rows = await ctx.db.query<RegionRow>('SELECT code, name, level, parent_code, poor_village FROM regions WHERE code = $1', [code]);
  const r = rows[0];
  if (!r) throw new NotFoundError('区划不存在或不在本人辖区内');
  return { code: r.code, name: r.name, level: r.level, poorVillage: r.poor_village };
}

/**
 * WHERE over households `h` for the actor's scope and a region's subtree, with the county-code
 * range so PostgreSQL (and Citus) can prune by the distribution column.
 */
function subtreeWhere(ctx: Ctx, code: string, params: unknown[]): string {
  const conds = [scopeSql(ctx.actor, 'h.village_code', params)];
  if (significantPrefix(code) !== '') {
    const { lo, hi } = subtreeRange(code);
    params.push(lo, hi, lo.slice(0, 6), hi.slice(0, 6));
    const n = params.length;
    conds.push(`h.village_code BETWEEN $${n - 3} AND $${n - 2}`, `h.county_code BETWEEN $${n - 1} AND $${n}`);
  }
  return conds.join(' AND ');
}

/**
 * The households of the subtree, one row each, with their current members counted. A plain join
 * grouped by the household key: with table statistics PostgreSQL hash-joins it, without them
 * (a fresh PGlite load) it is still one index lookup per household, never a re-run aggregate.
 */
function householdsWithPeople(where: string, extra = ''): string {
  return `SELECT h.county_code, h.id, h.village_code, h.poverty_status, h.category, h.main_cause,
                 h.identification_year, h.exit_year, count(m.id)::int AS n
            FROM households h
            LEFT JOIN members m ON m.county_code = h.county_code AND m.household_id = h.id AND m.left_at IS NULL
           WHERE ${where}${extra}
           GROUP BY h.county_code, h.id`;
}

function toBuckets(map: Map<string, { households: number; people: number }>): Bucket[] {
  return [...map.entries()]
    .map(([key, v]) => ({ key, ...v }))
    .sort((a, b) => b.households - a.households || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

export async function overview(ctx: Ctx, input: { region?: string }): Promise<Overview> {
  assertCan(ctx.actor, 'registry.read');
  const region = await resolveRegion(ctx, input.region);
  const params: unknown[] = [];
  const where = subtreeWhere(ctx, region.code, params);
  const rows = await ctx.db.query<{ status: string; category: string; cause: string; households: number; people: number }>(
    `SELECT h.poverty_status AS status, h.category, h.main_cause AS cause,
            count(*)::int AS households, COALESCE(sum(h.n), 0)::int AS people
       FROM (${householdsWithPeople(where)}) h
      GROUP BY h.poverty_status, h.category, h.main_cause`,
    params,
  );
  const add = (m: Map<string, { households: number; people: number }>, k: string, r: { households: number; people: number }) => {
    const v = m.get(k) ?? { households: 0, people: 0 };
    v.households += r.households;
    v.people += r.people;
    m.set(k, v);
  };
  const byStatus = new Map<string, { households: number; people: number }>();
  const byCategory = new Map<string, { households: number; people: number }>();
  const byCause = new Map<string, { households: number; people: number }>();
  let households = 0;
  let people = 0;
  let poorHouseholds = 0;
  let poorPeople = 0;
  for (const r of rows) {
    add(byStatus, r.status, r);
    if (r.status === REMOVED_STATUS) continue;
    add(byCategory, r.category, r);
    add(byCause, r.cause, r);
    households += r.households;
    people += r.people;
    if ((POOR_STATUSES as readonly string[]).includes(r.status)) {
      poorHouseholds += r.households;
      poorPeople += r.people;
    }
  }
  return {
    region: { code: region.code, name: region.name, level: region.level },
    households, people, poorHouseholds, poorPeople,
    byStatus: toBuckets(byStatus), byCategory: toBuckets(byCategory), byCause: toBuckets(byCause),
  };
}

const PREFIX_LENGTH: Record<RegionLevel, number> = { province: 2, city: 4, county: 6, township: 9, village: 12 };

export interface PopRow {
  code: string;
  rural_population: number;
}

/**
 * Population of each region in a subtree for one year: its own row, or else the sum over the
 * regions below it (recursively down to the villages). A region below with no village anywhere
 * under it and no row of its own (an urban subdistrict) holds no rural registry and is left out
 * of the sum; any other unknown part makes the total unknown (null), never an estimate.
 */
export function resolvePopulations(regions: RegionRow[], pops: PopRow[]): Map<string, { value: number | null; basis: 'own' | 'sum' | null }> {
  const own = new Map(pops.map((p) => [p.code, p.rural_population]));
  const children = new Map<string, string[]>();
  const level = new Map(regions.map((r) => [r.code, r.level]));
  for (const r of regions) {
    if (!r.parent_code) continue;
    const list = children.get(r.parent_code) ?? [];
    list.push(r.code);
    children.set(r.parent_code, list);
  }
  const villageMemo = new Map<string, boolean>();
  const hasVillage = (code: string): boolean => {
    const hit = villageMemo.get(code);
    if (hit !== undefined) return hit;
    const v = level.get(code) === 'village' || (children.get(code) ?? []).some(hasVillage);
    villageMemo.set(code, v);
    return v;
  };
  const memo = new Map<string, { value: number | null; basis: 'own' | 'sum' | null }>();
  const resolve = (code: string): { value: number | null; basis: 'own' | 'sum' | null } => {
    const hit = memo.get(code);
    if (hit) return hit;
    let out: { value: number | null; basis: 'own' | 'sum' | null };
    const o = own.get(code);
    if (o !== undefined) out = { value: o, basis: 'own' };
    else {
      const kids = (children.get(code) ?? []).filter((k) => own.has(k) || hasVillage(k));
      let sum = 0;
      let known = kids.length > 0;
      for (const k of kids) {
        const v = resolve(k).value;
        if (v === null) {
          known = false;
          break;
        }
        sum += v;
      }
      out = known ? { value: sum, basis: 'sum' } : { value: null, basis: null };
    }
    memo.set(code, out);
    return out;
  };
  for (const r of regions) resolve(r.code);
  return memo;
}

export async function byRegion(ctx: Ctx, input: { parent?: string; year?: number }): Promise<ByRegion> {
  assertCan(ctx.actor, 'registry.read');
  const parent = await resolveRegion(ctx, input.parent);
  const levels: RegionLevel[] = ['province', 'city', 'county', 'township', 'village'];

  // The parent's subtree of regions (a few thousand rows at most), current ones only.
  const rparams: unknown[] = [];
  let rcond = 'TRUE';
  if (significantPrefix(parent.code) !== '') {
    const { lo, hi } = subtreeRange(parent.code);
    rparams.push(lo, hi);
    rcond = 'code BETWEEN $1 AND $2';
  }
  const regions = await ctx.db.query<RegionRow>(
    `SELECT code, name, level, parent_code, poor_village FROM regions
      WHERE ${rcond} AND (effective_to IS NULL OR effective_to > CURRENT_DATE) ORDER BY code`,
    rparams,
  );
  const children = parent.code === ROOT
    ? regions.filter((r) => r.level === 'province')
    : regions.filter((r) => r.parent_code === parent.code);
  const hasChildren = new Set(regions.map((r) => r.parent_code).filter((c): c is string => c !== null));

  // The population year: asked for, or the latest year with any figure in the subtree.
  const yparams = [...rparams];
  let year = input.year ?? null;
  if (year === null) {
    const y = await ctx.db.query<{ year: number | null }>(`SELECT max(year) AS year FROM region_populations WHERE ${rcond}`, yparams);
    year = y[0]?.year ?? null;
  }
  const pops = year === null ? [] : await ctx.db.query<PopRow>(
    `SELECT code, rural_population FROM region_populations WHERE ${rcond} AND year = $${rparams.length + 1}`, [...rparams, year],
  );
  const popOf = resolvePopulations(regions, pops);

  // Households and people per child, and the parent's total, in one GROUP BY.
  const childLevel = children[0]?.level ?? levels[Math.min(levels.indexOf(parent.level) + 1, 4)]!;
  const len = PREFIX_LENGTH[childLevel];
  const params: unknown[] = [];
  const where = subtreeWhere(ctx, parent.code, params);
  const rows = await ctx.db.query<{
    prefix: string | null; households: number; people: number; poor_households: number; poor_people: number; exited_households: number; exited_people: number;
  }>(
    `SELECT left(h.village_code, ${len}) AS prefix,
            count(*)::int AS households,
            COALESCE(sum(h.n), 0)::int AS people,
            (count(*) FILTER (WHERE h.poverty_status IN ('未脱贫', '返贫')))::int AS poor_households,
            COALESCE(sum(h.n) FILTER (WHERE h.poverty_status IN ('未脱贫', '返贫')), 0)::int AS poor_people,
            (count(*) FILTER (WHERE h.poverty_status = '已脱贫'))::int AS exited_households,
            COALESCE(sum(h.n) FILTER (WHERE h.poverty_status = '已脱贫'), 0)::int AS exited_people
       FROM (${householdsWithPeople(where, " AND h.poverty_status <> '已剔除'")}) h
      GROUP BY GROUPING SETS ((left(h.village_code, ${len})), ())`,
    params,
  );
  const zero = { households: 0, people: 0, poor_households: 0, poor_people: 0, exited_households: 0, exited_people: 0 };
  const total = rows.find((r) => r.prefix === null) ?? zero;
  const byPrefix = new Map(rows.filter((r) => r.prefix !== null).map((r) => [r.prefix as string, r]));

  const stats = (ref: RegionRef & { poorVillage: boolean }, c: typeof zero): RegionStats => {
    const pop = popOf.get(ref.code) ?? { value: null, basis: null };
    const incidence = pop.value && pop.value > 0 ? Math.round((c.poor_people / pop.value) * 1e6) / 1e6 : null;
    return {
      code: ref.code, name: ref.name, level: ref.level, poorVillage: ref.poorVillage, hasChildren: hasChildren.has(ref.code),
      households: c.households, people: c.people, poorHouseholds: c.poor_households, poorPeople: c.poor_people,
      exitedHouseholds: c.exited_households, exitedPeople: c.exited_people,
      ruralPopulation: pop.value, populationBasis: pop.basis, incidence,
    };
  };
  return {
    parent: stats(parent, total),
    populationYear: year,
    items: children.map((r) => stats(
      { code: r.code, name: r.name, level: r.level, poorVillage: r.poor_village },
      byPrefix.get(r.code.slice(0, len)) ?? zero,
    )),
  };
}

export async function trends(ctx: Ctx, input: { region?: string }): Promise<Trends> {
  assertCan(ctx.actor, 'registry.read');
  const region = await resolveRegion(ctx, input.region);
  const params: unknown[] = [];
  const where = subtreeWhere(ctx, region.code, params);
  const rows = await ctx.db.query<{ kind: string; year: number; households: number; people: number }>(
    `SELECT CASE WHEN GROUPING(h.identification_year) = 0 THEN 'identification'
                 WHEN GROUPING(h.poverty_status) = 0 THEN 'exitStatus' ELSE 'exit' END AS kind,
            COALESCE(h.identification_year, h.exit_year) AS year,
            count(*)::int AS households, COALESCE(sum(h.n), 0)::int AS people,
            h.poverty_status AS status
       FROM (${householdsWithPeople(where, " AND h.poverty_status <> '已剔除'")}) h
      GROUP BY GROUPING SETS ((h.identification_year), (h.exit_year), (h.exit_year, h.poverty_status))`,
    params,
  );
  const pick = (kind: string, filter: (r: { status?: string }) => boolean = () => true) =>
    rows.filter((r) => r.kind === kind && r.year !== null && filter(r as { status?: string }))
      .map((r) => ({ year: r.year, households: r.households, people: r.people }))
      .sort((a, b) => a.year - b.year);
  return {
    region: { code: region.code, name: region.name, level: region.level },
    identification: pick('identification'),
    exit: pick('exit'),
    exitStillOut: pick('exitStatus', (r) => r.status === EXITED_STATUS),
  };
}
