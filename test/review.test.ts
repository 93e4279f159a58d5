import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyAudit } from '../src/core/audit.js';
import { listFactsDrift } from '../src/modules/registry/list-facts.js';
import { testDb, type TestDb } from './support/db.js';
import { householdPayload, loginCookie, makeApp, seedUser, seedVillages, V1, V2, V_OTHER_COUNTY } from './support/factories.js';

// 动态管理 over HTTP: the city's quarterly cycle, each proposal type walked step by step with the
// right signer at each level, notices with their minimum days, objections sending a proposal back
// to re-check, the county decision changing the registry with an event naming the proposal, the
// public notice page without personal data, and the cycle's frozen snapshot.

let t: TestDb;
let app: FastifyInstance;
const cookies: Record<string, string> = {};
const USERS: [string, Parameters<typeof seedUser>[2], string][] = [
  ['city', 'city', '620100000000'],
  ['county', 'county', '620123000000'],
  ['township', 'township', '620123100000'],
  ['township2', 'township', '620123101000'],
  ['village1', 'village', V1],
  ['village2', 'village', V2],
  ['helper1', 'helper', V1],
  ['other-county', 'county', '620121000000'],
  ['other-village', 'village', V_OTHER_COUNTY],
  ['inspector', 'inspector', '620100000000'],
  ['dept', 'department', '620100000000'],
];

type Method = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
const req = (user: string | null, method: Method, url: string, payload?: unknown, remoteAddress?: string) =>
  app.inject({ method, url, payload: payload as object, headers: user ? { cookie: cookies[user]! } : {}, ...(remoteAddress ? { remoteAddress } : {}) });

async function ok(user: string | null, method: Method, url: string, payload?: unknown, status = method === 'POST' ? 201 : 200) {
  const r = await req(user, method, url, payload);
  expect(r.statusCode, `${user} ${method} ${url}: ${r.body}`).toBe(status);
  return r.json();
}

async function fails(user: string | null, method: Method, url: string, payload: unknown, status: number, code?: string) {
  const r = await req(user, method, url, payload);
  expect(r.statusCode, `${user} ${method} ${url}: ${r.body}`).toBe(status);
  if (code) expect(r.json().code).toBe(code);
  return r.json();
}

/** Moves a notice's display window back by `days`, as if it had been posted that long ago. */
async function ageNotice(id: string, days: number) {
  await t.db.execute(`UPDATE review_notices SET starts_on = starts_on - ${days}, ends_on = ends_on - ${days} WHERE id = $1`, [id]);
}

interface P { id: string; countyCode: string; version: number; number: string; step: number; state: string; currentStep: { key: string } | null; overdue: boolean; householdId: string | null }
const act = (user: string, p: P, action: string, extra: Record<string, unknown> = {}, status = 200) =>
  ok(user, 'POST', `/api/review/proposals/${p.id}/act`, { action, version: p.version, ...extra }, status) as Promise<P>;

const EVIDENCE: Record<string, string> = {
  民主评议记录: '2019-03-02 村民代表会议，应到 40 人，实到 37 人，同意 35 人',
  核实记录: '村两委、驻村工作队 2019-03-01 入户核实收入和两不愁三保障',
  贫困户签字认可书: '户主 2019-03-03 签字认可（原件存村委会）',
  入户核实记录: '2019-03-01 帮扶责任人入户，因病支出较大',
  授权书: '户主签署家庭经济状况核查授权书',
  比对结果: '乡镇 2019-03-04 比对，无财政供养、车辆、工商登记',
};

/** Signs the current sign step as `user` with the step's evidence. */
const sign = (user: string, p: P) => act(user, p, 'approve', { evidence: EVIDENCE, comment: '同意' });

async function notice(user: string, ps: P[]) {
  return ok(user, 'POST', '/api/review/notices', { proposalIds: ps.map((p) => p.id), objectionsTo: '村委会 0931-5200000' });
}
const reload = async (user: string, p: P) => ok(user, 'GET', `/api/review/proposals/${p.id}`) as Promise<P>;

