/**
 * A streaming scanner for worksheet XML (xl/worksheets/sheetN.xml).
 *
 * exceljs's own WorksheetReader ignores merged cells, builds a Row of Cell objects for every row
 * (however wide) before handing it over, and reads ~18k rows/s; this scanner reads only what the
 * registry needs (rows, cells, merges), keeps at most `maxColumns` cells of a row, and stops as
 * soon as a row is too wide. It understands the XML that Excel, WPS, LibreOffice, openpyxl and
 * exceljs write: namespace prefixes, self-closing tags, entities, CDATA, comments, shared, inline
 * (t="inlineStr") and formula (t="str") strings, rich text runs, phonetic runs (skipped).
 */
import { formatNumber, serialToIsoDate } from './cell-format.js';
import type { CellIn, CellProblem } from './rows.js';

export interface SheetXmlContext {
  /** Text of shared string `index` (already flattened), undefined when out of range. */
  sharedString(index: number): string | undefined;
  /** Whether cell style `s` displays a date. */
  isDateStyle(styleIndex: number): boolean;
  date1904: boolean;
  maxCellChars: number;
  maxColumns: number;
  onRow(rowNum: number, cells: CellIn[]): void;
  onMerge(ref: string): void;
  /** A row wider than maxColumns (at 1-based column `col`): the sheet stops. */
  onTooWide(rowNum: number, col: number): void;
  /** The XML cannot be read: the sheet stops. */
  onMalformed(detail: string): void;
}

/** Longest tag, comment or processing instruction accepted (a cell tag is ~30 characters). */
const MAX_TAG = 1 << 20;

const enum CellType {
  Number,
  Shared,
  Inline,
  FormulaString,
  Boolean,
  Error,
  Date,
}

const enum Capture {
  None,
  Value,
  Text,
}

export class SheetXmlScanner {
  stopped = false;
  private carry = '';

  private inSheetData = false;
  private inRow = false;
  private rowNum = 0;
  private cells: CellIn[] = [];
  private colCursor = 0;

  private inCell = false;
  private cellCol = 0;
  private cellType = CellType.Number;
  private cellStyle = 0;
  private hasFormula = false;
  private inInline = false;
  private inPhonetic = false;
  private vRaw: string | null = null;
  private tRaw: string | null = null;
  private capture = Capture.None;
  private overflow = false;
  private readonly rawLimit: number;

  constructor(private readonly ctx: SheetXmlContext) {
    // entities make raw text longer than its value: past this the value is too long for sure
    this.rawLimit = ctx.maxCellChars * 10 + 64;
  }

  write(chunk: string): void {
    if (this.stopped) return;
    const s = this.carry === '' ? chunk : this.carry + chunk;
    this.carry = '';
    const n = s.length;
    let i = 0;
    while (i < n && !this.stopped) {
      const lt = s.indexOf('<', i);
      if (lt === -1) {
        this.text(s, i, n);
        return;
      }
      if (lt > i) this.text(s, i, lt);
      const end = this.markup(s, lt);
      if (end === -1) {
        this.carry = s.slice(lt);
        if (this.carry.length > MAX_TAG) this.malformed('XML 标记过长');
        return;
      }
      i = end;
    }
  }

  end(): void {
    if (this.stopped) return;
    if (this.carry.trim() !== '') this.malformed('XML 不完整');
  }

  private malformed(detail: string): void {
    this.stopped = true;
    this.ctx.onMalformed(detail);
  }

  private text(s: string, from: number, to: number): void {
    if (this.capture === Capture.None || this.overflow) return;
    const piece = s.slice(from, to);
    if (this.capture === Capture.Value) this.vRaw = (this.vRaw ?? '') + piece;
    else this.tRaw = (this.tRaw ?? '') + piece;
    if ((this.vRaw?.length ?? 0) + (this.tRaw?.length ?? 0) > this.rawLimit) this.overflow = true;
  }

