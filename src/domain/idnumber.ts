/**
 * Resident identity card numbers (居民身份证号码), GB 11643-1999.
 *
 * 18 characters: 6-digit address code, 8-digit birth date YYYYMMDD, 3-digit sequence (odd for
 * men, even for women) and a check character computed over the first 17 digits (ISO 7064
 * MOD 11-2). Old 15-digit numbers (2-digit birth year, no check character) convert to 18 by
 * inserting "19" after the sixth digit and appending the check character.
 *
 * The normalised 18-character number is the key the registry and every data comparison match on.
 */
import { localToday, parseIsoDate, removeSpaces, toHalfWidth } from './text.js';

export { toHalfWidth } from './text.js';

export type IdErrorCode = 'ID_EMPTY' | 'ID_LENGTH' | 'ID_CHARS' | 'ID_DATE' | 'ID_CHECK' | 'ID_SCIENTIFIC';

export type IdParse =
  | { ok: true; id: string; sex: '男' | '女'; birthDate: string /* YYYY-MM-DD */ }
  | { ok: false; code: IdErrorCode; message: string };

const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2] as const;
const CHECK_CHARS = '10X98765432';
const MIN_BIRTH = '1900-01-01';

/** Message for an ID number a spreadsheet has turned into a number (E-notation or decimals). */
export const ID_SCIENTIFIC_MESSAGE =
  '证件号码被表格软件转成了数字，后几位已丢失，请将该列设为文本格式后重新填写';

/**
 * The check character for the first 17 digits of an ID number.
 * Throws when `first17` is not exactly 17 ASCII digits (a programming error, not user input).
 */
export function idCheckChar(first17: string): string {
  if (!/^\d{17}$/.test(first17)) {
    throw new RangeError(`idCheckChar expects 17 digits, got "${first17}"`);
  }
  let sum = 0;
  for (let i = 0; i < 17; i++) {
    sum += (first17.charCodeAt(i) - 48) * (WEIGHTS[i] as number);
  }
  return CHECK_CHARS[sum % 11] as string;
}

/**
 * Normalise an ID number as typed or imported, without validating it:
 * removes spaces anywhere (and a leading apostrophe spreadsheets use to force text), folds
 * full-width characters, upper-cases x, and converts a 15-digit old number to 18 digits.
 */
export function normalizeIdNumber(raw: string): string {
  let s = removeSpaces(toHalfWidth(raw));
  if (s.startsWith("'")) s = removeSpaces(s.slice(1));
  s = s.toUpperCase();
  if (/^\d{15}$/.test(s)) {
    const first17 = `${s.slice(0, 6)}19${s.slice(6)}`;
    s = first17 + idCheckChar(first17);
  }
  return s;
}

/** Does the raw cell text look like a number a spreadsheet wrote in place of the ID text? */
function looksLikeSpreadsheetNumber(raw: string): boolean {
  const s = removeSpaces(toHalfWidth(raw));
  return /^[+-]?\d+(\.\d*)?E[+-]?\d+$/i.test(s) || /^\d+\.\d+$/.test(s);
}

/**
 * Normalise and validate an ID number. On success returns the normalised 18-character number
 * with the sex and birth date it encodes; on failure a stable code and a Chinese message that
 * names what is wrong.
 *
 * `opts.today` (YYYY-MM-DD) is the date a birth date may not be after; defaults to the local date.
 */