let hExit: { id: string; version: number; householdNumber: string; members: { id: string }[] };
let hExited: { id: string };
let hRemove: { id: string };
let hMonitor: { id: string };
let hOther: { id: string };
let cycle: { id: string; version: number };

beforeAll(async () => {
  t = await testDb();
  await seedVillages(t.db);
  for (const [u, role, region] of USERS) await seedUser(t.db, u, role, region);
  app = await makeApp(t.db);
  for (const [u] of USERS) cookies[u] = await loginCookie(app, u);
  hExit = await ok('village1', 'POST', '/api/households', {
    ...householdPayload(V1, { householdNumber: 'RV-EXIT-1' }),
    income: { year: 2019, wage: 30000, business: 0, property: 0, transfer: 0, businessCost: 0 },
  });
  hExited = await ok('village1', 'POST', '/api/households', householdPayload(V1, { povertyStatus: '已脱贫', exitYear: 2017 }));
  hRemove = await ok('village1', 'POST', '/api/households', householdPayload(V1));
  hMonitor = await ok('village1', 'POST', '/api/households', householdPayload(V1, { povertyStatus: '已脱贫', exitYear: 2018 }));
  hOther = await ok('other-county', 'POST', '/api/households', householdPayload(V_OTHER_COUNTY));
});
afterAll(async () => {
  await app?.close();
  await t?.close();
});

describe('review cycles', () => {
  it('anonymous callers get 401 on every review route', async () => {
    for (const [m, u] of [['GET', '/api/review/cycles'], ['POST', '/api/review/cycles'], ['GET', '/api/review/proposals'], ['POST', '/api/review/proposals'],
      ['POST', '/api/review/notices'], ['GET', '/api/review/notices'], ['GET', '/api/review/workflows']] as const) {
      expect((await req(null, m, u, {})).statusCode, `${m} ${u}`).toBe(401);
    }
  });

  it('only the city opens a cycle, with deadlines in order', async () => {
    const body = { year: 2019, quarter: 1, villageDeadline: '2019-03-10', townshipDeadline: '2019-03-20', countyDeadline: '2019-03-31' };
    await fails('county', 'POST', '/api/review/cycles', body, 403);
    await fails('dept', 'POST', '/api/review/cycles', body, 403);
    const bad = await fails('city', 'POST', '/api/review/cycles', { ...body, villageDeadline: '2019-03-25' }, 400);
    expect(bad.message).toContain('村级 ≤ 乡镇 ≤ 县级');
    // Proposals need an open cycle.
    await fails('village1', 'POST', '/api/review/proposals', { type: 'exit', householdId: hExit.id, reason: '收入稳定超过标准' }, 409, 'NO_OPEN_CYCLE');
    cycle = await ok('city', 'POST', '/api/review/cycles', body);
    expect(cycle).toMatchObject({ title: '2019年第一季度动态管理', status: 'open' });
    await fails('city', 'POST', '/api/review/cycles', { ...body, quarter: 2, villageDeadline: '2019-06-10', townshipDeadline: '2019-06-20', countyDeadline: '2019-06-30' }, 409, 'CYCLE_OPEN');
    const list = await ok('village1', 'GET', '/api/review/cycles');
    expect(list.current.id).toBe(cycle.id);
  });
});

