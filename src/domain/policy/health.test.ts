import { describe, expect, it } from 'vitest';
import type { HealthChainParams } from './defaults.js';
import { applyHealthChain, healthBurden, healthTopUp } from './health.js';
import { DEFAULT_RULES, ruleFor, type PolicyRule } from './rules.js';

const targets = ruleFor(DEFAULT_RULES.healthTargets, '2019-12-31');
const chainDefault = ruleFor(DEFAULT_RULES.healthChain, '2019-12-31');

const simpleChain: PolicyRule<HealthChainParams> = {
  id: 'health-chain-test',
  title: '测试参数',
  clause: '二(五)',
  source: '测试',
  effectiveFrom: '2019-01-01',
  effectiveTo: '2019-12-31',
  params: {
    steps: [
      { payer: '基本医保', requires: 'insured', deductible: 1000, bands: [{ upTo: null, ratio: 0.6 }], cap: 20000 },
      { payer: '大病保险', requires: 'insured', deductible: 5000, bands: [{ upTo: 10000, ratio: 0.5 }, { upTo: null, ratio: 0.7 }], cap: null },
      { payer: '医疗救助', requires: 'assistance', deductible: 0, bands: [{ upTo: null, ratio: 0.5 }], cap: 3000 },
    ],
  },
};

describe('healthTopUp 二(五) targets', () => {
  const poor = { registeredPoor: true };

  it('0.849 is below 85% and needs a top-up; 0.85 meets it', () => {
    const low = healthTopUp(targets, { ...poor, compliantCost: 10000, paid: 8490 });
    expect(low).toMatchObject({ amount: 10, eligible: true, meetsRatio: false, meetsCap: true, ratioBefore: 0.849, ratioAfter: 0.85 });
    expect(low.reasons.join('\n')).toContain('实际报销比例84.90%（目标不低于85%）：未达到');
    expect(low.reasons.join('\n')).toContain('需兜底补助10元');
    const ok = healthTopUp(targets, { ...poor, compliantCost: 10000, paid: 8500 });
    expect(ok).toMatchObject({ amount: 0, meetsRatio: true, meetsCap: true, ratioBefore: 0.85 });
    expect(ok.reasons.join('\n')).toContain('无需兜底补助');
  });

  it('does not round 84.99% up to 85%', () => {
    const d = healthTopUp(targets, { ...poor, compliantCost: 10000, paid: 8499.99 });
    expect(d.meetsRatio).toBe(false);
    expect(d.amount).toBe(0.01);
    expect(d.reasons.join('')).toContain('84.99%');
  });

  it('2999 and 3000 yuan out of pocket are within the cap; 3001 needs 1 yuan', () => {
    const at = (oop: number) => healthTopUp(targets, { ...poor, compliantCost: 30000, paid: 30000 - oop });
    expect(at(2999)).toMatchObject({ amount: 0, meetsCap: true, meetsRatio: true, outOfPocketBefore: 2999 });
    expect(at(3000)).toMatchObject({ amount: 0, meetsCap: true, outOfPocketBefore: 3000 });
    const over = at(3001);
    expect(over).toMatchObject({ amount: 1, meetsCap: false, meetsRatio: true, outOfPocketAfter: 3000 });
    expect(over.reasons.join('\n')).toContain('个人自负合规医疗费用3001元（目标年累计3000元以内，含3000元）：未达到');
  });

  it('meets both targets at once with the larger top-up', () => {
    // 60000 compliant, 40000 paid: ratio needs 51000, cap needs 57000 → 17000.
    const d = healthTopUp(targets, { ...poor, compliantCost: 60000, paid: 40000 });
    expect(d).toMatchObject({ amount: 17000, meetsRatio: false, meetsCap: false, outOfPocketAfter: 3000 });
    expect(d.reasons.join('')).toContain('为达到报销比例和个人自负上限目标');
    // 12000 compliant, 9000 paid: ratio needs 10200, cap needs 9000 → 1200.
    expect(healthTopUp(targets, { ...poor, compliantCost: 12000, paid: 9000 }).amount).toBe(1200);
  });

  it('applies only to registered poor people', () => {
    const d = healthTopUp(targets, { registeredPoor: false, compliantCost: 10000, paid: 5000 });
    expect(d).toMatchObject({ amount: 0, eligible: false, meetsRatio: false });
    expect(d.reasons.join('')).toContain('不是建档立卡贫困人口');
  });

  it('handles no cost, reports non-compliant cost and rejects impossible figures', () => {
    expect(healthTopUp(targets, { ...poor, compliantCost: 0, paid: 0 })).toMatchObject({ amount: 0, ratioBefore: null });
    expect(healthTopUp(targets, { ...poor, compliantCost: 1000, paid: 900, totalCost: 1500 }).reasons.join('')).toContain(
      '政策范围外费用500元不计入',
    );
    expect(() => healthTopUp(targets, { ...poor, compliantCost: 1000, paid: 1001 })).toThrow(expect.objectContaining({ code: 'INVALID_FACT' }));
    expect(() => healthTopUp(targets, { ...poor, compliantCost: 1000, paid: 900, totalCost: 800 })).toThrow(
      expect.objectContaining({ code: 'INVALID_FACT' }),
    );
  });
});

