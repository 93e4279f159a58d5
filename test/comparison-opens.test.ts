import fs from 'node:fs';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyAudit } from '../src/core/audit.js';
import { systemCtx } from '../src/core/context.js';
import { compareDataset } from '../src/modules/comparison/compare.js';
import { PERMISSIONS } from '../src/modules/access/policy.js';
import { testDb, type TestDb } from './support/db.js';
import { householdPayload, loginCookie, makeApp, seedUser, seedVillages, V1, V_OTHER_COUNTY, V_OTHER_TOWNSHIP } from './support/factories.js';
import { tmpDir } from './support/files.js';
import { outsider, person, register, writeCsv } from './comparison.fixtures.js';

// What a confirmed finding opens (issue 6 item 4): a removal proposal in the open review cycle (made
// in the confirmation's transaction, linked when the household already has one in progress, pending
// until a cycle opens and then opened once by "open now"), an identification candidate for
// DIBAO_NOT_REGISTERED from which the village starts an identify proposal, and nothing for a
// dismissal. Every new endpoint refuses an anonymous caller (401) and one outside its scope (404).

let t: TestDb;
let app: FastifyInstance;
let dir: string;
const cookies: Record<string, string> = {};
const USERS: [string, Parameters<typeof seedUser>[2], string][] = [
  ['city', 'city', '620100000000'],
  ['county', 'county', '620123000000'],
  ['township', 'township', '620123100000'],
  ['village1', 'village', V1],
  ['village-other', 'village', V_OTHER_TOWNSHIP],
  ['other-county', 'county', '620121000000'],
  ['dept', 'department', '620100000000'],
];

const P = {
  /** Deceased and owning a car: two exclusion findings on one household. */
  dead: person('19500101', { village: V1 }),
  /** Confirmed before any cycle is open. */
  moved: person('19510101', { village: V1 }),
  /** Dismissed. */
  jailed: person('19520101', { village: V1 }),
  uninsured: person('19900101', { village: V1 }),
};
const DIBAO = outsider('19700101', '620123');
/** A second 低保 person the village assesses and does not identify. */
const DIBAO2 = outsider('19710101', '620123');

type Method = 'GET' | 'POST';
const req = (user: string | null, method: Method, url: string, payload?: unknown) =>
  app.inject({ method, url, payload: payload as object, headers: user ? { cookie: cookies[user]! } : {} });
async function ok<T = Record<string, unknown>>(user: string, method: Method, url: string, payload?: unknown, status = 200): Promise<T> {
  const r = await req(user, method, url, payload);
  expect(r.statusCode, `${user} ${method} ${url}: ${r.body}`).toBe(status);
  return r.json() as T;
}

interface F {
  id: string; code: string; status: string; version: number; opens: string; openState: string | null; openedProposalId: string | null;
  openedProposalNumber: string | null; openNote: string | null; candidateId: string | null;
  candidate: { status: string; villageCode: string; proposalId: string | null; proposalNumber: string | null } | null;
}
async function findingOf(user: string, code: string, householdNumber?: string): Promise<F> {
  const q = new URLSearchParams({ code, ...(householdNumber ? { householdNumber } : {}) });
  const list = await ok<{ items: F[] }>(user, 'GET', `/api/comparison/findings?${q}`);
  expect(list.items, `${code} ${householdNumber ?? ''}`).toHaveLength(1);
  return list.items[0]!;
}
const verify = (user: string | null, f: F, body: Record<string, unknown>) => req(user, 'POST', `/api/comparison/findings/${f.id}/verify`, { version: f.version, ...body });
const proposalsOf = (householdNumber: string) =>
  t.db.query<{ id: string; number: string; type: string; reason: string; state: string }>(
    'SELECT id, number, type, reason, state FROM review_proposals WHERE household_number = $1 ORDER BY created_at', [householdNumber]);

