// npm run bench:compare [-- --scale 15.4] [-- --engine pglite|postgres|both] [-- --runs 3]
// Issue 6's figure: a 1M-member registry (the demo generator at scale 15.4, loaded through the
// registry import) against a 1M-row department file (vehicle registrations, every registered
// person once, ~5% of them flagged), from the file to stored findings — against raw COPY of the
// same file plus a bare SQL join on the ID number, on the same engine, in the same run. Each
// measured phase runs in its own process so its peak RSS is its own (on PGlite the database
// engine is in that process too). With --runs N the pair (baseline, then a first comparison of the
// file) is measured N times, the comparison's findings and dataset removed between runs (not
// timed), and the median ratio printed: this machine's speed drifts, so one pair says little.
// A last comparison of the same file again (a re-run: every finding is met and updated) follows.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';
import { systemCtx } from '../src/core/context.js';
import { csvLine } from '../src/core/db.js';
import { compareDataset } from '../src/modules/comparison/compare.js';
import { importRegions } from '../src/modules/regions/service.js';
import { demoVillages, expectedCounts, generateDemoHouseholds } from '../src/modules/registry/demo/generate.js';
import { importRegistry } from '../src/modules/registry/import.js';
import { HOUSEHOLD_SHEET, MEMBER_SHEET } from '../src/modules/registry/workbook/columns.js';
import type { RawRow } from '../src/modules/registry/workbook/types.js';
import { openAndPrepare } from '../src/server/bootstrap.js';

const arg = (name: string, def: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1]! : def;
};
const SELF = fileURLToPath(import.meta.url);

interface Phase { mode: string; rows: number; seconds: number; peakRssMb: number; detail?: unknown }

async function worker(mode: string, dataDir: string, file: string, scale: number): Promise<void> {
  let peak = 0;
  const timer = setInterval(() => { peak = Math.max(peak, process.memoryUsage().rss); }, 50);
  const db = await openAndPrepare({ databaseUrl: process.env.DATABASE_URL, dataDir }, { fsync: false });
  const ctx = systemCtx(db);
  const t0 = performance.now();
  let rows = 0;
  let detail: unknown;
  if (mode === 'setup') {
    const reg = await importRegions(ctx, demoVillages({ scale }).map((v, i) => ({ row: i + 2, code: v.code, name: v.name })), { synthetic: true });
    if (!reg.ok) throw new Error('regions');
    const src = {
      kind: 'rows' as const, label: 'bench',
      rows: (function* (): Generator<RawRow> {
        let h = 1; let m = 1;
        for (const d of generateDemoHouseholds({ scale })) {
          yield { sheet: HOUSEHOLD_SHEET, row: ++h, values: d.household, numeric: [] };
          for (const x of d.members) yield { sheet: MEMBER_SHEET, row: ++m, values: x, numeric: [] };
        }
      })(),
    };
    const r = await importRegistry(ctx, src);
    if (!r.ok) throw new Error('registry rejected: ' + JSON.stringify(r.errors.slice(0, 3)));
    rows = r.members;
    // As after any bulk load: vacuum and analyse, so neither measured phase pays for the first scan (hint bits) of the new rows.
    await db.execute('VACUUM (ANALYZE) members, households');
    // The department file: every registered person once, ~5% with a non-farm vehicle ≥ 30000.
    const people = await db.query<{ id_number: string; name: string }>('SELECT id_number, name FROM members ORDER BY id');
    const out = fs.createWriteStream(file);
    out.write('\ufeff证件号码,姓名,车辆类型,登记日期,车辆价格\n');
    let i = 0;
    let buf = '';
    for (const p of people) {
      i++;
      const flagged = i % 20 === 0;
      const type = i % 7 === 0 ? '三轮汽车' : '小型轿车';
      const price = flagged && type !== '三轮汽车' ? 30000 + (i % 90000) : 5000 + (i % 24000);
      buf += csvLine([p.id_number, p.name, type, `2018-${String(1 + (i % 12)).padStart(2, '0')}-15`, price]);
      if (buf.length > 1 << 20) { if (!out.write(buf)) await new Promise<void>((r) => out.once('drain', () => r())); buf = ''; }
    }
    out.end(buf);
    await new Promise<void>((r) => out.on('finish', () => r()));
    detail = { members: rows, fileRows: people.length, fileMb: Math.round(fs.statSync(file).size / 1048576) };
  } else if (mode === 'baseline') {
    // Raw COPY of the same file into a text table, then a bare join on the ID number.
    async function* lines(): AsyncGenerator<string> {
      const rl = readline.createInterface({ input: fs.createReadStream(file, 'utf8'), crlfDelay: Infinity });
      let first = true;
      let b = '';
      for await (const line of rl) {
        if (first) { first = false; continue; }
        b += line + '\n';
        if (b.length > 1 << 20) { yield b; b = ''; }
      }
      if (b) yield b;
    }
    const tCopy = performance.now();
    let joinSeconds = 0;
    let matched = 0;
    await db.transaction(async (tx) => {
      await tx.execute('CREATE TEMP TABLE raw_file (c0 text, c1 text, c2 text, c3 text, c4 text) ON COMMIT DROP');
      await tx.copyCsv('raw_file', ['c0', 'c1', 'c2', 'c3', 'c4'], lines());
      rows = (await tx.query<{ n: number }>('SELECT count(*)::int AS n FROM raw_file'))[0]!.n;
      const tJoin = performance.now();
      matched = (await tx.query<{ n: number }>('SELECT count(*)::int AS n FROM raw_file r JOIN members m ON m.id_number = r.c0'))[0]!.n;
      joinSeconds = (performance.now() - tJoin) / 1000;
    });
    detail = { copySeconds: +((performance.now() - tCopy) / 1000 - joinSeconds).toFixed(2), joinSeconds: +joinSeconds.toFixed(2), matched };
  } else if (mode === 'reset') {
    // Not timed: the comparison's findings and datasets removed, so the next run is a first comparison again.
    await db.transaction(async (tx) => {
      await tx.execute("DELETE FROM comparison_findings WHERE kind = 'vehicle'");
      await tx.execute("DELETE FROM comparison_datasets WHERE kind = 'vehicle'");
    });
    await db.execute('VACUUM comparison_findings, comparison_datasets');
  } else {
    const r = await compareDataset(ctx, { path: file, kind: 'vehicle', year: 2020, purpose: 'benchmark', authorisation: 'benchmark (synthetic data)' });
    if (!r.ok) throw new Error('compare rejected: ' + JSON.stringify(r.errors));
    rows = r.rows.total;
    detail = { ...r.rows, findings: r.findings };
  }
  const seconds = (performance.now() - t0) / 1000;
  clearInterval(timer);
  peak = Math.max(peak, process.memoryUsage().rss);
  await db.close();
  process.stdout.write(JSON.stringify({ mode, rows, seconds, peakRssMb: Math.round(peak / 1048576), detail }) + '\n');
}

