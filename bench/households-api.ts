/**
 * Household list API under load: autocannon against a running `tuopin serve` (started here on a
 * given PGlite data dir, or on a PostgreSQL database with --database-url / DATABASE_URL), signed
 * in as the city office (the whole registry in scope) and as a county office, over a mix of the
 * list queries the web app sends. Prints p50/p95/p99 per query, and each query's p95 as a ratio
 * to the baseline's: GET /api/auth/me (session check, one small query) under the same load in
 * the same run, so a busy machine shows up in both.
 *
 *   npm run tuopin -- demo --scale 6 --data-dir tmp/demo6     # ≈ 100k households
 *   npm run bench:list -- tmp/demo6 [--analyze] [--requests 60]
 *   DATABASE_URL=postgres://… npm run tuopin -- demo --scale 6 && npm run bench:list -- --database-url postgres://…
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import autocannon from 'autocannon';
import { openDb } from '../src/core/db.js';

const argv = process.argv.slice(2);
const opt = (name: string) => { const i = argv.indexOf(name); return i >= 0 ? argv[i + 1] : undefined; };
const databaseUrl = opt('--database-url') ?? process.env.DATABASE_URL ?? undefined;
const requests = Number(opt('--requests') ?? 60);
const dataDir = argv.find((a, i) => !a.startsWith('--') && !['--database-url', '--requests'].includes(argv[i - 1] ?? '')) ?? 'tmp/demo6';
const analyze = argv.includes('--analyze');
const dbOpts = { dataDir, databaseUrl, fsync: false };
const port = 3900 + Math.floor(Math.random() * 90);
const base = `http://127.0.0.1:${port}`;

if (analyze) {
  const db = await openDb(dbOpts);
  await db.execute('ANALYZE');
  await db.close();
}
const counts = await (async () => {
  const db = await openDb(dbOpts);
  const r = await db.query<{ h: number; m: number }>('SELECT (SELECT count(*) FROM households)::int AS h, (SELECT count(*) FROM members)::int AS m');
  await db.close();
  return r[0]!;
})();

const env: NodeJS.ProcessEnv = { ...process.env, LOG_LEVEL: 'warn' };
if (databaseUrl) env.DATABASE_URL = databaseUrl;
else delete env.DATABASE_URL;
const child = spawn(process.execPath, [path.resolve('node_modules/tsx/dist/cli.mjs'), 'src/cli/main.ts', 'serve', '--port', String(port), ...(databaseUrl ? [] : ['--data-dir', dataDir])], {
  env, stdio: ['ignore', 'ignore', 'inherit'],
});
try {
  for (let i = 0; ; i++) {
    try {
      if ((await fetch(base + '/api/health')).ok) break;
    } catch { /* starting */ }
    if (i > 240) throw new Error('server did not start');
    await new Promise((r) => setTimeout(r, 250));
  }
  const signIn = async (username: string) => {
    const login = await fetch(base + '/api/auth/login', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password: 'Demo-2018-tuopin' }) });
    if (!login.ok) throw new Error(`login ${username}: ${login.status}`);
    return (login.headers.get('set-cookie') ?? '').split(';')[0]!;
  };
  const cityCookie = await signIn('demo-city');
  const countyCookie = await signIn('demo-county');
  const q = (s: string) => '/api/households?' + s;
  const name = (s: string) => q('name=' + encodeURIComponent(s));
  // [label, url, signed in as the county office]
  const cases: [string, string, boolean?][] = [
    ['baseline /api/auth/me', '/api/auth/me'],
    ['first page', q('page=1&pageSize=20')],
    ['page 200', q('page=200&pageSize=20')],
    ['status filter', q('status=%E6%9C%AA%E8%84%B1%E8%B4%AB,%E8%BF%94%E8%B4%AB&page=3')],
    ['county + category', q('region=620123000000&category=%E4%BD%8E%E4%BF%9D%E8%B4%AB%E5%9B%B0%E6%88%B7&page=2')],
    ['village', q('region=620121101201')],
    ['cause', q('cause=%E5%9B%A0%E7%97%85&page=5')],
    ['name search', q('name=%E7%8E%8B')],
    ['name 2 chars', name('王金')],
    ['name 3 chars', name('王金花')],
    ['sort updatedAt desc', q('sort=updatedAt&order=desc')],
    ['sort memberCount desc', q('sort=memberCount&order=desc')],
    ['sort perCapitaNet asc', q('sort=perCapitaNet&order=asc')],
    ['sort perCapitaNet desc', q('sort=perCapitaNet&order=desc&status=%E6%9C%AA%E8%84%B1%E8%B4%AB')],
    ['county: first page', q('page=1'), true],
    ['county: members desc p5', q('sort=memberCount&order=desc&page=5'), true],
    ['county: township+cause', q('region=620123100000&cause=%E7%BC%BA%E8%B5%84%E9%87%91&sort=perCapitaNet'), true],
  ];
  console.log(`${databaseUrl ? 'PostgreSQL' : 'PGlite ' + dataDir}: households ${counts.h}, members ${counts.m}, ANALYZE ${analyze ? 'yes' : 'no'}, ${requests} requests per query, 4 connections`);
  const all: number[] = [];
  const pct = (xs: number[], p: number) => { const s = [...xs].sort((a, b) => a - b); return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? NaN; };
  let baseP95 = NaN;
  for (const [label, url, asCounty] of cases) {
    const cookie = asCounty ? countyCookie : cityCookie;
    const first = await fetch(base + url, { headers: { cookie } });
    if (!first.ok) throw new Error(`${label}: ${first.status} ${await first.text()}`);
    const body = (await first.json()) as { total?: number; totalExact?: boolean };
    const times: number[] = [];
    const res = await new Promise<autocannon.Result>((resolve, reject) => {
      const inst = autocannon({ url: base + url, headers: { cookie }, connections: 4, amount: requests, timeout: 120 }, (err, r) => (err ? reject(err) : resolve(r)));
      inst.on('response', (_c, _status, _bytes, ms) => times.push(ms));
    });
    const p95 = pct(times, 95);
    if (Number.isNaN(baseP95)) baseP95 = p95;
    else all.push(...times);
    const total = body.total === undefined ? '' : `  total ${body.total}${body.totalExact === false ? '+' : ''}`;
    console.log(`${label.padEnd(26)} p50 ${pct(times, 50).toFixed(1).padStart(6)} ms  p95 ${p95.toFixed(1).padStart(6)} ms  p99 ${pct(times, 99).toFixed(1).padStart(6)} ms  ×${(p95 / baseP95).toFixed(1).padStart(5)} baseline p95  ${Math.round(res.requests.average)} req/s  errors ${res.non2xx + res.errors}${total}`);
  }
  console.log(`${'all list queries'.padEnd(26)} p50 ${pct(all, 50).toFixed(1).padStart(6)} ms  p95 ${pct(all, 95).toFixed(1).padStart(6)} ms  p99 ${pct(all, 99).toFixed(1).padStart(6)} ms  ×${(pct(all, 95) / baseP95).toFixed(1).padStart(5)} baseline p95  (${all.length} requests)`);
} finally {
  child.kill('SIGTERM');
}
