import { describe, expect, it } from 'vitest';
import { DEFAULT_RULES, ruleFor } from './rules.js';
import { dibaoClassNumber, dibaoCoverage, pensionContribution, type DibaoFacts, type PensionFacts } from './social.js';

const ON = '2019-06-01';
const pension = ruleFor(DEFAULT_RULES.pensionContribution, ON);
const dibao = ruleFor(DEFAULT_RULES.dibao, ON);

describe('pensionContribution 二(六)', () => {
  const base: PensionFacts = { age: 40, registeredPoor: true, povertyStatus: '未脱贫' };

  it('pays the whole lowest grade for registered poor not marked as exited', () => {
    const d = pensionContribution(pension, base);
    expect(d).toMatchObject({ amount: 100, eligible: true, groups: ['REGISTERED_POOR_NOT_EXITED'] });
    expect(d.reasons.join('')).toContain('由政府代缴全部最低档次个人缴费');
    expect(pensionContribution(pension, { ...base, povertyStatus: '返贫' }).eligible).toBe(true);
  });

  it('does not cover a registered person marked as exited, unless another group applies', () => {
    const exited = pensionContribution(pension, { ...base, povertyStatus: '已脱贫' });
    expect(exited.eligible).toBe(false);
    expect(exited.reasons.join('')).toContain('已标注脱贫');
    const disabled = pensionContribution(pension, { ...base, povertyStatus: '已脱贫', disabilityGrade: '二级' });
    expect(disabled).toMatchObject({ eligible: true, groups: ['SEVERE_DISABILITY'] });
    expect(pensionContribution(pension, { ...base, povertyStatus: '已脱贫', disabilityGrade: 3 }).eligible).toBe(false);
  });

  it('covers 一二类低保, 两证户 and 特困, once however many groups', () => {
    const nonPoor = { age: 30, registeredPoor: false };
    expect(pensionContribution(pension, { ...nonPoor, dibaoClass: 1 }).groups).toEqual(['DIBAO_CLASS']);
    expect(pensionContribution(pension, { ...nonPoor, dibaoClass: 3 }).eligible).toBe(false);
    expect(pensionContribution(pension, { ...nonPoor, dibaoClass: '二类' }).reasons.join('')).toContain('一二类低保对象（低保二类）');
    expect(() => pensionContribution(pension, { ...nonPoor, dibaoClass: '五类' })).toThrow(expect.objectContaining({ code: 'INVALID_FACT' }));
    expect(pensionContribution(pension, { ...nonPoor, familyPlanningTwoCertificates: true }).eligible).toBe(true);
    const tekun = pensionContribution(pension, { ...nonPoor, tekun: true });
    expect(tekun.eligible).toBe(true);
    expect(tekun.reasons.join('')).toContain('待核实');
    const many = pensionContribution(pension, { ...base, dibaoClass: 2, disabilityGrade: 1 });
    expect(many.groups).toHaveLength(3);
    expect(many.amount).toBe(100);
    expect(many.reasons.join('')).toContain('只代缴一份');
  });

  it('requires the insurance conditions: 16 to under 60, not a student, not in the employee scheme', () => {
    expect(pensionContribution(pension, { ...base, age: 15 }).eligible).toBe(false);
    expect(pensionContribution(pension, { ...base, age: 16 }).eligible).toBe(true);
    expect(pensionContribution(pension, { ...base, age: 59 }).eligible).toBe(true);
    const old = pensionContribution(pension, { ...base, age: 60 });
    expect(old.eligible).toBe(false);
    expect(old.reasons.join('')).toContain('按月领取养老金');
    expect(pensionContribution(pension, { ...base, age: 18, inSchool: true }).eligible).toBe(false);
    expect(pensionContribution(pension, { ...base, employeePension: true }).eligible).toBe(false);
  });

  it('takes the amount from the rule', () => {
    const r = { ...pension, id: 'pension-test', params: { ...pension.params, lowestGradeAmount: 200 } };
    expect(pensionContribution(r, base).amount).toBe(200);
  });
});

