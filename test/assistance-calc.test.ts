import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CALCULATORS, isSeedClause } from '../src/domain/policy/index.js';
import { testDb, type TestDb } from './support/db.js';
import { loginCookie, makeApp, seedUser, seedVillages } from './support/factories.js';

// The seed's calculators over HTTP, at the edges the issue names, with their citations; the catalog.

let t: TestDb;
let app: FastifyInstance;
const cookies: Record<string, string> = {};

beforeAll(async () => {
  t = await testDb();
  await seedVillages(t.db);
  await seedUser(t.db, 'county', 'county', '620123000000');
  await seedUser(t.db, 'helper', 'helper', '620123100201');
  await seedUser(t.db, 'dept', 'department', '620100000000');
  app = await makeApp(t.db);
  for (const u of ['county', 'helper', 'dept']) cookies[u] = await loginCookie(app, u);
});
afterAll(async () => {
  await app?.close();
  await t?.close();
});

async function calc(name: string, facts: Record<string, unknown>, asOf = '2019-06-30', user = 'county') {
  return app.inject({ method: 'POST', url: `/api/calc/${name}`, payload: { asOf, facts }, headers: { cookie: cookies[user]! } });
}
async function decision(name: string, facts: Record<string, unknown>, asOf?: string) {
  const r = await calc(name, facts, asOf);
  expect(r.statusCode, r.body).toBe(200);
  return r.json();
}