async function run(file: string, kind: string) {
  const r = await compareDataset(systemCtx(t.db), { path: file, kind, year: 2020, purpose: '季度动态管理比对（测试）', authorisation: '农户书面授权书（测试）', fileName: path.basename(file) });
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  return r;
}
const files = () => ({
  hukou: writeCsv(path.join(dir, 'hukou.csv'), ['证件号码', '姓名', '户籍状态', '变动日期'], [
    [P.dead.id, P.dead.name, '死亡', '2019-11-02'], [P.moved.id, P.moved.name, '迁出', '2019-06-01'], [P.jailed.id, P.jailed.name, '服刑', ''],
  ]),
  vehicle: writeCsv(path.join(dir, 'vehicle.csv'), ['证件号码', '姓名', '车辆类型', '车辆价格'], [[P.dead.id, P.dead.name, '小型轿车', 86000]]),
  dibao: writeCsv(path.join(dir, 'dibao.csv'), ['证件号码', '姓名', '救助类别', '低保类别', '月保障金额', '起始日期'], [[DIBAO.id, DIBAO.name, '低保', '一类', 520, '2019-01-01']]),
  insurance: writeCsv(path.join(dir, 'insurance.csv'), ['证件号码', '姓名', '参保年度', '参保状态'], [[P.uninsured.id, P.uninsured.name, 2020, '未参保']]),
});

