import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDemoPopulation } from '../src/modules/stats/demo-population.js';
import { testDb, type TestDb } from './support/db.js';
import { householdPayload, loginCookie, makeApp, seedUser, seedVillages, V1, V2, V_OTHER_COUNTY, V_OTHER_TOWNSHIP } from './support/factories.js';

/**
 * Dashboard statistics over hand-counted fixtures. Every household of householdPayload() has
 * three members; one member of H1 leaves, one household (H7) is removed.
 *
 *   village            household  status  category    main cause  id year  exit year  people
 *   V1 620123100201    H1         未脱贫   一般贫困户    因病         2016     –          2 (3 − 1 left)
 *   V1                 H2         返贫     低保贫困户    因残         2015     2016       3
 *   V1                 H3         已脱贫   一般贫困户    因学         2014     2017       3
 *   V1                 H7         已剔除   一般贫困户    因病         2016     –          3 (removed)
 *   V2 620123100202    H4         未脱贫   一般贫困户    因病         2014     –          3
 *   V3 620123101201    H5         已脱贫   特困供养贫困户 缺技术       2014     2016       3
 *   V4 620121100201    H6         未脱贫   一般贫困户    因病         2016     –          3  (永登县)
 *
 * Rural population 2018: V1 100, V2 50, 榆中县 own row 1000; V3 has none (so its township is
 * unknown); 2017: V1 80 only.
 */
let t: TestDb;
let app: FastifyInstance;
const cookies: Record<string, string> = {};
const ids: Record<string, string> = {};

const req = (user: string | null, url: string) => app.inject({ method: 'GET', url, headers: user ? { cookie: cookies[user]! } : {} });

beforeAll(async () => {
  t = await testDb();
  await seedVillages(t.db);
  await seedUser(t.db, 'city', 'city', '620100000000');
  await seedUser(t.db, 'county', 'county', '620123000000');
  await seedUser(t.db, 'township', 'township', '620123100000');
  await seedUser(t.db, 'village1', 'village', V1);
  await seedUser(t.db, 'yongdeng', 'county', '620121000000');
  await seedUser(t.db, 'dept', 'department', '620100000000');
  app = await makeApp(t.db);
  for (const u of ['city', 'county', 'township', 'village1', 'yongdeng', 'dept']) cookies[u] = await loginCookie(app, u);

  const create = async (name: string, user: string, village: string, o: Record<string, unknown>) => {
    const r = await app.inject({ method: 'POST', url: '/api/households', headers: { cookie: cookies[user]! }, payload: householdPayload(village, o) });
    if (r.statusCode !== 201) throw new Error(`${name}: ${r.body}`);
    ids[name] = r.json().id;
    return r.json();
  };
  const h1 = await create('H1', 'county', V1, { povertyStatus: '未脱贫', category: '一般贫困户', mainCause: '因病', identificationYear: 2016 });
  await create('H2', 'county', V1, { povertyStatus: '返贫', category: '低保贫困户', mainCause: '因残', identificationYear: 2015, exitYear: 2016 });
  await create('H3', 'county', V1, { povertyStatus: '已脱贫', category: '一般贫困户', mainCause: '因学', identificationYear: 2014, exitYear: 2017 });
  const h7 = await create('H7', 'county', V1, { povertyStatus: '未脱贫', category: '一般贫困户', mainCause: '因病', identificationYear: 2016 });
  await create('H4', 'county', V2, { povertyStatus: '未脱贫', category: '一般贫困户', mainCause: '因病', identificationYear: 2014 });
  await create('H5', 'county', V_OTHER_TOWNSHIP, { povertyStatus: '已脱贫', category: '特困供养贫困户', mainCause: '缺技术', identificationYear: 2014, exitYear: 2016 });
  await create('H6', 'yongdeng', V_OTHER_COUNTY, { povertyStatus: '未脱贫', category: '一般贫困户', mainCause: '因病', identificationYear: 2016 });

  const child = h1.members.find((m: { relation: string }) => m.relation === '之子');
  const left = await app.inject({ method: 'DELETE', url: `/api/households/${h1.id}/members/${child.id}`, headers: { cookie: cookies.county! }, payload: { version: child.version, reason: '外出就学迁出户口' } });
  if (left.statusCode !== 200) throw new Error('member leave: ' + left.body);
  const rm = await app.inject({ method: 'DELETE', url: `/api/households/${h7.id}`, headers: { cookie: cookies.county! }, payload: { version: h7.version, reason: '不符合识别标准' } });
  if (rm.statusCode !== 200) throw new Error('remove: ' + rm.body);

  await t.db.execute(
    `INSERT INTO region_populations (code, year, rural_population, source) VALUES
       ($1, 2018, 100, 'test'), ($2, 2018, 50, 'test'), ('620123000000', 2018, 1000, 'test'), ($1, 2017, 80, 'test')`,
    [V1, V2],
  );
});
afterAll(async () => {
  await app?.close();
  await t?.close();
});

