import fs from 'node:fs';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyAudit } from '../src/core/audit.js';
import { checkHouseholdExit } from '../src/modules/monitoring/exit.js';
import { checkRiskElimination } from '../src/modules/monitoring/service.js';
import { getStandards } from '../src/modules/monitoring/standards.js';
import { testDb, type TestDb } from './support/db.js';
import { runCli } from './support/cli.js';
import { householdPayload, loginCookie, makeApp, nextId, seedUser, seedVillages, V1, V2, V_OTHER_COUNTY } from './support/factories.js';

// Issue 5 part B over HTTP: standards by year (city edits, audited), exit checks with reasons at
// their edges, the monitoring scan (idempotent, every rule explained), the public self-report
// form, the 15-day deadline, 回头看 and 回头帮, and risk elimination refused where it must be.

let t: TestDb;
let app: FastifyInstance;
const cookies: Record<string, string> = {};
const USERS: [string, Parameters<typeof seedUser>[2], string][] = [
  ['city', 'city', '620100000000'],
  ['county', 'county', '620123000000'],
  ['township', 'township', '620123100000'],
  ['village1', 'village', V1],
  ['other-county', 'county', '620121000000'],
  ['dept', 'department', '620100000000'],
  ['inspector', 'inspector', '620100000000'],
  ['helper1', 'helper', V1],
];

type Method = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
const req = (user: string | null, method: Method, url: string, payload?: unknown, remoteAddress?: string) =>
  app.inject({ method, url, payload: payload as object, headers: user ? { cookie: cookies[user]! } : {}, ...(remoteAddress ? { remoteAddress } : {}) });

async function ok(user: string, method: Method, url: string, payload?: unknown, status = method === 'POST' ? 201 : 200) {
  const r = await req(user, method, url, payload);
  expect(r.statusCode, `${user} ${method} ${url}: ${r.body}`).toBe(status);
  return r.json();
}

type Hh = { id: string; version: number; householdNumber: string; members: { id: string; version: number; relation: string; name: string; idNumber: string }[] };
const daysAgo = (n: number) => new Date(Date.now() + 8 * 3600_000 - n * 86400_000).toISOString().slice(0, 10);
const TODAY = daysAgo(0);

// 3 members each (payload), so per-capita net = total / 3.
const income = (year: number, wage: number) => ({ year, wage, business: 0, property: 0, transfer: 0, businessCost: 0 });
let poorAt: Hh; // 未脱贫, 2020 per-capita exactly 4000
let poorAbove: Hh; // 未脱贫, 2020 per-capita 4000.01, 两不愁三保障 assessed secure
let exitedLow: Hh; // 已脱贫, 2021 income under the monitoring line
let exitedDropout: Hh; // 已脱贫, a 13-year-old not in school
let exitedEvents: Hh; // 已脱贫, new 低保 and the death of a main labourer
let monitoredNoLabour: Hh; // 监测对象 without labour capacity
let monitoredOk: Hh; // 监测对象 meeting the conditions
let otherCounty: Hh;
let ids: Map<string, string>;
const idOf = (m: { id: string }) => ids.get(m.id)!;

async function secureAssessment(h: Hh, checkedOn: string, user = 'village1') {
  await ok(user, 'POST', `/api/households/${h.id}/lianbuchou`, {
    checkedOn, period: checkedOn.slice(0, 4), food: { secure: true }, clothing: { secure: true },
    members: h.members.map((m) => ({ memberId: m.id, medicalInsured: true, chronicManaged: true })), proposeIntoPlan: false,
  });
}

beforeAll(async () => {
  t = await testDb();
  await seedVillages(t.db);
  for (const [u, role, region] of USERS) await seedUser(t.db, u, role, region);
  app = await makeApp(t.db);
  for (const [u] of USERS) cookies[u] = await loginCookie(app, u);
  const make = (village: string, over: Record<string, unknown>, inc: unknown, user = 'village1') => ok(user, 'POST', '/api/households', { ...householdPayload(village, over), income: inc }) as Promise<Hh>;
  poorAt = await make(V1, {}, income(2020, 12000));
  poorAbove = await make(V1, {}, income(2020, 12000.03));
  exitedLow = await make(V1, { povertyStatus: '已脱贫', exitYear: 2019 }, income(2021, 12600));
  const young = householdPayload(V1, { povertyStatus: '已脱贫', exitYear: 2019 });
  young.members[2] = { name: '张小', idNumber: nextId(`${Number(TODAY.slice(0, 4)) - 12}0101`), relation: '之子', schoolStatus: '七年级' };
  exitedDropout = await ok('village1', 'POST', '/api/households', { ...young, income: income(2021, 30000) });
  exitedEvents = await make(V1, { povertyStatus: '已脱贫', exitYear: 2019 }, income(2021, 30000));
  monitoredNoLabour = await make(V2, { povertyStatus: '已脱贫', exitYear: 2019, monitoringCategory: '脱贫不稳定户', monitoringIdentifiedAt: '2021-01-10' }, income(2021, 24000), 'county');
  monitoredOk = await make(V2, { povertyStatus: '已脱贫', exitYear: 2019, monitoringCategory: '边缘易致贫户', monitoringIdentifiedAt: '2021-01-10' }, income(2021, 24000), 'county');
  otherCounty = await make(V_OTHER_COUNTY, { povertyStatus: '已脱贫', exitYear: 2019 }, income(2021, 3000), 'other-county');
  ids = new Map((await t.db.query<{ id: string; id_number: string }>('SELECT id, id_number FROM members')).map((r) => [r.id, r.id_number]));
  await secureAssessment(poorAbove, '2020-12-01');
  await secureAssessment(monitoredOk, daysAgo(1), 'county');
  // No labour capacity in this household.
  for (const m of monitoredNoLabour.members) {
    const cur = await ok('county', 'GET', `/api/households/${monitoredNoLabour.id}`);
    const mm = cur.members.find((x: { id: string }) => x.id === m.id);
    await ok('county', 'PATCH', `/api/households/${monitoredNoLabour.id}/members/${m.id}`, { version: mm.version, member: { labourSkill: '丧失劳动力' } });
  }
});
let dbClosed = false;
afterAll(async () => {
  await app?.close();
  if (dbClosed) fs.rmSync(t.dataDir, { recursive: true, force: true });
  else await t?.close();
});

