import { describe, expect, it } from 'vitest';
import {
  closedUntil, compliance, daysOverdue, DISPATCH_CADENCE, isOverdue, missingPeriods, periodEnd, periodOf, periodsBetween, periodStart, recordedOnTime,
} from './dispatch.js';

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

  it('counts the days a task is overdue', () => {
    expect(daysOverdue({ deadline: '2019-03-01', doneOn: null }, '2019-03-04')).toBe(3);
    expect(daysOverdue({ deadline: '2019-03-01', doneOn: null }, '2019-03-01')).toBe(0);
    expect(daysOverdue({ deadline: '2019-03-01', doneOn: '2019-03-09' }, '2019-03-10')).toBe(0);
  });

  it('knows where each period starts and ends, and which periods are closed', () => {
    expect([periodStart('monthly', '2020-02-17'), periodEnd('monthly', '2020-02-17')]).toEqual(['2020-02-01', '2020-02-29']);
    expect([periodStart('weekly', '2019-03-06'), periodEnd('weekly', '2019-03-06')]).toEqual(['2019-03-04', '2019-03-10']);
    expect([periodStart('weekly', '2019-03-10'), periodEnd('weekly', '2019-03-04')]).toEqual(['2019-03-04', '2019-03-10']);
    expect([periodStart('daily', '2019-03-06'), periodEnd('daily', '2019-03-06')]).toEqual(['2019-03-06', '2019-03-06']);
    expect(closedUntil('monthly', '2019-04-10')).toBe('2019-03-31');
    expect(closedUntil('weekly', '2019-03-06')).toBe('2019-03-03');
    expect(closedUntil('daily', '2019-03-06')).toBe('2019-03-05');
  });

  it('a record is on time until the end of the day after its period ends', () => {
    expect(recordedOnTime('daily', '2019-03-05', '2019-03-06T23:59:59+08:00')).toBe(true);
    expect(recordedOnTime('daily', '2019-03-05', '2019-03-07T00:00:00+08:00')).toBe(false);
    // Days are Lanzhou's: 16:00 UTC is already midnight there.
    expect(recordedOnTime('daily', '2019-03-05', '2019-03-06T15:59:59Z')).toBe(true);
    expect(recordedOnTime('daily', '2019-03-05', '2019-03-06T16:00:00Z')).toBe(false);
    expect(recordedOnTime('monthly', '2019-03-02', new Date('2019-04-01T10:00:00Z'))).toBe(true);
    expect(recordedOnTime('monthly', '2019-03-02', new Date('2019-04-02T00:00:01+08:00'))).toBe(false);
    expect(recordedOnTime('weekly', '2019-03-04', '2019-03-11T12:00:00Z')).toBe(true); // Monday after the week
  });

  it('sums compliance: owed, held, on time, late, missing', () => {
    expect(compliance(2, 3, 5, 4)).toEqual({ units: 2, periods: 3, expected: 6, held: 5, onTime: 4, late: 1, missing: 1, onTimeShare: 0.666667, heldShare: 0.833333 });
    expect(compliance(0, 3, 0, 0).onTimeShare).toBeNull();
  });
});
