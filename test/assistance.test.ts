import type { FastifyInstance } from 'fastify';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyAudit } from '../src/core/audit.js';
import { systemCtx } from '../src/core/context.js';
import { importRegistry } from '../src/modules/registry/import.js';
import { HOUSEHOLD_SHEET, MEMBER_SHEET } from '../src/modules/registry/workbook/columns.js';
import type { RawRow } from '../src/modules/registry/workbook/types.js';
import { testDb, type TestDb } from './support/db.js';
import { householdPayload, loginCookie, makeApp, seedUser, seedVillages, V1, V2, V_OTHER_COUNTY } from './support/factories.js';

// 帮扶 over HTTP: cadres and pairing, village teams, plans (history, copy-forward, 409), benefits
// feeding per-capita income, 两不愁三保障 proposing measures, and scope on every route.

let t: TestDb;
let app: FastifyInstance;
const cookies: Record<string, string> = {};
const USERS: [string, Parameters<typeof seedUser>[2], string][] = [
  ['county', 'county', '620123000000'],
  ['village1', 'village', V1],
  ['village2', 'village', V2],
  ['other-county', 'county', '620121000000'],
  ['dept', 'department', '620100000000'],
  ['inspector', 'inspector', '620100000000'],
  ['helper1', 'helper', V1],
  ['helper2', 'helper', V1],
];

type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE';
const req = (user: string | null, method: Method, url: string, payload?: unknown) =>
  app.inject({ method, url, payload: payload as object, headers: user ? { cookie: cookies[user]! } : {} });

async function ok(user: string, method: Method, url: string, payload?: unknown, status = method === 'POST' ? 201 : 200) {
  const r = await req(user, method, url, payload);
  expect(r.statusCode, `${user} ${method} ${url}: ${r.body}`).toBe(status);
  return r.json();
}

const userId = async (username: string) => (await t.db.query<{ id: string }>('SELECT id FROM users WHERE username = $1', [username]))[0]!.id;

// Fixtures made in beforeAll.
let h1: { id: string; version: number; members: { id: string; relation: string; name: string }[] };
let h2: { id: string };
let hOther: { id: string };
let cadreA: { id: string; version: number };
let cadreB: { id: string };
let cadreOther: { id: string };

beforeAll(async () => {
  t = await testDb();
  await seedVillages(t.db);
  for (const [u, role, region] of USERS) await seedUser(t.db, u, role, region);
  app = await makeApp(t.db);
  for (const [u] of USERS) cookies[u] = await loginCookie(app, u);
  h1 = await ok('village1', 'POST', '/api/households', householdPayload(V1));
  h2 = await ok('village1', 'POST', '/api/households', householdPayload(V1));
  hOther = await ok('other-county', 'POST', '/api/households', householdPayload(V_OTHER_COUNTY));
  cadreA = await ok('county', 'POST', '/api/cadres', { name: '王帮扶', unit: '榆中县农业农村局', phone: '13800001111', regionCode: '620123000000', userId: await userId('helper1') });
  cadreB = await ok('village1', 'POST', '/api/cadres', { name: '李书记', unit: '兰州市财政局', title: '第一书记', regionCode: V1, userId: await userId('helper2') });
  cadreOther = await ok('other-county', 'POST', '/api/cadres', { name: '赵干部', unit: '永登县扶贫办', regionCode: '620121000000' });
  await ok('village1', 'POST', `/api/households/${h1.id}/pairings`, { cadreId: cadreA.id, fromDate: '2018-03-01' });
});
afterAll(async () => {
  await app?.close();
  await t?.close();
});

