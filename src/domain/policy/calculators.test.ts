import { describe, expect, it } from 'vitest';
import * as calculators from './calculators.js';
import { CALCULATORS, collectiveIncome } from './calculators.js';
import { DEFAULT_RULES, ruleFor } from './rules.js';

describe('collectiveIncome 三(五)', () => {
  const forYear = (year: number) => ruleFor(DEFAULT_RULES.collectiveIncome, `${year}-12-31`);

  it('applies to poor villages in 2018–2019 and to every village from 2020', () => {
    expect(forYear(2019).id).toBe('collective-income-2018');
    expect(forYear(2020).id).toBe('collective-income-2020');
    const nonPoor2019 = collectiveIncome(forYear(2019), { year: 2019, registeredPoorVillage: false, collectiveIncome: 10000 });
    expect(nonPoor2019).toMatchObject({ eligible: false, meetsTarget: null, amount: 0 });
    const nonPoor2020 = collectiveIncome(forYear(2020), { year: 2020, registeredPoorVillage: false, collectiveIncome: 10000 });
    expect(nonPoor2020).toMatchObject({ eligible: true, meetsTarget: false, amount: 40000 });
  });

  it('meets the target at exactly 5万', () => {
    expect(collectiveIncome(forYear(2018), { year: 2018, registeredPoorVillage: true, collectiveIncome: 50000 }).meetsTarget).toBe(true);
    const short = collectiveIncome(forYear(2018), { year: 2018, registeredPoorVillage: true, collectiveIncome: 49999.99 });
    expect(short).toMatchObject({ meetsTarget: false, amount: 0.01 });
    expect(short.reasons.join('')).toContain('未达到');
  });
});

describe('calculator registry', () => {
  it('names a function for every calculator id and the tables it reads', () => {
    const fns: Record<string, unknown> = {
      trainingSubsidy: calculators.trainingSubsidy,
      workshopAwards: calculators.workshopAwards,
      incubationSubsidy: calculators.incubationSubsidy,
      healthChain: calculators.applyHealthChain,
      healthTopUp: calculators.healthTopUp,
      pensionContribution: calculators.pensionContribution,
      dibaoCoverage: calculators.dibaoCoverage,
      collectiveIncome: calculators.collectiveIncome,
    };
    expect(CALCULATORS.map((c) => c.id).sort()).toEqual(Object.keys(fns).sort());
    for (const c of CALCULATORS) {
      expect(typeof fns[c.id], c.id).toBe('function');
      for (const t of c.tables) expect(DEFAULT_RULES[t].length, c.id).toBeGreaterThan(0);
    }
  });
});