const bucket = (list: { key: string; households: number; people: number }[], key: string) => list.find((b) => b.key === key);

describe('GET /api/stats/overview', () => {
  it('counts households and people of the scope by status, category and cause', async () => {
    const r = await req('county', '/api/stats/overview');
    expect(r.statusCode, r.body).toBe(200);
    const o = r.json();
    expect(o.region).toEqual({ code: '620123000000', name: '榆中县', level: 'county' });
    // H1 2, H2 3, H3 3, H4 3, H5 3 (H7 removed, H6 in 永登).
    expect(o).toMatchObject({ households: 5, people: 14, poorHouseholds: 3, poorPeople: 8 });
    expect(bucket(o.byStatus, '未脱贫')).toEqual({ key: '未脱贫', households: 2, people: 5 });
    expect(bucket(o.byStatus, '返贫')).toEqual({ key: '返贫', households: 1, people: 3 });
    expect(bucket(o.byStatus, '已脱贫')).toEqual({ key: '已脱贫', households: 2, people: 6 });
    expect(bucket(o.byStatus, '已剔除')).toEqual({ key: '已剔除', households: 1, people: 3 });
    expect(o.byCategory).toEqual([
      { key: '一般贫困户', households: 3, people: 8 },
      { key: '低保贫困户', households: 1, people: 3 },
      { key: '特困供养贫困户', households: 1, people: 3 },
    ]);
    expect(bucket(o.byCause, '因病')).toEqual({ key: '因病', households: 2, people: 5 });
    expect(bucket(o.byCause, '因残')).toEqual({ key: '因残', households: 1, people: 3 });
    expect(bucket(o.byCause, '缺技术')).toEqual({ key: '缺技术', households: 1, people: 3 });
  });

  it('narrows to a region inside the scope and defaults to the user scope', async () => {
    const v = (await req('county', `/api/stats/overview?region=${V2}`)).json();
    expect(v).toMatchObject({ households: 1, people: 3, poorPeople: 3, region: { code: V2, level: 'village' } });
    const own = (await req('village1', '/api/stats/overview')).json();
    expect(own).toMatchObject({ households: 3, people: 8, poorHouseholds: 2, poorPeople: 5 });
    const city = (await req('city', '/api/stats/overview')).json();
    expect(city).toMatchObject({ households: 6, people: 17, poorHouseholds: 4, poorPeople: 11 });
  });

  it('refuses anonymous callers, other scopes, roles without read and bad codes', async () => {
    expect((await req(null, '/api/stats/overview')).statusCode).toBe(401);
    expect((await req('yongdeng', `/api/stats/overview?region=${V1}`)).statusCode).toBe(404);
    expect((await req('village1', `/api/stats/overview?region=${V2}`)).statusCode).toBe(404);
    expect((await req('township', '/api/stats/overview?region=620123000000')).statusCode).toBe(404);
    expect((await req('county', '/api/stats/overview?region=620123999999')).statusCode).toBe(404);
    expect((await req('dept', '/api/stats/overview')).statusCode).toBe(403);
    const bad = await req('county', '/api/stats/overview?region=62012');
    expect(bad.statusCode).toBe(400);
    expect(bad.json().code).toBe('VALIDATION_FAILED');
  });
});

