import { describe, expect, it } from 'vitest';
import { DEFAULT_RULES, ruleFor } from '../policy/index.js';
import { BUILTIN_STANDARDS, MissingStandardError, requireStandard, standardEntryErrors, standardsFor, type StandardValue } from '../standards.js';
import { decideCountyExit, decideHouseholdExit, decideVillageExit, incidenceBelow, type VillageConditions } from './exit.js';
import { decideRiskElimination, type RiskEliminationInput } from './risk.js';

const line2020 = requireStandard(standardsFor(BUILTIN_STANDARDS, 2020), 'poverty_line', 2020);
const v3 = requireStandard(standardsFor(BUILTIN_STANDARDS, 2019), 'village_incidence_max', 2019);
const rules = { lianbuchou: ruleFor(DEFAULT_RULES.lianbuchou, '2020-12-31'), exitBlockers: ruleFor(DEFAULT_RULES.exitBlockers, '2020-12-31') };

const secureFacts = {
  asOf: '2020-12-31',
  members: [{ name: '甲', age: 45, health: '健康', medicalInsured: true }, { name: '乙', age: 12, schoolStatus: '七年级', medicalInsured: true }],
  food: { secure: true }, clothing: { secure: true }, house: { grade: 'B', dangerous: false }, water: { safe: true },
  income: { wage: 20000, business: 0, property: 0, transfer: 500, businessCost: 0 },
};

describe('standards by year', () => {
  it('has DOMAIN.md values with sources, and no value for an unverified year', () => {
    expect(standardsFor(BUILTIN_STANDARDS, 2013).poverty_line?.value).toBe(2736);
    expect(standardsFor(BUILTIN_STANDARDS, 2015).poverty_line?.value).toBe(2855);
    expect(standardsFor(BUILTIN_STANDARDS, 2020).poverty_line).toMatchObject({ value: 4000, verified: false });
    expect(standardsFor(BUILTIN_STANDARDS, 2021).monitoring_line?.value).toBe(6000);
    expect(standardsFor(BUILTIN_STANDARDS, 2010).poverty_line_2010?.value).toBe(2300);
    // 2018 has no poverty line and 2022 no monitoring line: nothing is carried over.
    expect(standardsFor(BUILTIN_STANDARDS, 2018).poverty_line).toBeUndefined();
    expect(standardsFor(BUILTIN_STANDARDS, 2022).monitoring_line).toBeUndefined();
    expect(() => requireStandard(standardsFor(BUILTIN_STANDARDS, 2018), 'poverty_line', 2018)).toThrow(MissingStandardError);
    expect(() => requireStandard(standardsFor(BUILTIN_STANDARDS, 2018), 'poverty_line', 2018)).toThrow(/2018年没有「国家扶贫标准/);
    // Thresholds stay in force until replaced.
    expect(standardsFor(BUILTIN_STANDARDS, 2025).village_incidence_max?.value).toBe(0.03);
    expect(BUILTIN_STANDARDS.every((s) => s.source.length > 4)).toBe(true);
  });

  it('refuses an entry without a source or out of range, naming the field', () => {
    expect(standardEntryErrors({ kind: 'poverty_line', year: 2018, value: 3535, source: '国务院扶贫办2018年公布' })).toEqual([]);
    expect(standardEntryErrors({ kind: 'poverty_line', year: 2018, value: 3535, source: '' }).map((e) => e.field)).toEqual(['source']);
    expect(standardEntryErrors({ kind: 'poverty_line', year: 2018, value: -1, source: '国务院扶贫办' }).map((e) => e.field)).toEqual(['value']);
    expect(standardEntryErrors({ kind: 'nonsense', year: 2018, value: 1, source: '国务院扶贫办' }).map((e) => e.field)).toEqual(['kind']);
  });
});

describe('household exit', () => {
  it('income exactly at the line fails; one fen above passes', () => {
    const at = decideHouseholdExit({ year: 2020, perCapitaNet: 4000, povertyLine: line2020, facts: secureFacts, rules });
    expect(at.pass).toBe(false);
    expect(at.reasons[0]).toMatch(/人均纯收入4000元，未超过国家扶贫标准.*2020年4000元/);
    const above = decideHouseholdExit({ year: 2020, perCapitaNet: 4000.01, povertyLine: line2020, facts: secureFacts, rules });
    expect(above.pass).toBe(true);
    expect(above.reasons.join('\n')).toMatch(/无退出否决情形/);
  });

  it('each Gansu blocking condition fails the household with its reason', () => {
    const c = (patch: object) => decideHouseholdExit({ year: 2020, perCapitaNet: 9000, povertyLine: line2020, facts: { ...secureFacts, ...patch }, rules });
    expect(c({ house: { grade: 'C' } }).reasons.join()).toMatch(/DANGEROUS_HOUSE.*C级危房/);
    expect(c({ members: [{ name: '丙', age: 13, schoolStatus: '非在校生', medicalInsured: true }] }).reasons.join()).toMatch(/DROPOUT/);
    expect(c({ members: [{ name: '丁', age: 50, health: '患有大病', seriousIllnessTreated: false, medicalInsured: true }] }).reasons.join()).toMatch(/UNTREATED_SERIOUS_ILLNESS/);
    const t = c({ income: { wage: 0, business: 0, property: 0, transfer: 9000, businessCost: 0 } });
    expect(t.pass).toBe(false);
    expect(t.reasons.join()).toMatch(/TRANSFER_ONLY_INCOME/);
  });

  it('a year without income and an unverified 两不愁 fail with the reason', () => {
    const d = decideHouseholdExit({ year: 2020, perCapitaNet: null, povertyLine: line2020, facts: { ...secureFacts, food: undefined }, rules });
    expect(d.pass).toBe(false);
    expect(d.reasons.join()).toMatch(/无2020年收入记录/);
    expect(d.reasons.join()).toMatch(/不愁吃未核实/);
  });
});

