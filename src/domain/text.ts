import { todayCn } from './dates.js';
/**
 * Small text helpers shared by the domain rules. Pure functions, no I/O.
 */

/**
 * Full-width (全角) ASCII forms → half-width (半角): digits, Latin letters, punctuation
 * (U+FF01–U+FF5E, e.g. "１２３", "Ｘ", "（", "，") and the ideographic space U+3000.
 * Other characters, including Chinese text, are returned unchanged.
 */
export function toHalfWidth(s: string): string {
  // Most values have nothing to fold: answer without building a new string.
  let i0 = 0;
  for (; i0 < s.length; i0++) {
    const c = s.charCodeAt(i0);
    if ((c >= 0xff01 && c <= 0xff5e) || c === 0x3000) break;
  }
  if (i0 === s.length) return s;
  let out = '';
  let changed = false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xff01 && c <= 0xff5e) {
      out += String.fromCharCode(c - 0xfee0);
      changed = true;
    } else if (c === 0x3000) {
      out += ' ';
      changed = true;
    } else {
      out += s[i];
    }
  }
  return changed ? out : s;
}

/**
 * Whitespace and invisible characters that spreadsheets and copy-paste leave in cells:
 * ASCII whitespace, no-break space, ideographic space, zero-width space/joiners, BOM.
 */
const SPACE_RE = /[\s\u00a0\u3000\u200b-\u200d\u2060\ufeff]+/g;

/** Remove every whitespace or invisible character, wherever it is in the string. */
export function removeSpaces(s: string): string {
  return s.replace(SPACE_RE, '');
}

/**
 * Key used to compare code-table values typed by people: spaces removed, full-width folded
 * to half-width (so （ and ( match), Latin letters upper-cased.
 */
export function foldForMatch(s: string): string {
  return removeSpaces(toHalfWidth(s)).toUpperCase();
}

/** Does this year/month/day exist in the Gregorian calendar? */
export function isValidDate(year: number, month: number, day: number): boolean {
  if (!Number.isInteger(year) || !Number.isInteger(month) || !Number.isInteger(day)) return false;
  if (month < 1 || month > 12 || day < 1) return false;
  return day <= daysInMonth(year, month);
}

export function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

export function daysInMonth(year: number, month: number): number {
  switch (month) {
    case 2:
      return isLeapYear(year) ? 29 : 28;
    case 4:
    case 6:
    case 9:
    case 11:
      return 30;
    default:
      return 31;
  }
}

/**
 * Parse "YYYY-MM-DD" or "YYYYMMDD" into its parts when the date exists, else null.
 */
export function parseIsoDate(s: string): { year: number; month: number; day: number } | null {
  const m = /^(\d{4})-?(\d{2})-?(\d{2})$/.exec(s.trim());
  if (!m) return null;
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  return isValidDate(year, month, day) ? { year, month, day } : null;
}

/** Today in Lanzhou (UTC+8) as YYYY-MM-DD, whatever the server's zone. */
export function localToday(): string {
  return todayCn();
}