describe('exit: village review → consent → 7-day notice → township → county decision → announcement', () => {
  let p: P;
  let noticeId: string;

  it('a village cadre proposes; helpers, departments and other counties cannot', async () => {
    await fails('helper1', 'POST', '/api/review/proposals', { type: 'exit', householdId: hExit.id, reason: '收入稳定超过标准' }, 403);
    await fails('dept', 'POST', '/api/review/proposals', { type: 'exit', householdId: hExit.id, reason: '收入稳定超过标准' }, 403);
    await fails('other-county', 'POST', '/api/review/proposals', { type: 'exit', householdId: hExit.id, reason: '收入稳定超过标准' }, 404);
    await fails('village1', 'POST', '/api/review/proposals', { type: 'return', householdId: hExit.id, reason: '因病返贫' }, 409, 'WRONG_STATUS');
    p = await ok('village1', 'POST', '/api/review/proposals', { type: 'exit', householdNumber: 'RV-EXIT-1', reason: '2018年人均纯收入 5200 元，两不愁三保障已落实' });
    expect(p).toMatchObject({ type: 'exit', step: 0, state: 'in_progress', currentStep: { key: 'village_review' } });
    expect(p.number).toMatch(/^SQ620123-2019Q1-\d{5}$/);
    await fails('village1', 'POST', '/api/review/proposals', { type: 'exit', householdId: hExit.id, reason: '重复申报一次' }, 409, 'PROPOSAL_OPEN');
  });

  it('each step is refused to the wrong role and level, and without its evidence', async () => {
    await fails('township', 'POST', `/api/review/proposals/${p.id}/act`, { action: 'approve', version: p.version, evidence: EVIDENCE }, 403, 'WRONG_ROLE');
    await fails('county', 'POST', `/api/review/proposals/${p.id}/act`, { action: 'approve', version: p.version, evidence: EVIDENCE }, 403, 'WRONG_ROLE');
    await fails('city', 'POST', `/api/review/proposals/${p.id}/act`, { action: 'approve', version: p.version, evidence: EVIDENCE }, 403);
    await fails('village2', 'POST', `/api/review/proposals/${p.id}/act`, { action: 'approve', version: p.version, evidence: EVIDENCE }, 404);
    const e = await fails('village1', 'POST', `/api/review/proposals/${p.id}/act`, { action: 'approve', version: p.version, evidence: { 核实记录: '已核实' } }, 400, 'EVIDENCE_REQUIRED');
    expect(e.message).toContain('民主评议记录');
    await fails('village1', 'POST', `/api/review/proposals/${p.id}/act`, { action: 'approve', version: p.version - 1, evidence: EVIDENCE }, 409, 'STALE_VERSION');
    p = await sign('village1', p);
    expect(p.currentStep!.key).toBe('household_consent');
    p = await sign('village1', p);
    expect(p.currentStep!.key).toBe('village_notice');
    // A notice step is done by a notice, not by signing.
    await fails('village1', 'POST', `/api/review/proposals/${p.id}/act`, { action: 'approve', version: p.version }, 409, 'NOTICE_STEP');
  });

  it('the notice runs at least 7 days; closing early is refused with the earliest day', async () => {
    await fails('township', 'POST', '/api/review/notices', { proposalIds: [p.id] }, 403, 'WRONG_ROLE');
    await fails('village1', 'POST', '/api/review/notices', { proposalIds: [p.id], startsOn: '2001-01-01' }, 400);
    const n = await notice('village1', [p]);
    noticeId = n.id;
    expect(n).toMatchObject({ kind: 'notice', minDays: 7, status: 'posted' });
    expect(n.title).toContain('贫困户退出');
    await fails('village1', 'POST', '/api/review/notices', { proposalIds: [p.id] }, 409, 'ALREADY_NOTICED');
    const short = await fails('village1', 'POST', `/api/review/notices/${noticeId}/close`, {}, 409, 'NOTICE_TOO_SHORT');
    expect(short.message).toContain('须公示满 7 天');
    await ageNotice(noticeId, 6);
    await fails('village1', 'POST', `/api/review/notices/${noticeId}/close`, {}, 409, 'NOTICE_TOO_SHORT');
    await ageNotice(noticeId, 1);
    const closed = await ok('village1', 'POST', `/api/review/notices/${noticeId}/close`, {}, 200);
    expect(closed.advanced).toEqual([p.number]);
    p = await reload('village1', p);
    expect(p.currentStep!.key).toBe('township_review');
  });

  it('the public page shows the notice without login and without ID numbers, phones, banks or health data', async () => {
    const list = await ok(null, 'GET', '/api/public/notices');
    const mine = list.items.find((x: { id: string }) => x.id === noticeId);
    expect(mine).toBeTruthy();
    const one = await ok(null, 'GET', `/api/public/notices/${noticeId}`);
    const text = JSON.stringify(one);
    expect(one.body.rows[0]).toMatchObject({ proposalNumber: p.number, headName: '张*', memberCount: 3 });
    expect(text).not.toMatch(/\d{17}[\dX]/);
    expect(text).not.toContain('13912345678');
    expect(text).not.toContain('6228480012345678');
    expect(text).not.toContain('慢性病');
    expect(text).not.toContain('张三');
    // The free-text reason (which may name an illness) stays internal.
    expect(text).not.toContain('人均纯收入');
  });

  it('the township of another area cannot review; the township sends back or signs', async () => {
    await fails('township2', 'POST', `/api/review/proposals/${p.id}/act`, { action: 'approve', version: p.version }, 404);
    p = await act('township', p, 'approve', { comment: '乡镇审核同意' });
    expect(p.currentStep!.key).toBe('county_decision');
  });

  it('the county decides: the registry changes and the change event names the proposal', async () => {
    await fails('other-county', 'POST', `/api/review/proposals/${p.id}/act`, { action: 'approve', version: p.version }, 404);
    await fails('township', 'POST', `/api/review/proposals/${p.id}/act`, { action: 'approve', version: p.version }, 403, 'WRONG_ROLE');
    // The decision checks the data for the cycle's year: a year without a poverty line is named, not guessed.
    const noLine = await fails('county', 'POST', `/api/review/proposals/${p.id}/act`, { action: 'approve', version: p.version }, 400);
    expect(noLine.message).toContain('2019');
    await ok('city', 'PUT', '/api/standards/poverty_line/2019', { value: 3747, source: '测试用标准（合成）' }, 200);
    // Income is above the line, but 两不愁三保障 has not been assessed: refused with the reasons.
    const unchecked = await fails('county', 'POST', `/api/review/proposals/${p.id}/act`, { action: 'approve', version: p.version }, 409, 'CHECK_FAILED');
    expect(unchecked.message).toContain('10000元，高于');
    await ok('village1', 'POST', `/api/households/${hExit.id}/lianbuchou`, {
      checkedOn: '2019-03-01', period: '2019', food: { secure: true }, clothing: { secure: true },
      members: hExit.members.map((m) => ({ memberId: m.id, medicalInsured: true, chronicManaged: true })), proposeIntoPlan: false,
    });
    p = await act('county', await reload('county', p), 'approve', { comment: '经审定，同意退出' });
    expect(p.state).toBe('approved');
    expect((p as unknown as { checks: { pass: boolean } }).checks.pass).toBe(true);
    expect(p.currentStep!.key).toBe('announcement');
    const h = await ok('county', 'GET', `/api/households/${hExit.id}`);
    expect(h).toMatchObject({ povertyStatus: '已脱贫', exitYear: 2019 });
    expect(h.version).toBeGreaterThan(hExit.version);
    const events = await ok('county', 'GET', `/api/households/${hExit.id}/events`);
    const ev = (events.items ?? events).find((e: { source: string }) => e.source === 'review');
    expect(ev.reason).toContain(p.number);
    expect(ev.after.proposal.number).toBe(p.number);
    expect(ev.before.povertyStatus).toBe('未脱贫');
    // An editor holding the old version loses the race.
    await fails('village1', 'PATCH', `/api/households/${hExit.id}`, { version: hExit.version, household: { naturalVillage: '上庄' } }, 409);
  });

  it('the county announces; the proposal is done and the cycle cannot close while others are pending', async () => {
    const a = await ok('county', 'POST', '/api/review/notices', { proposalIds: [p.id] });
    expect(a.kind).toBe('announcement');
    p = await reload('county', p);
    expect(p.state).toBe('done');
    const detail = await ok('inspector', 'GET', `/api/review/proposals/${p.id}`);
    expect(detail.history.map((h: { action: string }) => h.action)).toEqual(['submit', 'approve', 'approve', 'post_notice', 'close_notice', 'approve', 'decide_yes', 'announce']);
    expect(detail.history.find((h: { action: string }) => h.action === 'approve').evidence.民主评议记录).toContain('同意 35 人');
  });
});

