/**
 * From a department file to normalised rows: header detection (tolerant of spaces, '*', ASCII or
 * full-width brackets and a bracketed unit such as 车辆价格（元）) and value normalisation by column
 * type. Pure code over the table reader; the comparison engine stages what this yields.
 */
import { idCheckChar, parseIdNumber } from '../../domain/idnumber.js';
import { isValidDate, removeSpaces, toHalfWidth } from '../../domain/text.js';
import { serialToIsoDate } from '../registry/workbook/cell-format.js';
import { normalizeHeader } from '../registry/workbook/columns.js';
import { ID_HEADER, KIND_SPECS, NAME_HEADER, type ColSpec, type Kind } from './kinds.js';
import type { TableRow } from './table-reader.js';

export interface RowIssue {
  row: number | null;
  column: string | null;
  value: string | null;
  code: string;
  message: string;
}

export interface ColumnMatch {
  /** The header as written in the file. */
  header: string;
  /** The contract column it was taken as, or null when it is not one of the kind's columns. */
  column: string | null;
}

export interface HeaderMap {
  /** Column index (0-based) per contract header. */
  index: Map<string, number>;
  columns: ColumnMatch[];
  missing: string[];
  /** Column index of 证件号码, 姓名 and each of the kind's columns in KIND_SPECS order (-1 when absent). */
  idAt: number;
  nameAt: number;
  specAt: number[];
}

function canon(h: string): string {
  return normalizeHeader(toHalfWidth(h));
}

/** Finds the kind's columns in a header row. */
export function mapHeader(kind: Kind, header: string[]): HeaderMap {
  const wanted = [ID_HEADER, NAME_HEADER, ...KIND_SPECS[kind].columns.map((c) => c.header)];
  const byCanon = new Map(wanted.map((w) => [canon(w), w]));
  const index = new Map<string, number>();
  const columns: ColumnMatch[] = [];
  header.forEach((raw, i) => {
    if (!raw) return;
    const h = canon(raw);
    const hit = byCanon.get(h) ?? byCanon.get(h.replace(/（[^）]*）$/, ''));
    if (hit && !index.has(hit)) {
      index.set(hit, i);
      columns.push({ header: raw, column: hit });
    } else columns.push({ header: raw, column: null });
  });
  const required = [ID_HEADER, NAME_HEADER, ...KIND_SPECS[kind].columns.filter((c) => c.required).map((c) => c.header)];
  return {
    index, columns, missing: required.filter((r) => !index.has(r)),
    idAt: index.get(ID_HEADER) ?? -1, nameAt: index.get(NAME_HEADER) ?? -1,
    specAt: KIND_SPECS[kind].columns.map((c) => index.get(c.header) ?? -1),
  };
}

export interface ParsedRow {
  row: number;
  idNumber: string;
  name: string;
  birthDate: string;
  /** Staging values by column key, in KIND_SPECS order. */
  values: (string | number | null)[];
}

/** Text with nothing to fold: no spaces, no full-width forms. */
const SIMPLE = /^[^\s\u00a0\u3000\u200b-\u200d\u2060\ufeff\uff01-\uff5e]*$/;

const NUMBER = /^-?\d+(\.\d+)?$/;

const PLAIN_ID = /^\d{17}[\dX]$/;

/**
 * parseIdNumber's answer for the common case (18 plain characters, nothing to normalise) without
 * its normalisation passes; anything else, and every failure, goes through parseIdNumber itself.
 */
function fastId(raw: string, today: string | undefined): { ok: true; id: string; birthDate: string } | null {
  if (raw.length !== 18 || !PLAIN_ID.test(raw) || !today) return null;
  const y = Number(raw.slice(6, 10));
  const m = Number(raw.slice(10, 12));
  const d = Number(raw.slice(12, 14));
  if (!isValidDate(y, m, d) || y < 1900) return null;
  const birthDate = `${raw.slice(6, 10)}-${raw.slice(10, 12)}-${raw.slice(12, 14)}`;
  if (birthDate > today || idCheckChar(raw.slice(0, 17)) !== raw[17]) return null;
  return { ok: true, id: raw, birthDate };
}

/**
 * The bulk path's check that a raw ID number is already what parseRow would make of it: 18 plain
 * characters with a valid birth date (1900 to `today`) and check character. Anything else goes
 * through parseRow.
 */
export function isPlainId(raw: string, today: string): boolean {
  return fastId(raw, today) !== null;
}

const INT = /^-?\d{1,9}$/;
const CANON_GRADES = new Set(['一级', '二级', '三级', '四级']);

/**
 * True when `text` (a field as written, not trimmed) is already the staged form parseRow would
 * give it, so the bulk path may stage it as written: an empty optional field (NULL), or a value
 * with nothing to trim, fold or convert. False means "let parseRow decide", never "invalid".
 */
