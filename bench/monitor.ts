// npm run bench:monitor [-- --scale 15.4] [-- --engine pglite|postgres] [-- --keep]
// Issue 5's figure: `tuopin monitor scan` over a ~1M-member registry (the demo generator at scale
// 15.4, loaded through the registry import), in seconds and members/s, against ONE bare SQL query
// evaluating the same predicates (population, income under the line, compulsory-age not in school,
// main labourer died, change events for new 低保/特困, severe disability and labour loss, open
// clues) that only counts the hits — same engine, same run, same database. Goal: scan ≤ 2× bare.
// The scan runs twice: the first inserts every warning, the second (idempotent) finds them again.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { systemCtx } from '../src/core/context.js';
import { LABOUR_LOST, MAIN_LABOUR, SEVERE_DISABILITY } from '../src/domain/monitoring/risk.js';
import { runScan } from '../src/modules/monitoring/scan.js';
import { setStandard } from '../src/modules/monitoring/standards.js';
import { DEMO_INCOME_YEAR } from '../src/modules/registry/demo/household.js';
import { loadDemo } from '../src/modules/demo/load.js';
import { openAndPrepare } from '../src/server/bootstrap.js';

const arg = (name: string, def: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1]! : def;
};
const scale = Number(arg('scale', '15.4'));
const engine = arg('engine', 'pglite');
const keep = process.argv.includes('--keep');
const YEAR = DEMO_INCOME_YEAR;
const AS_OF = `${YEAR + 1}-06-30`;
const SINCE = `${YEAR}-01-01`;
// A bench-only monitoring line for the demo's income year (DOMAIN.md gives 6000 for 2021 only).
const LINE = 6000;

const lit = (xs: readonly string[]) => xs.map((x) => `'${x}'`).join(', ');
const BARE = `
  WITH pop AS MATERIALIZED (
    SELECT h.county_code, h.id FROM households h
     WHERE h.poverty_status = '已脱贫' OR (h.monitoring_category IS NOT NULL AND h.monitoring_eliminated_at IS NULL AND h.poverty_status <> '已剔除'))
  SELECT count(*)::int AS n FROM (
    SELECT p.id FROM pop p JOIN household_incomes i ON i.county_code = p.county_code AND i.household_id = p.id AND i.year = $1::int WHERE i.per_capita_net < $4::numeric
    UNION ALL
    SELECT p.id FROM pop p JOIN members m ON m.county_code = p.county_code AND m.household_id = p.id AND m.left_at IS NULL
     WHERE m.school_status = '非在校生' AND m.birth_date <= ($2::date - interval '7 years')::date AND m.birth_date > ($2::date - interval '16 years')::date
    UNION ALL
    SELECT p.id FROM pop p JOIN members m ON m.county_code = p.county_code AND m.household_id = p.id
     WHERE m.left_at IS NOT NULL AND m.left_at >= $3::date AND m.left_at < $2::date + 1 AND m.left_reason LIKE '%死亡%' AND m.labour_skill IN (${lit(MAIN_LABOUR)})
    UNION ALL
    SELECT p.id FROM pop p JOIN change_events e ON e.county_code = p.county_code AND e.household_id = p.id AND e.entity = 'member' AND e.at >= $3::date AND e.at < $2::date + 1
     WHERE (e.after ->> 'labourSkill' IN (${lit(LABOUR_LOST)}) AND e.before ->> 'labourSkill' IN (${lit(MAIN_LABOUR)}))
        OR (e.after ->> 'dibao' = 'true' AND COALESCE(e.before ->> 'dibao', 'false') <> 'true')
        OR (e.after ->> 'tekun' = 'true' AND COALESCE(e.before ->> 'tekun', 'false') <> 'true')
        OR (e.after ->> 'disabilityGrade' IN (${lit(SEVERE_DISABILITY)}))
    UNION ALL
    SELECT c.household_id FROM monitoring_clues c JOIN households h ON h.county_code = c.county_code AND h.id = c.household_id AND h.poverty_status <> '已剔除'
     WHERE c.status = 'open') x`;

