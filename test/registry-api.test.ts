import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyAudit } from '../src/core/audit.js';
import { testDb, type TestDb } from './support/db.js';
import { householdPayload, loginCookie, makeApp, nextId, seedUser, seedVillages, V1, V2, V_OTHER_COUNTY, V_OTHER_TOWNSHIP } from './support/factories.js';

let t: TestDb;
let app: FastifyInstance;
const cookies: Record<string, string> = {};

beforeAll(async () => {
  t = await testDb();
  await seedVillages(t.db);
  await seedUser(t.db, 'county', 'county', '620123000000');
  await seedUser(t.db, 'village1', 'village', V1);
  await seedUser(t.db, 'village2', 'village', V2);
  await seedUser(t.db, 'other-county', 'county', '620121000000');
  await seedUser(t.db, 'dept', 'department', '620100000000');
  await seedUser(t.db, 'inspector', 'inspector', '620100000000');
  app = await makeApp(t.db);
  for (const u of ['county', 'village1', 'village2', 'other-county', 'dept', 'inspector']) cookies[u] = await loginCookie(app, u);
});
afterAll(async () => {
  await app?.close();
  await t?.close();
});

const req = (user: string | null, method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, payload?: unknown) =>
  app.inject({ method, url, payload: payload as object, headers: user ? { cookie: cookies[user]! } : {} });