describe('dibaoCoverage 二(六)', () => {
  const base: DibaoFacts = { householdSize: 3, perCapitaIncome: 3500, registeredPoor: true, receivesDibao: false };

  it('finds a household below the standard that is not covered (应保未保)', () => {
    const d = dibaoCoverage(dibao, base);
    expect(d).toMatchObject({ eligible: true, qualifies: true, covered: false, status: 'should_cover', amount: 1500 });
    expect(d.reasons.join('')).toContain('低于农村低保标准4000元');
    expect(d.reasons.join('')).toContain('应保未保');
    expect(d.reasons.join('')).toContain('补差参考额1500元');
  });

  it('uses income without 低保金 and never the standard itself', () => {
    const income = { wage: 6000, business: 4000, property: 0, transfer: 3000, dibao: 2400, businessCost: 1000 };
    const d = dibaoCoverage(dibao, { ...base, perCapitaIncome: undefined, income, receivesDibao: true });
    // (6000 + 4000 + 3000 − 2400 − 1000) ÷ 3
    expect(d.perCapitaIncome).toBe(3200);
    expect(d.status).toBe('covered');
    expect(dibaoCoverage(dibao, { ...base, perCapitaIncome: 4000 }).qualifies).toBe(false);
    expect(dibaoCoverage(dibao, { ...base, perCapitaIncome: 3999.99 }).qualifies).toBe(true);
  });

  it('asks for review of a covered household above the standard', () => {
    const d = dibaoCoverage(dibao, { ...base, perCapitaIncome: 6000, receivesDibao: true });
    expect(d.status).toBe('covered_review');
    expect(d.amount).toBe(0);
  });

  it('respects the asset test', () => {
    expect(dibaoCoverage(dibao, { ...base, meetsAssetRules: false }).qualifies).toBe(false);
  });

  it('brings registered people without labour capacity into 低保', () => {
    const none = dibaoCoverage(dibao, {
      ...base,
      perCapitaIncome: 5000,
      members: [{ labourSkill: '丧失劳动力' }, { labourSkill: '无劳动力' }],
    });
    expect(none).toMatchObject({ qualifies: true, status: 'should_cover', amount: 0 });
    expect(none.reasons.join('')).toContain('完全丧失劳动能力');
    const partial = { ...base, perCapitaIncome: 5000, members: [{ labourSkill: '弱劳动力' }, { labourSkill: '无劳动力' }] };
    expect(dibaoCoverage(dibao, partial).qualifies).toBe(false);
    expect(dibaoCoverage(dibao, partial).reasons.join('')).toContain('尚未评估');
    expect(dibaoCoverage(dibao, { ...partial, cannotExitThroughIndustryOrEmployment: true }).qualifies).toBe(true);
    expect(dibaoCoverage(dibao, { ...partial, cannotExitThroughIndustryOrEmployment: false }).qualifies).toBe(false);
    const able = { ...base, perCapitaIncome: 5000, members: [{ labourSkill: '普通劳动力' }, { labourSkill: '无劳动力' }] };
    expect(dibaoCoverage(dibao, { ...able, cannotExitThroughIndustryOrEmployment: true }).qualifies).toBe(false);
  });

  it('flags 一、二类 低保 households with unresolved 三保障 for the registry', () => {
    const outside: DibaoFacts = { householdSize: 2, perCapitaIncome: 3000, registeredPoor: false, receivesDibao: true, dibaoClass: 2 };
    const flagged = dibaoCoverage(dibao, { ...outside, threeGuaranteesResolved: false });
    expect(flagged.shouldRegister).toBe(true);
    expect(flagged.reasons.join('')).toContain('系农村低保二类对象，“三保障”问题未解决且未建档立卡：应纳入建档立卡范围');
    expect(dibaoCoverage(dibao, { ...outside, dibaoClass: '一类', threeGuaranteesResolved: false }).shouldRegister).toBe(true);
    expect(dibaoCoverage(dibao, { ...outside, threeGuaranteesResolved: true }).shouldRegister).toBe(false);
    const unknown = dibaoCoverage(dibao, outside);
    expect(unknown.shouldRegister).toBeNull();
    expect(unknown.reasons.join('')).toContain('逐户排查');
    expect(dibaoCoverage(dibao, { ...outside, dibaoClass: 3, threeGuaranteesResolved: false }).shouldRegister).toBe(false);
  });

  it('rejects a household without members', () => {
    expect(() => dibaoCoverage(dibao, { ...base, householdSize: 0 })).toThrow(expect.objectContaining({ code: 'INVALID_FACT' }));
  });
});

describe('dibaoClassNumber', () => {
  it('reads the spellings of the 民政 files', () => {
    expect(dibaoClassNumber('一类')).toBe(1);
    expect(dibaoClassNumber('２类')).toBe(2);
    expect(dibaoClassNumber('三')).toBe(3);
    expect(dibaoClassNumber(4)).toBe(4);
    expect(dibaoClassNumber('')).toBeNull();
    expect(dibaoClassNumber(null)).toBeNull();
    expect(() => dibaoClassNumber(0)).toThrow(expect.objectContaining({ code: 'INVALID_FACT' }));
  });
});