async function main(): Promise<void> {
  const dataDir = path.join(os.tmpdir(), `tuopin-bench-monitor-${scale}`);
  let databaseUrl: string | undefined;
  const pgUrl = process.env.DATABASE_URL;
  const dbName = 'tuopin_bench_monitor';
  if (engine === 'postgres') {
    if (!pgUrl) throw new Error('--engine postgres needs DATABASE_URL');
    // Its own database (kept with --keep, so a second run skips the load).
    const exists = execFileSync('psql', [pgUrl, '-tAc', `SELECT 1 FROM pg_database WHERE datname = '${dbName}'`], { encoding: 'utf8' }).trim();
    if (!exists) execFileSync('psql', [pgUrl, '-qc', `CREATE DATABASE ${dbName}`]);
    const u = new URL(pgUrl);
    u.pathname = '/' + dbName;
    databaseUrl = u.toString();
  }
  const db = await openAndPrepare({ databaseUrl, dataDir }, { fsync: false });
  const ctx = systemCtx(db);
  try {
    const t0 = performance.now();
    const members0 = (await db.query<{ n: number }>('SELECT count(*)::int AS n FROM members'))[0]!.n;
    if (members0 === 0) {
      process.stderr.write(`setup: loading the demo at scale ${scale} on ${db.describe} …\n`);
      await loadDemo(ctx, { scale });
      await setStandard(ctx, { kind: 'monitoring_line', year: YEAR, value: LINE, source: '基准测试用（合成值，非政策标准）', verified: false });
      await db.execute('VACUUM (ANALYZE) members, households, household_incomes, change_events');
    }
    const setupS = (performance.now() - t0) / 1000;
    const counts = (await db.query<{ members: number; households: number; exited: number }>(
      `SELECT (SELECT count(*)::int FROM members) AS members, (SELECT count(*)::int FROM households) AS households,
              (SELECT count(*)::int FROM households WHERE poverty_status = '已脱贫') AS exited`))[0]!;
    const params = [YEAR, AS_OF, SINCE, LINE];
    const time = async <T>(fn: () => Promise<T>): Promise<[T, number]> => { const s = performance.now(); const r = await fn(); return [r, (performance.now() - s) / 1000]; };
    // Warm the tables once with the bare query (the scan reads the same ones): the first touch of the
    // tables is not what is compared. The scan itself is not run before it is timed: its first run is.
    await db.query(BARE, params);
    await db.execute('DELETE FROM monitoring_warnings');
    // A kept database is reused run after run (PGlite and the test servers run without autovacuum): clear
    // the deleted rows, so the first scan inserts into an empty table each time, as a real first scan does.
    await db.execute('VACUUM monitoring_warnings');
    const [bare, bareS] = await time(() => db.query<{ n: number }>(BARE, params));
    const [first, firstS] = await time(() => runScan(ctx, { year: YEAR, asOf: AS_OF, since: SINCE }));
    const [second, secondS] = await time(() => runScan(ctx, { year: YEAR, asOf: AS_OF, since: SINCE }));
    const [bare2, bare2S] = await time(() => db.query<{ n: number }>(BARE, params));
    const bestBare = Math.min(bareS, bare2S);
    const row = (label: string, s: number, hits: number) =>
      `${label.padEnd(34)} ${s.toFixed(2).padStart(7)} s  ${Math.round(counts.members / s).toLocaleString('en-US').padStart(11)} members/s  ${String(hits).padStart(7)} hits  ${(s / bestBare).toFixed(2)}×`;
    process.stdout.write([
      `engine ${db.engine} (${db.describe}); ${counts.members.toLocaleString('en-US')} members in ${counts.households.toLocaleString('en-US')} households (${counts.exited.toLocaleString('en-US')} exited); income year ${YEAR}, as of ${AS_OF}; setup ${setupS.toFixed(1)} s`,
      row('bare SQL, same predicates (count)', bareS, bare[0]!.n),
      row('bare SQL again', bare2S, bare2[0]!.n),
      row('monitor scan, first (inserts)', firstS, first.newWarnings),
      row('monitor scan, again (idempotent)', secondS, second.seenWarnings),
      `ratio scan/bare: first ${(firstS / bestBare).toFixed(2)}×, re-scan ${(secondS / bestBare).toFixed(2)}× (goal ≤ 2×); new on re-scan: ${second.newWarnings}`,
      '',
    ].join('\n'));
    if (first.newWarnings !== bare[0]!.n) process.stdout.write(`note: bare count ${bare[0]!.n} vs scan ${first.newWarnings} (the scan also reads confirmed comparison findings and de-duplicates by rule key)\n`);
  } finally {
    await db.close();
    if (!keep && engine === 'pglite') fs.rmSync(dataDir, { recursive: true, force: true });
    if (!keep && engine === 'postgres') execFileSync('psql', [pgUrl!, '-qc', `DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`]);
  }
}

main().catch((e: unknown) => {
  process.stderr.write(String(e instanceof Error ? e.stack : e) + '\n');
  process.exitCode = 2;
});