describe('cadres and pairing', () => {
  it('a pairing is visible on the household and on the cadre', async () => {
    const p = (await ok('county', 'GET', `/api/households/${h1.id}/pairings`)).items;
    expect(p).toHaveLength(1);
    expect(p[0]).toMatchObject({ cadreId: cadreA.id, cadreName: '王帮扶', cadreUnit: '榆中县农业农村局', fromDate: '2018-03-01', toDate: null, active: true });
    const c = await ok('village1', 'GET', `/api/cadres/${cadreA.id}`);
    expect(c.phone).toBe('138****1111');
    expect(c.activePairings).toBe(1);
    expect(c.pairings.map((x: { householdId: string }) => x.householdId)).toEqual([h1.id]);
    expect(c.pairings[0].headName).toBe('张三');
    // The same cadre cannot be paired twice over the same time.
    const dup = await req('village1', 'POST', `/api/households/${h1.id}/pairings`, { cadreId: cadreA.id, fromDate: '2019-01-01' });
    expect(dup.statusCode).toBe(409);
    expect(dup.json().code).toBe('DUPLICATE_PAIRING');
  });

  it('a helper sees only their own cadre record; others see their subtree and units above it', async () => {
    const mine = (await ok('helper1', 'GET', '/api/cadres')).items;
    expect(mine.map((c: { id: string }) => c.id)).toEqual([cadreA.id]);
    expect((await req('helper2', 'GET', `/api/cadres/${cadreA.id}`)).statusCode).toBe(404);
    const v1 = (await ok('village1', 'GET', '/api/cadres')).items.map((c: { id: string }) => c.id);
    expect(v1).toEqual(expect.arrayContaining([cadreA.id, cadreB.id]));
    expect(v1).not.toContain(cadreOther.id);
    expect((await req('other-county', 'GET', `/api/cadres/${cadreA.id}`)).statusCode).toBe(404);
    expect((await req('other-county', 'PATCH', `/api/cadres/${cadreA.id}`, { version: cadreA.version, unit: 'x' })).statusCode).toBe(404);
    expect((await req('county', 'GET', `/api/cadres/${cadreOther.id}`)).statusCode).toBe(404);
  });

  it('edits a cadre with its version; a stale version is 409', async () => {
    const c = await ok('county', 'POST', '/api/cadres', { name: '孙干部', unit: '榆中县教育局', regionCode: '620123000000' });
    const u = await ok('county', 'PATCH', `/api/cadres/${c.id}`, { version: c.version, unit: '榆中县卫健局' });
    expect(u).toMatchObject({ unit: '榆中县卫健局', version: c.version + 1 });
    const stale = await req('county', 'PATCH', `/api/cadres/${c.id}`, { version: c.version, unit: '榆中县民政局' });
    expect(stale.statusCode).toBe(409);
    expect(stale.json().code).toBe('STALE_VERSION');
  });

  it('rejects bad cadre input with the field, and a region outside the caller\'s scope', async () => {
    const r = await req('village1', 'POST', '/api/cadres', { name: '周', unit: '单位', regionCode: V2 });
    expect(r.statusCode).toBe(400);
    expect(r.json().details.errors[0]).toMatchObject({ field: 'regionCode', code: 'OUT_OF_SCOPE' });
    const phone = await req('county', 'POST', '/api/cadres', { name: '周', unit: '单位', regionCode: '620123000000', phone: '12345' });
    expect(phone.json().details.errors[0]).toMatchObject({ field: 'phone', code: 'PHONE' });
    const user = await req('county', 'POST', '/api/cadres', { name: '周', unit: '单位', regionCode: '620123000000', userId: await userId('village1') });
    expect(user.json().details.errors[0]).toMatchObject({ field: 'userId', code: 'NOT_HELPER' });
  });

  it('ends a pairing with a date and reason; history is kept', async () => {
    const hh = await ok('village1', 'POST', '/api/households', householdPayload(V1));
    const p = await ok('village1', 'POST', `/api/households/${hh.id}/pairings`, { cadreId: cadreB.id, fromDate: '2018-01-01' });
    const stale = await req('village1', 'PATCH', `/api/households/${hh.id}/pairings/${p.id}`, { version: p.version + 1, toDate: '2018-12-31' });
    expect(stale.statusCode).toBe(409);
    const ended = await ok('village1', 'PATCH', `/api/households/${hh.id}/pairings/${p.id}`, { version: p.version, toDate: '2018-12-31', endReason: '干部轮换' });
    expect(ended).toMatchObject({ toDate: '2018-12-31', endReason: '干部轮换', active: false });
    // The ended helper no longer reaches the household.
    expect((await req('helper2', 'GET', `/api/households/${hh.id}/plans`)).statusCode).toBe(404);
  });
});

describe('village work team (五(四))', () => {
  it('one first secretary at a time; the team is scoped to the village', async () => {
    const team = await ok('county', 'POST', `/api/villages/${V1}/team`, { cadreId: cadreB.id, role: '第一书记', fromDate: '2018-01-01' });
    expect(team.firstSecretary).toMatchObject({ cadreId: cadreB.id, cadreName: '李书记', role: '第一书记' });
    const member = await ok('village1', 'POST', `/api/villages/${V1}/team`, { cadreId: cadreA.id, role: '队员', fromDate: '2018-01-01' });
    expect(member.members.map((m: { role: string }) => m.role)).toEqual(['第一书记', '队员']);
    const second = await req('county', 'POST', `/api/villages/${V1}/team`, { cadreId: cadreA.id, role: '第一书记', fromDate: '2019-01-01' });
    expect(second.statusCode).toBe(409);
    expect(second.json().code).toBe('FIRST_SECRETARY_EXISTS');
    // Ending the first secretary's term frees the post.
    const fs1 = member.firstSecretary;
    const ended = await ok('county', 'PATCH', `/api/villages/${V1}/team/${fs1.id}`, { version: fs1.version, toDate: '2018-12-31' });
    expect(ended.firstSecretary).toBeNull();
    expect(ended.history.map((m: { cadreId: string }) => m.cadreId)).toContain(cadreB.id);
    const cadre = await ok('county', 'GET', `/api/cadres/${cadreB.id}`);
    expect(cadre.teams[0]).toMatchObject({ villageCode: V1, role: '第一书记', toDate: '2018-12-31' });
    expect((await req('village2', 'GET', `/api/villages/${V1}/team`)).statusCode).toBe(404);
    expect((await req('other-county', 'GET', `/api/villages/${V1}/team`)).statusCode).toBe(404);
    expect((await req('other-county', 'POST', `/api/villages/${V1}/team`, { cadreId: cadreOther.id, role: '队员', fromDate: '2018-01-01' })).statusCode).toBe(404);
    expect((await req('county', 'GET', '/api/villages/620123100999/team')).statusCode).toBe(404);
    // A helper reads the team of a village where they help a household.
    expect((await req('helper1', 'GET', `/api/villages/${V1}/team`)).statusCode).toBe(200);
    expect((await req('helper1', 'GET', `/api/villages/${V2}/team`)).statusCode).toBe(404);
  });
});

