import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDb, type TestDb } from './support/db.js';
import { householdPayload, loginCookie, makeApp, seedUser, seedVillages, V1, V2, V_OTHER_COUNTY, V_OTHER_TOWNSHIP } from './support/factories.js';
import { runCli } from './support/cli.js';

/**
 * Pre-aggregated indicators against hand-counted fixtures (each household of householdPayload()
 * has three members; one member of H1 leaves; H7 is removed):
 *
 *   village   household  status  id year  exit year  people
 *   V1        H1         未脱贫    2016     –          2
 *   V1        H2         返贫      2015     2016       3
 *   V1        H3         已脱贫    2014     2017       3
 *   V1        H7         已剔除    2016     –          3 (left out)
 *   V2        H4         未脱贫    2014     –          3
 *   V3        H5         已脱贫    2014     2016       3   (another township of 榆中县)
 *   V4        H6         未脱贫    2016     –          3   (永登县)
 *
 * Rural population 2018: V1 100, V2 50, 榆中县 1000 (its own row); 2016: V1 90.
 */
let t: TestDb;
let app: FastifyInstance;
const cookies: Record<string, string> = {};
const get = (user: string | null, url: string) => app.inject({ method: 'GET', url, headers: user ? { cookie: cookies[user]! } : {} });
const post = (user: string | null, url: string) => app.inject({ method: 'POST', url, headers: user ? { cookie: cookies[user]! } : {} });

beforeAll(async () => {
  t = await testDb();
  await seedVillages(t.db);
  await seedUser(t.db, 'city', 'city', '620100000000');
  await seedUser(t.db, 'county', 'county', '620123000000');
  await seedUser(t.db, 'yongdeng', 'county', '620121000000');
  await seedUser(t.db, 'helper', 'helper', V1);
  app = await makeApp(t.db);
  for (const u of ['city', 'county', 'yongdeng', 'helper']) cookies[u] = await loginCookie(app, u);
  const create = async (user: string, village: string, o: Record<string, unknown>) => {
    const r = await app.inject({ method: 'POST', url: '/api/households', headers: { cookie: cookies[user]! }, payload: householdPayload(village, o) });
    if (r.statusCode !== 201) throw new Error(r.body);
    return r.json();
  };
  const h1 = await create('county', V1, { povertyStatus: '未脱贫', identificationYear: 2016 });
  await create('county', V1, { povertyStatus: '返贫', identificationYear: 2015, exitYear: 2016 });
  await create('county', V1, { povertyStatus: '已脱贫', identificationYear: 2014, exitYear: 2017 });
  const h7 = await create('county', V1, { povertyStatus: '未脱贫', identificationYear: 2016 });
  await create('county', V2, { povertyStatus: '未脱贫', identificationYear: 2014 });
  await create('county', V_OTHER_TOWNSHIP, { povertyStatus: '已脱贫', identificationYear: 2014, exitYear: 2016 });
  await create('yongdeng', V_OTHER_COUNTY, { povertyStatus: '未脱贫', identificationYear: 2016 });
  const child = h1.members.find((m: { relation: string }) => m.relation === '之子');
  const left = await app.inject({ method: 'DELETE', url: `/api/households/${h1.id}/members/${child.id}`, headers: { cookie: cookies.county! }, payload: { version: child.version, reason: '迁出' } });
  if (left.statusCode !== 200) throw new Error(left.body);
  const rm = await app.inject({ method: 'DELETE', url: `/api/households/${h7.id}`, headers: { cookie: cookies.county! }, payload: { version: h7.version, reason: '不符合识别标准' } });
  if (rm.statusCode !== 200) throw new Error(rm.body);
  await t.db.execute(
    `INSERT INTO region_populations (code, year, rural_population, source) VALUES
       ($1, 2018, 100, 'test'), ($2, 2018, 50, 'test'), ('620123000000', 2018, 1000, 'test'), ($1, 2016, 90, 'test')`, [V1, V2]);
});
let closed = false;
afterAll(async () => {
  if (!closed) {
    await app?.close();
    await t?.close();
  } else if (t.engine === 'pglite') fs.rmSync(t.dataDir, { recursive: true, force: true });
  else await t.close();
});

