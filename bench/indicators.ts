/**
 * Indicators: the time to refresh every pre-aggregated indicator (all regions × all periods)
 * against one bare ROLLUP over the same data (people by county, township, village), same engine,
 * same run; and the latency of the dashboard's region query (a region and its children, one
 * period) over random regions, p50/p95/p99.
 *
 *   npm run bench:indicators -- [dataDir] [--scale 15.4]        # PGlite; ≈ 1M members at 15.4
 *   DATABASE_URL=postgres://… npm run bench:indicators -- [--scale 15.4]
 *
 * Loads the demo at --scale into an empty database first (kept, so a second run starts at once).
 * Goal (issue 7): refresh within 2× of the bare ROLLUP; dashboard p95 under 50 ms.
 */
import { loadConfig } from '../src/core/config.js';
import { systemCtx } from '../src/core/context.js';
import { loadDemo } from '../src/modules/demo/load.js';
import { refreshIndicators, regionIndicators } from '../src/modules/stats/indicators.js';
import { openAndPrepare } from '../src/server/bootstrap.js';

const args = process.argv.slice(2);
const scaleAt = args.indexOf('--scale');
const scale = scaleAt >= 0 ? Number(args[scaleAt + 1]) : 15.4;
const dataDir = args.find((a, i) => !a.startsWith('--') && args[i - 1] !== '--scale') ?? 'tmp/bench-indicators';
const config = loadConfig({ dataDir });
const engine = config.databaseUrl ? 'postgres' : 'pglite';

const db = await openAndPrepare(config, { fsync: false });
const ctx = systemCtx(db, 'bench-indicators');
try {
  const count = async () => (await db.query<{ h: number; m: number }>(
    'SELECT (SELECT count(*) FROM households)::int AS h, (SELECT count(*) FROM members)::int AS m'))[0]!;
  let n = await count();
  if (n.h === 0) {
    const t0 = performance.now();
    console.log(`loading demo at scale ${scale} …`);
    await loadDemo(ctx, { scale });
    await db.execute('VACUUM ANALYZE');
    n = await count();
    console.log(`loaded ${n.h} households, ${n.m} members in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  }
  console.log(`engine ${engine}, households ${n.h}, members ${n.m}`);

  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const pct = (xs: number[], p: number) => { const s = [...xs].sort((a, b) => a - b); return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!; };
  const RUNS = 3;

  // Baseline: one bare ROLLUP of people over the same rows (current members, not removed).
  const ROLLUP = `SELECT left(h.village_code, 6) AS county, left(h.village_code, 9) AS township, h.village_code, count(*)::int AS people
                    FROM households h JOIN members m ON m.county_code = h.county_code AND m.household_id = h.id AND m.left_at IS NULL
                   WHERE h.poverty_status <> '已剔除'
                   GROUP BY ROLLUP (left(h.village_code, 6), left(h.village_code, 9), h.village_code)`;
  const rollup: number[] = [];
  const refresh: number[] = [];
  let rows = 0;
  let periods = 0;
  // Interleaved, so both see the same cache state.
  for (let i = 0; i < RUNS; i++) {
    let t0 = performance.now();
    const r = await db.query(ROLLUP);
    rollup.push(performance.now() - t0);
    t0 = performance.now();
    const res = await refreshIndicators(ctx);
    refresh.push(performance.now() - t0);
    rows = res.rows;
    periods = res.periods.length;
    if (i === 0) console.log(`ROLLUP groups ${r.length}; indicators ${rows} rows (${periods} periods)`);
  }
  const base = median(rollup);
  const ref = median(refresh);
  console.log(`bare ROLLUP          median ${base.toFixed(0).padStart(6)} ms  (runs ${rollup.map((x) => x.toFixed(0)).join(', ')})`);
  console.log(`indicators refresh   median ${ref.toFixed(0).padStart(6)} ms  (runs ${refresh.map((x) => x.toFixed(0)).join(', ')})  ${Math.round(rows / (ref / 1000))} indicator rows/s, ${Math.round(n.m / (ref / 1000))} members/s`);
  console.log(`ratio refresh / ROLLUP = ${(ref / base).toFixed(2)}  (goal ≤ 2)`);

  // Dashboard: a region and its children for one period, over the city, counties, townships, villages.
  const regions = (await db.query<{ code: string }>(
    `SELECT DISTINCT region_code AS code FROM indicators WHERE level IN ('city', 'county', 'township', 'village') ORDER BY 1`)).map((r) => r.code);
  const periodList = ['current', '2018', '2019', '2020'];
  let seed = 7;
  const rand = (k: number) => { seed = (seed * 1103515245 + 12345) & 0x7fffffff; return seed % k; };
  for (let i = 0; i < 20; i++) await regionIndicators(ctx, { region: regions[rand(regions.length)]!, period: 'current' });
  const lat: number[] = [];
  const QUERIES = 1000;
  for (let i = 0; i < QUERIES; i++) {
    const region = i % 10 === 0 ? '620100000000' : regions[rand(regions.length)]!;
    const t0 = performance.now();
    await regionIndicators(ctx, { region, period: periodList[rand(periodList.length)]! });
    lat.push(performance.now() - t0);
  }
  console.log(`dashboard region query (${QUERIES} queries over ${regions.length} regions): p50 ${pct(lat, 50).toFixed(2)} ms  p95 ${pct(lat, 95).toFixed(2)} ms  p99 ${pct(lat, 99).toFixed(2)} ms  (goal p95 < 50 ms)`);
} finally {
  await db.close();
}