export function parseIdNumber(raw: string, opts?: { today?: string }): IdParse {
  const compact = removeSpaces(toHalfWidth(raw ?? ''));
  if (compact === '' || compact === "'") {
    return { ok: false, code: 'ID_EMPTY', message: '证件号码为空' };
  }
  if (looksLikeSpreadsheetNumber(raw)) {
    return { ok: false, code: 'ID_SCIENTIFIC', message: ID_SCIENTIFIC_MESSAGE };
  }
  const id = normalizeIdNumber(raw);

  const bad = /[^0-9X]/.exec(id);
  if (bad) {
    return {
      ok: false,
      code: 'ID_CHARS',
      message: `证件号码含有非法字符“${bad[0]}”，只能由数字和末位的X组成`,
    };
  }
  if (id.length !== 18) {
    return {
      ok: false,
      code: 'ID_LENGTH',
      message: `证件号码应为18位（旧号码15位），实际为${id.length}位`,
    };
  }
  const xAt = id.indexOf('X');
  if (xAt !== -1 && xAt !== 17) {
    return {
      ok: false,
      code: 'ID_CHARS',
      message: `证件号码只有最后一位可以是X，第${xAt + 1}位是X`,
    };
  }

  const ymd = id.slice(6, 14);
  const date = parseIsoDate(ymd);
  if (!date) {
    return {
      ok: false,
      code: 'ID_DATE',
      message: `证件号码中的出生日期${ymd}不是有效日期`,
    };
  }
  const birthDate = `${ymd.slice(0, 4)}-${ymd.slice(4, 6)}-${ymd.slice(6, 8)}`;
  if (birthDate < MIN_BIRTH) {
    return {
      ok: false,
      code: 'ID_DATE',
      message: `证件号码中的出生日期${birthDate}早于1900年1月1日`,
    };
  }
  const today = resolveToday(opts?.today);
  if (birthDate > today) {
    return {
      ok: false,
      code: 'ID_DATE',
      message: `证件号码中的出生日期${birthDate}晚于今天（${today}）`,
    };
  }

  const expected = idCheckChar(id.slice(0, 17));
  const actual = id[17] as string;
  if (expected !== actual) {
    return { ok: false, code: 'ID_CHECK', message: `校验位应为${expected}，实际为${actual}` };
  }
  return { ok: true, id, sex: sexFromId(id), birthDate };
}

function resolveToday(today: string | undefined): string {
  if (today === undefined) return localToday();
  const d = parseIsoDate(today);
  if (!d) throw new RangeError(`today must be a date YYYY-MM-DD, got "${today}"`);
  return `${d.year}-${String(d.month).padStart(2, '0')}-${String(d.day).padStart(2, '0')}`;
}

/** Sex encoded by a valid 18-character ID number: odd 17th digit 男, even 女. */
export function sexFromId(id18: string): '男' | '女' {
  const d = id18.charCodeAt(16) - 48;
  return d % 2 === 1 ? '男' : '女';
}

/** Birth date (YYYY-MM-DD) encoded by a valid 18-character ID number. */
export function birthDateFromId(id18: string): string {
  return `${id18.slice(6, 10)}-${id18.slice(10, 12)}-${id18.slice(12, 14)}`;
}

/**
 * Age in whole years on `date` (YYYY-MM-DD or YYYYMMDD) of the person with this ID number.
 * A person born on 29 February has their birthday on 1 March in other years.
 */
export function ageOn(id18: string, date: string): number {
  const on = parseIsoDate(date);
  if (!on) throw new RangeError(`ageOn: date must be YYYY-MM-DD, got "${date}"`);
  const by = Number(id18.slice(6, 10));
  const bmd = Number(id18.slice(10, 14));
  const md = on.month * 100 + on.day;
  return on.year - by - (md < bmd ? 1 : 0);
}

/**
 * Build a valid 18-character ID number from its parts, computing the check character.
 * `birthDate` is YYYYMMDD (dashes allowed); `seq3` 0–999 (odd for men, even for women).
 * Used by demo data and tests; throws on malformed parts.
 */
export function makeIdNumber(region6: string, birthDate: string, seq3: number): string {
  const ymd = birthDate.replace(/-/g, '');
  if (!/^\d{6}$/.test(region6)) throw new RangeError(`makeIdNumber: region must be 6 digits, got "${region6}"`);
  if (!/^\d{8}$/.test(ymd)) throw new RangeError(`makeIdNumber: birth date must be YYYYMMDD, got "${birthDate}"`);
  if (!Number.isInteger(seq3) || seq3 < 0 || seq3 > 999) {
    throw new RangeError(`makeIdNumber: sequence must be 0–999, got ${seq3}`);
  }
  const seq = seq3 < 10 ? `00${seq3}` : seq3 < 100 ? `0${seq3}` : String(seq3);
  const first17 = region6 + ymd + seq;
  return first17 + idCheckChar(first17);
}