describe('indicators', () => {
  it('refuses anonymous callers, roles without the permission and regions out of scope', async () => {
    expect((await get(null, '/api/indicators')).statusCode).toBe(401);
    expect((await get(null, '/api/indicators/trend')).statusCode).toBe(401);
    expect((await post(null, '/api/indicators/refresh')).statusCode).toBe(401);
    expect((await post('county', '/api/indicators/refresh')).statusCode).toBe(403);
    expect((await get('helper', '/api/indicators')).statusCode).toBe(403);
    expect((await get('yongdeng', '/api/indicators?region=620123000000')).statusCode).toBe(404);
    expect((await get('county', '/api/indicators?period=last-year')).statusCode).toBe(400);
  });

  it('says when nothing has been computed yet', async () => {
    const r = await get('county', '/api/indicators');
    expect(r.json()).toMatchObject({ computedAt: null, region: null, children: [] });
  });

  it('refreshes every level and period, stamped with the time computed and audited', async () => {
    const r = await post('city', '/api/indicators/refresh');
    expect(r.statusCode, r.body).toBe(200);
    expect(r.json().periods).toEqual(expect.arrayContaining(['current', '2014', '2016', '2018']));
    const a = await t.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM audit_log WHERE action = 'indicators.refresh'`);
    expect(a[0]!.n).toBe(1);
  });

  it('current figures and incidence by village, township and county', async () => {
    const county = (await get('county', '/api/indicators')).json();
    expect(county.computedAt).toMatch(/^\d{4}-/);
    expect(county.region).toMatchObject({
      regionCode: '620123000000', level: 'county', households: 5, people: 14, poorHouseholds: 3, poorPeople: 8,
      exitedHouseholds: 2, exitedPeople: 6, ruralPopulation: 1000, incidence: 0.008,
    });
    const township = county.children.find((c: { regionCode: string }) => c.regionCode === '620123100000');
    expect(township).toMatchObject({ level: 'township', households: 4, people: 11, poorPeople: 8, ruralPopulation: 150, incidence: 0.053333 });
    const villages = (await get('county', '/api/indicators?region=620123100000')).json().children;
    const v1 = villages.find((c: { regionCode: string }) => c.regionCode === V1);
    expect(v1).toMatchObject({ level: 'village', households: 3, people: 8, poorHouseholds: 2, poorPeople: 5, exitedPeople: 3, incidence: 0.05 });
    expect(villages.find((c: { regionCode: string }) => c.regionCode === V2)).toMatchObject({ poorPeople: 3, incidence: 0.06 });
    const city = (await get('city', '/api/indicators')).json().region;
    expect(city).toMatchObject({ regionCode: '620100000000', households: 6, people: 17, poorPeople: 11, ruralPopulation: null, incidence: null });
  });

  it('year-end figures from identification and exit years', async () => {
    const trend = (await get('county', `/api/indicators/trend?region=${V1}`)).json().items as { period: string; people: number; poorPeople: number; exitedPeople: number; incidence: number | null }[];
    const at = (p: string) => trend.find((x) => x.period === p)!;
    expect(at('2014')).toMatchObject({ people: 3, poorPeople: 3, exitedPeople: 0 });
    expect(at('2015')).toMatchObject({ people: 6, poorPeople: 6, exitedPeople: 0 });
    // H2 exited in 2016 (it has since returned; the year figures keep its exit).
    expect(at('2016')).toMatchObject({ people: 8, poorPeople: 5, exitedPeople: 3, incidence: 0.055556 });
    expect(at('2018')).toMatchObject({ people: 8, poorPeople: 2, exitedPeople: 6, incidence: 0.02 });
    expect(trend[trend.length - 1]!.period).toBe('current');
  });

  it('exports population and incidence by township and village, and the progress by county (.xlsx)', async () => {
    expect((await get(null, '/api/exports/incidence')).statusCode).toBe(401);
    expect((await get('yongdeng', '/api/exports/incidence?region=620123000000')).statusCode).toBe(404);
    expect((await get('helper', '/api/exports/incidence')).statusCode).toBe(403);
    const r = await get('county', '/api/exports/incidence');
    expect(r.statusCode, r.body).toBe(200);
    expect(r.headers['content-type']).toMatch(/spreadsheetml/);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(r.rawPayload as unknown as ArrayBuffer);
    const rowsOf = (name: string) => {
      const out: unknown[][] = [];
      wb.getWorksheet(name)!.eachRow((row) => out.push((row.values as unknown[]).slice(1)));
      return out;
    };
    const villages = rowsOf('村');
    expect(villages[0]).toEqual(['区划代码', '区划名称', '期间', '户数', '人数', '贫困户数', '贫困人口', '已脱贫户数', '已脱贫人口', '农村户籍人口', '贫困发生率（%）']);
    expect(villages.find((x) => x[0] === V1)).toEqual([V1, '测试一村（合成）', '当前', 3, 8, 2, 5, 1, 3, 100, 5]);
    expect(villages.some((x) => x[0] === V_OTHER_COUNTY)).toBe(false);
    expect(rowsOf('乡镇').find((x) => x[0] === '620123100000')).toEqual(['620123100000', '城关镇', '当前', 4, 11, 3, 8, 1, 3, 150, 5.3333]);

    const p = await get('city', '/api/exports/targets-progress?year=2018');
    expect(p.statusCode, p.body).toBe(200);
    const pw = new ExcelJS.Workbook();
    await pw.xlsx.load(p.rawPayload as unknown as ArrayBuffer);
    const targets: unknown[][] = [];
    pw.getWorksheet('目标进度')!.eachRow((row) => targets.push((row.values as unknown[]).slice(1)));
    expect(targets.find((x) => x[0] === 'T-1-2-exit-people-2018')!.slice(0, 8)).toEqual(['T-1-2-exit-people-2018', '一(二)', '年度脱贫人口', 2018, 17400, '人', 0, '落后']);
    const counties: unknown[][] = [];
    pw.getWorksheet('分县进度')!.eachRow((row) => counties.push((row.values as unknown[]).slice(1)));
    expect(counties.find((x) => x[0] === '620123000000' && x[2] === '当前')).toEqual(['620123000000', '榆中县', '当前', 5, 14, 3, 8, 2, 6, 1000, 0.8]);
    expect(counties.find((x) => x[0] === '620123000000' && x[2] === '2016年末')).toBeDefined();
    const audit = await t.db.query<{ action: string }>(`SELECT action FROM audit_log WHERE action LIKE 'targets.export%' ORDER BY seq`);
    expect(audit.map((a) => a.action)).toEqual(['targets.export_incidence', 'targets.export_progress']);
  });

  it('refresh is idempotent and the CLI does the same', async () => {
    // The CLI opens the database itself; an embedded database must not be open twice.
    await app.close();
    if (t.engine === 'pglite') await t.db.close();
    closed = true;
    const r = runCli(t, ['indicators', 'refresh', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const again = runCli(t, ['indicators', 'show', '--region', '620123000000', '--json']);
    expect(again.code, again.stderr).toBe(0);
    expect(again.json().region).toMatchObject({ households: 5, people: 14, poorPeople: 8, incidence: 0.008 });
    expect(again.json().children.map((c: { regionCode: string }) => c.regionCode)).toEqual(expect.arrayContaining(['620123100000', '620123101000']));
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'tuopin-inc-')), 'inc.xlsx');
    const ex = runCli(t, ['report', 'incidence', file, '--region', '620123000000', '--period', '2016', '--json']);
    expect(ex.code, ex.stderr).toBe(0);
    expect(ex.json()).toMatchObject({ ok: true, villages: 3 });
  }, 300_000);
});
