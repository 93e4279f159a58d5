import { audit } from '../../core/audit.js';
import type { Ctx } from '../../core/context.js';
import type { Queryable } from '../../core/db.js';
import { NotFoundError, ValidationError } from '../../core/errors.js';
import { normalizeRegionCode, type RegionLevel } from '../../domain/regions.js';
import { assertCan } from '../access/policy.js';
import { actorCovers, significantPrefix } from '../access/scope.js';
import { resolvePopulations, type PopRow, type RegionRow } from './service.js';

/**
 * Pre-aggregated indicators (issue 7 item 3): for every region of every level (village, township,
 * county, city, province, rolled up the code hierarchy) and every period, the households and
 * people registered, poor and exited, the rural registered population and the poverty incidence
 * (贫困发生率 = poor people ÷ rural population), stored in `indicators` with the time computed.
 *
 * Periods:
 * - 'current': by each household's status today (the dashboard's figures);
 * - a year 'YYYY', counted at that year's end from the registry's years: identified by then
 *   (识别年度 ≤ Y) and exited by then (脱贫年度 ≤ Y, status 已脱贫 or 返贫); poor = identified −
 *   exited. The registry does not date a return to poverty, so a 返贫 household counts as exited
 *   from its exit year in the year figures and as poor in 'current'. Population: that year's.
 * Removed households (已剔除) are left out everywhere.
 *
 * A refresh is one set-based scan of households and their current members, grouped down to
 * (village, identification year, exit year, status) — a few rows per village — then rolled up
 * and expanded to periods in memory, and written in one transaction (readers see the old set
 * until it commits). The dashboard reads one indexed row per region.
 */

export const CURRENT_PERIOD = 'current';
/** The first year the year figures go back to (建档立卡 began in 2014). */
export const FIRST_YEAR = 2014;

interface Counts {
  households: number;
  people: number;
  poorHouseholds: number;
  poorPeople: number;
  exitedHouseholds: number;
  exitedPeople: number;
}

export interface IndicatorRow extends Counts {
  regionCode: string;
  name: string | null;
  level: RegionLevel;
  period: string;
  ruralPopulation: number | null;
  incidence: number | null;
}

export interface RefreshResult {
  regions: number;
  periods: string[];
  rows: number;
  computedAt: string;
  ms: number;
}

const zero = (): Counts => ({ households: 0, people: 0, poorHouseholds: 0, poorPeople: 0, exitedHouseholds: 0, exitedPeople: 0 });

/** The ancestors of a village code and the code itself: province, city, county, township, village. */
function chain(village: string): string[] {
  return [
    village.slice(0, 2).padEnd(12, '0'), village.slice(0, 4).padEnd(12, '0'), village.slice(0, 6).padEnd(12, '0'),
    village.slice(0, 9).padEnd(12, '0'), village,
  ];
}

const LEVELS: RegionLevel[] = ['province', 'city', 'county', 'township', 'village'];

/** The base aggregate: one scan, a few rows per village. */
export const BASE_SQL = `
  SELECT h.village_code, h.identification_year AS iy, h.exit_year AS ey, h.poverty_status AS st,
         count(*)::int AS households, COALESCE(sum(p.n), 0)::int AS people
    FROM households h
    LEFT JOIN (SELECT county_code, household_id, count(*) AS n FROM members WHERE left_at IS NULL GROUP BY county_code, household_id) p
      ON p.county_code = h.county_code AND p.household_id = h.id
   WHERE h.poverty_status <> '已剔除'
   GROUP BY h.village_code, h.identification_year, h.exit_year, h.poverty_status`;