describe('households over HTTP', () => {
  it('health answers without login', async () => {
    const r = await req(null, 'GET', '/api/health');
    expect(r.statusCode).toBe(200);
    expect(r.json()).toEqual({ status: 'ok' });
  });

  it('serves the OpenAPI description at /api/docs without login', async () => {
    const r = await req(null, 'GET', '/api/docs/json');
    expect(r.statusCode).toBe(200);
    const doc = r.json();
    expect(doc.openapi).toMatch(/^3\./);
    for (const p of ['/api/households', '/api/households/{id}', '/api/imports', '/api/exports/registry', '/api/regions', '/api/auth/login', '/api/health']) {
      expect(Object.keys(doc.paths), p).toContain(p);
    }
  });

  it('refuses anonymous callers on every registry route', async () => {
    for (const [m, u] of [['GET', '/api/households'], ['GET', '/api/households/0190a6c4-0000-7000-8000-000000000000'], ['POST', '/api/households'],
      ['GET', '/api/regions'], ['GET', '/api/dictionaries'], ['POST', '/api/imports'], ['GET', '/api/exports/registry'], ['GET', '/api/auth/me']] as const) {
      const r = await req(null, m, u, m === 'POST' ? {} : undefined);
      expect(r.statusCode, `${m} ${u}`).toBe(401);
      expect(r.json().code).toBe('UNAUTHENTICATED');
    }
  });

  it('creates a household, masks personal data, computes per-capita income, records an event', async () => {
    const p = householdPayload(V1);
    const r = await req('village1', 'POST', '/api/households', p);
    expect(r.statusCode, r.body).toBe(201);
    const h = r.json();
    expect(h.householdNumber).toBe(p.household.householdNumber);
    expect(h.members).toHaveLength(3);
    expect(h.members[0].relation).toBe('户主');
    expect(h.members[0].idNumber).toMatch(/^620123\*{8}\d{3}[\dX]$/);
    expect(h.members[0].sex).toBeDefined();
    expect(h.phone).toBe('139****5678');
    expect(h.bankAccount).toBe('************5678');
    // (6000 + 2000 + 0 + 1200.5 − 500) ÷ 3 = 2900.1666… → 2900.17
    expect(h.incomes[0]).toMatchObject({ year: 2017, householdSize: 3, perCapitaNet: 2900.17 });
    const ev = await req('village1', 'GET', `/api/households/${h.id}/events`);
    expect(ev.json().items[0]).toMatchObject({ entity: 'household', action: 'create', username: 'village1' });
  });

  it('unmasked read needs the permission and is audited', async () => {
    const p = householdPayload(V1);
    const h = (await req('village1', 'POST', '/api/households', p)).json();
    const r = await req('county', 'GET', `/api/households/${h.id}?unmasked=1`);
    expect(r.json().phone).toBe('13912345678');
    expect(r.json().members.map((m: { idNumber: string }) => m.idNumber)).toContain(p.members[0]!.idNumber);
    const audits = await t.db.query<{ action: string; username: string }>(`SELECT action, username FROM audit_log WHERE action = 'pii.read' AND target_id = $1`, [h.id]);
    expect(audits).toEqual([{ action: 'pii.read', username: 'county' }]);
  });

  it('rejects bad input with the field, value and reason, and writes nothing', async () => {
    const before = await t.db.query<{ n: number }>('SELECT count(*)::int AS n FROM households');
    const p = householdPayload(V1, { category: '富裕户' });
    p.members[0]!.idNumber = '11010519491231002Y';
    const r = await req('village1', 'POST', '/api/households', p);
    expect(r.statusCode).toBe(400);
    const body = r.json();
    expect(body.code).toBe('VALIDATION_FAILED');
    const fields = body.details.errors.map((e: { field: string }) => e.field);
    expect(fields).toContain('category');
    expect(fields).toContain('members[0].idNumber');
    const after = await t.db.query<{ n: number }>('SELECT count(*)::int AS n FROM households');
    expect(after[0]!.n).toBe(before[0]!.n);
  });

  it('requires exactly one 户主', async () => {
    const p = householdPayload(V1);
    p.members[1]!.relation = '户主';
    const r = await req('village1', 'POST', '/api/households', p);
    expect(r.statusCode).toBe(400);
    expect(r.json().details.code).toBe('MULTIPLE_HEADS');
  });

  it('keeps one person in one active household', async () => {
    const a = householdPayload(V1);
    expect((await req('village1', 'POST', '/api/households', a)).statusCode).toBe(201);
    const b = householdPayload(V1);
    b.members[2]!.idNumber = a.members[2]!.idNumber;
    const r = await req('village1', 'POST', '/api/households', b);
    expect(r.statusCode).toBe(409);
    expect(r.json().code).toBe('DUPLICATE_PERSON');
  });

  it('a stale version gets 409 and changes nothing', async () => {
    const h = (await req('village1', 'POST', '/api/households', householdPayload(V1))).json();
    const first = await req('village1', 'PATCH', `/api/households/${h.id}`, { version: h.version, household: { mainCause: '因学' } });
    expect(first.statusCode, first.body).toBe(200);
    expect(first.json().version).toBe(h.version + 1);
    const stale = await req('county', 'PATCH', `/api/households/${h.id}`, { version: h.version, household: { mainCause: '因残' } });
    expect(stale.statusCode).toBe(409);
    expect(stale.json().code).toBe('STALE_VERSION');
    const now = (await req('county', 'GET', `/api/households/${h.id}`)).json();
    expect(now.mainCause).toBe('因学');
    const ev = (await req('county', 'GET', `/api/households/${h.id}/events`)).json().items;
    expect(ev[0]).toMatchObject({ action: 'update', before: { mainCause: '因病' }, after: { mainCause: '因学' } });
  });

  it('concurrent edits of one household: exactly one wins', async () => {
    const h = (await req('village1', 'POST', '/api/households', householdPayload(V1))).json();
    const results = await Promise.all(['因残', '因学', '缺资金', '缺技术'].map((c) =>
      req('village1', 'PATCH', `/api/households/${h.id}`, { version: h.version, household: { mainCause: c } })));
    const codes = results.map((r) => r.statusCode).sort();
    expect(codes).toEqual([200, 409, 409, 409]);
  });

  it('scopes reads: another village or county sees nothing (404, not 403)', async () => {
    const h = (await req('village1', 'POST', '/api/households', householdPayload(V1))).json();
    expect((await req('village2', 'GET', `/api/households/${h.id}`)).statusCode).toBe(404);
    expect((await req('other-county', 'GET', `/api/households/${h.id}`)).statusCode).toBe(404);
    expect((await req('other-county', 'PATCH', `/api/households/${h.id}`, { version: h.version, household: { mainCause: '因学' } })).statusCode).toBe(404);
    const list2 = (await req('village2', 'GET', '/api/households')).json();
    expect(list2.items.find((x: { id: string }) => x.id === h.id)).toBeUndefined();
    const listCounty = (await req('county', 'GET', `/api/households?householdNumber=${h.householdNumber}`)).json();
    expect(listCounty.total).toBe(1);
  });

  it('refuses to create a household outside the caller\'s scope', async () => {
    for (const v of [V2, V_OTHER_TOWNSHIP, V_OTHER_COUNTY]) {
      const r = await req('village1', 'POST', '/api/households', householdPayload(v));
      expect(r.statusCode).toBe(400);
      expect(r.json().details.errors[0].code).toBe('OUT_OF_SCOPE');
    }
  });

  it('department users cannot read the registry', async () => {
    expect((await req('dept', 'GET', '/api/households')).statusCode).toBe(403);
  });

  it('inspectors read but cannot write', async () => {
    expect((await req('inspector', 'GET', '/api/households')).statusCode).toBe(200);
    expect((await req('inspector', 'POST', '/api/households', householdPayload(V1))).statusCode).toBe(403);
  });

  it('searches by status, cause, name and ID number with paging and sorting', async () => {
    const p = householdPayload(V2, { povertyStatus: '已脱贫', exitYear: 2017, mainCause: '缺水' });
    p.members[0]!.name = '欧阳测试';
    const h = (await req('county', 'POST', '/api/households', p)).json();
    const byName = (await req('county', 'GET', '/api/households?name=' + encodeURIComponent('欧阳'))).json();
    expect(byName.items.map((x: { id: string }) => x.id)).toEqual([h.id]);
    const byId = (await req('county', 'GET', '/api/households?idNumber=' + p.members[1]!.idNumber.toLowerCase())).json();
    expect(byId.items.map((x: { id: string }) => x.id)).toEqual([h.id]);
    const byStatus = (await req('county', 'GET', '/api/households?status=' + encodeURIComponent('已脱贫') + '&cause=' + encodeURIComponent('缺水'))).json();
    expect(byStatus.items.map((x: { id: string }) => x.id)).toEqual([h.id]);
    const paged = (await req('county', 'GET', '/api/households?pageSize=2&page=1&sort=householdNumber&order=desc')).json();
    expect(paged.items).toHaveLength(2);
    expect(paged.total).toBeGreaterThan(2);
    expect(paged.items[0].householdNumber > paged.items[1].householdNumber).toBe(true);
    expect(paged.items[0].headIdNumber).toContain('*');
  });

  it('removal keeps the record with its reason and frees the ID numbers', async () => {
    const p = householdPayload(V1);
    const h = (await req('village1', 'POST', '/api/households', p)).json();
    expect((await req('village1', 'DELETE', `/api/households/${h.id}`, { version: h.version, reason: '核实为错评' })).statusCode).toBe(403);
    const r = await req('county', 'DELETE', `/api/households/${h.id}`, { version: h.version, reason: '核实为错评' });
    expect(r.statusCode, r.body).toBe(200);
    expect(r.json()).toMatchObject({ povertyStatus: '已剔除', removedReason: '核实为错评' });
    const again = householdPayload(V1);
    again.members[0]!.idNumber = p.members[0]!.idNumber;
    expect((await req('village1', 'POST', '/api/households', again)).statusCode).toBe(201);
  });

  it('members: add, edit with version, leave with reason; 户主 rule holds', async () => {
    const h = (await req('village1', 'POST', '/api/households', householdPayload(V1))).json();
    const added = await req('village1', 'POST', `/api/households/${h.id}/members`, { version: h.version, member: { name: '新生儿', idNumber: nextId('20170101'), relation: '之孙子' } });
    expect(added.statusCode, added.body).toBe(201);
    const hv = added.json();
    expect(hv.members).toHaveLength(4);
    const child = hv.members.find((m: { name: string }) => m.name === '新生儿');
    const edited = await req('village1', 'PATCH', `/api/households/${h.id}/members/${child.id}`, { version: child.version, member: { relation: '之孙女' } });
    expect(edited.statusCode, edited.body).toBe(200);
    const head = hv.members.find((m: { relation: string }) => m.relation === '户主');
    const noHead = await req('village1', 'PATCH', `/api/households/${h.id}/members/${head.id}`, { version: head.version, member: { relation: '之父' } });
    expect(noHead.statusCode).toBe(400);
    expect(noHead.json().details.code).toBe('NO_HEAD');
    const child2 = edited.json().members.find((m: { name: string }) => m.name === '新生儿');
    const left = await req('village1', 'DELETE', `/api/households/${h.id}/members/${child2.id}`, { version: child2.version, reason: '户口迁出' });
    expect(left.statusCode, left.body).toBe(200);
    expect(left.json().members.find((m: { id: string }) => m.id === child2.id).leftReason).toBe('户口迁出');
  });

  it('every write went into the hash-chained audit log, and the chain verifies', async () => {
    const v = await verifyAudit(t.db);
    expect(v.ok).toBe(true);
    expect(v.rows).toBeGreaterThan(10);
  });

  it('unknown ids and malformed ids are 404 with the JSON error shape', async () => {
    const r = await req('county', 'GET', '/api/households/not-a-uuid');
    expect(r.statusCode).toBe(404);
    expect(r.json()).toMatchObject({ code: 'NOT_FOUND' });
  });
});
