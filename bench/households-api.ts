/**
 * Household list API under load: autocannon against a running `tuopin serve` (started here on a
 * given data dir), signed in as the city office (the whole registry in scope), over a mix of the
 * list queries the web app sends. Prints p50/p95/p99 per query.
 *
 *   npm run tuopin -- demo --scale 6 --data-dir tmp/demo6     # ≈ 100k households
 *   npx tsx bench/households-api.ts tmp/demo6 [--analyze]
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import autocannon from 'autocannon';
import { openDb } from '../src/core/db.js';

const dataDir = process.argv[2] ?? 'tmp/demo6';
const analyze = process.argv.includes('--analyze');
const port = 3900 + Math.floor(Math.random() * 90);
const base = `http://127.0.0.1:${port}`;

if (analyze) {
  const db = await openDb({ dataDir, fsync: false });
  await db.execute('ANALYZE');
  await db.close();
}
const counts = await (async () => {
  const db = await openDb({ dataDir, fsync: false });
  const r = await db.query<{ h: number; m: number }>('SELECT (SELECT count(*) FROM households)::int AS h, (SELECT count(*) FROM members)::int AS m');
  await db.close();
  return r[0]!;
})();

const child = spawn(process.execPath, [path.resolve('node_modules/tsx/dist/cli.mjs'), 'src/cli/main.ts', 'serve', '--port', String(port), '--data-dir', dataDir], {
  env: { ...process.env, LOG_LEVEL: 'warn' }, stdio: ['ignore', 'ignore', 'inherit'],
});
try {
  for (let i = 0; ; i++) {
    try {
      if ((await fetch(base + '/api/health')).ok) break;
    } catch { /* starting */ }
    if (i > 240) throw new Error('server did not start');
    await new Promise((r) => setTimeout(r, 250));
  }
  const login = await fetch(base + '/api/auth/login', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'demo-city', password: 'Demo-2018-tuopin' }) });
  const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0]!;
  const q = (s: string) => '/api/households?' + s;
  const cases: [string, string][] = [
    ['first page', q('page=1&pageSize=20')],
    ['page 200', q('page=200&pageSize=20')],
    ['status filter', q('status=%E6%9C%AA%E8%84%B1%E8%B4%AB,%E8%BF%94%E8%B4%AB&page=3')],
    ['county + category', q('region=620123000000&category=%E4%BD%8E%E4%BF%9D%E8%B4%AB%E5%9B%B0%E6%88%B7&page=2')],
    ['village', q('region=620121101201')],
    ['cause', q('cause=%E5%9B%A0%E7%97%85&page=5')],
    ['name search', q('name=%E7%8E%8B')],
    ['sort updatedAt desc', q('sort=updatedAt&order=desc')],
    ['sort memberCount desc', q('sort=memberCount&order=desc')],
    ['sort perCapitaNet asc', q('sort=perCapitaNet&order=asc')],
  ];
  console.log(`households ${counts.h}, members ${counts.m}, ANALYZE ${analyze ? 'yes' : 'no'}`);
  const all: number[] = [];
  const pct = (xs: number[], p: number) => { const s = [...xs].sort((a, b) => a - b); return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? NaN; };
  for (const [name, url] of cases) {
    const first = await fetch(base + url, { headers: { cookie } });
    if (!first.ok) throw new Error(`${name}: ${first.status} ${await first.text()}`);
    const times: number[] = [];
    const res = await new Promise<autocannon.Result>((resolve, reject) => {
      const inst = autocannon({ url: base + url, headers: { cookie }, connections: 4, duration: 6 }, (err, r) => (err ? reject(err) : resolve(r)));
      inst.on('response', (_c, _status, _bytes, ms) => times.push(ms));
    });
    all.push(...times);
    console.log(`${name.padEnd(24)} p50 ${pct(times, 50).toFixed(1).padStart(6)} ms  p95 ${pct(times, 95).toFixed(1).padStart(6)} ms  p99 ${pct(times, 99).toFixed(1).padStart(6)} ms  ${Math.round(res.requests.average)} req/s  errors ${res.non2xx + res.errors}`);
  }
  console.log(`${'all queries'.padEnd(24)} p50 ${pct(all, 50).toFixed(1).padStart(6)} ms  p95 ${pct(all, 95).toFixed(1).padStart(6)} ms  p99 ${pct(all, 99).toFixed(1).padStart(6)} ms  (${all.length} requests, 4 connections)`);
} finally {
  child.kill('SIGTERM');
}