if (process.argv[2] === 'worker') {
  await worker(process.argv[3]!, process.argv[4]!, process.argv[5]!, Number(process.argv[6]));
} else {
  const scale = Number(arg('scale', '15.4'));
  const engines = arg('engine', process.env.DATABASE_URL ? 'postgres' : 'pglite');
  const pgUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const counts = expectedCounts({ scale });
  console.log(`registry: ${counts.households} households, ${counts.members} members (scale ${scale})`);
  for (const engine of engines === 'both' ? ['postgres', 'pglite'] : [engines]) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tuopin-bench-compare-'));
    const dataDir = path.join(dir, 'db');
    const file = path.join(dir, 'vehicle.csv');
    const env = { ...process.env };
    let dbName = '';
    if (engine === 'postgres') {
      dbName = `tuopin_bench_cmp_${Date.now()}`;
      execFileSync('psql', [pgUrl, '-qc', `CREATE DATABASE ${dbName}`]);
      const u = new URL(pgUrl);
      u.pathname = '/' + dbName;
      env.DATABASE_URL = u.toString();
    } else delete env.DATABASE_URL;
    const run = (mode: string): Phase => {
      const out = execFileSync(process.execPath, ['--import', 'tsx', SELF, 'worker', mode, dataDir, file, String(scale)],
        { env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 1 << 20 });
      return JSON.parse(out.trim().split('\n').pop()!) as Phase;
    };
    try {
      const setup = run('setup');
      console.log(`\n${engine}: setup ${setup.seconds.toFixed(1)} s ${JSON.stringify(setup.detail)}`);
      const runs = Math.max(1, Number(arg('runs', '1')));
      const ratios: number[] = [];
      const line = (label: string, r: Phase, base: Phase) =>
        console.log(`${label.padEnd(26)} ${r.seconds.toFixed(2).padStart(8)} ${Math.round(r.rows / r.seconds).toString().padStart(9)} ${(r.peakRssMb + ' MB').padStart(12)}   ${(r.seconds / base.seconds).toFixed(2)}×`);
      let base: Phase | null = null;
      for (let i = 1; i <= runs; i++) {
        if (i > 1) run('reset');
        base = run('baseline');
        const cmp = run('compare');
        ratios.push(cmp.seconds / base.seconds);
        console.log(`${runs > 1 ? `run ${i}: ` : ''}phase                       seconds   rows/s      peak RSS   vs baseline`);
        line('raw COPY + bare join', base, base);
        line('compare (file → findings)', cmp, base);
        console.log(`baseline ${JSON.stringify(base.detail)}\ncompare  ${JSON.stringify(cmp.detail)}`);
      }
      const again = run('compare');
      line('compare again (re-run)', again, base!);
      console.log(`re-run   ${JSON.stringify(again.detail)}`);
      if (runs > 1) {
        const sorted = [...ratios].sort((x, y) => x - y);
        console.log(`first comparison vs baseline over ${runs} runs: ${ratios.map((r) => r.toFixed(2) + '×').join(', ')}; median ${sorted[Math.floor(sorted.length / 2)]!.toFixed(2)}×`);
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
      if (dbName) execFileSync('psql', [pgUrl, '-qc', `DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`]);
    }
  }
}
