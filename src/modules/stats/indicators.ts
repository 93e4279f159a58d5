import { audit } from '../../core/audit.js';
import { systemCtx, type Ctx } from '../../core/context.js';
import type { Db, Queryable } from '../../core/db.js';
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
 *
 * Freshness: a registry import over HTTP asks for a refresh (`requestIndicatorRefresh`: the
 * indicator_refresh row's requested_at) after its commit and answers at once; the refresh runs
 * next in the same process, in the background, one at a time (a request during a run queues one
 * more run). Until it commits, the reads say `stale` (and `refreshing` while it runs) beside the
 * old figures' computed_at, so a screen never passes off older figures as current. A server that
 * stopped with a request pending refreshes when it starts again (`resumeIndicatorRefresh`).
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

export async function refreshIndicators(ctx: Ctx, opts: { now?: Date; reason?: string } = {}): Promise<RefreshResult> {
  assertCan(ctx.actor, 'indicators.refresh');
  const started = performance.now();
  const now = opts.now ?? new Date();
  return ctx.db.transaction(async (tx) => {
    // One refresh at a time (a background run and the city office's button may meet on a server).
    await tx.execute('SELECT pg_advisory_xact_lock(7420003)');
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
    await audit(tx, ctx.actor, ctx.requestId, { action: 'indicators.refresh', targetType: 'indicators', details: { rows: cols.code.length, periods, ...(opts.reason ? { reason: opts.reason } : {}) } });
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

// ── freshness: refresh after an import, in the background ──────────────────────────────────

const REFRESH_ROW = 'indicators';
/** A run that started longer ago than this and never finished (the process died) is not "refreshing". */
const RUN_LIMIT_MS = 30 * 60_000;

export interface Freshness {
  /** Data changed after the figures were computed; a refresh is due or running. */
  stale: boolean;
  refreshing: boolean;
  requestedAt: string | null;
  /** The last background run's failure, if it failed. */
  error: string | null;
}

interface RunState { running: Promise<void> | null; again: boolean; wake: (() => void) | null; closing: boolean }
const runs = new WeakMap<Db, RunState>();

/**
 * The registry changed (an import committed, a household was edited, a county decision changed a
 * status): mark the indicators stale and refresh them in the background, after `delayMs` (edits
 * within it share one run). Returns at once; `indicatorRefreshIdle` waits for the run.
 */
export async function requestIndicatorRefresh(ctx: Ctx, reason: string, log?: (e: unknown) => void, delayMs = 0): Promise<void> {
  await ctx.db.execute(
    `INSERT INTO indicator_refresh (id, requested_at, requested_by) VALUES ($1, $2, $3)
     ON CONFLICT (id) DO UPDATE SET requested_at = EXCLUDED.requested_at, requested_by = EXCLUDED.requested_by`,
    [REFRESH_ROW, new Date().toISOString(), `${ctx.actor.username}: ${reason}`]);
  scheduleRefresh(ctx.db, reason, log, delayMs);
}

function scheduleRefresh(db: Db, reason: string, log?: (e: unknown) => void, delayMs = 0): void {
  let st = runs.get(db);
  if (!st) {
    st = { running: null, again: false, wake: null, closing: false };
    runs.set(db, st);
  }
  if (st.running) {
    st.again = true;
    return;
  }
  const state = st;
  state.running = (async () => {
    // After the current request's answer has gone out, and after the delay (cut short on close:
    // the request stays recorded, so the next start refreshes).
    await new Promise<void>((r) => {
      const timer = delayMs > 0 ? setTimeout(r, delayMs) : setImmediate(r);
      state.wake = () => {
        if (delayMs > 0) clearTimeout(timer as NodeJS.Timeout);
        else clearImmediate(timer as NodeJS.Immediate);
        r();
      };
    });
    state.wake = null;
    if (state.closing) return;
    do {
      state.again = false;
      await runRefresh(db, reason);
    } while (state.again);
  })().catch((e: unknown) => log?.(e)).finally(() => {
    state.running = null;
  });
}

async function runRefresh(db: Db, reason: string): Promise<void> {
  await db.execute('UPDATE indicator_refresh SET started_at = $2, error = NULL WHERE id = $1', [REFRESH_ROW, new Date().toISOString()]);
  try {
    await refreshIndicators(systemCtx(db, 'indicators-' + Date.now()), { reason });
    await db.execute('UPDATE indicator_refresh SET finished_at = $2 WHERE id = $1', [REFRESH_ROW, new Date().toISOString()]);
  } catch (e) {
    await db.execute('UPDATE indicator_refresh SET finished_at = $2, error = $3 WHERE id = $1',
      [REFRESH_ROW, new Date().toISOString(), e instanceof Error ? e.message : String(e)]).catch(() => undefined);
    throw e;
  }
}

/** Resolves when no background refresh is running for this database (tests); a delayed one runs now. */
export async function indicatorRefreshIdle(db: Db): Promise<void> {
  for (let st = runs.get(db); st?.running; st = runs.get(db)) {
    st.wake?.();
    await st.running;
  }
}

/**
 * Server shutdown: a run in progress finishes; one still waiting out its delay is dropped (its
 * request is recorded in indicator_refresh, so `resumeIndicatorRefresh` runs it at the next start).
 */
export async function indicatorRefreshClose(db: Db): Promise<void> {
  const st = runs.get(db);
  if (!st) return;
  st.closing = true;
  st.again = false;
  st.wake?.();
  if (st.running) await st.running;
  st.closing = false;
}

/** At start-up: a refresh asked for before the server stopped and never done runs now. */
export async function resumeIndicatorRefresh(db: Db, log?: (e: unknown) => void): Promise<void> {
  const f = await freshness(db, await lastComputed(db));
  if (f.stale) scheduleRefresh(db, 'resume', log);
}

async function lastComputed(q: Queryable): Promise<string | null> {
  const r = await q.query<{ at: Date | string | null }>(`SELECT max(computed_at) AS at FROM indicators WHERE period = 'current'`);
  return r[0]?.at ? new Date(r[0].at).toISOString() : null;
}

export async function freshness(q: Queryable, computedAt: string | null): Promise<Freshness> {
  const r = await q.query<{ requested_at: Date | string | null; started_at: Date | string | null; finished_at: Date | string | null; error: string | null }>(
    'SELECT requested_at, started_at, finished_at, error FROM indicator_refresh WHERE id = $1', [REFRESH_ROW]);
  const row = r[0];
  if (!row) return { stale: false, refreshing: false, requestedAt: null, error: null };
  const ms = (v: Date | string | null) => (v === null ? null : new Date(v).getTime());
  const requested = ms(row.requested_at);
  const started = ms(row.started_at);
  const finished = ms(row.finished_at);
  const computed = computedAt === null ? null : Date.parse(computedAt);
  return {
    stale: requested !== null && (computed === null || requested > computed),
    refreshing: started !== null && (finished === null || started > finished) && Date.now() - started < RUN_LIMIT_MS,
    requestedAt: requested === null ? null : new Date(requested).toISOString(),
    error: row.error,
  };
}

export interface RegionIndicators extends Freshness {
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
  const computedAt = rows[0] ? new Date(rows[0].computed_at).toISOString() : await lastComputed(ctx.db);
  return {
    computedAt,
    ...(await freshness(ctx.db, computedAt)),
    period,
    region: own ? toRow(own) : null,
    children: rows.filter((r) => r.region_code !== code).map(toRow),
  };
}

/** A region's indicators over the years (trend), with 'current' last. */
export async function indicatorTrend(ctx: Ctx, input: { region?: string }): Promise<{ computedAt: string | null; stale: boolean; items: IndicatorRow[] }> {
  assertCan(ctx.actor, 'targets.read');
  const code = input.region === undefined ? ctx.actor.regionCode : normalizeRegionCode(input.region);
  if (!code) throw new ValidationError(`区划代码「${input.region}」格式不正确`, { field: 'region', value: input.region, reason: '应为 12 位数字' });
  if (!actorCovers(ctx.actor, code)) throw new NotFoundError('区划不存在或不在本人辖区内');
  const rows = await ctx.db.query<DbIndicator>(`${SELECT} WHERE i.region_code = $1 ORDER BY i.period`, [code]);
  const computedAt = rows[0] ? new Date(rows[0].computed_at).toISOString() : null;
  return { computedAt, stale: (await freshness(ctx.db, computedAt)).stale, items: rows.map(toRow) };
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