describe('standards by year', () => {
  it('are readable by staff, not by the anonymous; seeded with DOMAIN.md values and sources', async () => {
    expect((await req(null, 'GET', '/api/standards')).statusCode).toBe(401);
    const s = await ok('village1', 'GET', '/api/standards?kind=poverty_line');
    expect(s.items.map((x: { year: number; value: number }) => [x.year, x.value])).toEqual([[2013, 2736], [2015, 2855], [2020, 4000]]);
    expect(s.items[2]).toMatchObject({ verified: false, enteredBy: 'builtin' });
    expect(s.items[0].source).toMatch(/国务院扶贫办/);
  });

  it('an exit check for a year without a poverty line fails with a clear error until the city enters it', async () => {
    const r = await req('county', 'GET', '/api/exit-check?year=2018');
    expect(r.statusCode).toBe(400);
    expect(r.json()).toMatchObject({ code: 'STANDARD_MISSING', details: { kind: 'poverty_line', year: 2018 } });
    expect(r.json().message).toMatch(/2018年没有「国家扶贫标准/);
    // Only the city office edits; a county is refused and nothing changes.
    expect((await req('county', 'PUT', '/api/standards/poverty_line/2018', { value: 3535, source: '国务院扶贫办2018年公布标准' })).statusCode).toBe(403);
    const bad = await req('city', 'PUT', '/api/standards/poverty_line/2018', { value: 3535, source: '' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().details.errors[0]).toMatchObject({ field: 'source' });
    expect(bad.json().message).toMatch(/必须注明来源文件/);
    const created = await ok('city', 'PUT', '/api/standards/poverty_line/2018', { value: 3535, source: '国务院扶贫办2018年公布标准' });
    expect(created).toMatchObject({ kind: 'poverty_line', year: 2018, value: 3535, enteredBy: 'city', version: 1 });
    expect((await getStandards(t.db, 2018)).poverty_line?.value).toBe(3535);
    // A change needs the current version: without it or stale, 409 and nothing changes.
    expect((await req('city', 'PUT', '/api/standards/poverty_line/2018', { value: 3600, source: '更正后的文件' })).json().code).toBe('VERSION_REQUIRED');
    expect((await req('city', 'PUT', '/api/standards/poverty_line/2018', { value: 3600, source: '更正后的文件', version: 7 })).json().code).toBe('STALE_VERSION');
    await ok('city', 'PUT', '/api/standards/poverty_line/2018', { value: 3535.5, source: '更正后的文件', version: 1 });
    const a = await t.db.query<{ action: string; details: { before: { value: number }; after: { value: number } } }>(
      `SELECT action, details FROM audit_log WHERE action LIKE 'standard.%' ORDER BY seq`);
    expect(a.map((x) => x.action)).toEqual(['standard.create', 'standard.update']);
    expect(a[1]!.details.before.value).toBe(3535);
    expect(a[1]!.details.after.value).toBe(3535.5);
    expect((await req('county', 'GET', '/api/exit-check?year=2018')).statusCode).toBe(200);
  });
});

describe('exit checks', () => {
  it('income exactly at the line fails, a fen above with 两不愁三保障 secure passes', async () => {
    const res = await ok('county', 'GET', '/api/exit-check?year=2020');
    const at = res.households.find((h: { householdNumber: string }) => h.householdNumber === poorAt.householdNumber);
    const above = res.households.find((h: { householdNumber: string }) => h.householdNumber === poorAbove.householdNumber);
    expect(at.pass).toBe(false);
    expect(at.reasons.join()).toMatch(/2020年人均纯收入4000元，未超过/);
    expect(above.pass, above.reasons.join('\n')).toBe(true);
    expect(above.reasons[0]).toMatch(/4000\.01元，高于国家扶贫标准/);
    // Only 未脱贫/返贫 households are checked, only within scope.
    expect(res.households.map((h: { householdNumber: string }) => h.householdNumber).sort()).toEqual([poorAt.householdNumber, poorAbove.householdNumber].sort());
    const d = await checkHouseholdExit(t.db, poorAbove.id, 2020);
    expect(d.pass).toBe(true);
  });

  it('a village: incidence 3.00% fails, 2.99% passes once its conditions are recorded; absent data is named', async () => {
    // V1 has 6 poor people (2 households × 3).
    await t.db.execute(`INSERT INTO region_populations (code, year, rural_population, source) VALUES ($1, 2020, 200, '测试（合成）')`, [V1]);
    let v = (await ok('county', 'GET', '/api/exit-check?year=2020')).villages.find((x: { code: string }) => x.code === V1);
    expect(v.pass).toBe(false);
    expect(v.reasons[0]).toMatch(/3\.00%（贫困人口6人 ÷ 农村户籍人口200人），未低于3%/);
    expect(v.reasons.join()).toMatch(/未录入2020年村级退出条件/);
    await t.db.execute(`UPDATE region_populations SET rural_population = 201 WHERE code = $1 AND year = 2020`, [V1]);
    expect((await req('helper1', 'PUT', `/api/villages/${V1}/exit-conditions`, { year: 2020, source: '村级验收表' })).statusCode).toBe(403);
    expect((await req('other-county', 'PUT', `/api/villages/${V1}/exit-conditions`, { year: 2020, source: '村级验收表' })).statusCode).toBe(404);
    await ok('village1', 'PUT', `/api/villages/${V1}/exit-conditions`, { year: 2020, road: true, water: true, electricity: true, clinic: true, broadband: true, collectiveIncome: 52000, source: '村级退出验收表' });
    v = (await ok('county', 'GET', '/api/exit-check?year=2020')).villages.find((x: { code: string }) => x.code === V1);
    expect(v.pass, v.reasons.join('\n')).toBe(true);
    expect(v.reasons[0]).toMatch(/2\.99%/);
    const v2 = (await ok('county', 'GET', '/api/exit-check?year=2020')).villages.find((x: { code: string }) => x.code === V2);
    expect(v2.reasons[0]).toMatch(/缺少本村2020年农村户籍人口/);
  });

  it('is scoped: other counties see none of it; the anonymous and departments are refused', async () => {
    const other = await ok('other-county', 'GET', '/api/exit-check?year=2020');
    expect(other.households).toEqual([]);
    expect(other.villages.map((x: { code: string }) => x.code)).toEqual([V_OTHER_COUNTY]);
    expect((await req(null, 'GET', '/api/exit-check?year=2020')).statusCode).toBe(401);
    expect((await req('dept', 'GET', '/api/exit-check?year=2020')).statusCode).toBe(403);
    expect((await req('other-county', 'GET', `/api/exit-check?year=2020&region=${V1}`)).statusCode).toBe(404);
  });
});

describe('monitoring scan', () => {
  let firstScan: { newWarnings: number; seenWarnings: number; openWarnings: number; overdue: number; warnings: { rule: string; new: number }[] };
  // The summary's open and overdue counts, counted afresh over the county's warnings (overdue: a
  // warning's own first_seen more than the 15 days ago, with no monitoring identification since).
  const countyStatus = async () => (await t.db.query<{ openWarnings: number; overdue: number }>(
    `SELECT count(*) FILTER (WHERE w.status = 'open')::int AS "openWarnings",
            count(*) FILTER (WHERE w.status = 'open' AND w.first_seen + 15 < $1::date
                             AND (h.monitoring_identified_at IS NULL OR h.monitoring_identified_at < w.first_seen))::int AS overdue
       FROM monitoring_warnings w JOIN households h ON h.county_code = w.county_code AND h.id = w.household_id
      WHERE h.village_code LIKE '620123%'`, [TODAY]))[0]!;

  beforeAll(async () => {
    // A 13-year-old not in school.
    const kid = exitedDropout.members.find((m) => m.relation === '之子')!;
    const cur = await ok('village1', 'GET', `/api/households/${exitedDropout.id}`);
    await ok('village1', 'PATCH', `/api/households/${exitedDropout.id}/members/${kid.id}`, { version: cur.members.find((m: { id: string }) => m.id === kid.id).version, member: { schoolStatus: '非在校生' } });
    // New 低保 for the spouse; the spouse, a main labourer, dies.
    const sp = exitedEvents.members.find((m) => m.relation === '配偶')!;
    let h = await ok('village1', 'GET', `/api/households/${exitedEvents.id}`);
    await ok('village1', 'PATCH', `/api/households/${exitedEvents.id}/members/${sp.id}`, { version: h.members.find((m: { id: string }) => m.id === sp.id).version, member: { dibao: true, labourSkill: '普通劳动力' } });
    h = await ok('village1', 'GET', `/api/households/${exitedEvents.id}`);
    await ok('village1', 'DELETE', `/api/households/${exitedEvents.id}/members/${sp.id}`, { version: h.members.find((m: { id: string }) => m.id === sp.id).version, reason: '因病死亡' });
  });

  it('refuses the anonymous and roles that may not scan', async () => {
    expect((await req(null, 'POST', '/api/monitoring/scan', {})).statusCode).toBe(401);
    expect((await req('village1', 'POST', '/api/monitoring/scan', {})).statusCode).toBe(403);
    expect((await req('dept', 'GET', '/api/monitoring/warnings')).statusCode).toBe(403);
  });

  it('a department warning by ID number and a cadre visit become clues; bad input names the field', async () => {
    expect((await req('village1', 'POST', '/api/monitoring/clues', { idNumber: idOf(exitedLow.members[0]!), source: 'department', kind: 'MEDICAL', description: '医保结算数据' })).statusCode).toBe(403);
    const bad = await req('dept', 'POST', '/api/monitoring/clues', { idNumber: '620123198001011234', source: 'department', kind: 'MEDICAL', description: '医保结算数据' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().details.errors[0].field).toBe('idNumber');
    const c = await ok('dept', 'POST', '/api/monitoring/clues', {
      idNumber: idOf(exitedLow.members[1]!), source: 'department', kind: 'MEDICAL', description: '住院结算：个人自付较高', facts: { year: 2021, singleStayOutOfPocket: 8000 },
    });
    expect(c.deadline).toBe(daysAgo(-15));
    // A disaster found on a visit 20 days ago: the 15 days have passed.
    await ok('village1', 'POST', '/api/monitoring/clues', { householdId: exitedDropout.id, source: 'cadre_visit', kind: 'DISASTER', description: '冰雹灾害致农作物绝收', firstSeen: daysAgo(20), facts: { lossAmount: 12000 } });
    expect((await req('other-county', 'POST', '/api/monitoring/clues', { householdId: exitedDropout.id, source: 'cadre_visit', kind: 'DISASTER', description: '冰雹灾害致农作物绝收' })).statusCode).toBe(404);
    expect((await req('village1', 'POST', '/api/monitoring/clues', { householdId: exitedDropout.id, source: 'cadre_visit', kind: 'DISASTER', description: '冰雹', firstSeen: daysAgo(-3) })).statusCode).toBe(400);
  });

  it('a confirmed comparison finding becomes a warning', async () => {
    await t.db.execute(
      `INSERT INTO comparison_findings (county_code, id, kind, code, rule_key, year, id_number, name, household_id, household_number, member_id, village_code, rule, evidence, status, opens,
         dataset_id, first_dataset_id, last_dataset_id, reason)
       VALUES ('620123', tuopin_uuidv7(), 'disability', 'DISABILITY_UNRECORDED', 'DISABILITY_UNRECORDED', 2021, $1, '张三', $2, $3, $4, $5, '{}'::jsonb, '[{"证件号码":"x"}]'::jsonb,
               'confirmed', 'monitoring-warning', tuopin_uuidv7(), tuopin_uuidv7(), tuopin_uuidv7(), '入户核实属实')`,
      [idOf(exitedDropout.members[0]!), exitedDropout.id, exitedDropout.householdNumber, exitedDropout.members[0]!.id, V1]);
  });

  it('fires every rule with its facts, once; a re-scan adds nothing', async () => {
    firstScan = await ok('county', 'POST', '/api/monitoring/scan', { year: 2021 }, 200);
    // LABOUR_LOSS twice: a main labourer died, and the monitored household's head lost labour capacity.
    const byRule = Object.fromEntries(firstScan.warnings.map((w) => [w.rule, w.new]));
    expect(byRule).toEqual({
      INCOME_BELOW_MONITORING_LINE: 1, MEDICAL_SINGLE_STAY: 1, NEW_DIBAO_TEKUN: 1, DROPOUT: 1, LABOUR_LOSS: 2, DISASTER: 1, COMPARISON: 1,
    });
    const list = (await ok('village1', 'GET', '/api/monitoring/warnings?pageSize=200')).items as { rule: string; householdId: string; explanation: string; overdue: boolean; deadline: string; facts: Record<string, unknown> }[];
    const of = (rule: string) => list.find((w) => w.rule === rule)!;
    expect(of('INCOME_BELOW_MONITORING_LINE')).toMatchObject({ householdId: exitedLow.id, facts: { perCapitaNet: 4200, monitoringLine: 6000 } });
    expect(of('INCOME_BELOW_MONITORING_LINE').explanation).toBe('2021年人均纯收入4200元，低于防返贫监测线6000元');
    expect(of('MEDICAL_SINGLE_STAY').explanation).toMatch(/单次住院三重保障后个人自付8000元，超过6000.*线索来源：部门筛查预警/);
    expect(of('DISASTER').explanation).toMatch(/^自然灾害或意外事故（线索来源：干部排查走访，\d{4}-\d{2}-\d{2}发现）：冰雹灾害致农作物绝收$/);
    expect(of('DROPOUT').explanation).toMatch(/在校生状况为“非在校生”/);
    expect(of('LABOUR_LOSS').explanation).toMatch(/主要劳动力李四（普通劳动力）于.*移出本户，原因：因病死亡/);
    expect(of('NEW_DIBAO_TEKUN').explanation).toMatch(/李四于.*新纳入低保/);
    expect(of('COMPARISON').explanation).toMatch(/入户核实属实/);
    // The household with a 20-day-old clue is overdue on every open warning; the others are not.
    expect(list.filter((w) => w.overdue).map((w) => w.householdId)).toEqual(list.filter((w) => w.householdId === exitedDropout.id).map((w) => w.householdId));
    expect(of('DROPOUT')).toMatchObject({ overdue: true, deadline: daysAgo(5) });
    expect(of('NEW_DIBAO_TEKUN').overdue).toBe(false);
    // Out of scope: the other county's low income is not in this county's list.
    expect(list.some((w) => w.householdId === otherCounty.id)).toBe(false);

    const again = await ok('county', 'POST', '/api/monitoring/scan', { year: 2021 }, 200);
    expect(again.newWarnings).toBe(0);
    expect(again.seenWarnings).toBe(firstScan.newWarnings);
    // Open and overdue: the county's 8 warnings are open; the 20-day-old disaster clue's is overdue.
    expect(await countyStatus()).toEqual({ openWarnings: 8, overdue: 1 });
    expect(firstScan).toMatchObject({ openWarnings: 8, overdue: 1 });
    expect(again).toMatchObject({ openWarnings: 8, overdue: 1 });
    expect((await t.db.query<{ n: number }>('SELECT count(*)::int AS n FROM monitoring_warnings'))[0]!.n).toBe(firstScan.newWarnings);
  });

  it('a dismissed warning stays dismissed on re-scan; filters and scope hold', async () => {
    const w = (await ok('village1', 'GET', '/api/monitoring/warnings?rule=DROPOUT')).items[0];
    expect((await req('other-county', 'POST', `/api/monitoring/warnings/${w.id}/resolve`, { decision: 'dismissed', resolution: '已复学', version: w.version })).statusCode).toBe(404);
    // Found by its key (county, id) whatever the caller's level: the city office probes each
    // county (a stale version shows it found the row), a helper sees it only while paired with
    // the household, an id that is no warning is not found.
    const stale = { decision: 'dismissed', resolution: '已复学', version: w.version + 1 };
    expect((await req('city', 'POST', `/api/monitoring/warnings/${w.id}/resolve`, stale)).json().code).toBe('STALE_VERSION');
    expect((await req('helper1', 'POST', `/api/monitoring/warnings/${w.id}/resolve`, stale)).statusCode).toBe(404);
    const cadreId = '0190a000-0000-7000-8000-00000000c1d1';
    await t.db.execute(`INSERT INTO cadres (id, name, unit, user_id, region_code) SELECT $1, '帮扶干部', '县扶贫办', id, $2 FROM users WHERE username = 'helper1'`, [cadreId, V1]);
    await t.db.execute(`INSERT INTO pairings (county_code, id, household_id, cadre_id, from_date) VALUES ($1, $2, $3, $4, '2020-01-01')`, [V1.slice(0, 6), '0190a000-0000-7000-8000-00000000c1d2', w.householdId, cadreId]);
    expect((await req('helper1', 'POST', `/api/monitoring/warnings/${w.id}/resolve`, stale)).json().code).toBe('STALE_VERSION');
    await t.db.execute('DELETE FROM pairings WHERE cadre_id = $1', [cadreId]);
    await t.db.execute('DELETE FROM cadres WHERE id = $1', [cadreId]);
    expect((await req('county', 'POST', '/api/monitoring/warnings/0190a000-0000-7000-8000-000000000000/resolve', { decision: 'dismissed', resolution: '已复学', version: 1 })).statusCode).toBe(404);
    await ok('village1', 'POST', `/api/monitoring/warnings/${w.id}/resolve`, { decision: 'dismissed', resolution: '核实已复学', version: w.version }, 200);
    expect((await req('village1', 'POST', `/api/monitoring/warnings/${w.id}/resolve`, { decision: 'dismissed', resolution: '核实已复学', version: w.version })).statusCode).toBe(409);
    const afterDismissal = await ok('county', 'POST', '/api/monitoring/scan', { year: 2021 }, 200);
    expect(afterDismissal).toMatchObject({ newWarnings: 0, openWarnings: 7 });
    expect(afterDismissal).toMatchObject(await countyStatus());
    const d = (await ok('village1', 'GET', '/api/monitoring/warnings?rule=DROPOUT')).items[0];
    expect(d).toMatchObject({ status: 'dismissed', resolution: '核实已复学' });
    expect((await ok('village1', 'GET', '/api/monitoring/warnings?overdue=1')).items.every((x: { overdue: boolean }) => x.overdue)).toBe(true);
    expect((await ok('other-county', 'GET', '/api/monitoring/warnings')).total).toBe(0);
    expect((await req(null, 'GET', '/api/monitoring/warnings')).statusCode).toBe(401);
    // By region (the households' villages): the county sees village1's warnings under V1, and under
    // V2 only V2's; a region outside the caller's scope is not found.
    type Item = { id: string; villageCode: string };
    const mine = (await ok('village1', 'GET', '/api/monitoring/warnings?pageSize=200')).items as Item[];
    expect(mine.length).toBeGreaterThan(0);
    expect(mine.every((x) => x.villageCode === V1)).toBe(true);
    const underV1 = (await ok('county', 'GET', `/api/monitoring/warnings?region=${V1}&pageSize=200`)).items as Item[];
    expect(underV1.map((x) => x.id).sort()).toEqual(mine.map((x) => x.id).sort());
    const underV2 = (await ok('county', 'GET', `/api/monitoring/warnings?region=${V2}&pageSize=200`)).items as Item[];
    expect(underV2.length).toBeGreaterThan(0);
    expect(underV2.every((x) => x.villageCode === V2)).toBe(true);
    expect((await ok('county', 'GET', '/api/monitoring/warnings?pageSize=200')).total).toBeGreaterThanOrEqual(mine.length + underV2.length);
    expect((await req('village1', 'GET', `/api/monitoring/warnings?region=${V2}`)).statusCode).toBe(404);
    expect((await req('county', 'GET', `/api/monitoring/warnings?region=${V_OTHER_COUNTY}`)).statusCode).toBe(404);
  });

  it('a re-scan rewrites a warning whose facts changed, leaves the unchanged ones untouched, and keeps one that no longer fires', async () => {
    type W = { id: string; facts: { perCapitaNet: number }; explanation: string; status: string; last_seen_at: unknown; scan_id: string };
    const row = async (rule: string, householdId: string) => (await t.db.query<W>(
      'SELECT id, facts, explanation, status, last_seen_at, scan_id FROM monitoring_warnings WHERE household_id = $1 AND rule = $2', [householdId, rule]))[0]!;
    const setIncome = async (wage: number) => {
      const h = await ok('village1', 'GET', `/api/households/${exitedLow.id}`);
      await ok('village1', 'PATCH', `/api/households/${exitedLow.id}`, { version: h.version, income: income(2021, wage) }, 200);
    };
    const scan = () => ok('county', 'POST', '/api/monitoring/scan', { year: 2021 }, 200) as Promise<{ scanId: string; newWarnings: number; seenWarnings: number; openWarnings: number; warnings: { rule: string; new: number; seen: number }[] }>;
    const base = await scan();
    const income0 = await row('INCOME_BELOW_MONITORING_LINE', exitedLow.id);
    const dropout0 = await row('DROPOUT', exitedDropout.id);

    // 4500 a head: the same warning (same id, status) with the new facts and explanation, counted as seen.
    await setIncome(13500);
    const changed = await scan();
    expect(changed).toMatchObject({ newWarnings: 0, seenWarnings: base.seenWarnings, openWarnings: base.openWarnings });
    expect(changed.warnings.find((w) => w.rule === 'INCOME_BELOW_MONITORING_LINE')).toEqual({ rule: 'INCOME_BELOW_MONITORING_LINE', new: 0, seen: 1 });
    const income1 = await row('INCOME_BELOW_MONITORING_LINE', exitedLow.id);
    expect(income1).toMatchObject({ id: income0.id, status: income0.status, scan_id: changed.scanId, explanation: '2021年人均纯收入4500元，低于防返贫监测线6000元' });
    expect(income1.facts).toMatchObject({ perCapitaNet: 4500, monitoringLine: 6000 });
    // An unchanged warning is not rewritten.
    expect(await row('DROPOUT', exitedDropout.id)).toEqual(dropout0);

    // Above the line: the rule no longer fires; the warning stays as it was (open, last facts), and is not counted.
    await setIncome(21000);
    const gone = await scan();
    expect(gone.newWarnings).toBe(0);
    expect(gone.seenWarnings).toBe(base.seenWarnings - 1);
    expect(gone.warnings.some((w) => w.rule === 'INCOME_BELOW_MONITORING_LINE')).toBe(false);
    expect(gone.openWarnings).toBe(base.openWarnings);
    expect(await row('INCOME_BELOW_MONITORING_LINE', exitedLow.id)).toEqual(income1);

    // Back to 4200 a head: the facts return; nothing new.
    await setIncome(12600);
    const back = await scan();
    expect(back).toMatchObject({ newWarnings: 0, seenWarnings: base.seenWarnings });
    expect(await row('INCOME_BELOW_MONITORING_LINE', exitedLow.id)).toMatchObject({ id: income0.id, facts: income0.facts, explanation: income0.explanation, scan_id: back.scanId });
  });

});

describe('public self-report', () => {
  const form = { name: '王五', phone: '13900001111', villageCode: V1, kind: 'MEDICAL', description: '家人住院花费很大，生活困难' };
  it('takes a valid report without login and names the field of a bad one', async () => {
    const r = await req(null, 'POST', '/api/public/monitoring/reports', form, '10.9.0.1');
    expect(r.statusCode, r.body).toBe(201);
    expect(r.json()).toMatchObject({ firstSeen: TODAY, deadline: daysAgo(-15) });
    const bad = await req(null, 'POST', '/api/public/monitoring/reports', { ...form, phone: '123' }, '10.9.0.2');
    expect(bad.statusCode).toBe(400);
    expect(bad.json().details.errors[0]).toMatchObject({ field: 'phone' });
    const noVillage = await req(null, 'POST', '/api/public/monitoring/reports', { ...form, villageCode: '620123100299' }, '10.9.0.2');
    expect(noVillage.json().details.errors[0]).toMatchObject({ field: 'villageCode' });
  });
  it('is rate-limited per address', async () => {
    const codes: number[] = [];
    for (let i = 0; i < 6; i++) codes.push((await req(null, 'POST', '/api/public/monitoring/reports', { ...form, phone: '' }, '10.9.0.3')).statusCode);
    expect(codes).toEqual([400, 400, 400, 400, 400, 429]);
  });
  it('shows the reporter phone masked; unmasked only for allowed roles, audited', async () => {
    const l = await ok('village1', 'GET', '/api/monitoring/clues?source=self_report');
    expect(l.items).toHaveLength(1);
    expect(l.items[0]).toMatchObject({ reporterName: '王五', reporterPhone: '139****1111', source: 'self_report', householdId: null });
    expect((await req('helper1', 'GET', '/api/monitoring/clues?unmasked=1')).statusCode).toBe(403);
    const u = await ok('village1', 'GET', '/api/monitoring/clues?source=self_report&unmasked=1');
    expect(u.items[0].reporterPhone).toBe('13900001111');
    expect((await t.db.query(`SELECT 1 FROM audit_log WHERE action = 'pii.unmask' AND target_type = 'monitoring_clues'`)).length).toBe(1);
    expect((await ok('other-county', 'GET', '/api/monitoring/clues')).total).toBe(0);
  });
  it('after the visit the cadre links a report to its household by 户编号; the next scan warns for that household; refusals change nothing', async () => {
    const sent = await req(null, 'POST', '/api/public/monitoring/reports', { ...form, kind: 'DISASTER', description: '暴雨冲毁了院墙和两间房屋' }, '10.9.0.9');
    expect(sent.statusCode, sent.body).toBe(201);
    const clue = (await ok('village1', 'GET', '/api/monitoring/clues?source=self_report')).items.find((c: { kind: string }) => c.kind === 'DISASTER');
    expect(clue).toMatchObject({ householdId: null, householdNumber: null, status: 'open', version: 1, villageCode: V1 });
    const link = (user: string | null, body: object) => req(user, 'POST', `/api/monitoring/clues/${clue.id}/link`, body);
    expect((await link(null, { householdNumber: exitedEvents.householdNumber, version: 1 })).statusCode).toBe(401);
    expect((await link('other-county', { householdNumber: exitedEvents.householdNumber, version: 1 })).statusCode).toBe(404);
    expect((await link('inspector', { householdNumber: exitedEvents.householdNumber, version: 1 })).statusCode).toBe(403);
    const unknown = await link('village1', { householdNumber: '620123100201999', version: 1 });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().details.errors[0]).toMatchObject({ field: 'householdNumber', value: '620123100201999', code: 'NOT_FOUND' });
    const outside = await link('village1', { householdNumber: otherCounty.householdNumber, version: 1 });
    expect(outside.json().details.errors[0]).toMatchObject({ field: 'householdNumber', code: 'OUT_OF_SCOPE' });
    expect((await link('village1', { householdNumber: exitedEvents.householdNumber, version: 0 })).statusCode).toBe(409);
    expect((await ok('village1', 'GET', '/api/monitoring/clues?source=self_report')).items.find((c: { id: string }) => c.id === clue.id)).toMatchObject({ householdId: null, version: 1 });

    expect(await ok('village1', 'POST', `/api/monitoring/clues/${clue.id}/link`, { householdNumber: ` ${exitedEvents.householdNumber} `, version: 1 }, 200))
      .toEqual({ householdId: exitedEvents.id, householdNumber: exitedEvents.householdNumber });
    expect((await link('village1', { householdNumber: exitedEvents.householdNumber, version: 2 })).json().code).toBe('ALREADY_LINKED');
    const linked = (await ok('village1', 'GET', '/api/monitoring/clues?source=self_report')).items.find((c: { id: string }) => c.id === clue.id);
    expect(linked).toMatchObject({ householdId: exitedEvents.id, householdNumber: exitedEvents.householdNumber, version: 2 });
    expect((await t.db.query(`SELECT 1 FROM audit_log WHERE action = 'monitoring.clue.link' AND target_id = $1`, [exitedEvents.id])).length).toBe(1);

    const scan = await ok('county', 'POST', '/api/monitoring/scan', { year: 2021 }, 200);
    expect(scan.warnings.find((w: { rule: string }) => w.rule === 'DISASTER')).toMatchObject({ new: 1 });
    const w = (await ok('village1', 'GET', `/api/monitoring/warnings?householdId=${exitedEvents.id}&rule=DISASTER`)).items;
    expect(w).toHaveLength(1);
    expect(w[0].explanation).toMatch(/农户自主申报.*暴雨冲毁了院墙和两间房屋/);
    // Closed with the reason once handled; a closed clue cannot be linked or closed again.
    expect((await ok('village1', 'POST', `/api/monitoring/clues/${clue.id}/close`, { reason: '已入户核实，纳入预警处置', version: 2 }, 200))).toEqual({ ok: true });
    expect((await req('village1', 'POST', `/api/monitoring/clues/${clue.id}/close`, { reason: '重复关闭', version: 3 })).json().code).toBe('NOT_OPEN');
    expect((await ok('village1', 'GET', '/api/monitoring/clues?status=closed')).items.find((c: { id: string }) => c.id === clue.id)).toMatchObject({ status: 'closed', closedReason: '已入户核实，纳入预警处置' });
    // A cadre records a visit by 户编号 too; neither household nor ID number is a field error.
    const visit = await ok('village1', 'POST', '/api/monitoring/clues', { householdNumber: exitedEvents.householdNumber, source: 'cadre_visit', kind: 'INCOME', description: '走访发现：家中务工收入中断' });
    expect((await ok('village1', 'GET', '/api/monitoring/clues?source=cadre_visit')).items.find((c: { id: string }) => c.id === visit.id)).toMatchObject({ householdId: exitedEvents.id });
    expect((await req('village1', 'POST', '/api/monitoring/clues', { source: 'cadre_visit', kind: 'INCOME', description: '走访发现：家中务工收入中断' })).json().details.errors[0])
      .toMatchObject({ field: 'householdNumber', code: 'REQUIRED' });
    expect((await req('village1', 'POST', '/api/monitoring/clues', { householdNumber: otherCounty.householdNumber, source: 'cadre_visit', kind: 'INCOME', description: '走访发现：家中务工收入中断' })).json().details.errors[0])
      .toMatchObject({ field: 'householdNumber', code: 'OUT_OF_SCOPE' });
  });
});

describe('回头看 and 回头帮', () => {
  it('samples exited households per cycle without repeats, assigns, records findings that open a clue', async () => {
    expect((await req('village1', 'POST', '/api/monitoring/inspections/sample', { cycle: '2021Q4', count: 2 })).statusCode).toBe(403);
    expect((await req('county', 'POST', '/api/monitoring/inspections/sample', { cycle: '2021-4', count: 2 })).json().details.errors[0].field).toBe('cycle');
    const s = await ok('county', 'POST', '/api/monitoring/inspections/sample', { cycle: '2021Q4', count: 2 });
    expect(s).toMatchObject({ sampled: 2, alreadySampled: 0, exited: 5 });
    expect(await ok('county', 'POST', '/api/monitoring/inspections/sample', { cycle: '2021Q4', count: 2 })).toMatchObject({ sampled: 0, alreadySampled: 2 });
    const tasks = (await ok('township', 'GET', '/api/monitoring/inspections?cycle=2021Q4')).items;
    expect(tasks).toHaveLength(2);
    expect((await ok('other-county', 'GET', '/api/monitoring/inspections')).total).toBe(0);
    const task = tasks[0];
    expect((await req('other-county', 'POST', `/api/monitoring/inspections/${task.id}/record`, { visitedOn: TODAY, findings: '家中收入稳定', riskFound: false, version: task.version })).statusCode).toBe(404);
    // The sample is drawn by household id, so the task may be in either village: the county records it.
    const noKind = await req('county', 'POST', `/api/monitoring/inspections/${task.id}/record`, { visitedOn: TODAY, findings: '户主务工返乡，收入减少', riskFound: true, version: task.version });
    expect(noKind.json().details.errors[0].field).toBe('riskKind');
    const rec = await ok('county', 'POST', `/api/monitoring/inspections/${task.id}/record`, { visitedOn: TODAY, findings: '户主务工返乡，收入减少', riskFound: true, riskKind: 'INCOME', version: task.version }, 200);
    expect(rec.clueId).toBeTruthy();
    const clue = (await ok('county', 'GET', '/api/monitoring/clues?source=cadre_visit')).items.find((c: { id: string }) => c.id === rec.clueId);
    expect(clue).toMatchObject({ kind: 'INCOME', firstSeen: TODAY, description: '回头看（2021Q4）：户主务工返乡，收入减少' });
  });

  it('a 回头帮 measure goes into the year\'s plan and answers the warning', async () => {
    const w = (await ok('village1', 'GET', `/api/monitoring/warnings?householdId=${exitedLow.id}&rule=INCOME_BELOW_MONITORING_LINE`)).items[0];
    expect((await req('inspector', 'POST', `/api/monitoring/households/${exitedLow.id}/follow-up`, { measureCode: 'TEMPORARY_ASSISTANCE', description: '申请临时救助' })).statusCode).toBe(403);
    const bad = await req('village1', 'POST', `/api/monitoring/households/${exitedLow.id}/follow-up`, { measureCode: 'NO_SUCH', description: '申请临时救助' });
    expect(bad.statusCode).toBe(400);
    const f = await ok('village1', 'POST', `/api/monitoring/households/${exitedLow.id}/follow-up`, { measureCode: 'TEMPORARY_ASSISTANCE', description: '申请临时救助，安排公益性岗位', year: 2021, warningId: w.id });
    const plan = await ok('village1', 'GET', `/api/plans/${f.planId}`);
    expect(plan.year).toBe(2021);
    expect(plan.measures.find((m: { id: string }) => m.id === f.measureId)).toMatchObject({ measureCode: 'TEMPORARY_ASSISTANCE', source: 'huitoubang', description: '回头帮：申请临时救助，安排公益性岗位' });
    const after = (await ok('village1', 'GET', `/api/monitoring/warnings?householdId=${exitedLow.id}&rule=INCOME_BELOW_MONITORING_LINE`)).items[0];
    expect(after.status).toBe('handled');
  });
});

describe('monitored households and risk elimination', () => {
  it('lists the monitored households by category within scope', async () => {
    const l = await ok('county', 'GET', '/api/monitoring/households');
    expect(l.items.map((x: { householdId: string }) => x.householdId).sort()).toEqual([monitoredNoLabour.id, monitoredOk.id].sort());
    expect((await ok('county', 'GET', '/api/monitoring/households?category=边缘易致贫户')).items).toHaveLength(1);
    expect((await ok('other-county', 'GET', '/api/monitoring/households')).total).toBe(0);
  });

  it('eliminable when every condition holds; a household without labour stays monitored', async () => {
    const okD = await ok('county', 'GET', `/api/monitoring/households/${monitoredOk.id}/risk-elimination?year=2021`);
    expect(okD.eliminable, okD.reasons.join('\n')).toBe(true);
    const no = await checkRiskElimination(t.db, monitoredNoLabour.id, 2021);
    expect(no.eliminable).toBe(false);
    expect(no.reasons.join()).toMatch(/家庭无劳动能力成员：按规定继续监测/);
    // An open warning refuses it too.
    await ok('county', 'POST', '/api/monitoring/clues', { householdId: monitoredOk.id, source: 'complaint', kind: 'OTHER', description: '群众反映该户生活困难' });
    await ok('county', 'POST', '/api/monitoring/scan', { year: 2021 }, 200);
    const refused = await checkRiskElimination(t.db, monitoredOk.id, 2021);
    expect(refused.eliminable).toBe(false);
    expect(refused.reasons.join()).toMatch(/1条未处置的风险预警/);
    // A year without a monitoring line: a clear error.
    expect((await req('county', 'GET', `/api/monitoring/households/${monitoredOk.id}/risk-elimination?year=2023`)).json().code).toBe('STANDARD_MISSING');
    expect((await req('other-county', 'GET', `/api/monitoring/households/${monitoredOk.id}/risk-elimination?year=2021`)).statusCode).toBe(404);
    expect((await req(null, 'GET', `/api/monitoring/households/${monitoredOk.id}/risk-elimination?year=2021`)).statusCode).toBe(401);
  });

  it('the audit chain is intact after all of it', async () => {
    expect((await verifyAudit(t.db)).ok).toBe(true);
  });
});

describe('CLI', () => {
  // Two child processes on a busy machine: a generous timeout.
  it('the CLI scan prints one JSON document; the 2022 income rule is skipped without a monitoring line', { timeout: 600_000 }, async () => {
    await app.close();
    if (t.engine === 'pglite') {
      await t.db.close();
      dbClosed = true;
    }
    const r = runCli(t, ['monitor', 'scan', '--year', '2022', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const doc = r.json();
    expect(doc.skipped.map((s: { rule: string }) => s.rule)).toContain('INCOME_BELOW_MONITORING_LINE');
    expect(doc.skipped[0].reason).toMatch(/2022年没有防返贫监测线/);
    const e = runCli(t, ['review', 'exit-check', '--year', '2020', '--json']);
    expect(e.code, e.stderr).toBe(0);
    const ex = e.json();
    expect(Object.keys(ex).sort()).toEqual(['counties', 'households', 'villages', 'year']);
    expect(ex.households.find((h: { householdNumber: string }) => h.householdNumber === poorAbove.householdNumber)).toMatchObject({ pass: true });
    expect(Object.keys(ex.households[0]).sort()).toEqual(['householdNumber', 'pass', 'reasons']);
    expect(ex.counties.find((c: { code: string }) => c.code === '620123000000').reasons.join()).toMatch(/贫困发生率|农村户籍人口/);
  });
});