describe('calculators over HTTP', () => {
  it('training subsidy 二(二)1 at 5, 6, 11 and 12 months', async () => {
    const base = { poorFamilyLabourer: true, trainedAndEmployed: true };
    const got: [number, boolean, number][] = [];
    for (const months of [5, 6, 11, 12]) {
      const r = await decision('trainingSubsidy', { ...base, contractMonths: months });
      got.push([months, r.decision.eligible, r.decision.amount]);
      expect(r.decision.rule).toMatchObject({ id: 'training-subsidy-2018', clause: '二(二)1' });
      expect(r.decision.reasons[0]).toContain('二(二)1');
    }
    expect(got).toEqual([[5, false, 0], [6, true, 1000], [11, true, 1000], [12, true, 2000]]);
    const r = await decision('trainingSubsidy', { ...base, contractMonths: 5 });
    expect(r.decision.reasons.join('')).toContain('不足6个月');
    expect(r).toMatchObject({ calculator: { id: 'trainingSubsidy', clause: '二(二)1' }, asOf: '2019-06-30' });
  });

  it('扶贫车间 二(二)2 at 9 and 10 poor labourers, and 5 and 6 months', async () => {
    const half = async (poorLabourers: number, stableMonths: number) => {
      const r = await decision('workshopAwards', { certified: true, poorLabourers, stableMonths, wagesPaidOnTimeInFull: true });
      return r.decision.awards.find((a: { code: string }) => a.code === 'HALF_YEAR');
    };
    expect(await half(9, 6)).toMatchObject({ eligible: false, amount: 0 });
    expect((await half(9, 6)).reasons.join('')).toContain('不足10名');
    expect(await half(10, 6)).toMatchObject({ eligible: true, amount: 20000 });
    expect(await half(10, 5)).toMatchObject({ eligible: false, amount: 0 });
    const three = await decision('workshopAwards', { certified: true, poorLabourers: 10, stableMonths: 36, wagesPaidOnTimeInFull: true, returneeNewAgriBusiness: true });
    expect(three.decision.applicable.map((a: { code: string; amount: number }) => [a.code, a.amount])).toEqual([['HALF_YEAR', 20000], ['THREE_YEARS', 60000], ['RETURNEE', 50000]]);
    expect(three.decision.combination).toContain('区县');
  });

  it('health top-up 二(五) at 84.9% and 85% actual reimbursement', async () => {
    const below = await decision('healthTopUp', { registeredPoor: true, compliantCost: 10000, paid: 8490 });
    expect(below.decision).toMatchObject({ meetsRatio: false, amount: 10, ratioAfter: 0.85 });
    const at = await decision('healthTopUp', { registeredPoor: true, compliantCost: 10000, paid: 8500 });
    expect(at.decision).toMatchObject({ meetsRatio: true, meetsCap: true, amount: 0 });
    expect(at.decision.rule).toMatchObject({ id: 'health-targets-2018', clause: '二(五)' });
  });

  it('health top-up 二(五) at 2999, 3000 and 3001 yuan out of pocket', async () => {
    const got: [number, boolean, number][] = [];
    for (const oop of [2999, 3000, 3001]) {
      const r = await decision('healthTopUp', { registeredPoor: true, compliantCost: 100000, paid: 100000 - oop });
      got.push([oop, r.decision.meetsCap, r.decision.amount]);
    }
    expect(got).toEqual([[2999, true, 0], [3000, true, 0], [3001, false, 1]]);
  });

  it('every calculator answers with its rule and clause; the health chain runs the three payers', async () => {
    const chain = await decision('healthChain', { totalCost: 30000, compliantCost: 25000, insured: true, assistanceEligible: true });
    expect(chain.decision.steps.map((s: { payer: string }) => s.payer)).toEqual(['基本医保', '大病保险', '医疗救助']);
    expect(chain.decision.rule.unverified).toBe(true);
    const pension = await decision('pensionContribution', { age: 45, registeredPoor: true, povertyStatus: '未脱贫' });
    expect(pension.decision).toMatchObject({ eligible: true, amount: 100, groups: ['REGISTERED_POOR_NOT_EXITED'] });
    const dibao = await decision('dibaoCoverage', { householdSize: 2, perCapitaIncome: 3000, registeredPoor: true, receivesDibao: false });
    expect(dibao.decision).toMatchObject({ status: 'should_cover', amount: 2000 });
    const incub = await decision('incubationSubsidy', { inProvincialBase: true, startupProjectOrEntity: true, meetsConditions: true });
    expect(incub.decision).toMatchObject({ eligible: true, amount: 50000 });
    const coll = await app.inject({ method: 'POST', url: '/api/calc/collectiveIncome', payload: { facts: { year: 2020, registeredPoorVillage: false, collectiveIncome: 30000 } }, headers: { cookie: cookies.county! } });
    expect(coll.json()).toMatchObject({ asOf: '2020-12-31', decision: { eligible: true, meetsTarget: false, amount: 20000, rule: { id: 'collective-income-2020' } } });
  });

  it('bad facts are 400 with the field and reason; an unknown calculator or a date without a rule too', async () => {
    const missing = await calc('trainingSubsidy', { contractMonths: 'six' });
    expect(missing.statusCode).toBe(400);
    expect(missing.json().code).toBe('INVALID_FACT');
    expect(missing.json().details.errors.map((e: { field: string }) => e.field)).toEqual(['facts.poorFamilyLabourer', 'facts.trainedAndEmployed', 'facts.contractMonths']);
    const typo = await calc('trainingSubsidy', { poorFamilyLabourer: true, trainedAndEmployed: true, contractMonth: 12 });
    expect(typo.statusCode).toBe(400);
    expect(typo.json().message).toContain('contractMonth');
    const domain = await calc('healthTopUp', { registeredPoor: true, compliantCost: 100, paid: 200 });
    expect(domain.statusCode).toBe(400);
    expect(domain.json()).toMatchObject({ code: 'INVALID_FACT' });
    expect(domain.json().message).toContain('不能大于');
    const unknown = await calc('lottery', {});
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().code).toBe('UNKNOWN_CALCULATOR');
    const early = await calc('trainingSubsidy', { poorFamilyLabourer: true, trainedAndEmployed: true, contractMonths: 12 }, '2010-01-01');
    expect(early.statusCode).toBe(400);
    expect(early.json().code).toBe('RULE_NOT_IN_FORCE');
    expect((await calc('trainingSubsidy', { poorFamilyLabourer: true, trainedAndEmployed: true, contractMonths: 12 }, '2019-02-30')).json().code).toBe('INVALID_DATE');
  });

  it('refuses anonymous callers and departments; helpers may calculate', async () => {
    for (const [m, u] of [['GET', '/api/catalog'], ['GET', '/api/calc'], ['POST', '/api/calc/trainingSubsidy']] as const) {
      const r = await app.inject({ method: m, url: u, payload: m === 'POST' ? { facts: {} } : undefined });
      expect(r.statusCode, u).toBe(401);
    }
    expect((await calc('trainingSubsidy', {}, '2019-01-01', 'dept')).statusCode).toBe(403);
    expect((await calc('trainingSubsidy', { poorFamilyLabourer: true, trainedAndEmployed: true, contractMonths: 6 }, '2019-01-01', 'helper')).statusCode).toBe(200);
  });
});

describe('catalog', () => {
  it('lists every measure with a seed clause and its words, the calculators with their rules', async () => {
    const r = await app.inject({ method: 'GET', url: '/api/catalog', headers: { cookie: cookies.helper! } });
    expect(r.statusCode).toBe(200);
    const c = r.json();
    expect(c.measures.length).toBeGreaterThan(80);
    for (const m of c.measures) {
      expect(isSeedClause(m.clause), m.code).toBe(true);
      expect(m.quote.length, m.code).toBeGreaterThan(0);
    }
    expect(c.measures.find((m: { code: string }) => m.code === 'PUBLIC_WELFARE_POST')).toMatchObject({ clause: '二(二)3', incomeLine: 'wage', incomeItem: 'publicWelfareWage', forHouseholdPlan: true });
    expect(c.measures.find((m: { code: string }) => m.code === 'ROAD_REPAIR')).toMatchObject({ incomeLine: null, forHouseholdPlan: false });
    expect(c.calculators.map((x: { id: string }) => x.id).sort()).toEqual(CALCULATORS.map((x) => x.id).sort());
    for (const calc of c.calculators) for (const rule of calc.rules) expect(rule.clause, rule.id).toBeTruthy();
    expect(c.fundingSources.map((f: { code: string }) => f.code)).toContain('central');
    expect(c.dimensions).toHaveLength(6);
  });
});