describe('plans (一户一策)', () => {
  it('creates, approves, copies forward into the next year, and keeps the history', async () => {
    const p18 = await ok('village1', 'POST', `/api/households/${h1.id}/plans`, { year: 2018, incomeTarget: 3500, closeDimensions: ['housing', 'water'], notes: '危房改造优先' });
    expect(p18).toMatchObject({ year: 2018, status: 'draft', incomeTarget: 3500, closeDimensions: ['housing', 'water'], responsibleCadreId: cadreA.id, responsibleCadreName: '王帮扶', copiedFromId: null });
    const m1 = await ok('village1', 'POST', `/api/plans/${p18.id}/measures`, { measureCode: 'DANGEROUS_HOUSE_RENOVATION', description: '原址重建', funding: { central: 20000, self: 5000.5 } });
    expect(m1).toMatchObject({ title: '农村危房改造', clause: '三(三)', amountTotal: 25000.5, status: 'planned', source: 'manual' });
    const child = h1.members.find((m) => m.relation === '之子')!;
    await ok('helper1', 'POST', `/api/plans/${p18.id}/measures`, { measureCode: 'EDU_STUDENT_AID', memberId: child.id, funding: { provincial: 1000 } });
    const cancelled = await ok('village1', 'POST', `/api/plans/${p18.id}/measures`, { measureCode: 'AGRI_INSURANCE', funding: { county: 100 } });
    await ok('village1', 'PATCH', `/api/plans/${p18.id}/measures/${cancelled.id}`, { version: cancelled.version, status: 'cancelled', reason: '不养殖' });

    // Only township/county/city approve.
    expect((await req('village1', 'POST', `/api/plans/${p18.id}/approve`, { version: p18.version })).statusCode).toBe(403);
    expect((await req('helper1', 'POST', `/api/plans/${p18.id}/approve`, { version: p18.version })).statusCode).toBe(403);
    const approved = await ok('county', 'POST', `/api/plans/${p18.id}/approve`, { version: p18.version, comment: '同意' }, 200);
    expect(approved).toMatchObject({ status: 'approved', approvalComment: '同意', version: p18.version + 1 });
    expect(approved.totals).toEqual({ bySource: { central: 20000, self: 5000.5, provincial: 1000 }, total: 26000.5, measures: 2 });
    expect((await req('county', 'POST', `/api/plans/${p18.id}/approve`, { version: approved.version })).json().code).toBe('PLAN_APPROVED');

    // 2019 starts from 2018: goals and the measures not cancelled.
    const p19 = await ok('village1', 'POST', `/api/households/${h1.id}/plans`, { year: 2019, incomeTarget: 4000 });
    expect(p19).toMatchObject({ year: 2019, status: 'draft', incomeTarget: 4000, closeDimensions: ['housing', 'water'], notes: '危房改造优先', copiedFromId: p18.id, responsibleCadreId: cadreA.id });
    expect(p19.measures.map((m: { measureCode: string; status: string; source: string }) => [m.measureCode, m.status, m.source]))
      .toEqual([['DANGEROUS_HOUSE_RENOVATION', 'planned', 'copied'], ['EDU_STUDENT_AID', 'planned', 'copied']]);
    expect(p19.measures[0].copiedFromId).toBe(m1.id);
    expect(p19.measures[1]).toMatchObject({ memberId: child.id, memberName: child.name });
    expect(p19.totals.total).toBe(26000.5);
    const dup = await req('village1', 'POST', `/api/households/${h1.id}/plans`, { year: 2019 });
    expect(dup.statusCode).toBe(409);
    expect(dup.json().code).toBe('PLAN_EXISTS');
    // A fresh plan on request.
    const p20 = await ok('village1', 'POST', `/api/households/${h1.id}/plans`, { year: 2020, copyPrevious: false });
    expect(p20).toMatchObject({ copiedFromId: null, incomeTarget: null, closeDimensions: [], measures: [] });

    const list = (await ok('inspector', 'GET', `/api/households/${h1.id}/plans`)).items;
    expect(list.map((p: { year: number }) => p.year)).toEqual([2020, 2019, 2018]);

    const detail = await ok('county', 'GET', `/api/plans/${p18.id}`);
    const actions = detail.history.map((e: { entity: string; action: string }) => `${e.entity}.${e.action}`).reverse();
    expect(actions).toEqual(['plan.create', 'measure.create', 'measure.create', 'measure.create', 'measure.update', 'plan.approve']);
    expect(detail.history.find((e: { action: string }) => e.action === 'update')).toMatchObject({ before: { status: 'planned' }, after: { status: 'cancelled' }, reason: '不养殖', username: 'village1' });
    expect((await ok('county', 'GET', `/api/plans/${p18.id}/history`)).items).toHaveLength(6);

    // The household page's summary: who helps now, the latest plan, the years.
    const sum = await ok('helper1', 'GET', `/api/households/${h1.id}/assistance`);
    expect(sum.helpers).toEqual([expect.objectContaining({ cadreId: cadreA.id, name: '王帮扶', unit: '榆中县农业农村局' })]);
    expect(sum.currentPlan).toMatchObject({ id: p20.id, year: 2020 });
    expect(sum.planYears.map((p: { year: number; status: string }) => [p.year, p.status])).toEqual([[2020, 'draft'], [2019, 'draft'], [2018, 'approved']]);
    expect(sum.latestAssessment).toBeNull();
    expect((await ok('county', 'GET', `/api/plans/${p18.id}/measures`)).items).toHaveLength(3);
  });

  it('a stale version gets 409 and changes nothing; editing an approved plan returns it to draft', async () => {
    const p = await ok('village1', 'POST', `/api/households/${h2.id}/plans`, { year: 2018, incomeTarget: 3000 });
    const a = await ok('county', 'POST', `/api/plans/${p.id}/approve`, { version: p.version }, 200);
    const edited = await ok('village1', 'PATCH', `/api/plans/${p.id}`, { version: a.version, incomeTarget: 3600, reason: '提高目标' });
    expect(edited).toMatchObject({ status: 'draft', incomeTarget: 3600, approvedAt: null, version: a.version + 1 });
    const stale = await req('county', 'PATCH', `/api/plans/${p.id}`, { version: a.version, incomeTarget: 9999 });
    expect(stale.statusCode).toBe(409);
    expect(stale.json()).toMatchObject({ code: 'STALE_VERSION', details: { currentVersion: a.version + 1, yourVersion: a.version } });
    expect((await ok('county', 'GET', `/api/plans/${p.id}`)).incomeTarget).toBe(3600);
    const h = (await ok('county', 'GET', `/api/plans/${p.id}/history`)).items[0];
    expect(h).toMatchObject({ action: 'update_reopen', before: { incomeTarget: 3000, status: 'approved' }, after: { incomeTarget: 3600, status: 'draft' } });
    const m = await ok('village1', 'POST', `/api/plans/${p.id}/measures`, { measureCode: 'PUBLIC_WELFARE_POST' });
    expect((await req('village1', 'PATCH', `/api/plans/${p.id}/measures/${m.id}`, { version: m.version + 3, status: 'done' })).statusCode).toBe(409);
    // Concurrent edits: exactly one wins.
    const cur = await ok('county', 'GET', `/api/plans/${p.id}`);
    const results = await Promise.all([3700, 3800, 3900].map((v) => req('village1', 'PATCH', `/api/plans/${p.id}`, { version: cur.version, incomeTarget: v })));
    expect(results.map((r) => r.statusCode).sort()).toEqual([200, 409, 409]);
  });

  it('refuses measures that are not for a household, unknown codes, bad money and another household\'s member', async () => {
    const p = (await ok('county', 'GET', `/api/households/${h2.id}/plans`)).items[0];
    const village = await req('village1', 'POST', `/api/plans/${p.id}/measures`, { measureCode: 'COOPERATIVE_SUPPORT' });
    expect(village.statusCode).toBe(400);
    expect(village.json().details.errors[0]).toMatchObject({ field: 'measureCode', code: 'NOT_HOUSEHOLD_MEASURE' });
    expect((await req('village1', 'POST', `/api/plans/${p.id}/measures`, { measureCode: 'NO_SUCH' })).json().details.errors[0].code).toBe('UNKNOWN_MEASURE');
    expect((await req('village1', 'POST', `/api/plans/${p.id}/measures`, { measureCode: 'DIBAO', funding: { bank: 1 } })).json().details.errors[0].code).toBe('FUNDING_SOURCE');
    expect((await req('village1', 'POST', `/api/plans/${p.id}/measures`, { measureCode: 'DIBAO', funding: { county: -1 } })).json().details.errors[0].code).toBe('AMOUNT');
    expect((await req('village1', 'POST', `/api/plans/${p.id}/measures`, { measureCode: 'DIBAO', memberId: h1.members[0]!.id })).json().details.errors[0].code).toBe('NOT_A_MEMBER');
    expect((await req('village1', 'POST', `/api/households/${h2.id}/plans`, { year: 2021, closeDimensions: ['wealth'] })).statusCode).toBe(400);
  });

  it('a helper reads and writes only paired households; inspectors read; departments nothing', async () => {
    expect((await req('helper1', 'GET', `/api/households/${h1.id}/plans`)).statusCode).toBe(200);
    expect((await req('helper1', 'GET', `/api/households/${h2.id}/plans`)).statusCode).toBe(404);
    expect((await req('helper2', 'GET', `/api/households/${h1.id}/plans`)).statusCode).toBe(404);
    const p2 = (await ok('county', 'GET', `/api/households/${h2.id}/plans`)).items[0];
    expect((await req('helper1', 'GET', `/api/plans/${p2.id}`)).statusCode).toBe(404);
    expect((await req('helper1', 'POST', `/api/plans/${p2.id}/measures`, { measureCode: 'DIBAO' })).statusCode).toBe(404);
    expect((await req('inspector', 'GET', `/api/plans/${p2.id}`)).statusCode).toBe(200);
    expect((await req('inspector', 'POST', `/api/plans/${p2.id}/measures`, { measureCode: 'DIBAO' })).statusCode).toBe(403);
    expect((await req('dept', 'GET', `/api/households/${h1.id}/plans`)).statusCode).toBe(403);
    expect((await req('dept', 'GET', '/api/catalog')).statusCode).toBe(403);
  });
});

