import fs from 'node:fs';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { indicatorRefreshIdle } from '../src/modules/stats/indicators.js';
import { testDb, type TestDb } from './support/db.js';
import { buildApp } from '../src/server/app.js';
import { loadConfig } from '../src/core/config.js';
import { loginCookie, makeApp, seedUser, seedVillages, V1, V2 } from './support/factories.js';
import { sampleHousehold, tmpDir, writeXlsx, type Sheet } from './support/files.js';

/**
 * After a registry import over HTTP the indicators follow: the import answers at once and marks
 * them stale, a background refresh recomputes them, and the reads say stale/refreshing until then.
 */
let t: TestDb;
let app: FastifyInstance;
let dir: string;
const cookie: Record<string, string> = {};
const TOWNSHIP = '620123100000';

beforeAll(async () => {
  t = await testDb();
  await seedVillages(t.db);
  await seedUser(t.db, 'city', 'city', '620100000000');
  await seedUser(t.db, 'county', 'county', '620123000000');
  app = await makeApp(t.db);
  for (const u of ['city', 'county']) cookie[u] = await loginCookie(app, u);
  dir = tmpDir('tuopin-ind-import-');
});
afterAll(async () => {
  await app?.close();
  await t?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

async function upload(file: string, query = '') {
  const fd = new FormData();
  fd.append('file', new Blob([fs.readFileSync(file)]), path.basename(file));
  const req = new Request('http://x/', { method: 'POST', body: fd });
  return app.inject({
    method: 'POST', url: `/api/imports${query}`, payload: Buffer.from(await req.arrayBuffer()),
    headers: { 'content-type': req.headers.get('content-type')!, cookie: cookie.county! },
  });
}

async function workbook(name: string, rows: [string, string, number][]): Promise<string> {
  const hs: Sheet = [];
  const ms: Sheet = [];
  for (const [n, v, size] of rows) {
    const s = sampleHousehold(n, v, size);
    hs.push(s.household);
    ms.push(...s.members);
  }
  return writeXlsx(path.join(dir, name), hs, ms);
}

type Ind = { computedAt: string | null; stale: boolean; refreshing: boolean; error: string | null; children: { regionCode: string; households: number; people: number; poorPeople: number }[] };
const indicators = async (): Promise<Ind> => {
  const r = await app.inject({ method: 'GET', url: `/api/indicators?region=${TOWNSHIP}`, headers: { cookie: cookie.county! } });
  expect(r.statusCode, r.body).toBe(200);
  return r.json();
};
const child = (i: Ind, code: string) => i.children.find((c) => c.regionCode === code);

describe('indicators after an HTTP import', () => {
  it('recomputes in the background after the import commits; the figures reflect the new households', async () => {
    expect((await app.inject({ method: 'POST', url: '/api/indicators/refresh', headers: { cookie: cookie.city! } })).statusCode).toBe(200);
    const before = await indicators();
    expect(before).toMatchObject({ stale: false, refreshing: false });
    expect(child(before, V1)).toMatchObject({ households: 0, people: 0 });

    const r = await upload(await workbook('a.xlsx', [['IND-1', V1, 3], ['IND-2', V1, 2], ['IND-3', V2, 4]]));
    expect(r.statusCode, r.body).toBe(200);
    expect(r.json()).toMatchObject({ ok: true, households: 3, members: 9, indicators: 'refreshing' });

    await indicatorRefreshIdle(t.db);
    const after = await indicators();
    expect(after).toMatchObject({ stale: false, refreshing: false, error: null });
    expect(Date.parse(after.computedAt!)).toBeGreaterThan(Date.parse(before.computedAt!));
    expect(child(after, V1)).toMatchObject({ households: 2, people: 5, poorPeople: 5 });
    expect(child(after, V2)).toMatchObject({ households: 1, people: 4 });
    const audit = await t.db.query<{ username: string; details: { reason?: string } }>(
      `SELECT username, details FROM audit_log WHERE action = 'indicators.refresh' ORDER BY seq DESC LIMIT 1`);
    expect(audit[0]!.details.reason).toMatch(/^import /);
    const row = await t.db.query<{ requested_by: string }>(`SELECT requested_by FROM indicator_refresh`);
    expect(row[0]!.requested_by).toMatch(/^county: import /);
  });

  it('a dry run or an import that changes nothing leaves the indicators alone', async () => {
    const at = (await indicators()).computedAt;
    const dry = await upload(await workbook('b.xlsx', [['IND-4', V1, 2]]), '?dryRun=1');
    expect(dry.json()).toMatchObject({ ok: true, dryRun: true });
    expect(dry.json().indicators).toBeUndefined();
    await indicatorRefreshIdle(t.db);
    expect((await indicators()).computedAt).toBe(at);
  });

  it('says stale while a refresh is due, and a server that starts with one due refreshes', async () => {
    // A request recorded by a server that stopped before its refresh ran.
    await t.db.execute(`UPDATE indicator_refresh SET requested_at = now() + interval '1 second', started_at = NULL, finished_at = NULL`);
    const due = await indicators();
    expect(due).toMatchObject({ stale: true, refreshing: false });
    await new Promise((r) => setTimeout(r, 1100));
    const second = await makeApp(t.db);
    await second.ready();
    await indicatorRefreshIdle(t.db);
    await second.close();
    const fresh = await indicators();
    expect(fresh).toMatchObject({ stale: false, refreshing: false });
    expect(child(fresh, V1)).toMatchObject({ households: 2 });
  });

  it('after a household edit the indicators follow within the configured delay, one refresh for edits close together; a close drops a waiting run and the next start does it', async () => {
    const edits = await buildApp({ db: t.db, config: loadConfig({ sessionTtl: 3600, indicatorRefreshDelay: 2 }) });
    const ck = await loginCookie(edits, 'county');
    const call = (method: 'GET' | 'DELETE' | 'PATCH', url: string, payload?: unknown) => edits.inject({ method, url, payload: payload as object, headers: { cookie: ck } });
    const list = (await call('GET', `/api/households?region=${V1}`)).json() as { items: { id: string; householdNumber: string }[] };
    const hh = (await call('GET', `/api/households/${list.items.find((x) => x.householdNumber === 'IND-1')!.id}`)).json() as { id: string; members: { id: string; version: number; relation: string }[] };
    const before = await indicators();
    expect(child(before, V1)).toMatchObject({ households: 2, people: 5 });
    const [a, b] = hh.members.filter((m) => m.relation !== '户主');
    const refreshes = async () => (await t.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM audit_log WHERE action = 'indicators.refresh'`))[0]!.n;
    const n0 = await refreshes();
    for (const m of [a!, b!]) expect((await call('DELETE', `/api/households/${hh.id}/members/${m.id}`, { version: m.version, reason: '户口迁出' })).statusCode).toBe(200);
    // The old figures, said to be out of date. (The request is recorded in the response hook, which
    // may finish just after inject() returns: wait for it, well within the 2 s delay.)
    await expect.poll(async () => (await indicators()).stale, { interval: 5, timeout: 1500 }).toBe(true);
    await indicatorRefreshIdle(t.db);
    const after = await indicators();
    expect(after).toMatchObject({ stale: false, refreshing: false });
    expect(child(after, V1)).toMatchObject({ households: 2, people: 3 });
    expect(await refreshes()).toBe(n0 + 1); // two edits, one refresh
    // An edit just before the server stops: the waiting refresh is dropped, the request kept, and the next start runs it.
    const fresh = (await call('GET', `/api/households/${hh.id}`)).json() as { version: number };
    const patch = await edits.inject({ method: 'PATCH', url: `/api/households/${hh.id}`, payload: { version: fresh.version, household: { mainCause: '因学' } }, headers: { cookie: ck } });
    expect(patch.statusCode, patch.body).toBe(200);
    await expect.poll(async () => (await indicators()).stale, { interval: 5, timeout: 1500 }).toBe(true);
    await edits.close();
    expect(await refreshes()).toBe(n0 + 1);
    expect(await indicators()).toMatchObject({ stale: true });
    const next = await makeApp(t.db);
    await next.ready();
    await indicatorRefreshIdle(t.db);
    await next.close();
    expect(await indicators()).toMatchObject({ stale: false });
  });
});