  /** Handles the markup starting at `lt`; returns the index after it, or -1 when incomplete. */
  private markup(s: string, lt: number): number {
    const n = s.length;
    if (lt + 1 >= n) return -1;
    const c1 = s.charCodeAt(lt + 1);
    if (c1 === 47 /* / */) {
      const gt = s.indexOf('>', lt + 2);
      if (gt === -1) return -1;
      this.close(s, lt + 2, gt);
      return gt + 1;
    }
    if (c1 === 63 /* ? */) {
      const e = s.indexOf('?>', lt + 2);
      return e === -1 ? -1 : e + 2;
    }
    if (c1 === 33 /* ! */) {
      if (lt + 9 > n) return -1;
      if (s.startsWith('<!--', lt)) {
        const e = s.indexOf('-->', lt + 4);
        return e === -1 ? -1 : e + 3;
      }
      if (s.startsWith('<![CDATA[', lt)) {
        const e = s.indexOf(']]>', lt + 9);
        if (e === -1) return -1;
        // CDATA is literal: escape it so the entity decoding at the end of the cell keeps it
        if (this.capture !== Capture.None) this.text(escapeXml(s.slice(lt + 9, e)), 0, Infinity);
        return e + 3;
      }
      this.malformed('不支持的 XML 声明（DOCTYPE）');
      return n;
    }
    const gt = tagEnd(s, lt + 1);
    if (gt === -1) return -1;
    const selfClosing = s.charCodeAt(gt - 1) === 47;
    this.open(s, lt + 1, selfClosing ? gt - 1 : gt, selfClosing);
    return gt + 1;
  }

  private open(s: string, from: number, to: number, selfClosing: boolean): void {
    // the local name (namespace prefix dropped), compared without making a string
    let nameEnd = from;
    let start = from;
    while (nameEnd < to) {
      const c = s.charCodeAt(nameEnd);
      if (c <= 32) break;
      if (c === 58 /* : */) start = nameEnd + 1;
      nameEnd++;
    }
    const len = nameEnd - start;
    const c0 = s.charCodeAt(start);
    if (this.inCell) {
      if (len === 1) {
        if (c0 === 118 /* v */) {
          this.vRaw = '';
          if (!selfClosing) this.capture = Capture.Value;
        } else if (c0 === 102 /* f */) {
          this.hasFormula = true;
        } else if (c0 === 116 /* t */ && this.inInline && !this.inPhonetic && !selfClosing) {
          this.tRaw ??= '';
          this.capture = Capture.Text;
        }
      } else if (len === 2 && c0 === 105 /* i */ && s.charCodeAt(start + 1) === 115 /* s */) {
        this.inInline = !selfClosing;
        this.tRaw ??= '';
      } else if (len === 3 && s.startsWith('rPh', start)) {
        this.inPhonetic = !selfClosing;
      }
      return;
    }
    if (len === 1 && c0 === 99 /* c */) {
      if (!this.inRow) return;
      this.startCell(s, nameEnd, to);
      if (selfClosing) this.finishCell();
    } else if (len === 3 && s.startsWith('row', start)) {
      if (!this.inSheetData) return;
      this.startRow(attr(s, nameEnd, to, 'r'));
      if (selfClosing) this.finishRow();
    } else if (len === 9 && s.startsWith('sheetData', start)) {
      this.inSheetData = !selfClosing;
    } else if (len === 9 && s.startsWith('mergeCell', start)) {
      const ref = attr(s, nameEnd, to, 'ref');
      if (ref) this.ctx.onMerge(ref);
    }
  }

  private close(s: string, from: number, to: number): void {
    let end = to;
    while (end > from && s.charCodeAt(end - 1) <= 32) end--;
    let start = from;
    for (let i = from; i < end; i++) if (s.charCodeAt(i) === 58 /* : */) start = i + 1;
    const len = end - start;
    const c0 = s.charCodeAt(start);
    if (len === 1) {
      if (c0 === 118 /* v */ || c0 === 116 /* t */) this.capture = Capture.None;
      else if (c0 === 99 /* c */ && this.inCell) this.finishCell();
    } else if (len === 3) {
      if (s.startsWith('row', start)) {
        if (this.inRow) this.finishRow();
      } else if (s.startsWith('rPh', start)) this.inPhonetic = false;
    } else if (len === 2 && c0 === 105 /* i */ && s.charCodeAt(start + 1) === 115 /* s */) {
      this.inInline = false;
    } else if (len === 9 && s.startsWith('sheetData', start)) {
      this.inSheetData = false;
    }
  }

  private startRow(r: string | null): void {
    const parsed = r === null ? NaN : Number.parseInt(r, 10);
    this.rowNum = Number.isFinite(parsed) && parsed > 0 ? parsed : this.rowNum + 1;
    this.inRow = true;
    this.cells = [];
    this.colCursor = 0;
  }

  private finishRow(): void {
    this.inRow = false;
    const cells = this.cells;
    this.cells = [];
    this.ctx.onRow(this.rowNum, cells);
  }

