import fs from 'node:fs';
import path from 'node:path';
import ExcelJS from 'exceljs';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HOUSEHOLD_COLUMNS, MEMBER_COLUMNS } from '../src/modules/registry/workbook/columns.js';
import { testDb, type TestDb } from './support/db.js';
import { loginCookie, makeApp, seedUser, seedVillages, V1, V2 } from './support/factories.js';
import { sampleHousehold, tmpDir, writeCsvPair, writeXlsx, type Sheet } from './support/files.js';

let t: TestDb;
let app: FastifyInstance;
let dir: string;
const cookie: Record<string, string> = {};
beforeAll(async () => {
  t = await testDb();
  await seedVillages(t.db);
  await seedUser(t.db, 'county', 'county', '620123000000');
  await seedUser(t.db, 'village2', 'village', V2);
  await seedUser(t.db, 'helper', 'helper', V1);
  app = await makeApp(t.db);
  for (const u of ['county', 'village2', 'helper']) cookie[u] = await loginCookie(app, u);
  dir = tmpDir('tuopin-http-');
});
afterAll(async () => {
  await app?.close();
  await t?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

function form(files: Record<string, string>): FormData {
  const fd = new FormData();
  for (const [field, file] of Object.entries(files)) fd.append(field, new Blob([fs.readFileSync(file)]), path.basename(file));
  return fd;
}

async function upload(user: string | null, files: Record<string, string>, query = '') {
  const fd = form(files);
  const req = new Request('http://x/', { method: 'POST', body: fd });
  const body = Buffer.from(await req.arrayBuffer());
  return app.inject({
    method: 'POST', url: `/api/imports${query}`, payload: body,
    headers: { 'content-type': req.headers.get('content-type')!, ...(user ? { cookie: cookie[user]! } : {}) },
  });
}

function sample(n: number, prefix: string, village = V1): [Sheet, Sheet] {
  const hs: Sheet = [];
  const ms: Sheet = [];
  for (let i = 0; i < n; i++) {
    const s = sampleHousehold(`${prefix}${i}`, village, 2);
    hs.push(s.household);
    ms.push(...s.members);
  }
  return [hs, ms];
}

describe('import over HTTP', () => {
  it('anonymous → 401; a helper (no import permission) → 403', async () => {
    const file = await writeXlsx(path.join(dir, 'a.xlsx'), ...sample(1, 'ANON'));
    expect((await upload(null, { file })).statusCode).toBe(401);
    expect((await upload('helper', { file })).statusCode).toBe(403);
  });

  it('an .xlsx upload: dry run previews, then the import writes; the list shows the households', async () => {
    const file = await writeXlsx(path.join(dir, 'ok.xlsx'), ...sample(3, 'HTTP'));
    const dry = await upload('county', { file }, '?dryRun=1');
    expect(dry.statusCode, dry.body).toBe(200);
    expect(dry.json()).toMatchObject({ ok: true, dryRun: true, households: 3, members: 6 });
    const real = await upload('county', { file });
    expect(real.json()).toMatchObject({ ok: true, dryRun: false, households: 3, members: 6, created: 3 });
    const list = await app.inject({ method: 'GET', url: '/api/households?householdNumber=HTTP1', headers: { cookie: cookie.county! } });
    expect(list.json().total).toBe(1);
  });

  it('a CSV pair upload in GB18030', async () => {
    const [hs, ms] = sample(2, 'GBK');
    const src = writeCsvPair(dir, hs, ms, 'gb18030');
    const r = await upload('county', { households: src.households, members: src.members });
    expect(r.json()).toMatchObject({ ok: true, households: 2, members: 4 });
  });

  it('out-of-scope rows are refused for a village cadre, with the row named', async () => {
    const file = await writeXlsx(path.join(dir, 'scope.xlsx'), ...sample(1, 'SCP', V1));
    const r = await upload('village2', { file });
    expect(r.statusCode).toBe(200);
    expect(r.json()).toMatchObject({ ok: false, errors: [{ sheet: '户信息', row: 2, column: '行政区划代码', code: 'OUT_OF_SCOPE' }] });
  });

  it('bad files get a clear error, write nothing, and the server keeps answering', async () => {
    const before = (await t.db.query<{ n: number }>('SELECT count(*)::int AS n FROM households'))[0]!.n;
    const junk = path.join(dir, 'junk.xlsx');
    fs.writeFileSync(junk, Buffer.alloc(5000, 7));
    const empty = path.join(dir, 'empty.xlsx');
    fs.writeFileSync(empty, '');
    for (const file of [junk, empty]) {
      const r = await upload('county', { file });
      expect(r.statusCode, r.body).toBe(200);
      expect(r.json().ok).toBe(false);
      expect(r.json().errors[0].message).toMatch(/[\u4e00-\u9fa5]/);
    }
    const none = await upload('county', {});
    expect(none.statusCode).toBe(400);
    expect(none.json().code).toBe('NO_FILE');
    const notMultipart = await app.inject({ method: 'POST', url: '/api/imports', payload: { a: 1 }, headers: { cookie: cookie.county! } });
    expect(notMultipart.statusCode).toBe(400);
    expect((await t.db.query<{ n: number }>('SELECT count(*)::int AS n FROM households'))[0]!.n).toBe(before);
    expect((await app.inject({ method: 'GET', url: '/api/health' })).statusCode).toBe(200);
  });

  it('export downloads an .xlsx of the caller\'s scope, masked', async () => {
    const r = await app.inject({ method: 'GET', url: '/api/exports/registry', headers: { cookie: cookie.county! } });
    expect(r.statusCode).toBe(200);
    expect(r.headers['content-type']).toContain('spreadsheetml');
    expect(r.rawPayload.subarray(0, 2).toString()).toBe('PK');
    expect((await app.inject({ method: 'GET', url: '/api/exports/registry' })).statusCode).toBe(401);
    const helper = await app.inject({ method: 'GET', url: '/api/exports/registry', headers: { cookie: cookie.helper! } });
    expect(helper.statusCode).toBe(403);
  });
});

describe('import page downloads', () => {
  it('the empty template: the two contract sheets with their headers; 401 anonymous, 403 without the import permission', async () => {
    expect((await app.inject({ method: 'GET', url: '/api/imports/template' })).statusCode).toBe(401);
    expect((await app.inject({ method: 'GET', url: '/api/imports/template', headers: { cookie: cookie.helper! } })).statusCode).toBe(403);
    const r = await app.inject({ method: 'GET', url: '/api/imports/template', headers: { cookie: cookie.village2! } });
    expect(r.statusCode).toBe(200);
    expect(r.headers['content-disposition']).toContain(encodeURIComponent('建档立卡导入模板.xlsx'));
    const file = path.join(dir, 'template.xlsx');
    fs.writeFileSync(file, r.rawPayload);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(file);
    const header = (name: string) => (wb.getWorksheet(name)!.getRow(1).values as unknown[]).slice(1).map((v) => String(v).replace(/\*$/, ''));
    expect(header('户信息')).toEqual(HOUSEHOLD_COLUMNS.map((c) => c.name));
    expect(header('家庭成员')).toEqual(MEMBER_COLUMNS.map((c) => c.name));
  });

  it('a rejected upload\'s errors as .xlsx, for the uploader only (others 404), anonymous 401', async () => {
    const s = sampleHousehold('DLERR1', V2, 2, { 贫困户属性: '富裕户' });
    const files = writeCsvPair(dir, [s.household], s.members, 'utf8');
    const res = (await upload('village2', { households: files.households, members: files.members }, '?dryRun=1')).json();
    expect(res.ok).toBe(false);
    const url = `/api/imports/${res.batchId}/errors`;
    expect((await app.inject({ method: 'GET', url })).statusCode).toBe(401);
    expect((await app.inject({ method: 'GET', url, headers: { cookie: cookie.county! } })).statusCode).toBe(404);
    expect((await app.inject({ method: 'GET', url: '/api/imports/not-an-id/errors', headers: { cookie: cookie.village2! } })).statusCode).toBe(404);
    const r = await app.inject({ method: 'GET', url, headers: { cookie: cookie.village2! } });
    expect(r.statusCode).toBe(200);
    const file = path.join(dir, 'errors.xlsx');
    fs.writeFileSync(file, r.rawPayload);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(file);
    const rows = wb.getWorksheet('导入错误')!.getSheetValues().filter(Boolean).map((x) => (x as unknown[]).slice(1).map((c) => (c == null ? '' : String(c))));
    expect(rows[0]).toEqual(['工作表', '行号', '列名', '值', '原因', '错误代码']);
    expect(rows.slice(1)).toContainEqual(expect.arrayContaining(['户信息', '2', '贫困户属性', '富裕户']));
    expect(rows).toHaveLength(1 + res.errors.length);
    const audited = await t.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM audit_log WHERE action = 'registry.import_errors_download' AND target_id = $1`, [res.batchId]);
    expect(audited[0]!.n).toBe(1);
  });
});