describe('objections send a proposal back to re-check', () => {
  let p: P;
  let noticeId: string;
  it('a public objection takes the household off the notice and blocks the village step until resolved', async () => {
    p = await ok('village1', 'POST', '/api/review/proposals', { type: 'return', householdId: hExited.id, reason: '户主患病，支出骤增' });
    p = await sign('village1', p);
    noticeId = (await notice('village1', [p])).id;
    // Bad objection input is refused and changes nothing.
    await fails(null, 'POST', `/api/public/notices/${noticeId}/objections`, { proposalNumber: p.number, content: '短' }, 400);
    await fails(null, 'POST', `/api/public/notices/${noticeId}/objections`, { proposalNumber: 'SQ-NOPE', content: '该户家里有小轿车' }, 404);
    expect((await reload('village1', p)).currentStep!.key).toBe('village_notice');
    const o = await ok(null, 'POST', `/api/public/notices/${noticeId}/objections`, { proposalNumber: p.number, content: '该户在城里有商铺出租，收入不低', contact: '匿名' });
    expect(o.status).toBe('open');
    p = await reload('village1', p);
    expect(p.currentStep!.key).toBe('village_review');
    const pub = await ok(null, 'GET', `/api/public/notices/${noticeId}`);
    expect(pub.body.rows[0].withdrawn).toBe(true);
    expect(JSON.stringify(pub)).not.toContain('匿名');
    const blocked = await fails('village1', 'POST', `/api/review/proposals/${p.id}/act`, { action: 'approve', version: p.version, evidence: EVIDENCE }, 409, 'OBJECTION_OPEN');
    expect(blocked.message).toContain('异议');
    // The closed-out notice no longer carries it: closing it after 7 days advances nobody.
    await ageNotice(noticeId, 7);
    const closed = await ok('village1', 'POST', `/api/review/notices/${noticeId}/close`, {}, 200);
    expect(closed.advanced).toEqual([]);
    await fails(null, 'POST', `/api/public/notices/${noticeId}/objections`, { proposalNumber: p.number, content: '再提一次异议内容' }, 409, 'NOTICE_CLOSED');
  });

  it('the re-check dismisses the objection and the proposal goes on through a fresh notice', async () => {
    const d = await ok('village1', 'GET', `/api/review/proposals/${p.id}`);
    expect(d.objections).toHaveLength(1);
    expect(d.rechecks).toBe(1);
    await fails('township', 'POST', `/api/review/objections/${d.objections[0].id}/resolve`, { outcome: 'dismissed', resolution: '入户核实无商铺' }, 403);
    await ok('village1', 'POST', `/api/review/objections/${d.objections[0].id}/resolve`, { outcome: 'dismissed', resolution: '入户核实：商铺为亲戚所有，与本户无关' }, 200);
    p = await reload('village1', p);
    p = await sign('village1', p);
    const n2 = await notice('village1', [p]);
    expect(n2.id).not.toBe(noticeId);
    await ageNotice(n2.id, 7);
    await ok('village1', 'POST', `/api/review/notices/${n2.id}/close`, {}, 200);
    // The township sends it back for re-check (a reason is required); the county may not reject before its step.
    p = await reload('township', p);
    await fails('township', 'POST', `/api/review/proposals/${p.id}/act`, { action: 'send_back', version: p.version }, 400);
    await fails('township', 'POST', `/api/review/proposals/${p.id}/act`, { action: 'reject', version: p.version, comment: '不同意' }, 409, 'NOT_DECISION');
    p = await act('township', p, 'send_back', { comment: '请补充医疗费用票据' });
    expect(p).toMatchObject({ step: 0, rechecks: 2 });
  });

  it('an upheld objection withdraws the proposal', async () => {
    const q = await ok('village1', 'POST', '/api/review/proposals', { type: 'remove', householdId: hRemove.id, reason: '核实为财政供养人员家庭' });
    let q2 = await sign('village1', q);
    const n = await notice('village1', [q2]);
    await ok('village1', 'POST', `/api/review/notices/${n.id}/objections`, { proposalNumber: q2.number, content: '该户户主已于去年辞职，不再是财政供养人员' });
    const d = await ok('village1', 'GET', `/api/review/proposals/${q2.id}`);
    await ok('village1', 'POST', `/api/review/objections/${d.objections[0].id}/resolve`, { outcome: 'upheld', resolution: '核实属实，撤回剔除申报' }, 200);
    q2 = await reload('village1', q2);
    expect(q2.state).toBe('withdrawn');
    const h = await ok('village1', 'GET', `/api/households/${hRemove.id}`);
    expect(h.povertyStatus).toBe('未脱贫');
  });
});

