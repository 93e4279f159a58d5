import { describe, expect, it } from 'vitest';
import { PLAN_TARGETS, targetById, type PlanTarget } from './catalog.js';
import { RAG_RULE, elapsedShare, expectedAt, status, targetWindow, type RagTarget } from './rag.js';

const get = (id: string): PlanTarget => {
  const t = targetById(id);
  if (t === undefined) throw new Error(id);
  return t;
};

const cumulative2018: RagTarget = { planned: 1000, year: 2018, comparison: 'atLeast', progress: 'cumulative' };

describe('targetWindow / elapsedShare / expectedAt', () => {
  it('uses the period, else the deadline year', () => {
    expect(targetWindow({ year: 2020, period: '2018-2020' })).toEqual({
      start: Date.UTC(2018, 0, 1),
      end: Date.UTC(2021, 0, 1),
    });
    expect(targetWindow({ year: 2018 })).toEqual({ start: Date.UTC(2018, 0, 1), end: Date.UTC(2019, 0, 1) });
    expect(targetWindow({ year: null })).toBeNull();
    expect(targetWindow({ year: 2018, period: 'bad' })).toBeNull();
  });

  it('counts a YYYY-MM-DD day as elapsed', () => {
    expect(elapsedShare(cumulative2018, '2018-12-31')).toBe(1);
    expect(elapsedShare(cumulative2018, '2017-12-31')).toBeNull();
    expect(elapsedShare(cumulative2018, new Date(Date.UTC(2018, 0, 1)))).toBeNull();
    expect(elapsedShare(cumulative2018, '2018-07-02')).toBeCloseTo(183 / 365, 10);
    expect(elapsedShare(cumulative2018, '2025-01-01')).toBe(1);
  });

  it('pro-rates cumulative targets only', () => {
    expect(expectedAt(cumulative2018, '2018-07-02')).toBeCloseTo((1000 * 183) / 365, 6);
    expect(expectedAt({ ...cumulative2018, progress: 'level' }, '2018-07-02')).toBe(1000);
    expect(expectedAt({ ...cumulative2018, progress: 'milestone' }, '2018-07-02')).toBe(1000);
    expect(expectedAt({ ...cumulative2018, comparison: 'atMost' }, '2018-07-02')).toBe(1000);
    // three-year window: halfway through 2019 is half the plan
    const training = get('T-2-2-1-training-2020');
    expect(expectedAt(training, '2019-07-02')).toBeCloseTo(20200 * ((365 + 183) / 1096), 6);
  });

  it('rejects a bad asOf', () => {
    expect(() => status(cumulative2018, 1, '2018-02-30')).toThrow(RangeError);
    expect(() => status(cumulative2018, 1, '18-1-1')).toThrow(RangeError);
    expect(() => status(cumulative2018, 1, new Date(Number.NaN))).toThrow(RangeError);
  });
});

