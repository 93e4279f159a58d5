import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { clauseText, isSeedClause } from './clauses.js';
import {
  DEFAULT_RULES,
  PolicyError,
  hasRuleFor,
  normalizeDate,
  ruleFor,
  validateRuleTable,
  yuan,
  type PolicyRule,
} from './rules.js';

const SEED = readFileSync(new URL('../../../../shared/seed/000_0aa6a34f32829986.txt', import.meta.url), 'utf8');
const ALL_RULES: PolicyRule<unknown>[] = Object.values(DEFAULT_RULES).flat();

function rule(id: string, from: string, to: string | null, amount: number): PolicyRule<{ amount: number }> {
  return { id, title: '测试补助', clause: '二(二)1', source: '测试', effectiveFrom: from, effectiveTo: to, params: { amount } };
}

describe('ruleFor', () => {
  const table = [rule('a', '2018-01-01', '2019-06-30', 1000), rule('b', '2019-07-01', null, 1500)];

  it('picks the version in force when a rule changes mid-year', () => {
    expect(ruleFor(table, '2019-06-30').id).toBe('a');
    expect(ruleFor(table, '2019-07-01').id).toBe('b');
    expect(ruleFor(table, '20190701').id).toBe('b');
    expect(ruleFor(table, '2018-01-01').id).toBe('a');
    expect(ruleFor(table, '2030-12-31').params.amount).toBe(1500);
  });

  it('fails with a clear message when no version is in force', () => {
    try {
      ruleFor(table, '2017-12-31');
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(PolicyError);
      expect((e as PolicyError).code).toBe('RULE_NOT_IN_FORCE');
      expect((e as PolicyError).message).toContain('2017-12-31没有有效的规则「测试补助」（二(二)1）');
      expect((e as PolicyError).message).toContain('a（2018-01-01至2019-06-30）');
      expect((e as PolicyError).message).toContain('b（2019-07-01起）');
    }
  });

  it('rejects an empty table, a bad date and overlapping versions', () => {
    expect(() => ruleFor([], '2019-01-01')).toThrow(expect.objectContaining({ code: 'RULE_TABLE_EMPTY' }));
    expect(() => ruleFor(table, '2019-02-30')).toThrow(expect.objectContaining({ code: 'INVALID_DATE' }));
    const overlap = [rule('a', '2018-01-01', null, 1), rule('b', '2019-01-01', null, 2)];
    expect(() => ruleFor(overlap, '2019-05-01')).toThrow(expect.objectContaining({ code: 'RULE_AMBIGUOUS' }));
    expect(ruleFor(overlap, '2018-05-01').id).toBe('a');
  });

  it('hasRuleFor does not throw', () => {
    expect(hasRuleFor(table, '2017-01-01')).toBe(false);
    expect(hasRuleFor(table, 'x')).toBe(false);
    expect(hasRuleFor(table, '2019-01-01')).toBe(true);
  });
});

describe('validateRuleTable', () => {
  it('accepts every default table', () => {
    for (const [name, table] of Object.entries(DEFAULT_RULES)) {
      expect(validateRuleTable(table), name).toEqual([]);
    }
  });
  it('names the problems of a bad table', () => {
    const errors = validateRuleTable([
      rule('a', '2018-01-01', '2019-12-31', 1),
      rule('a', '2019-06-01', null, 1),
      { ...rule('c', '2019-13-01', null, 1), clause: '' },
      rule('d', '2020-02-01', '2020-01-01', 1),
    ]);
    expect(errors).toContain('规则编号 a 重复');
    expect(errors.some((e) => e.includes('c 缺少条款出处'))).toBe(true);
    expect(errors.some((e) => e.includes('c 的生效日期'))).toBe(true);
    expect(errors.some((e) => e.includes('d 的失效日期早于生效日期'))).toBe(true);
    expect(errors.some((e) => e.includes('有效期重叠'))).toBe(true);
    expect(validateRuleTable([])).toEqual(['规则表为空']);
  });
});

