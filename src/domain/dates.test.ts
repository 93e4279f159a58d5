import { describe, expect, it } from 'vitest';
import { chinaDay, chinaDayStart, todayCn } from './dates.js';

describe('China calendar days', () => {
  it('an instant belongs to its Beijing day, not its UTC day', () => {
    expect(chinaDay(new Date('2019-03-31T15:59:59Z'))).toBe('2019-03-31');
    expect(chinaDay(new Date('2019-03-31T16:00:00Z'))).toBe('2019-04-01'); // 00:00 in Lanzhou
    expect(chinaDay(Date.parse('2019-12-31T23:00:00Z'))).toBe('2020-01-01');
  });
  it('a day starts at 16:00 UTC the day before', () => {
    expect(new Date(chinaDayStart('2019-04-01')).toISOString()).toBe('2019-03-31T16:00:00.000Z');
    expect(chinaDay(chinaDayStart('2019-04-01'))).toBe('2019-04-01');
    expect(chinaDay(chinaDayStart('2019-04-01') - 1)).toBe('2019-03-31');
  });
  it('today is a YYYY-MM-DD', () => {
    expect(todayCn()).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(todayCn(Date.parse('2026-11-28T18:00:00Z'))).toBe('2026-11-29');
  });
});