describe('identification: two notices and one announcement create the household', () => {
  it('walks village → notice → township → township notice → county decision, and the new household carries the proposal', async () => {
    const payload = householdPayload(V1, { householdNumber: 'RV-NEW-1' });
    let p: P = await ok('village1', 'POST', '/api/review/proposals', { type: 'identify', reason: '户主重病，家庭收入低于标准', household: payload });
    expect(p.householdId).toBeNull();
    // The new household's ID numbers, phone and account show masked on the proposal.
    const shown = JSON.stringify((await ok('county', 'GET', `/api/review/proposals/${p.id}`)).payload);
    expect(shown).toContain('张三');
    expect(shown).not.toContain(payload.members[0]!.idNumber);
    expect(shown).not.toContain('13912345678');
    expect(shown).not.toContain('6228480012345678');
    // Identification checks the household's data at once: a bad ID number is reported by field.
    const bad = householdPayload(V1, { householdNumber: 'RV-NEW-2' });
    bad.members[0]!.idNumber = '620123198001011234';
    const e = await fails('village1', 'POST', '/api/review/proposals', { type: 'identify', reason: '户主重病，家庭收入低', household: bad }, 400);
    expect(JSON.stringify(e.details)).toContain('members[0]');
    p = await sign('village1', p);
    let n = await notice('village1', [p]);
    await ageNotice(n.id, 7);
    await ok('village1', 'POST', `/api/review/notices/${n.id}/close`, {}, 200);
    p = await act('township', await reload('township', p), 'approve');
    expect(p.currentStep!.key).toBe('township_notice');
    await fails('village1', 'POST', '/api/review/notices', { proposalIds: [p.id] }, 403, 'WRONG_ROLE');
    n = await notice('township', [p]);
    expect(n.regionCode).toBe('620123100000');
    // The village sees its township's notice in its list.
    expect((await ok('village1', 'GET', '/api/review/notices')).items.some((x: { id: string }) => x.id === n.id)).toBe(true);
    await ageNotice(n.id, 7);
    await ok('township', 'POST', `/api/review/notices/${n.id}/close`, {}, 200);
    p = await act('county', await reload('county', p), 'approve', { comment: '审定纳入' });
    expect(p.householdId).toBeTruthy();
    const h = await ok('county', 'GET', `/api/households/${p.householdId}`);
    expect(h).toMatchObject({ householdNumber: 'RV-NEW-1', povertyStatus: '未脱贫' });
    const events = await ok('county', 'GET', `/api/households/${p.householdId}/events`);
    const created = (events.items ?? events).find((x: { action: string }) => x.action === 'create');
    expect(created.source).toBe('review');
    expect(created.reason).toContain(p.number);
    const timeline = await ok('village1', 'GET', `/api/review/households/${p.householdId}/proposals`);
    expect(timeline.items[0]).toMatchObject({ number: p.number, cycleTitle: '2019年第一季度动态管理' });
  });
});