describe('GET /api/stats/by-region', () => {
  it('gives poor people and incidence per township, from own rows or the sum over all villages', async () => {
    const r = await req('county', '/api/stats/by-region');
    expect(r.statusCode, r.body).toBe(200);
    const b = r.json();
    expect(b.populationYear).toBe(2018);
    expect(b.parent).toMatchObject({ code: '620123000000', households: 5, people: 14, poorPeople: 8, exitedPeople: 6, ruralPopulation: 1000, populationBasis: 'own', incidence: 0.008 });
    const town = b.items.find((i: { code: string }) => i.code === '620123100000');
    // Townships: V1 (H1 2 + H2 3 poor, H3 3 exited) and V2 (H4 3 poor); population 100 + 50.
    expect(town).toMatchObject({ level: 'township', households: 4, people: 11, poorHouseholds: 3, poorPeople: 8, exitedHouseholds: 1, exitedPeople: 3, ruralPopulation: 150, populationBasis: 'sum', hasChildren: true });
    expect(town.incidence).toBeCloseTo(8 / 150, 6);
    const other = b.items.find((i: { code: string }) => i.code === '620123101000');
    // V3's population is unknown, so its township's is too: no incidence, never a guess.
    expect(other).toMatchObject({ households: 1, people: 3, poorPeople: 0, exitedPeople: 3, ruralPopulation: null, incidence: null, populationBasis: null });
    // Every township of 榆中县 is listed, with zeros where nothing is registered.
    expect(b.items.length).toBeGreaterThan(10);
    expect(b.items.find((i: { code: string }) => i.code === '620123214000')).toMatchObject({ households: 0, people: 0, ruralPopulation: null, incidence: null, hasChildren: false });
  });

  it('drills down to villages and takes the asked year', async () => {
    const v = (await req('county', '/api/stats/by-region?parent=620123100000')).json();
    expect(v.items.map((i: { code: string }) => i.code)).toEqual([V1, V2]);
    expect(v.items[0]).toMatchObject({ poorPeople: 5, ruralPopulation: 100, incidence: 0.05, poorVillage: true, hasChildren: false });
    expect(v.items[1]).toMatchObject({ poorPeople: 3, ruralPopulation: 50, incidence: 0.06, poorVillage: false });
    const y = (await req('county', '/api/stats/by-region?parent=620123100000&year=2017')).json();
    expect(y.populationYear).toBe(2017);
    expect(y.items[0]).toMatchObject({ ruralPopulation: 80, incidence: 0.0625 });
    expect(y.items[1]).toMatchObject({ ruralPopulation: null, incidence: null });
    expect(y.parent).toMatchObject({ ruralPopulation: null, incidence: null });
  });

  it('lists the counties for the city, each within the scope only', async () => {
    const c = (await req('city', '/api/stats/by-region')).json();
    const yz = c.items.find((i: { code: string }) => i.code === '620123000000');
    const yd = c.items.find((i: { code: string }) => i.code === '620121000000');
    expect(yz).toMatchObject({ households: 5, poorPeople: 8, incidence: 0.008 });
    expect(yd).toMatchObject({ households: 1, poorPeople: 3, ruralPopulation: null, incidence: null });
    expect(c.parent).toMatchObject({ households: 6, poorPeople: 11 });
  });

  it('sums villages upwards, leaving out regions with no village (urban subdistricts)', async () => {
    await t.db.execute(
      `INSERT INTO region_populations (code, year, rural_population, source) VALUES ($1, 2016, 100, 'test'), ($2, 2016, 50, 'test'), ($3, 2016, 30, 'test'), ($4, 2016, 200, 'test')`,
      [V1, V2, V_OTHER_TOWNSHIP, V_OTHER_COUNTY],
    );
    const c = (await req('city', '/api/stats/by-region?year=2016')).json();
    expect(c.populationYear).toBe(2016);
    // 榆中县: its two townships with villages (150 + 30); the other townships have none.
    expect(c.items.find((i: { code: string }) => i.code === '620123000000')).toMatchObject({ ruralPopulation: 180, populationBasis: 'sum', incidence: Number((8 / 180).toFixed(6)) });
    expect(c.items.find((i: { code: string }) => i.code === '620121000000')).toMatchObject({ ruralPopulation: 200, populationBasis: 'sum', incidence: 0.015 });
    // A district without villages has no rural registry here: unknown, and left out of the city's sum.
    expect(c.items.find((i: { code: string }) => i.code === '620102000000')).toMatchObject({ ruralPopulation: null, incidence: null });
    expect(c.parent).toMatchObject({ ruralPopulation: 380, populationBasis: 'sum', poorPeople: 11 });
    expect(c.parent.incidence).toBeCloseTo(11 / 380, 6);
  });

  it('refuses anonymous callers and regions outside the scope', async () => {
    expect((await req(null, '/api/stats/by-region')).statusCode).toBe(401);
    expect((await req('yongdeng', '/api/stats/by-region?parent=620123000000')).statusCode).toBe(404);
    expect((await req('township', '/api/stats/by-region?parent=620123000000')).statusCode).toBe(404);
    expect((await req('township', '/api/stats/by-region?parent=620123101000')).statusCode).toBe(404);
    expect((await req('dept', '/api/stats/by-region')).statusCode).toBe(403);
  });
});