export function isCanonical(spec: ColSpec, text: string): boolean {
  if (text === '') return !spec.required;
  switch (spec.type) {
    case 'text': return text.length <= 2000 && text.trim() === text;
    case 'enum': return SIMPLE.test(text);
    case 'num': return text.length <= 16 && NUMBER.test(text);
    case 'int': return INT.test(text);
    case 'date': {
      const iso = ISO_DATE.exec(text);
      return !!iso && isValidDate(Number(iso[1]), Number(iso[2]), Number(iso[3]));
    }
    case 'grade': return CANON_GRADES.has(text);
  }
}

/**
 * The bulk path's per-field checks on `s.slice(a, b)` without making the slice: plainIdAt answers
 * as isPlainId, canonicalAt as isCanonical (test/comparison-stage.test.ts holds them to that).
 * `todayNum` is today as the number YYYYMMDD.
 */
export function plainIdAt(s: string, a: number, b: number, todayNum: number): boolean {
  if (b - a !== 18) return false;
  let sum = 0;
  for (let i = 0; i < 17; i++) {
    const d = s.charCodeAt(a + i) - 48;
    if (d < 0 || d > 9) return false;
    sum += d * ID_WEIGHTS[i]!;
  }
  const last = s.charCodeAt(a + 17);
  if (last !== CHECK_CODES[sum % 11]) return false;
  const y = num4(s, a + 6);
  const m = (s.charCodeAt(a + 10) - 48) * 10 + s.charCodeAt(a + 11) - 48;
  const d = (s.charCodeAt(a + 12) - 48) * 10 + s.charCodeAt(a + 13) - 48;
  return y >= 1900 && isValidDate(y, m, d) && y * 10000 + m * 100 + d <= todayNum;
}

const ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK_CODES = Array.from('10X98765432', (c) => c.charCodeAt(0));

function num4(s: string, a: number): number {
  return (s.charCodeAt(a) - 48) * 1000 + (s.charCodeAt(a + 1) - 48) * 100 + (s.charCodeAt(a + 2) - 48) * 10 + s.charCodeAt(a + 3) - 48;
}

/** A character SIMPLE excludes: JavaScript's \s, and the zero-width and full-width forms parse folds. */
function foldable(c: number): boolean {
  if (c < 128) return c === 32 || (c >= 9 && c <= 13);
  if (c < 0x1680) return c === 0xa0;
  if (c >= 0x4e00 && c < 0xa000) return false; // CJK ideographs, the usual content
  return c === 0x1680 || (c >= 0x2000 && c <= 0x200d) || c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f
    || c === 0x2060 || c === 0x3000 || c === 0xfeff || (c >= 0xff01 && c <= 0xff5e);
}

/** What String.prototype.trim removes (JavaScript's \s). */
function trimmable(c: number): boolean {
  if (c < 128) return c === 32 || (c >= 9 && c <= 13);
  return c === 0xa0 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) || c === 0x2028 || c === 0x2029 || c === 0x202f
    || c === 0x205f || c === 0x3000 || c === 0xfeff;
}