describe('monitoring: nine steps, a 5-day notice, the 15-day limit', () => {
  it('enters monitoring; a decision after 15 days from the first clue is flagged overdue', async () => {
    const twentyDaysAgo = new Date(Date.now() - 20 * 86_400_000).toISOString().slice(0, 10);
    await fails('village1', 'POST', '/api/review/proposals', { type: 'monitor_enter', householdId: hMonitor.id, reason: '户主突发重病', monitoringCategory: '富裕户', clueSource: '干部走访排查', firstClueOn: twentyDaysAgo }, 400);
    let p: P = await ok('village1', 'POST', '/api/review/proposals', { type: 'monitor_enter', householdId: hMonitor.id, reason: '户主突发重病，医疗自付 2.3 万元', monitoringCategory: '脱贫不稳定户', clueSource: '干部走访排查', firstClueOn: twentyDaysAgo });
    expect(p.overdue).toBe(true);
    const inbox = await ok('village1', 'GET', '/api/review/proposals?inbox=1');
    expect(inbox.items.map((x: P) => x.id)).toContain(p.id);
    const overdue = await ok('county', 'GET', '/api/review/proposals?overdue=1');
    expect(overdue.items.map((x: P) => x.id)).toContain(p.id);
    // Inbox and overdue page in the database: each item is the caller's, and the total counts them all.
    expect(inbox.items.every((x: P & { currentStep: { roles: string[] } | null }) => x.currentStep?.roles.includes('village'))).toBe(true);
    expect(overdue.items.every((x: P) => x.overdue)).toBe(true);
    const all = await ok('village1', 'GET', '/api/review/proposals?inbox=1&pageSize=200');
    const first = await ok('village1', 'GET', '/api/review/proposals?inbox=1&pageSize=1');
    expect(first.items).toHaveLength(1);
    expect(first.total).toBe(all.items.length);
    const second = await ok('village1', 'GET', '/api/review/proposals?inbox=1&pageSize=1&page=2');
    expect(second.total).toBe(all.items.length);
    if (all.items.length > 1) expect(second.items[0].id).toBe(all.items[1].id);
    const beyond = await ok('village1', 'GET', `/api/review/proposals?inbox=1&pageSize=1&page=${all.items.length + 5}`);
    expect(beyond).toMatchObject({ items: [], total: all.items.length });
    const countyInbox = await ok('county', 'GET', '/api/review/proposals?inbox=1&pageSize=200');
    expect(countyInbox.items.map((x: P) => x.id)).not.toContain(p.id); // the first step is the village's or the helper's
    p = await sign('helper1', p); // 入户核实 by the 帮扶责任人
    await fails('helper1', 'POST', `/api/review/proposals/${p.id}/act`, { action: 'approve', version: p.version, evidence: EVIDENCE }, 403, 'WRONG_ROLE');
    p = await sign('village1', p); // 书面授权
    p = await sign('township', p); // 信息比对
    p = await sign('village1', p); // 民主评议
    const n = await notice('village1', [p]);
    expect(n.minDays).toBe(5);
    await ageNotice(n.id, 4);
    await fails('village1', 'POST', `/api/review/notices/${n.id}/close`, {}, 409, 'NOTICE_TOO_SHORT');
    await ageNotice(n.id, 1);
    await ok('village1', 'POST', `/api/review/notices/${n.id}/close`, {}, 200);
    p = await act('township', await reload('township', p), 'approve');
    p = await act('county', p, 'approve');
    expect(p.state).toBe('done');
    const d = await ok('county', 'GET', `/api/review/proposals/${p.id}`);
    expect(d.history.find((h: { action: string }) => h.action === 'decide_yes').evidence.overdue).toContain('15 天');
    const h = await ok('county', 'GET', `/api/households/${hMonitor.id}`);
    expect(h.monitoringCategory).toBe('脱贫不稳定户');
    await fails('village1', 'POST', '/api/review/proposals', { type: 'monitor_enter', householdId: hMonitor.id, reason: '再次申报监测', monitoringCategory: '脱贫不稳定户', clueSource: '干部走访排查', firstClueOn: twentyDaysAgo }, 409, 'ALREADY_MONITORED');
  });
});