describe('benefits (享受政策) feed per-capita income', () => {
  it('adds ledger income to the declared figures once, never twice, and follows voids and registry edits', async () => {
    // Declared 2017: wage 6000, business 2000, property 0, transfer 1200.5, cost 500, 3 people
    // → (6000 + 2000 + 0 + 1200.5 − 500) ÷ 3 = 8700.5 ÷ 3 = 2900.17.
    const hh = await ok('village1', 'POST', '/api/households', householdPayload(V1));
    expect(hh.incomes[0]).toMatchObject({ year: 2017, perCapitaNet: 2900.17 });
    const url = `/api/households/${hh.id}/benefits`;
    const head = hh.members.find((m: { relation: string }) => m.relation === '户主');

    // 公益性岗位 3000 → wage line: (8700.5 + 3000) ÷ 3 = 3900.17.
    const post = await ok('village1', 'POST', url, { measureCode: 'PUBLIC_WELFARE_POST', memberId: head.id, amount: 3000, paidOn: '2017-12-20', department: '县人社局' });
    expect(post.benefit).toMatchObject({ incomeLine: 'wage', incomeItem: 'publicWelfareWage', year: 2017, memberName: head.name });
    expect(post.income).toMatchObject({ householdSize: 3, perCapitaNet: 3900.17, benefits: { wage: 3000, publicWelfareWage: 3000 }, stale: false });
    expect(post.income.declared).toMatchObject({ wage: 6000, perCapitaNet: 2900.17 });
    // 低保金 1200 that was already typed into the declared transfer: listed, not added.
    const dibao = await ok('village1', 'POST', url, { measureCode: 'DIBAO', amount: 1200, paidOn: '2017-06-30', department: '县民政局', includedInDeclared: true });
    expect(dibao.income).toMatchObject({ perCapitaNet: 3900.17, alreadyDeclared: 1200, benefits: { transfer: 0 } });
    // Insurance subsidy (代缴) is not household income.
    const ins = await ok('village1', 'POST', url, { measureCode: 'HEALTH_INSURANCE_SUBSIDY', memberId: head.id, amount: 180, paidOn: '2017-01-15', department: '县医保局' });
    expect(ins.income).toMatchObject({ perCapitaNet: 3900.17, notIncome: 180 });
    // 退耕还林 600 → transfer (of which eco compensation): (11700.5 + 600) ÷ 3 = 4100.17.
    const eco = await ok('village1', 'POST', url, { measureCode: 'GRAIN_FOR_GREEN', amount: 600, paidOn: '2017-09-01', department: '县林业局' });
    expect(eco.income).toMatchObject({ perCapitaNet: 4100.17, benefits: { transfer: 600, ecoComp: 600, wage: 3000 }, combined: { wage: 9000, transfer: 1800.5, ecoComp: 600 } });
    let h = await ok('county', 'GET', `/api/households/${hh.id}`);
    expect(h.incomes[0]).toMatchObject({ year: 2017, wage: 6000, transfer: 1200.5, perCapitaNet: 4100.17 });

    // Void the 3000: (12300.5 − 3000) ÷ 3 = 3100.17.
    const voided = await ok('village1', 'DELETE', `${url}/${post.benefit.id}`, { version: post.benefit.version, reason: '重复登记' });
    expect(voided.income.perCapitaNet).toBe(3100.17);
    expect(voided.benefit.voidReason).toBe('重复登记');
    expect((await req('village1', 'DELETE', `${url}/${post.benefit.id}`, { version: voided.benefit.version, reason: '再次' })).json().code).toBe('BENEFIT_VOIDED');

    // The registry's own income edit (wage 6000 → 6300) keeps what the ledger adds (one writer):
    // (6300 + 2000 + 1200.5 − 500 + 600) ÷ 3 = 9600.5 ÷ 3 = 3200.17 at once, nothing stale.
    h = await ok('county', 'GET', `/api/households/${hh.id}`);
    await ok('village1', 'PATCH', `/api/households/${hh.id}`, { version: h.version, income: { year: 2017, wage: 6300, business: 2000, property: 0, transfer: 1200.5, businessCost: 500 } });
    expect((await ok('county', 'GET', `/api/households/${hh.id}`)).incomes[0]).toMatchObject({ year: 2017, wage: 6300, perCapitaNet: 3200.17 });
    expect((await req('helper1', 'GET', `${url}?year=2017`)).statusCode).toBe(404); // not paired with helper1
    const l = await ok('inspector', 'GET', `${url}?year=2017`);
    expect(l.items).toHaveLength(4);
    expect(l.incomes[0]).toMatchObject({ year: 2017, perCapitaNet: 3200.17, stale: false });
    expect(l.rule).toContain('不重复');
    const re = await ok('village1', 'POST', `/api/households/${hh.id}/incomes/2017/recompute`, undefined, 200);
    expect(re).toMatchObject({ perCapitaNet: 3200.17, stale: false });
    expect((await ok('county', 'GET', `/api/households/${hh.id}`)).incomes[0]).toMatchObject({ year: 2017, wage: 6300, perCapitaNet: 3200.17 });

    // Moving a benefit to another year recomputes both; a year without declared income gets a row.
    const moved = await ok('village1', 'PATCH', `${url}/${eco.benefit.id}`, { version: eco.benefit.version, year: 2018, paidOn: '2018-03-01' });
    expect(moved.incomes.map((i: { year: number; perCapitaNet: number }) => [i.year, i.perCapitaNet])).toEqual([[2017, 3000.17], [2018, 200]]);
    const incomes = (await ok('county', 'GET', `/api/households/${hh.id}`)).incomes;
    expect(incomes[0]).toMatchObject({ year: 2018, wage: 0, transfer: 0, householdSize: 3, perCapitaNet: 200 });
    const ev = (await t.db.query<{ action: string }>(`SELECT action FROM assistance_events WHERE household_id = $1 AND entity = 'income' ORDER BY at`, [hh.id])).map((r) => r.action);
    expect(ev).toContain('create_from_ledger');
  });

  it('one writer: registry income edits, imports and member changes keep the ledger in per-capita net, the same figure assistance shows', async () => {
    const year = Number(new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 4));
    const payload = { ...householdPayload(V1), income: { year, wage: 6000, business: 0, property: 0, transfer: 0, businessCost: 0 } };
    const hh = await ok('village1', 'POST', '/api/households', payload);
    const size = hh.members.length;
    expect(hh.incomes[0]).toMatchObject({ year, householdSize: size, perCapitaNet: Math.round((6000 / size) * 100) / 100 });
    const url = `/api/households/${hh.id}/benefits`;
    // 公益性岗位 1200 this year: (6000 + 1200) ÷ size.
    await ok('village1', 'POST', url, { measureCode: 'PUBLIC_WELFARE_POST', amount: 1200, paidOn: `${year}-01-20`, department: '县人社局' });
    const pc = (n: number) => Math.round((7200 / n) * 100) / 100;
    const registryFigure = async () => (await ok('county', 'GET', `/api/households/${hh.id}`)).incomes.find((i: { year: number }) => i.year === year);
    const assistanceFigure = async () => (await ok('county', 'GET', `${url}?year=${year}`)).incomes[0];
    expect(await registryFigure()).toMatchObject({ householdSize: size, perCapitaNet: pc(size) });

    // A member leaves through the registry: this year's size and per-capita net follow, ledger kept.
    let h = await ok('county', 'GET', `/api/households/${hh.id}`);
    const leaver = h.members.find((m: { relation: string }) => m.relation !== '户主');
    h = await ok('village1', 'DELETE', `/api/households/${hh.id}/members/${leaver.id}`, { version: leaver.version, reason: '外嫁迁出' });
    expect(await registryFigure()).toMatchObject({ householdSize: size - 1, perCapitaNet: pc(size - 1) });
    expect(await assistanceFigure()).toMatchObject({ householdSize: size - 1, perCapitaNet: pc(size - 1), stale: false });
    const ev = await t.db.query<{ before: { householdSize: number }; after: { householdSize: number } }>(`SELECT before, after FROM change_events WHERE household_id = $1 AND entity = 'income' AND action = 'update'`, [hh.id]);
    expect(ev.map((e) => [e.before.householdSize, e.after.householdSize])).toEqual([[size, size - 1]]);

    // A declared-income edit keeps the ledger: (8000 + 1200) ÷ (size − 1).
    await ok('village1', 'PATCH', `/api/households/${hh.id}`, { version: h.version, income: { year, wage: 8000, business: 0, property: 0, transfer: 0, businessCost: 0 } });
    const pc2 = Math.round((9200 / (size - 1)) * 100) / 100;
    expect(await registryFigure()).toMatchObject({ wage: 8000, perCapitaNet: pc2 });
    expect(await assistanceFigure()).toMatchObject({ perCapitaNet: pc2, stale: false });
    // The stored figure is the one rule over the stored columns: nowhere a second formula.
    const [row] = await t.db.query<{ per_capita_net: string; ledger_income: string }>('SELECT per_capita_net, ledger_income FROM household_incomes WHERE household_id = $1 AND year = $2', [hh.id, year]);
    expect([Number(row!.per_capita_net), Number(row!.ledger_income)]).toEqual([pc2, 1200]);

    // An upsert import of the same year (the set-based path) keeps the ledger too: (10000 + 1200) ÷ 2.
    const stay = payload.members.filter((m) => m.name !== leaver.name);
    const hv = payload.household;
    const rows: RawRow[] = [
      { sheet: HOUSEHOLD_SHEET, row: 2, numeric: [], values: { 户编号: hv.householdNumber, 行政区划代码: V1, 贫困户属性: hv.category, 识别年度: String(hv.identificationYear), 脱贫属性: hv.povertyStatus, 主要致贫原因: hv.mainCause, 收入年度: String(year), 工资性收入: '10000', 生产经营性收入: '0', 财产性收入: '0', 转移性收入: '0', 生产经营性支出: '0' } },
      ...stay.map((m, i) => ({ sheet: MEMBER_SHEET, row: i + 2, numeric: [], values: { 户编号: hv.householdNumber, 姓名: m.name, 证件号码: m.idNumber, 与户主关系: m.relation } }) as RawRow),
    ];
    const imported = await importRegistry(systemCtx(t.db), { kind: 'rows', label: 'ledger-test', rows }, { upsert: true });
    expect(imported.ok, JSON.stringify(imported)).toBe(true);
    expect(await registryFigure()).toMatchObject({ wage: 10000, householdSize: 2, perCapitaNet: 5600 });
    expect(await assistanceFigure()).toMatchObject({ perCapitaNet: 5600, stale: false });
  });

  it('rejects bad ledger entries with the field', async () => {
    const url = `/api/households/${h2.id}/benefits`;
    const bad = [
      [{ measureCode: 'DIBAO', amount: 0, paidOn: '2019-01-01', department: '民政' }, 'amount'],
      [{ measureCode: 'DIBAO', amount: 1.234, paidOn: '2019-01-01', department: '民政' }, 'amount'],
      [{ measureCode: 'DIBAO', amount: 10, paidOn: '2019-02-30', department: '民政' }, 'paidOn'],
      [{ measureCode: 'DIBAO', amount: 10, paidOn: '2019-01-01', department: ' ' }, 'department'],
      [{ measureCode: 'ROAD_REPAIR', amount: 10, paidOn: '2019-01-01', department: '交通' }, 'measureCode'],
    ] as const;
    for (const [body, field] of bad) {
      const r = await req('village1', 'POST', url, body);
      expect(r.statusCode, JSON.stringify(body)).toBe(400);
      expect(r.json().details.errors[0].field).toBe(field);
    }
    expect((await ok('county', 'GET', url)).items).toHaveLength(0);
  });
});

