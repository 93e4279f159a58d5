import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDb, type TestDb } from './support/db.js';
import { loginCookie, makeApp, seedUser, seedVillages, V1, V2, V_OTHER_COUNTY } from './support/factories.js';

/**
 * 目标填报 with county → city approval, through the HTTP API: the collective income of each poor
 * village in 2018 (三(五), 5万元 per village) entered by the village, approved by 榆中县 then the
 * city, and what the targets report shows from it.
 */
const INCOME = 'T-3-5-poor-village-income-2018';
let t: TestDb;
let app: FastifyInstance;
const cookies: Record<string, string> = {};

const call = (user: string | null, method: 'GET' | 'PUT' | 'POST', url: string, payload?: unknown) =>
  app.inject({ method, url, headers: user ? { cookie: cookies[user]! } : {}, ...(payload === undefined ? {} : { payload: payload as object }) });

beforeAll(async () => {
  t = await testDb();
  await seedVillages(t.db);
  await seedUser(t.db, 'city', 'city', '620100000000');
  await seedUser(t.db, 'county', 'county', '620123000000');
  await seedUser(t.db, 'yongdeng', 'county', '620121000000');
  await seedUser(t.db, 'village1', 'village', V1);
  await seedUser(t.db, 'village2', 'village', V2);
  await seedUser(t.db, 'helper', 'helper', V1);
  app = await makeApp(t.db);
  for (const u of ['city', 'county', 'yongdeng', 'village1', 'village2', 'helper']) cookies[u] = await loginCookie(app, u);
});
afterAll(async () => {
  await app?.close();
  await t?.close();
});

const reached = async (id: string) => {
  const r = await call('city', 'GET', '/api/targets/report?year=2018');
  expect(r.statusCode, r.body).toBe(200);
  return r.json().targets.find((x: { id: string }) => x.id === id);
};