describe('status', () => {
  it('is unknown without a figure, a window, or before the window opens', () => {
    expect(status(cumulative2018, null, '2018-06-30')).toBe('unknown');
    expect(status(cumulative2018, undefined, '2018-06-30')).toBe('unknown');
    expect(status(cumulative2018, Number.NaN, '2018-06-30')).toBe('unknown');
    expect(status(cumulative2018, 5000, '2017-06-30')).toBe('unknown');
    expect(status({ ...cumulative2018, year: null }, 5000, '2018-06-30')).toBe('unknown');
  });

  it('cumulative atLeast: ≥ 100 % of the pro-rated plan green, ≥ 80 % amber, else red', () => {
    const exit = get('T-1-2-exit-people-2018'); // 17400 人 in 2018
    const mid = '2018-07-02'; // 183/365 of the year: 8724.1 expected
    expect(status(exit, 8800, mid)).toBe('green');
    expect(status(exit, 7000, mid)).toBe('amber'); // 80.2 %
    expect(status(exit, 6900, mid)).toBe('red'); // 79.1 %
    expect(status(exit, 17400, '2018-12-31')).toBe('green');
    expect(status(exit, 14000, '2019-03-01')).toBe('amber');
    expect(status(exit, 13000, '2019-03-01')).toBe('red');
  });

  it("'all' is atLeast 100 %", () => {
    const coverage = get('T-2-5-medical-insurance-rate'); // level
    expect(status(coverage, 100, '2019-05-01')).toBe('green');
    expect(status(coverage, 99.5, '2019-05-01')).toBe('amber');
    expect(status(coverage, 79, '2019-05-01')).toBe('red');
  });

  it('level targets are not pro-rated', () => {
    const ratio = get('T-2-5-reimbursement-ratio'); // 85 %
    expect(status(ratio, 85, '2018-02-01')).toBe('green');
    expect(status(ratio, 70, '2018-02-01')).toBe('amber'); // 82 % of 85
    expect(status(ratio, 60, '2018-02-01')).toBe('red');
  });

  it('a milestone is amber until its deadline, then judged', () => {
    const yongdeng = get('T-1-2-exit-county-yongdeng-2018');
    expect(status(yongdeng, 0, '2018-06-30')).toBe('amber');
    expect(status(yongdeng, 1, '2018-06-30')).toBe('green');
    expect(status(yongdeng, 0, '2018-12-31')).toBe('red');
    expect(status(yongdeng, 1, '2019-01-10')).toBe('green');
    const logistics = get('T-2-1-6-logistics-county-township-2020'); // 80 % by 2020
    expect(status(logistics, 50, '2019-01-01')).toBe('amber');
    expect(status(logistics, 70, '2021-01-01')).toBe('amber'); // 87.5 % after the deadline
    expect(status(logistics, 50, '2021-01-01')).toBe('red');
  });

  it('atMost: green at or under the cap, amber up to 120 %, red above; 0 caps have no amber', () => {
    const cap = get('T-2-5-out-of-pocket-cap'); // 3000 元
    expect(status(cap, 2999, '2019-06-30')).toBe('green');
    expect(status(cap, 3000, '2019-06-30')).toBe('green');
    expect(status(cap, 3600, '2019-06-30')).toBe('amber');
    expect(status(cap, 3601, '2019-06-30')).toBe('red');
    const dropout = get('T-1-2-no-dropout-2020'); // 0 人
    expect(status(dropout, 0, '2019-06-30')).toBe('green');
    expect(status(dropout, 1, '2019-06-30')).toBe('red');
  });

  it('左右 (approximate) is green from 90 % of the plan', () => {
    const villages = get('T-3-6-demonstration-villages-2019'); // 50 个左右 in 2019
    expect(status(villages, 45, '2019-12-31')).toBe('green');
    expect(status(villages, 44, '2019-12-31')).toBe('amber');
    expect(status(villages, 39, '2019-12-31')).toBe('red');
    expect(RAG_RULE.approximateTolerance).toBe(0.1);
  });

  it('exactly: within the tolerance green, within 20 % amber', () => {
    const t: RagTarget = { planned: 100, year: 2018, comparison: 'exactly', progress: 'level' };
    expect(status(t, 100, '2018-06-01')).toBe('green');
    expect(status(t, 115, '2018-06-01')).toBe('amber');
    expect(status(t, 85, '2018-06-01')).toBe('amber');
    expect(status(t, 121, '2018-06-01')).toBe('red');
    expect(status({ ...t, approximate: true }, 109, '2018-06-01')).toBe('green');
  });

  it('relative targets: above the benchmark green, equal amber, below red', () => {
    const growth = get('T-1-2-rural-income-growth-2020');
    expect(status(growth, 0.4, '2019-12-31')).toBe('green');
    expect(status(growth, 0, '2019-12-31')).toBe('amber');
    expect(status(growth, -0.2, '2019-12-31')).toBe('red');
  });

  it('gives every catalogued target a status once it has a figure', () => {
    for (const t of PLAN_TARGETS) {
      expect(['green', 'amber', 'red'], t.id).toContain(status(t, t.planned, '2020-06-30'));
      expect(status(t, t.planned, '2021-06-30'), t.id).toBe(t.relativeTo === undefined ? 'green' : 'amber');
    }
  });
});
