import fs from 'node:fs';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDb, type TestDb } from './support/db.js';
import { loginCookie, makeApp, seedUser, seedVillages, V1, V_OTHER_COUNTY, V_OTHER_TOWNSHIP } from './support/factories.js';
import { tmpDir } from './support/files.js';
import { outsider, person, register, writeCsv, writeSheet } from './comparison.fixtures.js';

// Every comparison route: refuses an anonymous caller (401) and answers "not found" (404) outside
// the caller's scope; findings are routed to the household's village, township and county.
let t: TestDb;
let app: FastifyInstance;
let dir: string;
const cookies: Record<string, string> = {};

const P = {
  v1dead: person('19500101', { village: V1 }),
  v1moved: person('19510101', { village: V1 }),
  townDead: person('19520101', { village: V_OTHER_TOWNSHIP }),
  ydDead: person('19530101', { village: V_OTHER_COUNTY }),
};

beforeAll(async () => {
  t = await testDb();
  await seedVillages(t.db);
  dir = tmpDir('tuopin-cmp-api-');
  await register(t.db, dir, Object.values(P));
  await seedUser(t.db, 'cmp-city', 'city', '620100000000');
  await seedUser(t.db, 'cmp-yuzhong', 'county', '620123000000');
  await seedUser(t.db, 'cmp-yongdeng', 'county', '620121000000');
  await seedUser(t.db, 'cmp-town', 'township', '620123100000');
  await seedUser(t.db, 'cmp-village', 'village', V1);
  await seedUser(t.db, 'cmp-village2', 'village', V_OTHER_TOWNSHIP);
  await seedUser(t.db, 'cmp-dept', 'department', '620100000000');
  await seedUser(t.db, 'cmp-dept2', 'department', '620100000000');
  app = await makeApp(t.db);
  for (const u of ['cmp-city', 'cmp-yuzhong', 'cmp-yongdeng', 'cmp-town', 'cmp-village', 'cmp-village2', 'cmp-dept', 'cmp-dept2']) cookies[u] = await loginCookie(app, u);
});
afterAll(async () => {
  await app?.close();
  await t?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

function multipart(file: string, fields: Record<string, string>): { payload: Buffer; headers: Record<string, string> } {
  const boundary = '----tuopin' + Math.random().toString(16).slice(2);
  const parts: Buffer[] = [];
  for (const [k, v] of Object.entries(fields)) {
    parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`));
  }
  parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${path.basename(file)}"\r\nContent-Type: application/octet-stream\r\n\r\n`));
  parts.push(fs.readFileSync(file));
  parts.push(Buffer.from(`\r\n--${boundary}--\r\n`));
  return { payload: Buffer.concat(parts), headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
}

const fields = { kind: 'hukou', year: '2020', purpose: '季度动态管理比对', authorisation: '农户书面授权书（2020）' };
function hukouFile(name: string) {
  return writeCsv(path.join(dir, name), ['证件号码', '姓名', '户籍状态'], [
    [P.v1dead.id, P.v1dead.name, '死亡'], [P.v1moved.id, P.v1moved.name, '迁出'], [P.townDead.id, P.townDead.name, '死亡'],
    [P.ydDead.id, P.ydDead.name, '死亡'], [outsider().id, '外人', '死亡'],
  ]);
}
async function upload(user: string | null, file: string, f: Record<string, string> = fields, query = '') {
  const m = multipart(file, f);
  return app.inject({ method: 'POST', url: `/api/comparison/datasets${query}`, payload: m.payload, headers: { ...m.headers, ...(user ? { cookie: cookies[user]! } : {}) } });
}
const get = (user: string | null, url: string) => app.inject({ method: 'GET', url, headers: user ? { cookie: cookies[user]! } : {} });
const verify = (user: string | null, id: string, body: unknown) =>
  app.inject({ method: 'POST', url: `/api/comparison/findings/${id}/verify`, payload: body as object, headers: user ? { cookie: cookies[user]! } : {} });

let yuzhongDataset = '';
let cityDataset = '';

describe('comparison API', () => {
  it('POST /api/comparison/datasets: 401 anonymous, 403 for a role that may not upload; preview reads columns only; a county compares its own county only', async () => {
    const file = hukouFile('api-hukou.csv');
    expect((await upload(null, file)).statusCode).toBe(401);
    expect((await upload('cmp-town', file)).statusCode).toBe(403);

    const pv = await upload('cmp-yuzhong', file, fields, '?preview=1');
    expect(pv.statusCode, pv.body).toBe(200);
    expect(pv.json()).toMatchObject({ kind: 'hukou', missing: [], columns: [{ header: '证件号码', column: '证件号码' }, { header: '姓名', column: '姓名' }, { header: '户籍状态', column: '户籍状态' }] });
    expect(pv.json().rows).toHaveLength(5);
    expect((await t.db.query('SELECT 1 FROM comparison_datasets'))).toEqual([]);

    const res = await upload('cmp-yuzhong', file);
    expect(res.statusCode, res.body).toBe(201);
    const body = res.json();
    yuzhongDataset = body.datasetId;
    // 永登's person is outside 榆中's scope: matched nowhere, no finding
    expect(body.rows).toMatchObject({ total: 5, accepted: 5, matched: 3 });
    expect(body.byCode).toEqual({ DECEASED: 2, MOVED_OUT: 1 });

    const bad = await upload('cmp-yuzhong', writeCsv(path.join(dir, 'nocol.csv'), ['证件号码', '姓名'], [[P.v1dead.id, P.v1dead.name]]));
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ code: 'FILE_REJECTED', details: { errors: [{ code: 'MISSING_COLUMN', column: '户籍状态' }] } });
    const noAuth = await upload('cmp-yuzhong', file, { kind: 'hukou', year: '2020', purpose: '比对', authorisation: '' });
    expect(noAuth.json().code).toBe('AUTHORISATION_REQUIRED');

    const city = await upload('cmp-dept', await writeSheet(path.join(dir, 'api-hukou.xlsx'), ['证件号码', '姓名', '户籍状态'], [[P.ydDead.id, P.ydDead.name, '死亡']]), { ...fields, year: '2021' });
    expect(city.statusCode, city.body).toBe(201);
    cityDataset = city.json().datasetId;
    expect(city.json().byCode).toEqual({ DECEASED: 1 });
  });

  it('POST /api/comparison/datasets?preview=1 checks every row as the comparison would: counts and each rejected row with its reason, nothing written', async () => {
    const file = writeCsv(path.join(dir, 'preview-bad.csv'), ['证件号码', '姓名', '户籍状态', '变动日期'], [
      [P.v1dead.id, P.v1dead.name, '死亡', '2020-01-02'], ['62012319800101001X', '错号', '死亡', ''], [P.v1moved.id, P.v1moved.name, '', '2020-13-40'],
      [P.townDead.id, P.townDead.name, '迁 出', '2020年5月2日'],
    ]);
    const before = (await t.db.query<{ n: number }>('SELECT count(*)::int AS n FROM comparison_datasets'))[0]!.n;
    const pv = await upload('cmp-yuzhong', file, fields, '?preview=1');
    expect(pv.statusCode, pv.body).toBe(200);
    const body = pv.json();
    expect(body.counts).toEqual({ total: 4, accepted: 2, rejected: 2 });
    expect(body.rows.map((r: { row: number }) => r.row)).toEqual([2, 3, 4, 5]);
    expect(body.rejected).toEqual([
      expect.objectContaining({ row: 3, column: '证件号码', value: '62012319800101001X', code: 'ID_CHECK' }),
      expect.objectContaining({ row: 4, column: '户籍状态', code: 'MISSING_VALUE' }),
      expect.objectContaining({ row: 4, column: '变动日期', value: '2020-13-40', code: 'BAD_DATE' }),
    ]);
    expect((await t.db.query<{ n: number }>('SELECT count(*)::int AS n FROM comparison_datasets'))[0]!.n).toBe(before);
    const missing = await upload('cmp-yuzhong', writeCsv(path.join(dir, 'preview-nocol.csv'), ['证件号码', '姓名'], [[P.v1dead.id, P.v1dead.name]]), fields, '?preview=1');
    expect(missing.json()).toMatchObject({ missing: ['户籍状态'], counts: { total: 0 }, rows: [{ row: 2 }] });
    expect((await upload(null, file, fields, '?preview=1')).statusCode).toBe(401);
  });

  it('GET /api/comparison/datasets and /:id: 401 anonymous; a department sees only its uploads; another county gets 404 for a dataset outside its scope', async () => {
    expect((await get(null, '/api/comparison/datasets')).statusCode).toBe(401);
    expect((await get(null, `/api/comparison/datasets/${yuzhongDataset}`)).statusCode).toBe(401);
    const mine = await get('cmp-dept', '/api/comparison/datasets');
    expect(mine.json().items.map((d: { id: string }) => d.id)).toEqual([cityDataset]);
    expect((await get('cmp-dept2', '/api/comparison/datasets')).json().items).toEqual([]);
    expect((await get('cmp-dept2', `/api/comparison/datasets/${cityDataset}`)).statusCode).toBe(404);
    const yz = await get('cmp-yuzhong', '/api/comparison/datasets');
    expect(yz.json().items.map((d: { id: string }) => d.id).sort()).toEqual([yuzhongDataset, cityDataset].sort());
    expect((await get('cmp-yongdeng', `/api/comparison/datasets/${yuzhongDataset}`)).statusCode).toBe(404);
    const detail = await get('cmp-yuzhong', `/api/comparison/datasets/${yuzhongDataset}`);
    expect(detail.statusCode).toBe(200);
    expect(detail.json()).toMatchObject({ kind: 'hukou', year: 2020, purpose: '季度动态管理比对', authorisation: '农户书面授权书（2020）', rowsTotal: 5, uploader: 'cmp-yuzhong' });
  });

  it('GET /api/comparison/findings: 401 anonymous; routed by village and township; 404 for a region outside the scope; masked ID numbers', async () => {
    expect((await get(null, '/api/comparison/findings')).statusCode).toBe(401);
    const v = await get('cmp-village', '/api/comparison/findings');
    expect(v.statusCode).toBe(200);
    expect(v.json().items.map((f: { householdNumber: string }) => f.householdNumber).sort()).toEqual([P.v1dead.householdNumber, P.v1moved.householdNumber].sort());
    expect(v.json().items[0].idNumber).toMatch(/\*{8}/);
    const town = await get('cmp-town', '/api/comparison/findings?kind=hukou&code=DECEASED');
    expect(town.json().total).toBe(1);
    const yz = await get('cmp-yuzhong', '/api/comparison/findings?status=open');
    expect(yz.json().total).toBe(3);
    expect((await get('cmp-village', `/api/comparison/findings?region=${V_OTHER_TOWNSHIP}`)).statusCode).toBe(404);
    expect((await get('cmp-yongdeng', '/api/comparison/findings?region=620123000000')).statusCode).toBe(404);
    expect((await get('cmp-yongdeng', '/api/comparison/findings')).json().items.map((f: { householdNumber: string }) => f.householdNumber)).toEqual([P.ydDead.householdNumber]);
    expect((await get('cmp-dept', '/api/comparison/findings')).statusCode).toBe(403);
  });

  it('POST /api/comparison/findings/:id/verify: 401 anonymous; 404 outside the scope; the village confirms with a reason', async () => {
    const items = (await get('cmp-village', '/api/comparison/findings?code=DECEASED')).json().items as { id: string; version: number }[];
    const id = items[0]!.id;
    expect((await verify(null, id, { decision: 'confirm', reason: '核实属实' })).statusCode).toBe(401);
    expect((await verify('cmp-village2', id, { decision: 'confirm', reason: '核实属实' })).statusCode).toBe(404);
    expect((await verify('cmp-yongdeng', id, { decision: 'confirm', reason: '核实属实' })).statusCode).toBe(404);
    expect((await verify('cmp-village', '00000000-0000-0000-0000-000000000000', { decision: 'confirm', reason: '核实属实' })).statusCode).toBe(404);
    expect((await verify('cmp-village', id, { decision: 'confirm', reason: '' })).statusCode).toBe(400);
    const stale = await verify('cmp-village', id, { decision: 'confirm', reason: '核实属实', version: items[0]!.version + 5 });
    expect(stale.statusCode).toBe(409);
    const ok = await verify('cmp-village', id, { decision: 'confirm', reason: '入户核实，已去世', version: items[0]!.version });
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.json()).toMatchObject({ status: 'confirmed', opens: 'removal-proposal', reason: '入户核实，已去世' });
    expect((await verify('cmp-village', id, { decision: 'dismiss', reason: '再核' })).statusCode).toBe(409);
  });

  it('a finding about someone from outside Lanzhou (county 000000, routed to the city): no county sees it, the city confirms it naming the village (an identification candidate there); the city verifies nothing else', async () => {
    const beijing = outsider('19700101', '110105');
    const file = writeCsv(path.join(dir, 'dibao-outside.csv'), ['证件号码', '姓名', '救助类别', '低保类别', '月保障金额', '起始日期', '终止日期'],
      [[beijing.id, beijing.name, '低保', '一类', 500, '2018-01-01', '']]);
    const up = await upload('cmp-dept', file, { ...fields, kind: 'dibao' });
    expect(up.statusCode, up.body).toBe(201);
    const items = (await get('cmp-city', '/api/comparison/findings?code=DIBAO_NOT_REGISTERED')).json().items as { id: string; countyCode: string; version: number }[];
    expect(items).toEqual([expect.objectContaining({ countyCode: '000000' })]);
    const id = items[0]!.id;
    expect((await verify(null, id, { decision: 'confirm', reason: '核实属实', villageCode: V1 })).statusCode).toBe(401);
    expect((await verify('cmp-yuzhong', id, { decision: 'dismiss', reason: '不在本县' })).statusCode).toBe(404);
    expect((await verify('cmp-village', id, { decision: 'dismiss', reason: '不在本村' })).statusCode).toBe(404);
    expect((await verify('cmp-dept', id, { decision: 'dismiss', reason: '部门' })).statusCode).toBe(403);
    const noVillage = await verify('cmp-city', id, { decision: 'confirm', reason: '核实属实' });
    expect(noVillage.statusCode).toBe(400);
    const ok = await verify('cmp-city', id, { decision: 'confirm', reason: '长期居住在本村，户籍在北京', villageCode: V1, version: items[0]!.version });
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.json()).toMatchObject({ status: 'confirmed', countyCode: '000000', openState: 'candidate', candidate: { status: 'open', villageCode: V1 } });
    // The village where the person lives sees the candidate.
    const mine = (await get('cmp-village', '/api/comparison/candidates')).json().items as { name: string; villageCode: string }[];
    expect(mine).toEqual(expect.arrayContaining([expect.objectContaining({ name: beijing.name, villageCode: V1 })]));
    // A finding about a registered household is its village's, township's and county's to verify.
    const local = (await get('cmp-city', '/api/comparison/findings?code=DECEASED&status=open')).json().items as { id: string }[];
    expect(local.length).toBeGreaterThan(0);
    const refused = await verify('cmp-city', local[0]!.id, { decision: 'dismiss', reason: '市级' });
    expect(refused.statusCode).toBe(403);
    expect(refused.json().code).toBe('VERIFIED_LOCALLY');
  });

  it('GET /api/comparison/summary: 401 anonymous; by kind, code and region one level down; 404 outside the scope', async () => {
    expect((await get(null, '/api/comparison/summary')).statusCode).toBe(401);
    const city = await get('cmp-city', '/api/comparison/summary');
    expect(city.statusCode).toBe(200);
    expect(city.json().items).toEqual(expect.arrayContaining([
      expect.objectContaining({ kind: 'hukou', code: 'DECEASED', region: '620123000000', total: 2, confirmed: 1, open: 1 }),
      expect.objectContaining({ kind: 'hukou', code: 'DECEASED', region: '620121000000', total: 1 }),
    ]));
    const yz = await get('cmp-yuzhong', '/api/comparison/summary?kind=hukou');
    expect(yz.json().items.map((r: { region: string }) => r.region)).toEqual(expect.arrayContaining(['620123100000', '620123101000']));
    expect((await get('cmp-yongdeng', '/api/comparison/summary?region=620123000000')).statusCode).toBe(404);
    expect((await get('cmp-village', `/api/comparison/summary?region=${V_OTHER_TOWNSHIP}`)).statusCode).toBe(404);
  });

  it('GET/POST /api/comparison/rules: 401 anonymous; only the city office sets parameters, dated; comparisons use the parameters effective in their year', async () => {
    expect((await get(null, '/api/comparison/rules')).statusCode).toBe(401);
    const set = (user: string | null, id: string, body: unknown) =>
      app.inject({ method: 'POST', url: `/api/comparison/rules/${id}`, payload: body as object, headers: user ? { cookie: cookies[user]! } : {} });
    const body = { effectiveFrom: '2021-01-01', params: { minPrice: 50000 }, source: '市扶贫办 2021 年第 1 号通知（测试）' };
    expect((await set(null, 'VEHICLE', body)).statusCode).toBe(401);
    expect((await set('cmp-yuzhong', 'VEHICLE', body)).statusCode).toBe(403);
    expect((await set('cmp-city', 'NO_SUCH_RULE', body)).statusCode).toBe(404);
    expect((await set('cmp-city', 'VEHICLE', { ...body, params: { minPrice: 'lots' } })).json().code).toBe('BAD_RULE_PARAMS');
    const ok = await set('cmp-city', 'VEHICLE', body);
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.json()).toMatchObject({ id: 'VEHICLE', effectiveFrom: '2021-01-01', params: { minPrice: 50000, farmTypes: expect.any(Array) } });
    const at2020 = (await get('cmp-village', '/api/comparison/rules?date=2020-06-30')).json().items.find((r: { id: string }) => r.id === 'VEHICLE');
    expect(at2020.params.minPrice).toBe(30000);
    const file = writeCsv(path.join(dir, 'cars.csv'), ['证件号码', '姓名', '车辆类型', '车辆价格'], [[P.v1dead.id, P.v1dead.name, '小型轿车', 40000]]);
    const y2020 = await upload('cmp-city', file, { ...fields, kind: 'vehicle', year: '2020' });
    expect(y2020.json().byCode).toEqual({ VEHICLE: 1 });
    const y2022 = await upload('cmp-city', file, { ...fields, kind: 'vehicle', year: '2022' });
    expect(y2022.json().byCode).toEqual({});
  });
});
