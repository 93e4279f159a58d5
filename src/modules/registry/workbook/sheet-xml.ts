/**
 * A streaming scanner for worksheet XML (xl/worksheets/sheetN.xml): rows, cells and merged
 * ranges, nothing else. Cells are turned into text as Excel shows them (shared, inline,
 * formula-type and rich text strings, numbers, booleans, dates by their number format); formula
 * cells, error values and over-long text are marked as problems. At most `maxColumns` cells of a
 * row are kept, and a value past that column stops the sheet at once, so a row of a million
 * cells costs nothing. (exceljs's WorksheetReader ignores merged cells, builds every row whole
 * however wide, and reads ~18k rows/s.)
 */
import { formatNumber, serialToIsoDate } from './cell-format.js';
import type { CellIn, CellProblem } from './rows.js';
import { XmlTokenizer, attr, decodeXml, eachAttribute, isName, localStart, nameEnd as tagNameEnd } from './xml-tokenizer.js';

export interface SheetXmlContext {
  /** Text of shared string `index`, undefined when out of range. */
  sharedString(index: number): string | undefined;
  /** Length of shared string `index` before it was stored cut (over maxCellChars), if it was. */
  sharedStringLength(index: number): number | undefined;
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

export class SheetXmlScanner extends XmlTokenizer {
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
    super();
    // entities make raw text longer than its value: past this the value is too long for sure
    this.rawLimit = ctx.maxCellChars * 10 + 64;
  }

  protected onMalformed(detail: string): void {
    this.ctx.onMalformed(detail);
  }

  protected text(s: string, from: number, to: number): void {
    if (this.capture === Capture.None || this.overflow) return;
    const piece = s.slice(from, to);
    if (this.capture === Capture.Value) this.vRaw = (this.vRaw ?? '') + piece;
    else this.tRaw = (this.tRaw ?? '') + piece;
    if ((this.vRaw?.length ?? 0) + (this.tRaw?.length ?? 0) > this.rawLimit) this.overflow = true;
  }

  protected open(s: string, from: number, to: number, selfClosing: boolean, after: number): number | void {
    // the local name (namespace prefix dropped), compared without making a string
    const nameEnd = tagNameEnd(s, from, to);
    const start = localStart(s, from, nameEnd);
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
      else return this.simpleValue(s, after);
    } else if (isName(s, start, nameEnd, 'row')) {
      if (!this.inSheetData) return;
      this.startRow(attr(s, nameEnd, to, 'r'));
      if (selfClosing) this.finishRow();
    } else if (isName(s, start, nameEnd, 'sheetData')) {
      this.inSheetData = !selfClosing;
    } else if (isName(s, start, nameEnd, 'mergeCell')) {
      const ref = attr(s, nameEnd, to, 'ref');
      if (ref) this.ctx.onMerge(ref);
    }
  }

  /**
   * Fast path for the usual cell body, `<v>…</v></c>` with no markup inside the value: read at
   * once instead of as four events. Anything else (or a body cut by the end of the chunk) goes
   * the general way.
   */
  private simpleValue(s: string, at: number): number | void {
    if (!s.startsWith('<v>', at)) return;
    const lt = s.indexOf('<', at + 3);
    if (lt === -1 || !s.startsWith('</v></c>', lt)) return;
    if (lt - at - 3 > this.rawLimit) return;
    this.vRaw = s.slice(at + 3, lt);
    this.finishCell();
    return lt + 8;
  }

  protected close(s: string, from: number, to: number): void {
    const end = tagNameEnd(s, from, to);
    const start = localStart(s, from, end);
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
    } else if (isName(s, start, end, 'sheetData')) {
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

  // The <c> tag being read; one bound callback for every cell (no closure per cell).
  private attrSrc = '';
  private attrCol = 0;
  private attrType = CellType.Number;
  private attrStyle = 0;
  private readonly onCellAttribute = (ns: number, ne: number, vs: number, ve: number): void => {
    if (ne - ns !== 1) return;
    const s = this.attrSrc;
    const a = s.charCodeAt(ns);
    if (a === 114 /* r */) this.attrCol = columnAt(s, vs, ve);
    else if (a === 116 /* t */) this.attrType = cellType(s, vs, ve);
    else if (a === 115 /* s */) this.attrStyle = intAt(s, vs, ve);
  };

  /** Reads the attributes r, t and s of a <c> tag in one pass over s[from, to). */
  private startCell(s: string, from: number, to: number): void {
    this.inCell = true;
    this.attrSrc = s;
    this.attrCol = 0;
    this.attrType = CellType.Number;
    this.attrStyle = 0;
    eachAttribute(s, from, to, this.onCellAttribute);
    const col = this.attrCol;
    const type = this.attrType;
    const style = this.attrStyle;
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
    let realLength: number | undefined;
    const v = this.vRaw;
    switch (this.cellType) {
      case CellType.Shared: {
        const index = v === null ? NaN : Number.parseInt(v, 10);
        text = (Number.isInteger(index) ? ctx.sharedString(index) : undefined) ?? '';
        if (text.length > ctx.maxCellChars) realLength = ctx.sharedStringLength(index);
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
      cell.length = realLength ?? (this.overflow ? Math.max(text.length, this.rawLimit) : text.length);
      cell.text = text.slice(0, 50);
    }
    return cell;
  }
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
