import { describe, expect, it } from 'vitest';
import type { TrainingSubsidyParams } from './defaults.js';
import {
  incubationSubsidy,
  trainingSubsidy,
  workshopAwards,
  workshopEmploymentAward,
  workshopProvincialModelAward,
  workshopReturneeAward,
  type WorkshopFacts,
} from './employment.js';
import { DEFAULT_RULES, ruleFor, type PolicyRule } from './rules.js';

const ON = '2019-06-01';
const training = ruleFor(DEFAULT_RULES.trainingSubsidy, ON);
const workshop = ruleFor(DEFAULT_RULES.workshopAwards, ON);
const incubation = ruleFor(DEFAULT_RULES.incubationSubsidy, ON);

describe('trainingSubsidy 二(二)1', () => {
  const base = { poorFamilyLabourer: true, trainedAndEmployed: true };

  it.each([
    [5, 0, false],
    [6, 1000, true],
    [11, 1000, true],
    [12, 2000, true],
    [36, 2000, true],
  ])('%i months → %i yuan', (months, amount, eligible) => {
    const d = trainingSubsidy(training, { ...base, contractMonths: months });
    expect(d.amount).toBe(amount);
    expect(d.eligible).toBe(eligible);
    expect(d.rule).toMatchObject({ id: 'training-subsidy-2018', clause: '二(二)1' });
    expect(d.reasons[0]).toContain('依据二(二)1');
    expect(d.reasons.join('\n')).toContain(`${months}个月`);
    expect(d.facts.contractMonths).toBe(months);
  });

  it('says why under 6 months gets nothing', () => {
    const d = trainingSubsidy(training, { ...base, contractMonths: 5 });
    expect(d.reasons.join('\n')).toContain('不足6个月');
    expect(d.reasons.join('\n')).toContain('不予补助');
  });

  it('names the tier', () => {
    expect(trainingSubsidy(training, { ...base, contractMonths: 11 }).reasons.join('')).toContain('属“6个月以上不满1年”，标准1000元/人');
    expect(trainingSubsidy(training, { ...base, contractMonths: 12 }).reasons.join('')).toContain('属“1年以上(含1年)”，标准2000元/人');
  });

  it('counts months from contract dates, both days included', () => {
    const year = trainingSubsidy(training, { ...base, contractStart: '2019-01-01', contractEnd: '2019-12-31' });
    expect(year.amount).toBe(2000);
    expect(year.facts.contractMonths).toBe(12);
    expect(year.reasons.join('')).toContain('满12个月');
    expect(year.reasons.join('')).toContain('起始日当日计入');
    const short = trainingSubsidy(training, { ...base, contractStart: '2019-01-01', contractEnd: '2019-12-30' });
    expect(short.amount).toBe(1000);
    expect(trainingSubsidy(training, { ...base, contractStart: '2019-01-01', contractEnd: '2019-06-30' }).amount).toBe(1000);
    expect(trainingSubsidy(training, { ...base, contractStart: '2019-01-01', contractEnd: '2019-06-29' }).amount).toBe(0);
  });

  it('prefers the dates over a mismatching month count and says so', () => {
    const d = trainingSubsidy(training, { ...base, contractMonths: 12, contractStart: '2019-01-01', contractEnd: '2019-11-30' });
    expect(d.amount).toBe(1000);
    expect(d.reasons.join('')).toContain('不一致，按起止日期计');
  });

  it('requires a poor-family labourer trained and employed by the company', () => {
    const a = trainingSubsidy(training, { poorFamilyLabourer: false, trainedAndEmployed: true, contractMonths: 12 });
    expect(a).toMatchObject({ amount: 0, eligible: false });
    expect(a.reasons.join('')).toContain('不是贫困家庭劳动力');
    const b = trainingSubsidy(training, { poorFamilyLabourer: true, trainedAndEmployed: false, contractMonths: 12 });
    expect(b).toMatchObject({ amount: 0, eligible: false });
  });

  it('rejects missing or malformed contract facts', () => {
    expect(() => trainingSubsidy(training, base)).toThrow(expect.objectContaining({ code: 'INVALID_FACT' }));
    expect(() => trainingSubsidy(training, { ...base, contractMonths: -1 })).toThrow(expect.objectContaining({ code: 'INVALID_FACT' }));
    expect(() => trainingSubsidy(training, { ...base, contractStart: '2019-01-01' })).toThrow(expect.objectContaining({ code: 'INVALID_FACT' }));
  });

  it('reads amounts only from the rule', () => {
    const raised: PolicyRule<TrainingSubsidyParams> = {
      ...training,
      id: 'training-subsidy-test',
      params: { tiers: [{ minMonths: 6, amountPerPerson: 1200, label: '6个月以上不满1年' }, { minMonths: 12, amountPerPerson: 2500, label: '1年以上(含1年)' }] },
    };
    expect(trainingSubsidy(raised, { ...base, contractMonths: 12 }).amount).toBe(2500);
    expect(trainingSubsidy(raised, { ...base, contractMonths: 12 }).rule.id).toBe('training-subsidy-test');
  });
});