describe('village and county exit', () => {
  const cond: VillageConditions = { year: 2019, road: true, water: true, electricity: true, clinic: true, broadband: true, collectiveIncome: 50000, source: '验收表' };
  const min = requireStandard(standardsFor(BUILTIN_STANDARDS, 2019), 'village_collective_income_min', 2019);
  it('incidence 2.99% passes, 3.00% fails', () => {
    expect(incidenceBelow(299, 10000, 0.03)).toBe(true);
    expect(incidenceBelow(300, 10000, 0.03)).toBe(false);
    const pass = decideVillageExit({ year: 2019, poorPeople: 299, population: 10000, maxIncidence: v3, conditions: cond, minCollectiveIncome: min });
    expect(pass.pass).toBe(true);
    expect(pass.reasons[0]).toMatch(/2\.99%/);
    const fail = decideVillageExit({ year: 2019, poorPeople: 300, population: 10000, maxIncidence: v3, conditions: cond, minCollectiveIncome: min });
    expect(fail.pass).toBe(false);
    expect(fail.reasons[0]).toMatch(/3\.00%.*未低于3%/);
  });
  it('absent conditions or population are reasons, not a pass', () => {
    const d = decideVillageExit({ year: 2019, poorPeople: 1, population: 1000, maxIncidence: v3, conditions: null, minCollectiveIncome: min });
    expect(d.pass).toBe(false);
    expect(d.reasons.join()).toMatch(/未录入2019年村级退出条件/);
    const e = decideVillageExit({ year: 2019, poorPeople: 1, population: 1000, maxIncidence: v3, conditions: { ...cond, broadband: null, collectiveIncome: 49999 }, minCollectiveIncome: min });
    expect(e.reasons.join()).toMatch(/通宽带：未录入/);
    expect(e.reasons.join()).toMatch(/49999元，低于50000元/);
    const c = decideCountyExit({ year: 2019, poorPeople: 5, population: null, maxIncidence: v3, poorVillages: 2, poorVillagesFailing: 1 });
    expect(c.pass).toBe(false);
    expect(c.reasons[0]).toMatch(/缺少本县2019年农村户籍人口/);
  });
});

describe('risk elimination', () => {
  const line: StandardValue = requireStandard(standardsFor(BUILTIN_STANDARDS, 2021), 'monitoring_line', 2021);
  const base: RiskEliminationInput = {
    asOf: '2021-12-31', year: 2021, monitored: true, category: '脱贫不稳定户', identifiedAt: '2021-03-01', perCapitaNet: 7000, monitoringLine: line,
    monthsRequired: 6, lianbuchou: { secure: true, checkedOn: '2021-11-01', gaps: [] }, openWarnings: [], labourCapable: 2,
  };
  it('all conditions met: eliminable', () => {
    expect(decideRiskElimination(base).eliminable).toBe(true);
  });
  it('refused: no labour, open risk, too soon, income at the line, insecure 三保障', () => {
    expect(decideRiskElimination({ ...base, labourCapable: 0 })).toMatchObject({ eliminable: false });
    expect(decideRiskElimination({ ...base, labourCapable: 0 }).reasons.join()).toMatch(/无劳动能力.*继续监测/);
    expect(decideRiskElimination({ ...base, openWarnings: [{ rule: 'DISASTER', explanation: '冰雹' }] }).reasons.join()).toMatch(/1条未处置的风险预警：冰雹/);
    expect(decideRiskElimination({ ...base, identifiedAt: '2021-07-01' }).reasons.join()).toMatch(/未满6个月/);
    expect(decideRiskElimination({ ...base, perCapitaNet: 6000 }).eliminable).toBe(false);
    expect(decideRiskElimination({ ...base, lianbuchou: { secure: false, checkedOn: '2021-11-01', gaps: ['housing'] } }).eliminable).toBe(false);
    expect(decideRiskElimination({ ...base, monitored: false }).eliminable).toBe(false);
  });
});