export async function refreshIndicators(ctx: Ctx, opts: { now?: Date } = {}): Promise<RefreshResult> {
  assertCan(ctx.actor, 'indicators.refresh');
  const started = performance.now();
  const now = opts.now ?? new Date();
  return ctx.db.transaction(async (tx) => {
    const base = await tx.query<{ village_code: string; iy: number | null; ey: number | null; st: string; households: number; people: number }>(BASE_SQL);
    const lastYear = Math.max(now.getUTCFullYear(), ...base.map((b) => b.ey ?? 0), ...base.map((b) => b.iy ?? 0));
    const years: number[] = [];
    for (let y = FIRST_YEAR; y <= lastYear; y++) years.push(y);
    const periods = [CURRENT_PERIOD, ...years.map(String)];

    // Counts per region code and period index (0 = current, 1.. = years).
    const counts = new Map<string, Counts[]>();
    const at = (code: string): Counts[] => {
      let c = counts.get(code);
      if (!c) {
        c = periods.map(zero);
        counts.set(code, c);
      }
      return c;
    };
    for (const b of base) {
      const poorNow = b.st === '未脱贫' || b.st === '返贫';
      const exitedNow = b.st === '已脱贫';
      const everExited = b.ey !== null && (b.st === '已脱贫' || b.st === '返贫');
      const targets = chain(b.village_code).map(at);
      for (const c of targets) {
        const cur = c[0]!;
        cur.households += b.households;
        cur.people += b.people;
        if (poorNow) { cur.poorHouseholds += b.households; cur.poorPeople += b.people; }
        if (exitedNow) { cur.exitedHouseholds += b.households; cur.exitedPeople += b.people; }
        for (let i = 0; i < years.length; i++) {
          const y = years[i]!;
          if (b.iy !== null && b.iy > y) continue;
          const k = c[i + 1]!;
          k.households += b.households;
          k.people += b.people;
          if (everExited && b.ey! <= y) { k.exitedHouseholds += b.households; k.exitedPeople += b.people; }
          else { k.poorHouseholds += b.households; k.poorPeople += b.people; }
        }
      }
    }

    // Every current region gets rows, with zeros where nothing is registered.
    const regions = await tx.query<RegionRow>(
      `SELECT code, name, level, parent_code, poor_village FROM regions WHERE effective_to IS NULL OR effective_to > CURRENT_DATE ORDER BY code`);
    for (const r of regions) at(r.code);
    const levelOf = new Map(regions.map((r) => [r.code, r.level]));
    const parentOf = new Map(regions.map((r) => [r.code, r.parent_code]));

    // Population per period: the year's figures ('current': the latest year with any).
    const pops = await tx.query<PopRow & { year: number }>('SELECT code, year, rural_population FROM region_populations');
    const latestPopYear = pops.reduce((m, p) => Math.max(m, p.year), 0);
    const popByPeriod = periods.map((p) => {
      const y = p === CURRENT_PERIOD ? latestPopYear : Number(p);
      return resolvePopulations(regions, pops.filter((x) => x.year === y));
    });

    const cols = {
      code: [] as string[], period: [] as string[], level: [] as string[], parent: [] as (string | null)[],
      households: [] as number[], people: [] as number[], poorHouseholds: [] as number[], poorPeople: [] as number[],
      exitedHouseholds: [] as number[], exitedPeople: [] as number[], pop: [] as (number | null)[], incidence: [] as (number | null)[],
    };
    for (const [code, list] of counts) {
      const level = levelOf.get(code) ?? LEVELS[chain(code.padEnd(12, '0')).indexOf(code)] ?? 'village';
      list.forEach((c, i) => {
        const pop = popByPeriod[i]!.get(code)?.value ?? null;
        cols.code.push(code);
        cols.period.push(periods[i]!);
        cols.level.push(level);
        cols.parent.push(parentOf.get(code) ?? null);
        cols.households.push(c.households);
        cols.people.push(c.people);
        cols.poorHouseholds.push(c.poorHouseholds);
        cols.poorPeople.push(c.poorPeople);
        cols.exitedHouseholds.push(c.exitedHouseholds);
        cols.exitedPeople.push(c.exitedPeople);
        cols.pop.push(pop);
        cols.incidence.push(pop && pop > 0 ? Math.round((c.poorPeople / pop) * 1e6) / 1e6 : null);
      });
    }
    await tx.execute('DELETE FROM indicators');
    const CHUNK = 20_000;
    for (let i = 0; i < cols.code.length; i += CHUNK) {
      const s = (a: unknown[]) => a.slice(i, i + CHUNK);
      await tx.execute(
        `INSERT INTO indicators (region_code, period, level, parent_code, households, people, poor_households, poor_people,
                                 exited_households, exited_people, rural_population, incidence, computed_at)
         SELECT *, $13::timestamptz FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::int[], $6::int[], $7::int[], $8::int[],
                                             $9::int[], $10::int[], $11::int[], $12::float8[])`,
        [s(cols.code), s(cols.period), s(cols.level), s(cols.parent), s(cols.households), s(cols.people), s(cols.poorHouseholds),
          s(cols.poorPeople), s(cols.exitedHouseholds), s(cols.exitedPeople), s(cols.pop), s(cols.incidence), now.toISOString()],
      );
    }
    await audit(tx, ctx.actor, ctx.requestId, { action: 'indicators.refresh', targetType: 'indicators', details: { rows: cols.code.length, periods } });
    return { regions: counts.size, periods, rows: cols.code.length, computedAt: now.toISOString(), ms: Math.round(performance.now() - started) };
  });
}

