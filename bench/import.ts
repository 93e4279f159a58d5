// npm run bench:import [-- --scale 15.4] [-- --engine pglite|postgres|both] [-- --no-floor]
// Members/s importing a generated workbook and CSV pair with full validation, against raw COPY of
// the same rows into the same engine, each phase in its own process (peak RSS per phase); and the
// floor: what writing the imported rows into the registry's tables and building their indexes
// costs on its own, the least any import with these tables could take; floor-keys: the same with
// only the primary and unique keys, the least any import writing these rows could take.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expectedCounts, generateDemoHouseholds } from '../src/modules/registry/demo/generate.js';
import { writeRegistryCsv, writeRegistryWorkbook } from '../src/modules/registry/workbook/writer.js';

const arg = (name: string, def: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1]! : def;
};
const scale = Number(arg('scale', '15.4'));
const engines = arg('engine', process.env.DATABASE_URL ? 'both' : 'pglite');
const noFloor = process.argv.includes('--no-floor');
const pgUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tuopin-bench-import-'));
const counts = expectedCounts({ scale });
console.log(`generating ${counts.households} households, ${counts.members} members (scale ${scale}) in ${dir}`);
let t = performance.now();
function* hs() { for (const d of generateDemoHouseholds({ scale })) yield d.household; }
function* ms() { for (const d of generateDemoHouseholds({ scale })) yield* d.members; }
await writeRegistryCsv(path.join(dir, 'households.csv'), path.join(dir, 'members.csv'), hs(), ms(), { encoding: 'utf8' });
console.log(`csv written in ${((performance.now() - t) / 1000).toFixed(1)} s`);
t = performance.now();
await writeRegistryWorkbook(path.join(dir, 'registry.xlsx'), hs(), ms());
console.log(`xlsx written in ${((performance.now() - t) / 1000).toFixed(1)} s (${(fs.statSync(path.join(dir, 'registry.xlsx')).size / 1048576).toFixed(0)} MB)`);

interface Phase { mode: string; rows: number; seconds: number; peakRssMb: number }
function run(engine: string, mode: string): Phase {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tuopin-bench-db-'));
  const env = { ...process.env };
  let dbName = '';
  if (engine === 'postgres') {
    dbName = `tuopin_bench_${Date.now()}`;
    execFileSync('psql', [pgUrl, '-qc', `CREATE DATABASE ${dbName}`]);
    const u = new URL(pgUrl);
    u.pathname = '/' + dbName;
    env.DATABASE_URL = u.toString();
  } else delete env.DATABASE_URL;
  try {
    const out = execFileSync(process.execPath, ['--max-old-space-size=512', '--import', 'tsx', 'bench/import-worker.ts', mode, dataDir, dir], { env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 1 << 20 });
    return JSON.parse(out.trim().split('\n').pop()!) as Phase;
  } finally {
    fs.rmSync(dataDir, { recursive: true, force: true });
    if (dbName) execFileSync('psql', [pgUrl, '-qc', `DROP DATABASE IF EXISTS ${dbName}`]);
  }
}

for (const engine of engines === 'both' ? ['postgres', 'pglite'] : [engines]) {
  const copy = run(engine, 'copy');
  const rows = [copy, run(engine, 'csv'), run(engine, 'xlsx'), ...(noFloor ? [] : [run(engine, 'floor'), run(engine, 'floor-keys')])];
  console.log(`\n${engine}: ${counts.members} members`);
  console.log('phase        seconds   members/s   peak RSS   vs raw COPY');
  for (const r of rows) {
    const rate = r.rows / r.seconds;
    const rss = r.mode.startsWith('floor') ? '-' : r.peakRssMb + ' MB'; // the floor's process imported first
    console.log(`${r.mode.padEnd(10)} ${r.seconds.toFixed(2).padStart(9)} ${Math.round(rate).toString().padStart(11)} ${rss.padStart(10)}   ${((copy.seconds / r.seconds) * 100).toFixed(0)}%`);
  }
  if (!noFloor) {
    console.log('floor: the rows an import writes (households, members, keys, incomes, creation events) written');
    console.log('       into empty copies of the registry tables and all their indexes built: no reading, no checks.');
    console.log('floor-keys: the same with only the primary and unique keys built (none of the list and lookup indexes).');
  }
}
fs.rmSync(dir, { recursive: true, force: true });
