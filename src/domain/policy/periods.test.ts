import { describe, expect, it } from 'vitest';
import { fullMonths, termEnd } from './periods.js';

describe('termEnd', () => {
  it('ends on the day before the same day N months later', () => {
    expect(termEnd('2019-01-01', 12)).toBe('2019-12-31');
    expect(termEnd('2019-03-15', 12)).toBe('2020-03-14');
    expect(termEnd('2019-01-01', 6)).toBe('2019-06-30');
    expect(termEnd('2019-12-01', 1)).toBe('2019-12-31');
  });
  it('ends on the month end when that month has no such day', () => {
    expect(termEnd('2019-01-31', 1)).toBe('2019-02-28');
    expect(termEnd('2019-01-30', 1)).toBe('2019-02-28');
    expect(termEnd('2019-01-28', 1)).toBe('2019-02-27');
    expect(termEnd('2020-01-31', 1)).toBe('2020-02-29');
    expect(termEnd('2020-02-29', 12)).toBe('2021-02-28');
    expect(termEnd('2019-08-31', 6)).toBe('2020-02-29');
  });
  it('rejects a bad month count', () => {
    expect(() => termEnd('2019-01-01', 0)).toThrow(expect.objectContaining({ code: 'INVALID_FACT' }));
  });
});

describe('fullMonths', () => {
  it('counts both days', () => {
    expect(fullMonths('2019-01-01', '2019-12-31')).toBe(12);
    expect(fullMonths('2019-01-01', '2019-12-30')).toBe(11);
    expect(fullMonths('2019-01-01', '2019-06-30')).toBe(6);
    expect(fullMonths('2019-01-01', '2019-06-29')).toBe(5);
    expect(fullMonths('2019-03-15', '2020-03-14')).toBe(12);
    expect(fullMonths('2019-03-15', '2020-03-13')).toBe(11);
    expect(fullMonths('2019-01-31', '2019-02-28')).toBe(1);
    expect(fullMonths('2019-01-01', '2019-01-01')).toBe(0);
    expect(fullMonths('2019-01-01', '2019-01-31')).toBe(1);
    expect(fullMonths('2016-01-01', '2018-12-31')).toBe(36);
  });
  it('rejects an end before the start and invalid dates', () => {
    expect(() => fullMonths('2019-02-01', '2019-01-31')).toThrow(expect.objectContaining({ code: 'INVALID_FACT' }));
    expect(() => fullMonths('2019-02-30', '2019-03-31')).toThrow(expect.objectContaining({ code: 'INVALID_DATE' }));
  });
});