describe('default rules cite the seed', () => {
  it('have unique ids, a title, a source and a clause', () => {
    const ids = ALL_RULES.map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const r of ALL_RULES) {
      expect(r.title.trim(), r.id).not.toBe('');
      expect(r.source.trim(), r.id).not.toBe('');
      expect(r.clause.trim(), r.id).not.toBe('');
    }
  });

  it('quote words that stand in the clause they cite', () => {
    for (const r of ALL_RULES) {
      if (!isSeedClause(r.clause)) {
        expect(r.unverified, `${r.id} cites no seed clause, so it must be marked unverified`).toBe(true);
        continue;
      }
      const text = clauseText(SEED, r.clause);
      expect(text, `${r.id}: clause ${r.clause} exists in the seed`).not.toBeNull();
      expect(r.quote, `${r.id} has a quote`).toBeTruthy();
      expect(text, r.id).toContain(r.quote);
    }
  });

  it('explain every unverified parameter', () => {
    for (const r of ALL_RULES) {
      if (!r.unverified) continue;
      expect(r.unverifiedParams?.length, r.id).toBeGreaterThan(0);
      expect(r.note, r.id).toBeTruthy();
    }
  });

  it('carry the amounts the seed states', () => {
    const training = ruleFor(DEFAULT_RULES.trainingSubsidy, '2019-01-01');
    const t1 = clauseText(SEED, training.clause) ?? '';
    for (const tier of training.params.tiers) expect(t1).toContain(`${tier.amountPerPerson}元/人`);
    expect(t1).toContain('6个月以上不满1年');
    expect(t1).toContain('1年以上(含1年)');

    const ws = ruleFor(DEFAULT_RULES.workshopAwards, '2019-01-01');
    const t2 = clauseText(SEED, ws.clause) ?? '';
    expect(t2).toContain(`吸纳${ws.params.minPoorLabourers}名以上贫困劳动力`);
    for (const a of ws.params.employmentAwards) {
      expect(t2).toContain(`${a.label}、按时足额支付劳动报酬的,可给予${a.amount / 10000}万元的一次性补助`);
    }
    expect(t2).toContain(`给予${ws.params.returneeAmount / 10000}万元的一次性补助`);
    expect(t2).toContain(`给予${ws.params.provincialModelAmount / 10000}万元的一次性补助`);

    const inc = ruleFor(DEFAULT_RULES.incubationSubsidy, '2019-01-01');
    expect(clauseText(SEED, inc.clause)).toContain(`${inc.params.amount / 10000}万元一次性省级补助`);

    const ht = ruleFor(DEFAULT_RULES.healthTargets, '2019-01-01');
    const t5 = clauseText(SEED, ht.clause) ?? '';
    expect(t5).toContain(`实际报销比例达到${Math.round(ht.params.minReimbursementRatio * 100)}%`);
    expect(t5).toContain(`控制在${ht.params.maxOutOfPocket}元以内`);

    for (const c of DEFAULT_RULES.collectiveIncome) {
      expect(clauseText(SEED, c.clause)).toContain(`${c.params.minAnnualIncome / 10000}万元以上`);
    }
    const pension = ruleFor(DEFAULT_RULES.pensionContribution, '2019-01-01');
    expect(clauseText(SEED, pension.clause)).toContain('由政府代缴全部最低档次个人缴费');
    expect(pension.params.governmentShare).toBe(1);
  });

  it('marks as unverified the numbers the seed does not give', () => {
    expect(ruleFor(DEFAULT_RULES.healthChain, '2019-01-01').unverified).toBe(true);
    expect(ruleFor(DEFAULT_RULES.dibao, '2019-01-01').unverifiedParams).toContain('standardPerPersonYear');
    expect(ruleFor(DEFAULT_RULES.pensionContribution, '2019-01-01').unverifiedParams).toContain('lowestGradeAmount');
    expect(ruleFor(DEFAULT_RULES.trainingSubsidy, '2019-01-01').unverified).toBeUndefined();
  });
});

describe('helpers', () => {
  it('normalizeDate', () => {
    expect(normalizeDate('20190701')).toBe('2019-07-01');
    expect(normalizeDate('2019-02-29')).toBeNull();
  });
  it('yuan', () => {
    expect(yuan(20000)).toBe('2万元');
    expect(yuan(100000)).toBe('10万元');
    expect(yuan(1000)).toBe('1000元');
    expect(yuan(12.5)).toBe('12.50元');
    expect(yuan(10500)).toBe('10500元');
    expect(yuan(41000)).toBe('41000元');
  });
});