describe('两不愁三保障 assessment', () => {
  it('assesses registry data plus posted facts, stores it per period, and proposes measures into the plan as draft', async () => {
    const hh = await ok('village1', 'POST', '/api/households', householdPayload(V1));
    const child = hh.members.find((m: { relation: string }) => m.relation === '之子');
    const spouse = hh.members.find((m: { relation: string }) => m.relation === '配偶');
    const body = {
      period: '2019Q2', checkedOn: '2019-05-10',
      food: { secure: true }, clothing: { secure: true },
      house: { grade: 'C级' },
      members: [
        { memberId: child.id, enrolment: '辍学', medicalInsured: true },
        { memberId: spouse.id, chronicManaged: true, familyDoctorSigned: true, medicalInsured: true },
        { memberId: hh.members.find((m: { relation: string }) => m.relation === '户主').id, medicalInsured: true },
      ],
    };
    const r = await ok('village1', 'POST', `/api/households/${hh.id}/lianbuchou`, body);
    const a = r.assessment;
    expect(a).toMatchObject({ period: '2019Q2', checkedOn: '2019-05-10', checkedByName: expect.any(String), secure: false });
    expect(a.statuses).toEqual({ food: 'secure', clothing: 'secure', education: 'gap', medical: 'secure', housing: 'gap', water: 'secure' });
    const edu = a.dimensions.find((d: { dimension: string }) => d.dimension === 'education');
    expect(edu.evidence.join('')).toContain('辍学');
    expect(edu.clause).toBe('二(四)');
    expect(a.rule.id).toBe('lianbuchou-2018');
    // A plan for 2019 was created and carries the proposals as draft measures.
    expect(r.planId).toBeTruthy();
    const codes = r.proposed.map((m: { measureCode: string }) => m.measureCode);
    expect(codes).toEqual(expect.arrayContaining(['EDU_DROPOUT_PREVENTION', 'DANGEROUS_HOUSE_RENOVATION']));
    expect(r.proposed.every((m: { status: string; source: string }) => m.status === 'draft' && m.source === 'lianbuchou')).toBe(true);
    expect(r.proposed.find((m: { measureCode: string }) => m.measureCode === 'DANGEROUS_HOUSE_RENOVATION').gapCode).toBe('DANGEROUS_HOUSE');
    const plan = await ok('county', 'GET', `/api/plans/${r.planId}`);
    expect(plan).toMatchObject({ year: 2019, status: 'draft' });
    expect(plan.measures.filter((m: { status: string }) => m.status === 'draft')).toHaveLength(codes.length);
    // Drafts block approval until reviewed.
    const blocked = await req('county', 'POST', `/api/plans/${plan.id}/approve`, { version: plan.version });
    expect(blocked.statusCode).toBe(409);
    expect(blocked.json()).toMatchObject({ code: 'DRAFT_MEASURES', details: { draftMeasures: codes.length } });

    // Re-assessing the same period replaces it and proposes nothing twice.
    expect((await req('helper1', 'POST', `/api/households/${hh.id}/lianbuchou`, body)).statusCode).toBe(404); // helper1 is not paired with it
    const r2 = await ok('village1', 'POST', `/api/households/${hh.id}/lianbuchou`, { ...body, house: { grade: 'B' } });
    expect(r2.proposed).toEqual([]);
    expect(r2.assessment.statuses.housing).toBe('secure');
    expect(r2.assessment.version).toBe(2);
    const list = (await ok('inspector', 'GET', `/api/households/${hh.id}/lianbuchou`)).items;
    expect(list).toHaveLength(1);
    const sum = await ok('county', 'GET', `/api/households/${hh.id}/assistance`);
    expect(sum.latestAssessment).toMatchObject({ period: '2019Q2', secure: false, statuses: { housing: 'secure', education: 'gap' } });
    expect(sum.currentPlan).toMatchObject({ id: r.planId, year: 2019 });

    // A secure household proposes nothing and creates no plan.
    const ok2 = await ok('village1', 'POST', '/api/households', householdPayload(V1));
    const kid = ok2.members.find((m: { relation: string }) => m.relation === '之子');
    const sp = ok2.members.find((m: { relation: string }) => m.relation === '配偶');
    const s = await ok('village1', 'POST', `/api/households/${ok2.id}/lianbuchou`, {
      checkedOn: '2019-05-10', food: { secure: true }, clothing: { secure: true }, house: { grade: 'A' },
      members: ok2.members.map((m: { id: string }) => ({ memberId: m.id, medicalInsured: true, ...(m.id === kid.id ? { enrolment: '在读' } : m.id === sp.id ? { chronicManaged: true } : {}) })),
    });
    expect(s.assessment).toMatchObject({ period: '2019Q2', secure: true });
    expect(s.planId).toBeNull();
    expect((await ok('county', 'GET', `/api/households/${ok2.id}/plans`)).items).toEqual([]);
  });

  it('rejects a bad period, date or member', async () => {
    const url = `/api/households/${h2.id}/lianbuchou`;
    expect((await req('village1', 'POST', url, { period: '2019Q5' })).json().details.errors[0].field).toBe('period');
    expect((await req('village1', 'POST', url, { checkedOn: '2019-13-01' })).json().details.errors[0].field).toBe('checkedOn');
    expect((await req('village1', 'POST', url, { checkedOn: '2999-01-01' })).json().details.errors[0].code).toBe('FUTURE_DATE');
    expect((await req('village1', 'POST', url, { members: [{ memberId: h1.members[0]!.id }] })).json().details.errors[0].code).toBe('NOT_A_MEMBER');
  });
});

