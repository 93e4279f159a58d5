import { describe, it, expect } from 'vitest';
import { daysInMonth, foldForMatch, isValidDate, parseIsoDate, removeSpaces } from './text.js';

describe('text helpers', () => {
  it('removes spaces of every kind', () => {
    expect(removeSpaces(' a\tb\u3000c\u00a0d\u200be\ufeff ')).toBe('abcde');
  });
  it('folds for matching', () => {
    expect(foldForMatch(' 乡（镇）内 务工 ')).toBe('乡(镇)内务工');
    expect(foldForMatch('ｙｅｓ')).toBe('YES');
  });
  it('knows the calendar', () => {
    expect(daysInMonth(2000, 2)).toBe(29);
    expect(daysInMonth(1900, 2)).toBe(28);
    expect(daysInMonth(2018, 4)).toBe(30);
    expect(isValidDate(2018, 2, 29)).toBe(false);
    expect(isValidDate(2018, 13, 1)).toBe(false);
    expect(parseIsoDate('2018-11-05')).toEqual({ year: 2018, month: 11, day: 5 });
    expect(parseIsoDate('20181105')).toEqual({ year: 2018, month: 11, day: 5 });
    expect(parseIsoDate('2018-02-30')).toBeNull();
    expect(parseIsoDate('2018/11/05')).toBeNull();
  });
});
