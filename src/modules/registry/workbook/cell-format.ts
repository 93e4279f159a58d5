/**
 * How numbers and dates stored in an .xlsx become cell text.
 */

/**
 * Text of a number as a person reads it in Excel: up to 15 significant digits (Excel's own
 * precision, so 0.30000000000000004 reads 0.3), no exponent. From 1e15 up the exponent form is
 * kept on purpose: an 18-digit ID number typed as a number has lost its last digits, and
 * '6.20102199001011e+17' shows it, where '620102199001011000' would pass for an ID.
 */
export function formatNumber(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  if (Math.abs(n) >= 1e15) {
    // 15 significant digits, as Excel shows it: 6.20102199001011E+17
    const [mantissa = '', exponent = ''] = n.toExponential(14).split('e');
    return `${mantissa.replace(/\.?0+$/, '')}e${exponent}`;
  }
  if (Number.isInteger(n)) return String(n);
  const r = Number(n.toPrecision(15));
  const s = String(r);
  if (!s.includes('e')) return s;
  // tiny numbers (below 1e-6): expand the exponent
  for (let digits = 1; digits <= 100; digits++) {
    const fixed = r.toFixed(digits);
    if (Number(fixed) === r) return fixed;
  }
  return s;
}

/** Built-in number formats that show a date (including the zh-CN ones, 27–36 and 50–58). */
const BUILTIN_DATE_FORMATS = new Set([14, 15, 16, 17, 22, 27, 28, 29, 30, 31, 36, 50, 51, 52, 53, 54, 57, 58]);

/** Whether a number format (by id, and its code when custom) displays a date. */
export function isDateFormat(numFmtId: number, formatCode: string | undefined): boolean {
  if (formatCode === undefined || formatCode === '') return BUILTIN_DATE_FORMATS.has(numFmtId);
  const code = formatCode
    .replace(/"[^"]*"/g, '')
    .replace(/\[[^\]]*\]/g, '')
    .replace(/\\./g, '')
    .replace(/_./g, '')
    .replace(/\*./g, '');
  if (/[yYdD]/.test(code)) return true;
  // month-only formats ('mmm'); 'm' next to h or s means minutes
  return /[mM]/.test(code) && !/[hHsS]/.test(code);
}

const DAY_MS = 86_400_000;
const EPOCH_1900 = Date.UTC(1899, 11, 30);
const EPOCH_1904 = Date.UTC(1904, 0, 1);

/** 'YYYY-MM-DD' of an Excel date serial (the date part; the time of day is dropped). */
export function serialToIsoDate(serial: number, date1904: boolean): string {
  let days = Math.floor(serial);
  // Excel's 1900 system counts a 29 February 1900 that did not exist
  if (!date1904 && days < 61) days += 1;
  const ms = (date1904 ? EPOCH_1904 : EPOCH_1900) + days * DAY_MS;
  const d = new Date(ms);
  if (Number.isNaN(d.getTime())) return formatNumber(serial);
  return d.toISOString().slice(0, 10);
}