  /** Reads the attributes r, t and s of a <c> tag in one pass over s[from, to). */
  private startCell(s: string, from: number, to: number): void {
    this.inCell = true;
    let col = 0;
    let type = CellType.Number;
    let style = 0;
    let i = from;
    while (i < to) {
      const c = s.charCodeAt(i);
      if (c <= 32) {
        i++;
        continue;
      }
      const eq = s.indexOf('=', i);
      if (eq === -1 || eq >= to) break;
      let ne = eq;
      while (ne > i && s.charCodeAt(ne - 1) <= 32) ne--;
      let ns = i;
      for (let k = i; k < ne; k++) if (s.charCodeAt(k) === 58) ns = k + 1;
      let q = eq + 1;
      while (q < to && s.charCodeAt(q) <= 32) q++;
      const quote = s.charCodeAt(q);
      if (quote !== 34 && quote !== 39) break;
      const close = s.indexOf(quote === 34 ? '"' : "'", q + 1);
      if (close === -1 || close >= to) break;
      if (ne - ns === 1) {
        const a = s.charCodeAt(ns);
        if (a === 114 /* r */) col = columnAt(s, q + 1, close);
        else if (a === 116 /* t */) type = cellType(s, q + 1, close);
        else if (a === 115 /* s */) style = intAt(s, q + 1, close);
      }
      i = close + 1;
    }
    this.cellCol = col > 0 ? col : this.colCursor + 1;
    this.colCursor = this.cellCol;
    this.cellType = type;
    this.cellStyle = style;
    this.hasFormula = false;
    this.inInline = false;
    this.inPhonetic = false;
    this.vRaw = null;
    this.tRaw = null;
    this.capture = Capture.None;
    this.overflow = false;
  }

  private finishCell(): void {
    this.inCell = false;
    this.capture = Capture.None;
    if (this.vRaw === null && this.tRaw === null && !this.hasFormula) return; // empty (styled) cell
    if (this.cellCol > this.ctx.maxColumns || this.cells.length >= this.ctx.maxColumns) {
      this.stopped = true;
      this.ctx.onTooWide(this.rowNum, this.cellCol);
      return;
    }
    this.cells.push(this.cellValue());
  }

  private cellValue(): CellIn {
    const { ctx } = this;
    let text = '';
    let numeric = false;
    let problem: CellProblem | null = null;
    const v = this.vRaw;
    switch (this.cellType) {
      case CellType.Shared: {
        const index = v === null ? NaN : Number.parseInt(v, 10);
        text = (Number.isInteger(index) ? ctx.sharedString(index) : undefined) ?? '';
        break;
      }
      case CellType.Inline:
        text = decodeXml(this.tRaw ?? v ?? '');
        break;
      case CellType.FormulaString:
        text = decodeXml(v ?? '');
        break;
      case CellType.Boolean:
        if (v !== null && v.trim() !== '') text = v.trim() === '1' || v.trim() === 'true' ? 'TRUE' : 'FALSE';
        break;
      case CellType.Error:
        text = decodeXml(v ?? '').trim() || '#ERROR';
        problem = 'CELL_ERROR';
        break;
      case CellType.Date: {
        const d = decodeXml(v ?? '').trim();
        text = /^\d{4}-\d{2}-\d{2}/.test(d) ? d.slice(0, 10) : d;
        break;
      }
      default: {
        const raw = v === null ? '' : v.trim();
        if (raw !== '') {
          const num = Number(raw);
          if (Number.isFinite(num)) {
            numeric = true;
            text = ctx.isDateStyle(this.cellStyle) ? serialToIsoDate(num, ctx.date1904) : formatNumber(num);
          } else {
            text = decodeXml(raw);
          }
        } else if (this.tRaw !== null) {
          text = decodeXml(this.tRaw); // an inline string without t="inlineStr"
        }
      }
    }
    text = text.trim();
    if (this.hasFormula) problem = 'FORMULA';
    const cell: CellIn = { col: this.cellCol, text, numeric, problem };
    if (problem === null && (this.overflow || text.length > ctx.maxCellChars)) {
      cell.problem = 'CELL_TOO_LONG';
      cell.length = this.overflow ? Math.max(text.length, this.rawLimit) : text.length;
      cell.text = text.slice(0, 50);
    }
    return cell;
  }
}

function isSpace(c: number): boolean {
  return c === 32 || c === 9 || c === 10 || c === 13;
}