interface DbIndicator {
  region_code: string; name: string | null; level: RegionLevel; period: string; households: number; people: number;
  poor_households: number; poor_people: number; exited_households: number; exited_people: number;
  rural_population: number | null; incidence: number | null; computed_at: Date | string;
}

const toRow = (r: DbIndicator): IndicatorRow => ({
  regionCode: r.region_code, name: r.name, level: r.level, period: r.period, households: r.households, people: r.people,
  poorHouseholds: r.poor_households, poorPeople: r.poor_people, exitedHouseholds: r.exited_households, exitedPeople: r.exited_people,
  ruralPopulation: r.rural_population, incidence: r.incidence === null ? null : Number(r.incidence),
});

export interface RegionIndicators {
  /** When these figures were computed; null when never refreshed. */
  computedAt: string | null;
  period: string;
  region: IndicatorRow | null;
  children: IndicatorRow[];
}

const SELECT = `SELECT i.*, r.name FROM indicators i LEFT JOIN regions r ON r.code = i.region_code`;

/** A region's indicators and its children's for one period (default 'current'): the dashboard's query. */
export async function regionIndicators(ctx: Ctx, input: { region?: string; period?: string }): Promise<RegionIndicators> {
  assertCan(ctx.actor, 'targets.read');
  const code = input.region === undefined ? ctx.actor.regionCode : normalizeRegionCode(input.region);
  if (!code) throw new ValidationError(`区划代码「${input.region}」格式不正确`, { field: 'region', value: input.region, reason: '应为 12 位数字' });
  if (!actorCovers(ctx.actor, code)) throw new NotFoundError('区划不存在或不在本人辖区内');
  const period = input.period ?? CURRENT_PERIOD;
  if (period !== CURRENT_PERIOD && !/^\d{4}$/.test(period)) {
    throw new ValidationError(`期间「${period}」格式不正确`, { field: 'period', value: period, reason: '应为 current 或四位年度' });
  }
  const rows = await ctx.db.query<DbIndicator>(
    `${SELECT} WHERE i.period = $2 AND (i.region_code = $1 OR i.parent_code = $1) ORDER BY i.region_code`, [code, period]);
  const own = rows.find((r) => r.region_code === code) ?? null;
  return {
    computedAt: rows[0] ? new Date(rows[0].computed_at).toISOString() : null,
    period,
    region: own ? toRow(own) : null,
    children: rows.filter((r) => r.region_code !== code).map(toRow),
  };
}

/** A region's indicators over the years (trend), with 'current' last. */
export async function indicatorTrend(ctx: Ctx, input: { region?: string }): Promise<{ computedAt: string | null; items: IndicatorRow[] }> {
  assertCan(ctx.actor, 'targets.read');
  const code = input.region === undefined ? ctx.actor.regionCode : normalizeRegionCode(input.region);
  if (!code) throw new ValidationError(`区划代码「${input.region}」格式不正确`, { field: 'region', value: input.region, reason: '应为 12 位数字' });
  if (!actorCovers(ctx.actor, code)) throw new NotFoundError('区划不存在或不在本人辖区内');
  const rows = await ctx.db.query<DbIndicator>(`${SELECT} WHERE i.region_code = $1 ORDER BY i.period`, [code]);
  return { computedAt: rows[0] ? new Date(rows[0].computed_at).toISOString() : null, items: rows.map(toRow) };
}

/** Rows at one level inside a subtree, for one period or (period omitted) every period, for exports. */
export async function indicatorsAtLevel(q: Queryable, input: { root: string; level: RegionLevel; period?: string }): Promise<IndicatorRow[]> {
  const p = significantPrefix(input.root);
  const params: unknown[] = [input.level, p + '%'];
  if (input.period !== undefined) params.push(input.period);
  const rows = await q.query<DbIndicator>(
    `${SELECT} WHERE i.level = $1 AND i.region_code LIKE $2 ${input.period !== undefined ? 'AND i.period = $3' : ''}
      ORDER BY i.region_code, i.period = 'current', i.period`, params);
  return rows.map(toRow);
}
