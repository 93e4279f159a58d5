// Where an import's time goes: every SQL statement of one import timed, and the time spent
// between statements (reading, validating, building COPY lines) summed, on one engine.
// Usage: tsx bench/import-profile.ts FILES_DIR [csv|xlsx] [--explain]
//   FILES_DIR holds households.csv + members.csv or registry.xlsx (bench/import.ts makes them;
//   `tsx bench/import-profile.ts --make DIR SCALE` writes them). DATABASE_URL picks a PostgreSQL
//   server: the profile runs in a database of its own there, dropped at the end (as bench/import.ts).
import fs from 'node:fs';
import { execFileSync } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { systemCtx } from '../src/core/context.js';
import type { Db, Queryable } from '../src/core/db.js';
import { openAndPrepare } from '../src/server/bootstrap.js';
import { importRegions } from '../src/modules/regions/service.js';
import { importRegistry } from '../src/modules/registry/import.js';
import { demoVillages, generateDemoHouseholds } from '../src/modules/registry/demo/generate.js';
import { writeRegistryCsv, writeRegistryWorkbook } from '../src/modules/registry/workbook/writer.js';

const args = process.argv.slice(2);
if (args[0] === '--make') {
  const [, dir, scaleArg] = args as [string, string, string];
  const scale = Number(scaleArg);
  fs.mkdirSync(dir, { recursive: true });
  function* hs() { for (const d of generateDemoHouseholds({ scale })) yield d.household; }
  function* ms() { for (const d of generateDemoHouseholds({ scale })) yield* d.members; }
  await writeRegistryCsv(path.join(dir, 'households.csv'), path.join(dir, 'members.csv'), hs(), ms(), { encoding: 'utf8' });
  await writeRegistryWorkbook(path.join(dir, 'registry.xlsx'), hs(), ms());
  process.exit(0);
}
const [files, mode = 'csv'] = args as [string, string?];
const explain = args.includes('--explain');
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tuopin-prof-db-'));
// Never the database DATABASE_URL names (it may be the server's own or hold data): a new one.
let databaseUrl: string | undefined;
let dbName = '';
if (process.env.DATABASE_URL) {
  dbName = `tuopin_prof_${Date.now()}`;
  execFileSync('psql', [process.env.DATABASE_URL, '-qc', `CREATE DATABASE ${dbName}`]);
  const u = new URL(process.env.DATABASE_URL);
  u.pathname = '/' + dbName;
  databaseUrl = u.toString();
}
const db = await openAndPrepare({ databaseUrl, dataDir });
const reg = await importRegions(systemCtx(db), demoVillages({}).map((v, i) => ({ row: i + 2, code: v.code, name: v.name })), { synthetic: true });
if (!reg.ok) throw new Error('regions');

interface Stat { sql: string; ms: number }
const stats: Stat[] = [];
let last = performance.now();
let between = 0;
const short = (s: string) => s.replace(/\s+/g, ' ').slice(0, 110);
function timed(q: Queryable): Queryable {
  const wrap = async <T>(sql: string, f: () => Promise<T>): Promise<T> => {
    const t = performance.now();
    between += t - last;
    try { return await f(); } finally { last = performance.now(); stats.push({ sql: short(sql), ms: last - t }); }
  };
  return {
    engine: q.engine,
    query: (s, p) => wrap(s, () => q.query(s, p)),
    execute: async (s, p) => {
      if (explain && /^\s*(INSERT|UPDATE|DELETE)/i.test(s)) {
        const plan = await q.query<Record<string, string>>('EXPLAIN (ANALYZE, BUFFERS) ' + s, p);
        console.error('---\n' + plan.map((r) => Object.values(r)[0]).join('\n'));
        // the statement ran under EXPLAIN ANALYZE; report its time from the plan
        return 0;
      }
      return wrap(s, () => q.execute(s, p));
    },
    // COPY: the time inside includes producing the chunks (the reader and validator run as the
    // COPY stream pulls them), so it is reported as one line.
    copyCsv: (t, c, ch) => wrap(`COPY ${t}`, () => q.copyCsv(t, c, ch)),
  };
}
// CPU seconds of this process (all its threads) and of the PostgreSQL backends that ran the
// import's transactions: on a shared machine wall time says little, CPU time is steadier.
const procCpu = (pid: number) => {
  const f = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(f[11]) + Number(f[12])) / 100; // utime + stime, in clock ticks of 1/100 s
};
let backendCpu = 0;
const tdb: Db = {
  ...timed(db), describe: db.describe, close: () => db.close(), connection: (fn) => db.connection(fn),
  transaction: (fn) => db.transaction(async (tx) => {
    if (tx.engine !== 'postgres') return fn(timed(tx));
    const [{ pid }] = (await tx.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')) as [{ pid: number }];
    const c0 = procCpu(pid);
    try { return await fn(timed(tx)); } finally { backendCpu += procCpu(pid) - c0; }
  }),
};
const src = mode === 'xlsx'
  ? { kind: 'xlsx' as const, path: path.join(files, 'registry.xlsx') }
  : { kind: 'csv' as const, households: path.join(files, 'households.csv'), members: path.join(files, 'members.csv') };
const cpu0 = process.cpuUsage();
const t0 = performance.now();
last = t0;
const r = await importRegistry({ ...systemCtx(db), db: tdb }, src);
const total = performance.now() - t0;
between += performance.now() - last;
if (!r.ok) console.error('rejected', r.errors.slice(0, 3));
const byStmt = new Map<string, number>();
for (const s of stats) byStmt.set(s.sql, (byStmt.get(s.sql) ?? 0) + s.ms);
const cpu = process.cpuUsage(cpu0);
console.log(`${db.engine} ${mode}: ${r.ok ? r.members : 0} members in ${(total / 1000).toFixed(2)} s; JS between statements ${(between / 1000).toFixed(2)} s`);
console.log(`CPU: this process ${((cpu.user + cpu.system) / 1e6).toFixed(2)} s, PostgreSQL backend (transactions) ${backendCpu.toFixed(2)} s`);
for (const [sql, ms] of [...byStmt].sort((a, b) => b[1] - a[1])) if (ms > 20) console.log(`${(ms / 1000).toFixed(2).padStart(7)} s  ${sql}`);
await db.close();
if (dbName) execFileSync('psql', [process.env.DATABASE_URL!, '-qc', `DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`]);
fs.rmSync(dataDir, { recursive: true, force: true });
