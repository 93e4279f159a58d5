/**
 * Lengths of contracts and employment in whole months, counted the way a labour contract is
 * read: the first day counts, and a term of N months ends on the day before the day with the same
 * number N months later; where that month has no such day, it ends on the last day of that month
 * (as《民法典》第二百零二条 does for the end of a period counted in months).
 *
 *   2019-01-01 … 2019-12-31  → 12 months (one year)
 *   2019-03-15 … 2020-03-14  → 12 months
 *   2019-01-31 … 2019-02-28  → 1 month
 *   2019-01-01 … 2019-06-30  → 6 months; … 2019-06-29 → 5 months
 */
import { daysInMonth } from '../text.js';
import { PolicyError, requireDate } from './rules.js';

interface Ymd {
  year: number;
  month: number;
  day: number;
}

function parts(date: string): Ymd {
  const [y, m, d] = date.split('-').map(Number);
  return { year: y ?? 0, month: m ?? 0, day: d ?? 0 };
}

function fmt(p: Ymd): string {
  return `${p.year}-${String(p.month).padStart(2, '0')}-${String(p.day).padStart(2, '0')}`;
}

function dayBefore(p: Ymd): Ymd {
  if (p.day > 1) return { ...p, day: p.day - 1 };
  if (p.month > 1) return { year: p.year, month: p.month - 1, day: daysInMonth(p.year, p.month - 1) };
  return { year: p.year - 1, month: 12, day: 31 };
}

/** Last day (YYYY-MM-DD) of a term of `months` whole months that starts on `start` (counted). */
export function termEnd(start: string, months: number): string {
  const s = parts(requireDate(start, '起始日期'));
  if (!Number.isInteger(months) || months < 1) {
    throw new PolicyError('INVALID_FACT', `月数应为正整数，实际为“${String(months)}”`);
  }
  const index = s.month - 1 + months;
  const year = s.year + Math.floor(index / 12);
  const month = (index % 12) + 1;
  if (s.day <= daysInMonth(year, month)) return fmt(dayBefore({ year, month, day: s.day }));
  return fmt({ year, month, day: daysInMonth(year, month) });
}

/**
 * Whole months from `start` to `end`, both days included (see the file comment). Throws
 * PolicyError when a date is invalid or the end is before the start.
 */
export function fullMonths(start: string, end: string): number {
  const s = requireDate(start, '起始日期');
  const e = requireDate(end, '终止日期');
  if (e < s) throw new PolicyError('INVALID_FACT', `终止日期${e}早于起始日期${s}`, { start: s, end: e });
  const sp = parts(s);
  const ep = parts(e);
  const guess = (ep.year - sp.year) * 12 + (ep.month - sp.month) + 1;
  for (let n = guess; n >= 1; n--) {
    if (termEnd(s, n) <= e) return n;
  }
  return 0;
}

/** The rule used, in words, for reasons. */
export const MONTH_COUNTING_NOTE =
  '月数按起始日当日计入、至N个月后对应日的前一日为满N个月计算（无对应日的以该月末日为满期日，参照《民法典》第二百零二条），例如2019-01-01至2019-12-31为满12个月（1年）';