describe('scope, decision refusals and closing the cycle', () => {
  it('out-of-scope users neither see nor act on proposals', async () => {
    const q = await ok('other-county', 'POST', '/api/review/proposals', { type: 'remove', householdId: hOther.id, reason: '经核实不符合条件' });
    await fails('village1', 'GET', `/api/review/proposals/${q.id}`, undefined, 404);
    expect((await ok('county', 'GET', '/api/review/proposals')).items.map((x: P) => x.id)).not.toContain(q.id);
    expect((await ok('other-village', 'GET', '/api/review/proposals')).items.map((x: P) => x.id)).toContain(q.id);
    await fails('village1', 'GET', `/api/review/households/${hOther.id}/proposals`, undefined, 404);
    // The county rejects it; a rejection needs a reason.
    let q2: P = await sign('other-village', q);
    const n = await notice('other-village', [q2]);
    await ageNotice(n.id, 7);
    await ok('other-village', 'POST', `/api/review/notices/${n.id}/close`, {}, 200);
    q2 = await reload('other-county', q2);
    expect(q2.currentStep!.key).toBe('township_review');
    await fails('other-county', 'POST', `/api/review/proposals/${q2.id}/act`, { action: 'approve', version: q2.version }, 403, 'WRONG_ROLE');
    await fails('other-village', 'POST', `/api/review/proposals/${q2.id}/act`, { action: 'reject', version: q2.version, comment: '不同意' }, 403, 'WRONG_ROLE');
    await act('other-village', q2, 'withdraw', { comment: '补充材料后下季度再报' });
  });

  it('the cycle closes only when every proposal is decided, and freezes a snapshot', async () => {
    const c = (await ok('city', 'GET', '/api/review/cycles')).current;
    const pending = await fails('city', 'POST', `/api/review/cycles/${c.id}/close`, { version: c.version }, 409, 'PROPOSALS_PENDING');
    expect(pending.message).toContain('未完成审定');
    // Finish or withdraw what is still open.
    const open = (await ok('city', 'GET', `/api/review/proposals?cycleId=${c.id}&state=in_progress`)).items as P[];
    for (const p of open) await act(p.countyCode === '620121' ? 'other-county' : 'county', p, 'withdraw', { comment: '本季度不再办理' });
    await fails('county', 'POST', `/api/review/cycles/${c.id}/close`, { version: c.version }, 403);
    const closed = await ok('city', 'POST', `/api/review/cycles/${c.id}/close`, { version: c.version }, 200);
    expect(closed.status).toBe('closed');
    expect(closed.snapshotRows).toBeGreaterThanOrEqual(5);
    // After closing, registry changes do not move the frozen figures.
    const before = await ok('county', 'GET', `/api/review/cycles/${c.id}/snapshot`);
    expect(before.total.byStatus['已脱贫'].households).toBeGreaterThanOrEqual(1);
    await ok('village1', 'POST', '/api/households', householdPayload(V1));
    const after = await ok('county', 'GET', `/api/review/cycles/${c.id}/snapshot`);
    expect(after.total).toEqual(before.total);
    expect(before.children.map((x: { code: string }) => x.code)).toContain('620123100000');
    await fails('village1', 'GET', `/api/review/cycles/${c.id}/snapshot?region=620121000000`, undefined, 404);
    await fails('village1', 'POST', '/api/review/proposals', { type: 'exit', householdId: hExit.id, reason: '周期已关闭再申报' }, 409, 'NO_OPEN_CYCLE');
  });

  it('decisions keep the household list facts and counts exact', async () => {
    expect(await listFactsDrift(t.db)).toEqual({ households: [], counts: [] });
  });

  it('every step is in the audit chain, and the steps table refuses edits', async () => {
    const v = await verifyAudit(t.db);
    expect(v.ok).toBe(true);
    const actions = (await t.db.query<{ action: string }>(`SELECT DISTINCT action FROM audit_log WHERE action LIKE 'review.%'`)).map((r) => r.action);
    expect(actions).toEqual(expect.arrayContaining(['review.cycle_open', 'review.propose', 'review.sign', 'review.notice_post', 'review.notice_close', 'review.decide', 'review.announce', 'review.objection', 'review.cycle_close']));
    await expect(t.db.execute(`UPDATE review_steps SET comment = 'x'`)).rejects.toThrow(/append-only/);
    await expect(t.db.execute(`DELETE FROM review_steps`)).rejects.toThrow(/append-only/);
  });
});