describe('target data entry and approval', () => {
  it('refuses anonymous callers and roles without the permission', async () => {
    expect((await call(null, 'GET', '/api/targets/entries')).statusCode).toBe(401);
    expect((await call(null, 'PUT', '/api/targets/entries', { targetId: INCOME, regionCode: V1, year: 2018, value: 5 })).statusCode).toBe(401);
    expect((await call(null, 'GET', '/api/targets/forms')).statusCode).toBe(401);
    expect((await call(null, 'GET', '/api/targets/report')).statusCode).toBe(401);
    expect((await call(null, 'POST', '/api/targets/entries/00000000-0000-7000-8000-000000000000/approve', { version: 1 })).statusCode).toBe(401);
    expect((await call('helper', 'GET', '/api/targets/entries')).statusCode).toBe(403);
  });

  it('lists the forms: the reported targets with their entry level and years', async () => {
    const r = await call('village1', 'GET', '/api/targets/forms');
    expect(r.statusCode).toBe(200);
    const income = r.json().items.find((x: { id: string }) => x.id === INCOME);
    expect(income).toMatchObject({ clause: '三(五)', unit: '万元', planned: 5, entryLevel: 'village', years: [2018] });
    expect(r.json().items.some((x: { id: string }) => x.id === 'T-1-2-exit-people-2018')).toBe(false);
  });

  it('rejects bad input naming the field, value and reason, and writes nothing', async () => {
    const cases: [unknown, string][] = [
      [{ targetId: INCOME, regionCode: V1, year: 2018, value: -1 }, 'value'],
      [{ targetId: INCOME, regionCode: V1, year: 2019, value: 5 }, 'year'],
      [{ targetId: INCOME, regionCode: '620123100000', year: 2018, value: 5 }, 'regionCode'],
      [{ targetId: 'T-no-such', regionCode: V1, year: 2018, value: 5 }, 'targetId'],
      [{ targetId: 'T-1-2-exit-people-2018', regionCode: '620100000000', year: 2018, value: 5 }, 'regionCode'],
    ];
    for (const [payload, field] of cases) {
      const r = await call('city', 'PUT', '/api/targets/entries', payload);
      expect(r.statusCode, r.body).toBe(400);
      expect(r.json().details).toMatchObject({ field });
      expect(r.json().message).toMatch(/「/);
    }
    expect((await call('city', 'GET', '/api/targets/entries')).json().items).toEqual([]);
  });

  it('a village cannot enter for a region outside its scope', async () => {
    const r = await call('village1', 'PUT', '/api/targets/entries', { targetId: INCOME, regionCode: V2, year: 2018, value: 6 });
    expect(r.statusCode).toBe(404);
    const o = await call('county', 'PUT', '/api/targets/entries', { targetId: INCOME, regionCode: V_OTHER_COUNTY, year: 2018, value: 6 });
    expect(o.statusCode).toBe(404);
  });

  let id = '';
  let version = 0;
  it('enters, corrects and submits a village value; each step is audited', async () => {
    const a = await call('village1', 'PUT', '/api/targets/entries', { targetId: INCOME, regionCode: V1, year: 2018, value: 3.8, note: '合作社分红' });
    expect(a.statusCode, a.body).toBe(200);
    expect(a.json()).toMatchObject({ status: 'draft', value: 3.8, meetsPlan: false, regionName: '测试一村（合成）', enteredBy: 'village1' });
    id = a.json().id;
    const stale = await call('village1', 'PUT', '/api/targets/entries', { targetId: INCOME, regionCode: V1, year: 2018, value: 4.2, version: 99 });
    expect(stale.statusCode).toBe(409);
    const b = await call('village1', 'PUT', '/api/targets/entries', { targetId: INCOME, regionCode: V1, year: 2018, value: 4.2, version: a.json().version });
    expect(b.statusCode, b.body).toBe(200);
    expect(b.json()).toMatchObject({ id, value: 4.2, version: 2 });
    const s = await call('village1', 'POST', `/api/targets/entries/${id}/submit`, { version: 2 });
    expect(s.statusCode, s.body).toBe(200);
    expect(s.json()).toMatchObject({ status: 'submitted', submittedBy: 'village1' });
    version = s.json().version;
    const audit = await t.db.query<{ action: string; username: string }>(
      `SELECT action, username FROM audit_log WHERE target_type = 'target_value' AND target_id = $1 ORDER BY seq`, [id]);
    expect(audit.map((x) => x.action)).toEqual(['targets.value_save', 'targets.value_save', 'targets.value_submit']);
  });

  it('approval goes county then city; another county cannot see it; the village cannot approve', async () => {
    expect((await call('village1', 'POST', `/api/targets/entries/${id}/approve`, { version })).statusCode).toBe(403);
    expect((await call('yongdeng', 'POST', `/api/targets/entries/${id}/approve`, { version })).statusCode).toBe(404);
    expect((await call('yongdeng', 'GET', '/api/targets/entries')).json().items).toEqual([]);
    const early = await call('city', 'POST', `/api/targets/entries/${id}/approve`, { version });
    expect(early.statusCode).toBe(403);
    expect(early.json().message).toMatch(/县级/);
    const c = await call('county', 'POST', `/api/targets/entries/${id}/approve`, { version });
    expect(c.statusCode, c.body).toBe(200);
    expect(c.json()).toMatchObject({ status: 'county_approved', countyApprovedBy: 'county' });
    // Locked once approved: the village can no longer change it.
    const locked = await call('village1', 'PUT', '/api/targets/entries', { targetId: INCOME, regionCode: V1, year: 2018, value: 5, version: c.json().version });
    expect(locked.statusCode).toBe(409);
    expect(locked.json().code).toBe('LOCKED');
    expect((await reached(INCOME)).reached).toBeNull();
    const d = await call('city', 'POST', `/api/targets/entries/${id}/approve`, { version: c.json().version });
    expect(d.statusCode, d.body).toBe(200);
    expect(d.json()).toMatchObject({ status: 'approved', cityApprovedBy: 'city' });
    version = d.json().version;
  });

  it('the report uses the approved value: the weakest village against 5万元', async () => {
    const v2 = await call('village2', 'PUT', '/api/targets/entries', { targetId: INCOME, regionCode: V2, year: 2018, value: 6.5 });
    expect(v2.statusCode).toBe(200);
    let row = await reached(INCOME);
    expect(row.reached).toBe(4.2);
    // 4.2 of 5万元 is 84 %: amber (red below 80 %).
    expect(row.status).toBe('amber');
    expect(row.reachedBy).toMatch(/已批准 1 个区划/);
    // V2 approved as well: the city's figure is still the weakest village's.
    let v = v2.json().version;
    for (const [user, action] of [['village2', 'submit'], ['county', 'approve'], ['city', 'approve']] as const) {
      const r = await call(user, 'POST', `/api/targets/entries/${v2.json().id}/${action}`, { version: v });
      expect(r.statusCode, r.body).toBe(200);
      v = r.json().version;
    }
    row = await reached(INCOME);
    expect(row.reached).toBe(4.2);
    expect(row.reachedBy).toMatch(/已批准 2 个区划/);
    const below = await call('county', 'GET', `/api/targets/entries?targetId=${INCOME}&belowPlan=1`);
    expect(below.json().items.map((x: { regionCode: string }) => x.regionCode)).toEqual([V1]);
  });

  it('un-approving needs the approver and a reason, and is audited', async () => {
    const noReason = await call('city', 'POST', `/api/targets/entries/${id}/unapprove`, { version });
    expect(noReason.statusCode).toBe(400);
    expect(noReason.json().details).toMatchObject({ field: 'reason' });
    expect((await call('county', 'POST', `/api/targets/entries/${id}/unapprove`, { version, reason: '数据有误' })).statusCode).toBe(403);
    const u = await call('city', 'POST', `/api/targets/entries/${id}/unapprove`, { version, reason: '分红收入口径不符，请重新核实' });
    expect(u.statusCode, u.body).toBe(200);
    expect(u.json()).toMatchObject({ status: 'county_approved', returnReason: '分红收入口径不符，请重新核实', cityApprovedBy: null });
    const back = await call('county', 'POST', `/api/targets/entries/${id}/unapprove`, { version: u.json().version, reason: '退回村里重填' });
    expect(back.json()).toMatchObject({ status: 'draft', countyApprovedBy: null });
    const row = await reached(INCOME);
    expect(row.reached).toBe(6.5);
    const fixed = await call('village1', 'PUT', '/api/targets/entries', { targetId: INCOME, regionCode: V1, year: 2018, value: 5.1, version: back.json().version });
    expect(fixed.statusCode).toBe(200);
    const audit = await t.db.query<{ action: string; details: { reason: string | null } }>(
      `SELECT action, details FROM audit_log WHERE target_type = 'target_value' AND target_id = $1 AND action = 'targets.value_unapprove' ORDER BY seq`, [id]);
    expect(audit.map((a) => a.details.reason)).toEqual(['分红收入口径不符，请重新核实', '退回村里重填']);
  });
});
