import { describe, expect, it } from 'vitest';
import { DISPATCH_CADENCE, isOverdue, missingPeriods, periodOf, periodsBetween } from './dispatch.js';

describe('dispatch cadence (五(一))', () => {
  it('city monthly, county weekly, township and village daily', () => {
    expect(DISPATCH_CADENCE).toEqual({ city: 'monthly', county: 'weekly', township: 'daily', village: 'daily' });
  });

  it('puts a day in its month, ISO week or day', () => {
    expect(periodOf('monthly', '2019-03-31')).toBe('2019-03');
    expect(periodOf('weekly', '2019-03-04')).toBe('2019-W10'); // a Monday
    expect(periodOf('weekly', '2019-03-10')).toBe('2019-W10'); // the Sunday after
    expect(periodOf('weekly', '2018-12-31')).toBe('2019-W01'); // ISO week-year
    expect(periodOf('daily', '2019-03-05')).toBe('2019-03-05');
    expect(() => periodOf('daily', '2019-02-30')).toThrow(/有效日期/);
  });

  it('lists the periods of a window', () => {
    expect(periodsBetween('monthly', '2019-01-15', '2019-03-01')).toEqual(['2019-01', '2019-02', '2019-03']);
    expect(periodsBetween('weekly', '2019-03-01', '2019-03-11')).toEqual(['2019-W09', '2019-W10', '2019-W11']);
  });

  it('finds the periods with no meeting, not counting the open one or the future', () => {
    expect(missingPeriods('monthly', ['2019-01-20', '2019-03-02'], '2019-01-01', '2019-06-30', '2019-04-10')).toEqual(['2019-02']);
    expect(missingPeriods('daily', ['2019-03-01'], '2019-03-01', '2019-03-04', '2019-03-04')).toEqual(['2019-03-02', '2019-03-03']);
    expect(missingPeriods('weekly', [], '2019-05-01', '2019-05-31', '2019-04-01')).toEqual([]);
  });

  it('a task is overdue when open past its deadline day', () => {
    expect(isOverdue({ deadline: '2019-03-01', doneOn: null }, '2019-03-02')).toBe(true);
    expect(isOverdue({ deadline: '2019-03-01', doneOn: null }, '2019-03-01')).toBe(false);
    expect(isOverdue({ deadline: '2019-03-01', doneOn: '2019-03-05' }, '2019-04-01')).toBe(false);
  });
});
