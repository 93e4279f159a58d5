// One measured phase of bench/import.ts, in its own process so its peak RSS is its own.
// Usage: tsx bench/import-worker.ts MODE DATA_DIR FILES_DIR   (MODE: xlsx | csv | copy | floor | floor-keys)
import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import { systemCtx } from '../src/core/context.js';
import { openAndPrepare } from '../src/server/bootstrap.js';
import { importRegions } from '../src/modules/regions/service.js';
import { importRegistry, keysAndIndexes } from '../src/modules/registry/import.js';
import { demoVillages } from '../src/modules/registry/demo/generate.js';

const [mode, dataDir, files] = process.argv.slice(2) as [string, string, string];
let peak = 0;
const timer = setInterval(() => { peak = Math.max(peak, process.memoryUsage().rss); }, 50);

async function* lines(file: string): AsyncGenerator<string> {
  const rl = readline.createInterface({ input: fs.createReadStream(file, 'utf8'), crlfDelay: Infinity });
  let first = true;
  let buf = '';
  for await (const line of rl) {
    if (first) { first = false; continue; } // header
    buf += line.replace(/^\ufeff/, '') + '\n';
    if (buf.length > 1 << 20) { yield buf; buf = ''; }
  }
  if (buf) yield buf;
}

const db = await openAndPrepare({ databaseUrl: process.env.DATABASE_URL, dataDir });
const ctx = systemCtx(db);
const reg = await importRegions(ctx, demoVillages({}).map((v, i) => ({ row: i + 2, code: v.code, name: v.name })), { synthetic: true });
if (!reg.ok) throw new Error('regions');
let t0 = performance.now();
let rows = 0;
if (mode === 'copy') {
  // Baseline: PostgreSQL's own COPY of the same two CSV files into plain text tables.
  const header = (f: string) => fs.readFileSync(f, 'utf8').slice(0, 4096).split(/\r?\n/)[0]!.replace(/^\ufeff/, '').split(',');
  await db.transaction(async (tx) => {
    for (const [name, file] of [['raw_h', 'households.csv'], ['raw_m', 'members.csv']] as const) {
      const cols = header(path.join(files, file)).map((_, i) => `c${i}`);
      await tx.execute(`CREATE TABLE ${name} (${cols.map((c) => `${c} text`).join(', ')})`);
      await tx.copyCsv(name, cols, lines(path.join(files, file)));
    }
    rows = (await tx.query<{ n: number }>('SELECT count(*)::int AS n FROM raw_m'))[0]!.n;
  });
} else if (mode === 'floor' || mode === 'floor-keys') {
  // The least any import into the registry's tables could take: the rows a CSV import wrote
  // (households, members, their keys, incomes, creation events) written again into empty
  // copies of those tables, then every index and key of theirs built, in one transaction.
  // No reading, no validation, no staging, no JSON: only the writes and the index builds.
  const imported = await importRegistry(ctx, { kind: 'csv', households: path.join(files, 'households.csv'), members: path.join(files, 'members.csv') });
  if (!imported.ok) throw new Error('import rejected');
  const t1 = performance.now();
  await db.transaction(async (tx) => {
    if (tx.engine === 'postgres') await tx.execute(`SET LOCAL work_mem = '64MB'; SET LOCAL maintenance_work_mem = '256MB'`);
    for (const table of ['households', 'members', 'person_keys', 'household_keys', 'household_incomes', 'change_events']) {
      const copy = `floor_${table}`;
      await tx.execute(`CREATE TABLE ${copy} (LIKE ${table} INCLUDING DEFAULTS)`);
      await tx.execute(`INSERT INTO ${copy} SELECT * FROM ${table}${table === 'change_events' ? ` WHERE action = 'create'` : ''}`);
      // The same keys and indexes an import's bulk path sets aside and rebuilds.
      const { constraints, indexes } = await keysAndIndexes(tx, table);
      for (const k of constraints) await tx.execute(`ALTER TABLE ${copy} ADD ${k.def}`);
      // floor-keys: the keys only (primary and unique: what the registry's uniqueness rules need),
      // none of the indexes the lists and lookups use.
      if (mode === 'floor') for (const x of indexes) await tx.execute(x.def.replace(/^CREATE INDEX \S+ ON (\S+\.)?\S+ /, `CREATE INDEX ON ${copy} `));
    }
  });
  rows = imported.members;
  t0 = t1; // the import before is not measured
} else {
  const src = mode === 'xlsx'
    ? { kind: 'xlsx' as const, path: path.join(files, 'registry.xlsx') }
    : { kind: 'csv' as const, households: path.join(files, 'households.csv'), members: path.join(files, 'members.csv') };
  const r = await importRegistry(ctx, src);
  if (!r.ok) throw new Error('import rejected: ' + JSON.stringify(r.errors.slice(0, 3)));
  rows = r.members;
}
const seconds = (performance.now() - t0) / 1000;
clearInterval(timer);
peak = Math.max(peak, process.memoryUsage().rss);
await db.close();
process.stdout.write(JSON.stringify({ mode, rows, seconds, peakRssMb: Math.round(peak / 1048576) }) + '\n');