describe('扶贫车间 awards 二(二)2', () => {
  const base: WorkshopFacts = { certified: true, poorLabourers: 10, stableMonths: 6, wagesPaidOnTimeInFull: true };

  it('needs 10 poor labourers: 9 is not enough', () => {
    const nine = workshopEmploymentAward(workshop, { ...base, poorLabourers: 9 }, 'HALF_YEAR');
    expect(nine).toMatchObject({ amount: 0, eligible: false, code: 'HALF_YEAR' });
    expect(nine.reasons.join('')).toContain('吸纳贫困劳动力9名，不足10名');
    const ten = workshopEmploymentAward(workshop, base, 'HALF_YEAR');
    expect(ten).toMatchObject({ amount: 20000, eligible: true });
    expect(ten.reasons.join('')).toContain('吸纳贫困劳动力10名，达到10名以上');
  });

  it('half a year gives 2万, 3 years 6万', () => {
    expect(workshopEmploymentAward(workshop, { ...base, stableMonths: 5 }, 'HALF_YEAR').eligible).toBe(false);
    expect(workshopEmploymentAward(workshop, { ...base, stableMonths: 6 }, 'HALF_YEAR').amount).toBe(20000);
    expect(workshopEmploymentAward(workshop, { ...base, stableMonths: 6 }, 'THREE_YEARS').eligible).toBe(false);
    expect(workshopEmploymentAward(workshop, { ...base, stableMonths: 35 }, 'THREE_YEARS').eligible).toBe(false);
    const three = workshopEmploymentAward(workshop, { ...base, stableMonths: 36 }, 'THREE_YEARS');
    expect(three).toMatchObject({ amount: 60000, eligible: true });
    expect(three.reasons.join('')).toContain('稳定就业36个月，达到“稳定就业3年以上”');
  });

  it('counts months from dates', () => {
    const { stableMonths: _omit, ...noMonths } = base;
    const d = workshopEmploymentAward(workshop, { ...noMonths, stableSince: '2016-01-01', asOf: '2018-12-31' }, 'THREE_YEARS');
    expect(d.amount).toBe(60000);
    const e = workshopEmploymentAward(workshop, { ...noMonths, stableSince: '2016-01-01', asOf: '2018-12-30' }, 'THREE_YEARS');
    expect(e.eligible).toBe(false);
  });

  it('requires certification and wages paid on time and in full', () => {
    expect(workshopEmploymentAward(workshop, { ...base, certified: false }, 'HALF_YEAR').eligible).toBe(false);
    const unpaid = workshopEmploymentAward(workshop, { ...base, wagesPaidOnTimeInFull: false }, 'HALF_YEAR');
    expect(unpaid.eligible).toBe(false);
    expect(unpaid.reasons.join('')).toContain('未按时足额支付劳动报酬');
  });

  it('pays a one-off award once', () => {
    const d = workshopEmploymentAward(workshop, { ...base, received: ['HALF_YEAR'] }, 'HALF_YEAR');
    expect(d.eligible).toBe(false);
    expect(d.reasons.join('')).toContain('已发放，不再重复发放');
  });

  it('returnee and provincial model awards need certification only, per 有关规定', () => {
    const r = workshopReturneeAward(workshop, { ...base, poorLabourers: 3, returneeNewAgriBusiness: true });
    expect(r).toMatchObject({ amount: 50000, eligible: true, code: 'RETURNEE' });
    expect(r.reasons.join('')).toContain('按有关规定');
    expect(workshopReturneeAward(workshop, { ...base, returneeNewAgriBusiness: true, certified: false }).eligible).toBe(false);
    const m = workshopProvincialModelAward(workshop, { ...base, provincialModel: true });
    expect(m).toMatchObject({ amount: 100000, eligible: true, code: 'PROVINCIAL_MODEL' });
    expect(workshopProvincialModelAward(workshop, base).eligible).toBe(false);
  });

  it('lists each applicable award separately and leaves combination to the county', () => {
    const all = workshopAwards(workshop, { ...base, stableMonths: 40, returneeNewAgriBusiness: true, provincialModel: true });
    expect(all.awards.map((a) => a.code)).toEqual(['HALF_YEAR', 'THREE_YEARS', 'RETURNEE', 'PROVINCIAL_MODEL']);
    expect(all.applicable.map((a) => [a.code, a.amount])).toEqual([
      ['HALF_YEAR', 20000],
      ['THREE_YEARS', 60000],
      ['RETURNEE', 50000],
      ['PROVINCIAL_MODEL', 100000],
    ]);
    expect(all).not.toHaveProperty('amount');
    expect(all.combination).toContain('是否叠加由区县按有关规定决定');
    expect(all.combination).toContain('原文未写明6万元是否包含2万元');
    const one = workshopAwards(workshop, base);
    expect(one.applicable.map((a) => a.code)).toEqual(['HALF_YEAR']);
    expect(one.combination).toBe('适用一项：稳定就业半年以上补助2万元');
    expect(workshopAwards(workshop, { ...base, poorLabourers: 9 }).combination).toBe('无适用的补助');
    const noMonths = workshopAwards(workshop, { certified: true, poorLabourers: 12, wagesPaidOnTimeInFull: true, provincialModel: true });
    expect(noMonths.awards.map((a) => a.code)).toEqual(['RETURNEE', 'PROVINCIAL_MODEL']);
    expect(noMonths.reasons.join('')).toContain('未提供稳定就业时间');
  });
});

describe('incubationSubsidy 二(二)4', () => {
  const base = { inProvincialBase: true, startupProjectOrEntity: true, meetsConditions: true };
  it('gives 5万 once to a qualifying project in a provincial base', () => {
    const d = incubationSubsidy(incubation, base);
    expect(d).toMatchObject({ amount: 50000, eligible: true, rule: { clause: '二(二)4' } });
    expect(incubationSubsidy(incubation, { ...base, alreadyReceived: true }).eligible).toBe(false);
    expect(incubationSubsidy(incubation, { ...base, inProvincialBase: false }).amount).toBe(0);
  });
  it('waits for the department to decide 符合条件', () => {
    const d = incubationSubsidy(incubation, { ...base, meetsConditions: null });
    expect(d.eligible).toBe(false);
    expect(d.reasons.join('')).toContain('尚未认定');
  });
});