describe('export over HTTP', () => {
  it('streams the plans workbook for the caller\'s scope', async () => {
    const r = await req('county', 'GET', '/api/exports/plans?year=2018');
    expect(r.statusCode).toBe(200);
    expect(r.headers['content-type']).toContain('spreadsheetml');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(r.rawPayload as unknown as ArrayBuffer);
    const ms = wb.getWorksheet('计划措施')!;
    // h1: three measures (one cancelled, still listed); h2: one.
    expect(ms.rowCount).toBe(1 + 4);
    expect(wb.getWorksheet('计划')!.rowCount).toBe(1 + 2);
    const empty = await req('other-county', 'GET', '/api/exports/plans?year=2018');
    const wb2 = new ExcelJS.Workbook();
    await wb2.xlsx.load(empty.rawPayload as unknown as ArrayBuffer);
    expect(wb2.getWorksheet('计划措施')!.rowCount).toBe(1);
    expect((await req('helper1', 'GET', '/api/exports/plans')).statusCode).toBe(403);
  });
});

describe('access on every route', () => {
  const Z = '0190a6c4-0000-7000-8000-000000000000';
  const routes = (): [Method, string, unknown?][] => [
    ['GET', '/api/catalog'], ['GET', '/api/calc'], ['POST', '/api/calc/trainingSubsidy', { facts: {} }],
    ['GET', '/api/cadres'], ['POST', '/api/cadres', {}], ['GET', `/api/cadres/${cadreA.id}`], ['PATCH', `/api/cadres/${cadreA.id}`, { version: 1 }],
    ['GET', `/api/households/${h1.id}/pairings`], ['POST', `/api/households/${h1.id}/pairings`, { cadreId: cadreA.id, fromDate: '2020-01-01' }],
    ['PATCH', `/api/households/${h1.id}/pairings/${Z}`, { version: 1 }],
    ['GET', `/api/villages/${V1}/team`], ['POST', `/api/villages/${V1}/team`, { cadreId: cadreA.id, role: '队员', fromDate: '2020-01-01' }],
    ['PATCH', `/api/villages/${V1}/team/${Z}`, { version: 1 }],
    ['GET', `/api/households/${h1.id}/assistance`],
    ['GET', `/api/households/${h1.id}/plans`], ['POST', `/api/households/${h1.id}/plans`, { year: 2030 }],
    ['GET', `/api/plans/${planId}`], ['PATCH', `/api/plans/${planId}`, { version: 1 }], ['POST', `/api/plans/${planId}/approve`, { version: 1 }],
    ['GET', `/api/plans/${planId}/history`], ['GET', `/api/plans/${planId}/measures`], ['POST', `/api/plans/${planId}/measures`, { measureCode: 'DIBAO' }],
    ['PATCH', `/api/plans/${planId}/measures/${Z}`, { version: 1 }],
    ['GET', `/api/households/${h1.id}/benefits`], ['POST', `/api/households/${h1.id}/benefits`, { measureCode: 'DIBAO', amount: 1, paidOn: '2019-01-01', department: 'x' }],
    ['PATCH', `/api/households/${h1.id}/benefits/${Z}`, { version: 1 }], ['DELETE', `/api/households/${h1.id}/benefits/${Z}`, { version: 1, reason: '测试作废' }],
    ['POST', `/api/households/${h1.id}/incomes/2017/recompute`],
    ['GET', `/api/households/${h1.id}/lianbuchou`], ['POST', `/api/households/${h1.id}/lianbuchou`, { checkedOn: '2019-01-01' }],
    ['GET', '/api/exports/plans'],
  ];
  let planId = '';

  it('refuses anonymous callers on every route (401)', async () => {
    planId = (await ok('county', 'GET', `/api/households/${h1.id}/plans`)).items[0].id;
    for (const [m, u, body] of routes()) {
      const r = await req(null, m, u, body);
      expect(r.statusCode, `${m} ${u}`).toBe(401);
      expect(r.json().code).toBe('UNAUTHENTICATED');
    }
  });

  it('answers 404 to a caller outside the scope on every household, plan, cadre and village route', async () => {
    planId = (await ok('county', 'GET', `/api/households/${h1.id}/plans`)).items[0].id;
    const scoped = routes().filter(([, u]) => !u.startsWith('/api/catalog') && !u.startsWith('/api/calc') && u !== '/api/cadres' && !u.startsWith('/api/exports'));
    for (const user of ['other-county', 'village2']) {
      for (const [m, u, body] of scoped) {
        if (user === 'village2' && u.startsWith('/api/cadres/')) continue; // a village sees cadres managed above it
        if (user === 'village2' && u.endsWith('/approve')) continue; // no permission at all: 403 before any lookup
        const r = await req(user, m, u, body);
        expect(r.statusCode, `${user} ${m} ${u}: ${r.body}`).toBe(404);
        expect(r.json().code).toBe('NOT_FOUND');
      }
    }
    // A helper outside the pairing, on every household and plan route.
    for (const [m, u, body] of scoped.filter(([, u]) => u.includes('/households/') || u.includes('/plans/'))) {
      const r = await req('helper2', m, u, body);
      // helper2 may not write pairings at all (403) — every read and write of the household is 404.
      expect([404, 403], `helper2 ${m} ${u}: ${r.body}`).toContain(r.statusCode);
      if (!u.includes('/pairings') && !u.includes('/approve')) expect(r.statusCode, `helper2 ${m} ${u}`).toBe(404);
    }
    // Malformed ids are 404 too.
    expect((await req('county', 'GET', '/api/plans/not-a-uuid')).statusCode).toBe(404);
    expect((await req('county', 'GET', `/api/households/${hOther.id}/plans`)).statusCode).toBe(404);
  });

  it('every write went into the hash-chained audit log, and the chain verifies', async () => {
    const v = await verifyAudit(t.db);
    expect(v.ok).toBe(true);
    const actions = (await t.db.query<{ action: string }>('SELECT DISTINCT action FROM audit_log')).map((r) => r.action);
    expect(actions).toEqual(expect.arrayContaining(['cadre.create', 'pairing.create', 'team.add', 'plan.create', 'plan.approve', 'measure.create', 'benefit.create', 'benefit.void', 'lianbuchou.assess', 'plans.export']));
  });
});