function digitsAt(s: string, a: number, b: number): boolean {
  if (a >= b) return false;
  for (let i = a; i < b; i++) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

export function canonicalAt(spec: ColSpec, s: string, a: number, b: number): boolean {
  if (a === b) return !spec.required;
  switch (spec.type) {
    case 'text': return b - a <= 2000 && !trimmable(s.charCodeAt(a)) && !trimmable(s.charCodeAt(b - 1));
    case 'enum':
      for (let i = a; i < b; i++) if (foldable(s.charCodeAt(i))) return false;
      return true;
    case 'num': {
      if (b - a > 16) return false;
      const from = s.charCodeAt(a) === 45 ? a + 1 : a;
      let dot = from;
      while (dot < b && s.charCodeAt(dot) !== 46) dot++;
      if (dot === b) return digitsAt(s, from, b);
      return digitsAt(s, from, dot) && digitsAt(s, dot + 1, b);
    }
    case 'int': {
      const from = s.charCodeAt(a) === 45 ? a + 1 : a;
      return b - from <= 9 && digitsAt(s, from, b);
    }
    case 'date': {
      if (b - a !== 10 || s.charCodeAt(a + 4) !== 45 || s.charCodeAt(a + 7) !== 45) return false;
      if (!digitsAt(s, a, a + 4) || !digitsAt(s, a + 5, a + 7) || !digitsAt(s, a + 8, b)) return false;
      return isValidDate(num4(s, a), (s.charCodeAt(a + 5) - 48) * 10 + s.charCodeAt(a + 6) - 48, (s.charCodeAt(a + 8) - 48) * 10 + s.charCodeAt(a + 9) - 48);
    }
    case 'grade': return CANON_GRADES.has(s.slice(a, b));
  }
}

const GRADES: Record<string, string> = { '1': '一级', '2': '二级', '3': '三级', '4': '四级', 一: '一级', 二: '二级', 三: '三级', 四: '四级' };

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

function parseDate(s: string): string | null {
  const iso = ISO_DATE.exec(s);
  if (iso) return isValidDate(Number(iso[1]), Number(iso[2]), Number(iso[3])) ? s : null;
  const t = removeSpaces(toHalfWidth(s));
  if (/^\d{5}(\.\d+)?$/.test(t)) return serialToIsoDate(Number(t), false); // an .xlsx date stored as a number
  const m = /^(\d{4})[-/.年]?(\d{1,2})[-/.月]?(\d{1,2})日?(?:T?\d{1,2}:\d{2}(?::\d{2})?)?$/.exec(t);
  if (!m) return null;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (!isValidDate(y, mo, d)) return null;
  return `${m[1]}-${String(mo).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

function value(spec: ColSpec, text: string): { ok: true; v: string | number | null; shown: string } | { ok: false; code: string; message: string } {
  if (text === '') return { ok: true, v: null, shown: '' };
  switch (spec.type) {
    case 'text': return { ok: true, v: text, shown: text };
    case 'enum': {
      const v = SIMPLE.test(text) ? text : removeSpaces(toHalfWidth(text));
      return { ok: true, v, shown: v };
    }
    case 'num': {
      if (NUMBER.test(text) && text.length <= 16) return { ok: true, v: text, shown: text };
      const t = removeSpaces(toHalfWidth(text)).replace(/[,，]/g, '').replace(/元$/, '');
      if (!/^-?\d+(\.\d+)?$/.test(t) || t.length > 16) return { ok: false, code: 'BAD_NUMBER', message: `「${spec.header}」应为数字（元），实际为「${text}」` };
      return { ok: true, v: t, shown: t };
    }
    case 'int': {
      const t = removeSpaces(toHalfWidth(text)).replace(/[年天日]$/, '').replace(/\.0+$/, '');
      if (!/^-?\d{1,9}$/.test(t)) return { ok: false, code: 'BAD_NUMBER', message: `「${spec.header}」应为整数，实际为「${text}」` };
      return { ok: true, v: Number(t), shown: t };
    }
    case 'date': {
      const d = parseDate(text);
      if (!d) return { ok: false, code: 'BAD_DATE', message: `「${spec.header}」不是有效日期（如 2019-06-30），实际为「${text}」` };
      return { ok: true, v: d, shown: d };
    }
    case 'grade': {
      const t = removeSpaces(toHalfWidth(text)).replace(/^([一二三四1-4])级?$/, '$1');
      const g = GRADES[t] ?? (['一级', '二级', '三级', '四级'].includes(t) ? t : undefined);
      if (!g) return { ok: false, code: 'BAD_VALUE', message: `「${spec.header}」应为 一级 至 四级，实际为「${text}」` };
      return { ok: true, v: g, shown: g };
    }
  }
}

/** Validates and normalises one data row; issues name the row and the column. */
export function parseRow(kind: Kind, map: HeaderMap, rec: TableRow, today?: string): { row: ParsedRow | null; issues: RowIssue[] } {
  // cell texts come trimmed from the readers
  const cells = rec.cells;
  const issues: RowIssue[] = [];
  const idRaw = map.idAt < 0 ? '' : (cells[map.idAt] ?? '');
  const id = fastId(idRaw, today) ?? parseIdNumber(idRaw, today ? { today } : undefined);
  if (!id.ok) issues.push({ row: rec.row, column: ID_HEADER, value: idRaw, code: id.code, message: id.message });
  const nameRaw = map.nameAt < 0 ? '' : (cells[map.nameAt] ?? '');
  const name = SIMPLE.test(nameRaw) ? nameRaw : removeSpaces(toHalfWidth(nameRaw));
  if (!name) issues.push({ row: rec.row, column: NAME_HEADER, value: '', code: 'MISSING_VALUE', message: '「姓名」不能为空' });
  const values: (string | number | null)[] = [];
  const specs = KIND_SPECS[kind].columns;
  for (let k = 0; k < specs.length; k++) {
    const spec = specs[k]!;
    const at = map.specAt[k]!;
    const text = at < 0 ? '' : (cells[at] ?? '');
    if (text === '' && spec.required) {
      issues.push({ row: rec.row, column: spec.header, value: '', code: 'MISSING_VALUE', message: `「${spec.header}」不能为空` });
      values.push(null);
      continue;
    }
    const r = value(spec, text);
    if (!r.ok) {
      issues.push({ row: rec.row, column: spec.header, value: text, code: r.code, message: r.message });
      values.push(null);
      continue;
    }
    values.push(r.v);
  }
  if (issues.length || !id.ok) return { row: null, issues };
  return { row: { row: rec.row, idNumber: id.id, name, birthDate: id.birthDate, values }, issues };
}