describe('applyHealthChain', () => {
  it('runs the steps on what the previous steps left', () => {
    // compliant 41000: basic (41000−1000)×0.6 = 24000 → cap 20000; left 21000;
    // 大病 above 5000 = 16000: 10000×0.5 + 6000×0.7 = 9200; left 11800; 救助 50% = 5900 → cap 3000; left 8800.
    const d = applyHealthChain(simpleChain, { year: 2019, totalCost: 45000, compliantCost: 41000, insured: true, assistanceEligible: true });
    expect(d.steps.map((s) => [s.payer, s.paid, s.capped])).toEqual([
      ['基本医保', 20000, true],
      ['大病保险', 9200, false],
      ['医疗救助', 3000, true],
    ]);
    expect(d).toMatchObject({ amount: 32200, paid: 32200, outOfPocketCompliant: 8800, nonCompliant: 4000, outOfPocketTotal: 12800 });
    expect(d.reasons[0]).toContain('依据二(五)');
    expect(d.reasons.join('\n')).toContain('大病保险：对剩余合规费用21000元，起付线5000元');
  });

  it('pays nothing for an uninsured person except assistance', () => {
    const d = applyHealthChain(simpleChain, { totalCost: 10000, compliantCost: 10000, insured: false, assistanceEligible: true });
    expect(d.steps.map((s) => s.paid)).toEqual([0, 0, 3000]);
    expect(d.steps[0]?.skipped).toBe('未参加城乡居民基本医疗保险');
  });

  it('marks the default parameters as unverified in the reasons', () => {
    const d = applyHealthChain(chainDefault, { totalCost: 10000, compliantCost: 8000, insured: true, assistanceEligible: true });
    expect(d.rule.unverified).toBe(true);
    expect(d.reasons[0]).toContain('参数未经核实');
    expect(d.paid + d.outOfPocketCompliant).toBe(8000);
  });

  it('rejects compliant cost above total cost', () => {
    expect(() => applyHealthChain(simpleChain, { totalCost: 100, compliantCost: 200, insured: true, assistanceEligible: true })).toThrow(
      expect.objectContaining({ code: 'INVALID_FACT' }),
    );
  });
});

describe('healthBurden', () => {
  it('tops up what the chain leaves above the targets', () => {
    const r = healthBurden(simpleChain, targets, {
      year: 2019,
      totalCost: 45000,
      compliantCost: 41000,
      insured: true,
      assistanceEligible: true,
      registeredPoor: true,
    });
    // paid 32200 of 41000: ratio needs 34850, cap needs 38000 → top-up 5800.
    expect(r.chain.paid).toBe(32200);
    expect(r.topUp.amount).toBe(5800);
    expect(r.outOfPocketCompliant).toBe(3000);
    expect(r.reasons.length).toBe(r.chain.reasons.length + r.topUp.reasons.length);
  });
});