describe('GET /api/stats/trends', () => {
  it('counts by identification year and by exit year', async () => {
    const r = await req('county', '/api/stats/trends');
    expect(r.statusCode, r.body).toBe(200);
    const tr = r.json();
    expect(tr.identification).toEqual([
      { year: 2014, households: 3, people: 9 },
      { year: 2015, households: 1, people: 3 },
      { year: 2016, households: 1, people: 2 },
    ]);
    // H2 (返贫) exited in 2016 and returned, H5 exited 2016, H3 2017.
    expect(tr.exit).toEqual([
      { year: 2016, households: 2, people: 6 },
      { year: 2017, households: 1, people: 3 },
    ]);
    expect(tr.exitStillOut).toEqual([
      { year: 2016, households: 1, people: 3 },
      { year: 2017, households: 1, people: 3 },
    ]);
  });

  it('refuses anonymous callers and regions outside the scope', async () => {
    expect((await req(null, '/api/stats/trends')).statusCode).toBe(401);
    expect((await req('yongdeng', `/api/stats/trends?region=${V1}`)).statusCode).toBe(404);
    expect((await req('village1', `/api/stats/trends?region=620123100000`)).statusCode).toBe(404);
  });
});

describe('loadDemoPopulation', () => {
  it('gives every synthetic village a population at least its registered people, idempotently', async () => {
    const n1 = await t.db.transaction((tx) => loadDemoPopulation(tx, 2019));
    const n2 = await t.db.transaction((tx) => loadDemoPopulation(tx, 2019));
    expect(n1).toBe(4);
    expect(n2).toBe(4);
    const rows = await t.db.query<{ code: string; rural_population: number; source: string }>(
      'SELECT code, rural_population, source FROM region_populations WHERE year = 2019 ORDER BY code',
    );
    expect(rows.map((r) => r.code)).toEqual([V1, V2, V_OTHER_TOWNSHIP, V_OTHER_COUNTY].sort());
    const v1 = rows.find((r) => r.code === V1)!;
    expect(v1.rural_population).toBeGreaterThanOrEqual(8);
    expect(v1.source).toBe('tuopin demo（合成数据）');
    // Deterministic: the same households give the same figures.
    const again = await t.db.query<{ rural_population: number }>('SELECT rural_population FROM region_populations WHERE year = 2019 ORDER BY code');
    expect(again.map((r) => r.rural_population)).toEqual(rows.map((r) => r.rural_population));
  });
});