/** Local name (namespace prefix dropped) of the tag name in s[from, to). */
function localName(s: string, from: number, to: number): string {
  let end = to;
  while (end > from && isSpace(s.charCodeAt(end - 1))) end--;
  let start = from;
  for (let i = from; i < end; i++) if (s.charCodeAt(i) === 58 /* : */) start = i + 1;
  return s.slice(start, end);
}

/** Index of the '>' ending the start tag that begins at `from`, skipping quoted values. */
function tagEnd(s: string, from: number): number {
  const n = s.length;
  let i = from;
  while (i < n) {
    const c = s.charCodeAt(i);
    if (c === 62 /* > */) return i;
    if (c === 34 /* " */ || c === 39 /* ' */) {
      const q = s.indexOf(c === 34 ? '"' : "'", i + 1);
      if (q === -1) return -1;
      i = q + 1;
    } else i++;
  }
  return -1;
}

/** Value of attribute `name` (matched by local name) in s[from, to), or null. */
function attr(s: string, from: number, to: number, name: string): string | null {
  let i = from;
  while (i < to) {
    while (i < to && isSpace(s.charCodeAt(i))) i++;
    const eq = s.indexOf('=', i);
    if (eq === -1 || eq >= to) return null;
    const attrName = localName(s, i, eq);
    let q = eq + 1;
    while (q < to && isSpace(s.charCodeAt(q))) q++;
    const quote = s.charCodeAt(q);
    if (quote !== 34 && quote !== 39) return null;
    const close = s.indexOf(quote === 34 ? '"' : "'", q + 1);
    if (close === -1 || close >= to) return null;
    if (attrName === name) return decodeXml(s.slice(q + 1, close));
    i = close + 1;
  }
  return null;
}

/** Column of the cell reference in s[from, to) ('AB12' → 28), 0 when it has no letters. */
function columnAt(s: string, from: number, to: number): number {
  let col = 0;
  for (let i = from; i < to; i++) {
    const c = s.charCodeAt(i);
    if (c >= 65 && c <= 90) col = col * 26 + (c - 64);
    else if (c >= 97 && c <= 122) col = col * 26 + (c - 96);
    else if (c !== 36 /* $ */) break;
    if (col > 1e9) break;
  }
  return col;
}

/** Non-negative integer in s[from, to), 0 when there is none. */
function intAt(s: string, from: number, to: number): number {
  let n = 0;
  for (let i = from; i < to; i++) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) break;
    n = n * 10 + (c - 48);
    if (n > 1e9) break;
  }
  return n;
}

/** The t attribute of a cell in s[from, to). */
function cellType(s: string, from: number, to: number): CellType {
  const len = to - from;
  const c0 = s.charCodeAt(from);
  if (len === 1) {
    if (c0 === 115 /* s */) return CellType.Shared;
    if (c0 === 98 /* b */) return CellType.Boolean;
    if (c0 === 101 /* e */) return CellType.Error;
    if (c0 === 100 /* d */) return CellType.Date;
    return CellType.Number;
  }
  if (len === 3 && s.startsWith('str', from)) return CellType.FormulaString;
  if (len === 9 && s.startsWith('inlineStr', from)) return CellType.Inline;
  return CellType.Number;
}

/** 1-based column of a cell reference ('AB12' → 28), 0 when it has no letters. */
export function columnOfRef(ref: string): number {
  return columnAt(ref, 0, ref.length);
}

/** 1-based row of a cell reference ('AB12' → 12), 0 when it has none. */
export function rowOfRef(ref: string): number {
  const m = /(\d+)\s*$/.exec(ref.split(':')[0] ?? '');
  return m?.[1] ? Number.parseInt(m[1], 10) : 0;
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

/** XML entities and OOXML's _xHHHH_ escapes (Excel writes a carriage return as _x000D_). */
export function decodeXml(raw: string): string {
  let s = raw;
  if (s.includes('&')) {
    s = s.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|[a-z]+);/g, (m, e: string) => {
      if (e.charCodeAt(0) === 35 /* # */) {
        const code = e[1] === 'x' ? Number.parseInt(e.slice(2), 16) : Number.parseInt(e.slice(1), 10);
        return code >= 0 && code <= 0x10ffff ? String.fromCodePoint(code) : m;
      }
      return ENTITIES[e] ?? m;
    });
  }
  return decodeOoxmlEscapes(s);
}

export function decodeOoxmlEscapes(s: string): string {
  if (!s.includes('_x')) return s;
  return s.replace(/_x([0-9a-fA-F]{4})_/g, (_m, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)));
}

function escapeXml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;');
}
