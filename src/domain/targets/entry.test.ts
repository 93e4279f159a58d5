import { describe, expect, it } from 'vitest';
import { targetById } from './catalog.js';
import { aggregateReported, entryLevelOf, entryRegionProblem, entryYears, meetsPlan, transition, valueProblem } from './entry.js';

const income = targetById('T-3-5-poor-village-income-2018')!;

describe('entry levels and regions', () => {
  it('reads the level of a code', () => {
    expect(entryLevelOf('620100000000')).toBe('city');
    expect(entryLevelOf('620123000000')).toBe('county');
    expect(entryLevelOf('620123100000')).toBe('township');
    expect(entryLevelOf('620123100201')).toBe('village');
    expect(entryLevelOf('620000000000')).toBeNull();
    expect(entryLevelOf('abc')).toBeNull();
  });

  it('collective income is entered per village inside the city, for 2018', () => {
    expect(entryRegionProblem(income, '620123100201')).toBeNull();
    expect(entryRegionProblem(income, '620123100000')).toMatch(/按村级填报/);
    expect(entryRegionProblem(income, '620223100201')).toMatch(/不在目标范围/);
    expect(entryYears(income)).toEqual([2018]);
    expect(entryRegionProblem(targetById('T-1-2-exit-people-2018')!, '620100000000')).toMatch(/系统计算/);
  });

  it('a window target may be entered for each of its years', () => {
    expect(entryYears({ year: 2020, period: '2018-2020' })).toEqual([2018, 2019, 2020]);
  });

  it('checks a village against 5万元 and refuses impossible values', () => {
    expect(meetsPlan(income, 5)).toBe(true);
    expect(meetsPlan(income, 4.99)).toBe(false);
    expect(meetsPlan({ comparison: 'atMost', planned: 3000 }, 3200)).toBe(false);
    expect(valueProblem(income, -1)).toMatch(/负数/);
    expect(valueProblem({ unit: '%' }, 101)).toMatch(/100/);
    expect(valueProblem({ unit: '百分点', relativeTo: '全省' }, -0.5)).toBeNull();
    expect(valueProblem(income, Number.NaN)).toMatch(/有限/);
  });
});

describe('approval transitions', () => {
  it('goes draft → submitted → county approved → approved', () => {
    expect(transition('draft', 'submit', 'entry', 'village')).toEqual({ to: 'submitted' });
    expect(transition('submitted', 'approve', 'county', 'village')).toEqual({ to: 'county_approved' });
    expect(transition('county_approved', 'approve', 'city', 'village')).toEqual({ to: 'approved' });
  });

  it('keeps the order: the city cannot skip the county, the county cannot give the final approval', () => {
    expect(transition('submitted', 'approve', 'city', 'village')).toHaveProperty('refused');
    expect(transition('county_approved', 'approve', 'county', 'village')).toHaveProperty('refused');
    expect(transition('draft', 'approve', 'county', 'village')).toHaveProperty('refused');
    expect(transition('approved', 'submit', 'entry', 'village')).toHaveProperty('refused');
  });

  it('a city-level value has no county step', () => {
    expect(transition('submitted', 'approve', 'city', 'city')).toEqual({ to: 'approved' });
    expect(transition('approved', 'unapprove', 'city', 'city')).toEqual({ to: 'draft' });
  });

  it('un-approving goes back one level, only by the approver or the level above', () => {
    expect(transition('approved', 'unapprove', 'city', 'county')).toEqual({ to: 'county_approved' });
    expect(transition('approved', 'unapprove', 'county', 'county')).toHaveProperty('refused');
    expect(transition('county_approved', 'unapprove', 'county', 'village')).toEqual({ to: 'draft' });
    expect(transition('county_approved', 'unapprove', 'city', 'village')).toEqual({ to: 'draft' });
    expect(transition('draft', 'unapprove', 'city', 'village')).toHaveProperty('refused');
  });
});

describe('aggregating approved values', () => {
  it('per-village income: the weakest village', () => {
    expect(aggregateReported(income, [{ region: '620123100201', value: 6 }, { region: '620123100202', value: 4.2 }])).toBe(4.2);
  });
  it('a count over the window adds up; a value at the target region wins', () => {
    const t = { region: '620100000000', comparison: 'atLeast' as const, progress: 'cumulative' as const, unit: '个' };
    expect(aggregateReported(t, [{ region: '620123000000', value: 3 }, { region: '620121000000', value: 4 }])).toBe(7);
    expect(aggregateReported(t, [{ region: '620123000000', value: 3 }, { region: '620100000000', value: 10 }])).toBe(10);
    expect(aggregateReported(t, [])).toBeNull();
  });
  it('a cap: the highest value', () => {
    const t = { region: '620100000000', comparison: 'atMost' as const, progress: 'level' as const, unit: '元' };
    expect(aggregateReported(t, [{ region: '620123000000', value: 2800 }, { region: '620121000000', value: 3100 }])).toBe(3100);
  });
});