beforeAll(async () => {
  t = await testDb();
  await seedVillages(t.db);
  dir = tmpDir('tuopin-cmp-opens-');
  await register(t.db, dir, Object.values(P));
  for (const [u, role, region] of USERS) await seedUser(t.db, u, role, region);
  app = await makeApp(t.db);
  for (const [u] of USERS) cookies[u] = await loginCookie(app, u);
  const fl = files();
  for (const [kind, file] of Object.entries(fl)) await run(file, kind);
});
afterAll(async () => {
  await app?.close();
  await t?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('what a confirmed finding opens', () => {
  it('every role that may confirm a finding may also make a proposal, so the confirmer makes the removal proposal', () => {
    for (const role of PERMISSIONS['comparison.verify']) expect(PERMISSIONS['review.propose'] as readonly string[]).toContain(role);
  });

  it('no open cycle: the confirmation succeeds and the finding is pending; "open now" says why it cannot and changes nothing', async () => {
    const f = await findingOf('township', 'MOVED_OUT');
    const r = await verify('township', f, { decision: 'confirm', reason: '经核实已迁往外省' });
    expect(r.statusCode, r.body).toBe(200);
    expect(r.json()).toMatchObject({ status: 'confirmed', openState: 'pending', openedProposalId: null, openNote: expect.stringContaining('NO_OPEN_CYCLE') });
    const now = await req('village1', 'POST', `/api/comparison/findings/${f.id}/open`);
    expect(now.statusCode, now.body).toBe(409);
    expect(now.json().code).toBe('NO_OPEN_CYCLE');
    expect((await findingOf('village1', 'MOVED_OUT')).openState).toBe('pending');
    expect(await proposalsOf(P.moved.householdNumber)).toEqual([]);
    const au = await t.db.query<{ details: { opened: { state: string } } }>(`SELECT details FROM audit_log WHERE action = 'comparison.confirm' AND target_id = $1`, [f.id]);
    expect(au[0]!.details.opened.state).toBe('pending');
  });

  it('"open now" after the city opens a cycle makes the proposal once; calling it again returns the same proposal', async () => {
    await ok('city', 'POST', '/api/review/cycles', { year: 2020, quarter: 1, villageDeadline: '2020-03-10', townshipDeadline: '2020-03-20', countyDeadline: '2020-03-31' }, 201);
    const f = await findingOf('village1', 'MOVED_OUT');
    const first = await ok<F>('village1', 'POST', `/api/comparison/findings/${f.id}/open`);
    expect(first).toMatchObject({ openState: 'created', openedProposalNumber: expect.stringMatching(/^SQ620123-2020Q1-\d{5}$/) });
    const again = await ok<F>('township', 'POST', `/api/comparison/findings/${f.id}/open`);
    expect(again.openedProposalId).toBe(first.openedProposalId);
    const ps = await proposalsOf(P.moved.householdNumber);
    expect(ps).toHaveLength(1);
    expect(ps[0]).toMatchObject({ id: first.openedProposalId, type: 'remove', state: 'in_progress' });
    expect(ps[0]!.reason).toContain('MOVED_OUT');
    expect(ps[0]!.reason).toContain('经核实已迁往外省');
    const au = await t.db.query<{ action: string }>(`SELECT action FROM audit_log WHERE target_id = $1 ORDER BY seq`, [f.id]);
    expect(au.map((a) => a.action)).toEqual(['comparison.confirm', 'comparison.open']);
  });

  it('confirming an exclusion finding makes a remove proposal in the same transaction, its reason citing the finding, and links it', async () => {
    const f = await findingOf('village1', 'DECEASED');
    const r = await verify('village1', f, { decision: 'confirm', reason: '入户核实，户主已于 2019 年 11 月去世' });
    expect(r.statusCode, r.body).toBe(200);
    const body = r.json() as F;
    expect(body).toMatchObject({ status: 'confirmed', openState: 'created', openedProposalNumber: expect.stringMatching(/^SQ620123-/) });
    const p = await ok<{ id: string; type: string; reason: string; householdNumber: string; history: { action: string; username: string; evidence: Record<string, unknown> | null }[] }>(
      'village1', 'GET', `/api/review/proposals/${body.openedProposalId}`);
    expect(p).toMatchObject({ type: 'remove', householdNumber: P.dead.householdNumber });
    for (const part of ['DECEASED', '户籍状态为死亡仍在册', 'status=死亡', '公安 户籍', 'hukou.csv', '第 2 行', '户籍状态 死亡', '入户核实，户主已于 2019 年 11 月去世', f.id]) {
      expect(p.reason).toContain(part);
    }
    // the ID number is cited masked
    expect(p.reason).not.toContain(P.dead.id);
    expect(p.reason).toContain(P.dead.id.slice(0, 6) + '********');
    expect(p.history[0]).toMatchObject({ action: 'submit', username: 'village1', evidence: { kind: 'comparison_finding', findingId: f.id, code: 'DECEASED' } });
    const au = await t.db.query<{ details: { source?: { findingId: string } } }>(`SELECT details FROM audit_log WHERE action = 'review.propose' AND target_id = $1`, [body.openedProposalId]);
    expect(au[0]!.details.source?.findingId).toBe(f.id);
  });

  it('a household that already has a proposal in progress: the next confirmed finding links to it, no second proposal', async () => {
    const f = await findingOf('village1', 'VEHICLE');
    const r = await verify('village1', f, { decision: 'confirm', reason: '车辆为本人所有，价值 8.6 万元' });
    expect(r.statusCode, r.body).toBe(200);
    const dead = await findingOf('village1', 'DECEASED');
    expect(r.json()).toMatchObject({ openState: 'linked', openedProposalId: dead.openedProposalId, openNote: expect.stringContaining(dead.openedProposalNumber!) });
    expect(await proposalsOf(P.dead.householdNumber)).toHaveLength(1);
    // "open now" on a linked finding changes nothing
    const again = await ok<F>('village1', 'POST', `/api/comparison/findings/${f.id}/open`);
    expect(again.openedProposalId).toBe(dead.openedProposalId);
  });

  it('a dismissal opens nothing', async () => {
    const f = await findingOf('village1', 'IMPRISONED');
    const r = await verify('village1', f, { decision: 'dismiss', reason: '公安数据有误，本人在家' });
    expect(r.statusCode, r.body).toBe(200);
    expect(r.json()).toMatchObject({ status: 'dismissed', openState: null, openedProposalId: null, candidateId: null });
    expect(await proposalsOf(P.jailed.householdNumber)).toEqual([]);
    const now = await req('village1', 'POST', `/api/comparison/findings/${f.id}/open`);
    expect(now.statusCode).toBe(409);
    expect(now.json().code).toBe('NOTHING_TO_OPEN');
  });

  it('a confirmed risk finding is left to the monitoring scan and says so', async () => {
    const f = await findingOf('village1', 'UNINSURED');
    const r = await verify('village1', f, { decision: 'confirm', reason: '本年度确未参保' });
    expect(r.json()).toMatchObject({ status: 'confirmed', openState: 'scan', openedProposalId: null });
    expect(await proposalsOf(P.uninsured.householdNumber)).toEqual([]);
  });

  it('DIBAO_NOT_REGISTERED confirmed: the county names the village and an identification candidate is made for it', async () => {
    const f = await findingOf('county', 'DIBAO_NOT_REGISTERED');
    const none = await verify('county', f, { decision: 'confirm', reason: '民政一类低保，未纳入建档立卡' });
    expect(none.statusCode).toBe(400);
    expect(none.json()).toMatchObject({ code: 'VILLAGE_REQUIRED', details: { errors: [{ field: 'villageCode', code: 'REQUIRED' }] } });
    const outside = await verify('county', f, { decision: 'confirm', reason: '民政一类低保，未纳入建档立卡', villageCode: V_OTHER_COUNTY });
    expect(outside.json()).toMatchObject({ code: 'VILLAGE_REQUIRED', details: { errors: [{ field: 'villageCode', value: V_OTHER_COUNTY, code: 'NOT_A_VILLAGE_IN_SCOPE' }] } });
    expect((await findingOf('county', 'DIBAO_NOT_REGISTERED')).status).toBe('open');
    const r = await verify('county', f, { decision: 'confirm', reason: '民政一类低保，未纳入建档立卡', villageCode: V1 });
    expect(r.statusCode, r.body).toBe(200);
    expect(r.json()).toMatchObject({ openState: 'candidate', candidateId: expect.any(String), candidate: { status: 'open', villageCode: V1, proposalId: null } });

    const mine = await ok<{ items: { id: string; idNumber: string; name: string; villageCode: string; findingId: string; status: string }[]; masked: boolean }>('village1', 'GET', '/api/comparison/candidates');
    expect(mine.items).toEqual([expect.objectContaining({ id: r.json().candidateId, name: DIBAO.name, villageCode: V1, findingId: f.id, status: 'open', idNumber: DIBAO.id.slice(0, 6) + '********' + DIBAO.id.slice(14) })]);
    expect(mine.masked).toBe(true);
    const unmasked = await ok<{ items: { idNumber: string }[] }>('village1', 'GET', '/api/comparison/candidates?unmasked=1');
    expect(unmasked.items[0]!.idNumber).toBe(DIBAO.id);
    expect((await ok<{ items: unknown[] }>('township', 'GET', '/api/comparison/candidates')).items).toHaveLength(1);
    expect((await ok<{ items: unknown[] }>('village-other', 'GET', '/api/comparison/candidates')).items).toEqual([]);
    expect((await ok<{ items: unknown[] }>('other-county', 'GET', '/api/comparison/candidates')).items).toEqual([]);
  });

  it('the village starts an identify proposal from the candidate (the masked ID stands for the person); the candidate links to it', async () => {
    const [c] = (await ok<{ items: { id: string; idNumber: string; name: string }[] }>('village1', 'GET', '/api/comparison/candidates')).items;
    const base = householdPayload(V1, { householdNumber: 'CAND-0001' });
    const body = (members: Record<string, unknown>[]) => ({ reason: '一类低保对象，经村民主评议拟纳入', household: { ...base, members } });
    const head = { name: c!.name, idNumber: c!.idNumber, relation: '户主', ethnicity: '汉族', health: '长期慢性病', labourSkill: '弱劳动力或半劳动力' };
    const missing = await req('village1', 'POST', `/api/comparison/candidates/${c!.id}/proposal`, body(base.members.slice(0, 1)));
    expect(missing.statusCode).toBe(400);
    expect(missing.json().details.errors[0]).toMatchObject({ field: 'members', code: 'CANDIDATE_NOT_MEMBER' });
    const wrongVillage = await req('village1', 'POST', `/api/comparison/candidates/${c!.id}/proposal`, { ...body([head]), household: { ...base, household: { ...base.household, villageCode: V_OTHER_TOWNSHIP }, members: [head] } });
    expect(wrongVillage.json().details.errors[0]).toMatchObject({ field: 'household.villageCode', code: 'CANDIDATE_VILLAGE' });

    const res = await ok<{ candidate: { status: string; proposalId: string; proposalNumber: string }; proposal: { id: string; type: string; number: string } }>(
      'village1', 'POST', `/api/comparison/candidates/${c!.id}/proposal`, body([head, { ...base.members[1]!, relation: '配偶' }]), 201);
    expect(res.proposal.type).toBe('identify');
    expect(res.candidate).toMatchObject({ status: 'proposed', proposalId: res.proposal.id, proposalNumber: res.proposal.number });
    const [row] = await t.db.query<{ payload: { members: { idNumber: string; relation: string }[] }; reason: string }>('SELECT payload, reason FROM review_proposals WHERE id = $1', [res.proposal.id]);
    expect(row!.payload.members.find((m) => m.relation === '户主')!.idNumber).toBe(DIBAO.id);
    expect(row!.reason).toContain('DIBAO_NOT_REGISTERED');
    const twice = await req('village1', 'POST', `/api/comparison/candidates/${c!.id}/proposal`, body([head]));
    expect(twice.statusCode).toBe(409);
    expect(twice.json()).toMatchObject({ code: 'CANDIDATE_PROPOSED', details: { proposalNumber: res.proposal.number } });
    const f = await findingOf('county', 'DIBAO_NOT_REGISTERED');
    expect(f.candidate).toMatchObject({ status: 'proposed', proposalId: res.proposal.id, proposalNumber: res.proposal.number });
  });

  it('new endpoints: 401 for an anonymous caller, 404 outside the scope, 403 for a role without the permission', async () => {
    const f = await findingOf('village1', 'MOVED_OUT');
    const [c] = (await ok<{ items: { id: string }[] }>('village1', 'GET', '/api/comparison/candidates')).items;
    const prop = { reason: '一类低保对象，拟纳入', household: householdPayload(V1) };
    expect((await req(null, 'POST', `/api/comparison/findings/${f.id}/open`)).statusCode).toBe(401);
    expect((await req(null, 'GET', '/api/comparison/candidates')).statusCode).toBe(401);
    expect((await req(null, 'POST', `/api/comparison/candidates/${c!.id}/proposal`, prop)).statusCode).toBe(401);
    for (const u of ['village-other', 'other-county']) {
      expect((await req(u, 'POST', `/api/comparison/findings/${f.id}/open`)).statusCode, u).toBe(404);
      expect((await req(u, 'POST', `/api/comparison/candidates/${c!.id}/proposal`, prop)).statusCode, u).toBe(404);
    }
    expect((await req('other-county', 'GET', `/api/comparison/candidates?region=${V1}`)).statusCode).toBe(404);
    expect((await req('village-other', 'GET', `/api/comparison/candidates?region=${V1}`)).statusCode).toBe(404);
    expect((await req('dept', 'GET', '/api/comparison/candidates')).statusCode).toBe(403);
    expect((await req('city', 'POST', `/api/comparison/findings/${f.id}/open`)).statusCode).toBe(403);
    expect((await req('city', 'POST', `/api/comparison/candidates/${c!.id}/proposal`, prop)).statusCode).toBe(403);
    expect((await req('village1', 'POST', '/api/comparison/findings/00000000-0000-0000-0000-000000000000/open')).statusCode).toBe(404);
  });

  it('re-running the datasets duplicates nothing: no new finding, proposal or candidate, and what was opened stays', async () => {
    const count = async () => (await t.db.query<{ f: number; p: number; c: number }>(
      `SELECT (SELECT count(*) FROM comparison_findings)::int AS f, (SELECT count(*) FROM review_proposals)::int AS p, (SELECT count(*) FROM comparison_candidates)::int AS c`))[0]!;
    const before = await count();
    const opened = await t.db.query('SELECT id, status, open_state, opened_proposal_id, candidate_id FROM comparison_findings ORDER BY id');
    const fl = files();
    for (const [kind, file] of Object.entries(fl)) await run(file, kind);
    expect(await count()).toEqual(before);
    expect(await t.db.query('SELECT id, status, open_state, opened_proposal_id, candidate_id FROM comparison_findings ORDER BY id')).toEqual(opened);
    expect(before).toMatchObject({ p: 3, c: 1 });
    expect((await verifyAudit(t.db)).ok).toBe(true);
  });

  it('the village closes a candidate it found no case for, with its reason; a closed candidate cannot be proposed', async () => {
    const file = writeCsv(path.join(dir, 'dibao2.csv'), ['证件号码', '姓名', '救助类别', '低保类别', '月保障金额', '起始日期'], [
      [DIBAO.id, DIBAO.name, '低保', '一类', 520, '2019-01-01'], [DIBAO2.id, DIBAO2.name, '低保', '二类', 380, '2019-05-01'],
    ]);
    await run(file, 'dibao');
    const list = await ok<{ items: (F & { name: string })[] }>('county', 'GET', '/api/comparison/findings?code=DIBAO_NOT_REGISTERED&status=open');
    const f = list.items.find((x) => x.name === DIBAO2.name)!;
    expect(f).toBeDefined();
    expect((await verify('county', f, { decision: 'confirm', reason: '民政二类低保，未纳入建档立卡', villageCode: V1 })).statusCode).toBe(200);
    type C = { id: string; name: string; status: string; version: number; closedReason: string | null; closedByName: string | null };
    const c = (await ok<{ items: C[] }>('village1', 'GET', '/api/comparison/candidates?status=open')).items.find((x) => x.name === DIBAO2.name)!;
    const close = (user: string | null, body: Record<string, unknown>) => req(user, 'POST', `/api/comparison/candidates/${c.id}/close`, body);

    expect((await close(null, { reason: '家庭人均收入高于识别标准', version: c.version })).statusCode).toBe(401);
    for (const u of ['village-other', 'other-county']) expect((await close(u, { reason: '家庭人均收入高于识别标准', version: c.version })).statusCode, u).toBe(404);
    expect((await close('city', { reason: '家庭人均收入高于识别标准', version: c.version })).statusCode).toBe(403);
    const short = await close('village1', { reason: '不符', version: c.version });
    expect(short.statusCode).toBe(400);
    expect(short.json()).toMatchObject({ code: 'REASON_REQUIRED', details: { errors: [{ field: 'reason' }] } });
    expect((await close('village1', { reason: '家庭人均收入高于识别标准', version: c.version + 1 })).statusCode).toBe(409);

    const closed = await ok<C>('village1', 'POST', `/api/comparison/candidates/${c.id}/close`, { reason: '入户核实：家庭人均纯收入 8,200 元，高于识别标准', version: c.version });
    expect(closed).toMatchObject({ status: 'closed', closedReason: '入户核实：家庭人均纯收入 8,200 元，高于识别标准', closedByName: expect.any(String), version: c.version + 1 });
    expect((await ok<{ items: C[] }>('village1', 'GET', '/api/comparison/candidates?status=closed')).items.map((x) => x.id)).toEqual([c.id]);
    expect((await ok<{ items: C[] }>('village1', 'GET', '/api/comparison/candidates?status=open')).items.map((x) => x.id)).not.toContain(c.id);
    // Once closed: neither closed again nor proposed.
    const again = await close('village1', { reason: '家庭人均收入高于识别标准', version: closed.version });
    expect(again.statusCode).toBe(409);
    expect(again.json().code).toBe('CANDIDATE_NOT_OPEN');
    const prop = await req('village1', 'POST', `/api/comparison/candidates/${c.id}/proposal`, { reason: '一类低保对象，拟纳入', household: householdPayload(V1) });
    expect(prop.statusCode).toBe(409);
    expect(prop.json().code).toBe('CANDIDATE_NOT_OPEN');
    const au = await t.db.query<{ details: { reason: string } }>(`SELECT details FROM audit_log WHERE action = 'comparison.candidate_close' AND target_id = $1`, [c.id]);
    expect(au).toHaveLength(1);
    expect(au[0]!.details.reason).toContain('高于识别标准');
  });

  it('「全部立即申报」 opens every pending removal in the caller scope, each on its own, and lists what it cannot open', async () => {
    // A finding confirmed while no cycle is open: the city's cycle is set aside in the database for
    // the confirmation (the service refuses to close a cycle with proposals in progress), then back.
    const late = person('19530101', { village: V1 });
    await register(t.db, dir, [late]);
    await run(writeCsv(path.join(dir, 'hukou-late.csv'), ['证件号码', '姓名', '户籍状态', '变动日期'], [[late.id, late.name, '死亡', '2020-02-01']]), 'hukou');
    const [cycle] = await t.db.query<{ id: string }>(`UPDATE review_cycles SET status = 'closed' WHERE status = 'open' RETURNING id`);
    expect(cycle).toBeDefined();
    const f = await findingOf('township', 'DECEASED', late.householdNumber);
    expect((await verify('township', f, { decision: 'confirm', reason: '死亡证明属实（测试）' })).json()).toMatchObject({ openState: 'pending' });

    expect((await req(null, 'POST', '/api/comparison/findings/open-pending')).statusCode).toBe(401);
    expect((await req('dept', 'POST', '/api/comparison/findings/open-pending')).statusCode).toBe(403);
    // Outside the finding's village and county: nothing in scope to open.
    for (const u of ['village-other', 'other-county']) expect(await ok(u, 'POST', '/api/comparison/findings/open-pending'), u).toMatchObject({ pending: 0, opened: [], refused: [] });
    // Still no open cycle: listed with the workflow's reason, nothing changed.
    const refused = await ok<{ pending: number; opened: unknown[]; refused: { id: string; code: string; message: string }[] }>('village1', 'POST', '/api/comparison/findings/open-pending');
    expect(refused).toMatchObject({ pending: 1, opened: [], refused: [{ id: f.id, code: 'NO_OPEN_CYCLE' }] });
    expect(await proposalsOf(late.householdNumber)).toEqual([]);

    await t.db.execute(`UPDATE review_cycles SET status = 'open' WHERE id = $1`, [cycle!.id]);
    const done = await ok<{ pending: number; opened: { id: string; proposalNumber: string; state: string }[]; refused: unknown[] }>('village1', 'POST', '/api/comparison/findings/open-pending');
    expect(done).toMatchObject({ pending: 1, refused: [], opened: [{ id: f.id, state: 'created', proposalNumber: expect.stringMatching(/^SQ620123-/) }] });
    const made = await proposalsOf(late.householdNumber);
    expect(made).toHaveLength(1);
    expect(made[0]).toMatchObject({ type: 'remove', number: done.opened[0]!.proposalNumber });
    expect((await findingOf('village1', 'DECEASED', late.householdNumber)).openState).toBe('created');
    expect(await ok('village1', 'POST', '/api/comparison/findings/open-pending')).toMatchObject({ pending: 0, opened: [], refused: [] });
  });
});
