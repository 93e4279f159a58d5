/**
 * From a department file to COPY lines for the staging table, the comparison's bulk path.
 *
 * The staging table has a row number, the file's columns in the file's order (the kind's columns
 * under their keys, 证件号码 as id_number, 姓名 as name, any other column as an unused text column
 * x<i>), and the kind's columns the file lacks at the end (NULL); COPY lists the file's columns
 * first and the row number last. So a line of a plain .csv whose every field is already in its
 * staged form (plainIdAt, canonicalAt) goes to COPY as written with ",<row>" added: no cells, no
 * per-row objects, and a piece of such lines is one replace. Any other line, and every row of an
 * .xlsx, is parsed and checked by parseRow, and rejected rows are counted and listed.
 */
import { csvField } from '../../core/db.js';
import { KIND_SPECS, sqlType, type Kind } from './kinds.js';
import { canonicalAt, parseRow, plainIdAt, type HeaderMap, type ParsedRow, type RowIssue } from './parse.js';
import { TableFileError, type CsvPiece, type TableRow } from './table-reader.js';

const MAX_CELL = 2000;
const MAX_COLS = 200;
const NEEDS_QUOTES = /[",\n\r]/;
const NEWLINE = /\n/g;
const HAS_CR = /\r/;

export interface StageCounts {
  total: number;
  accepted: number;
  rejectedCount: number;
  rejected: RowIssue[];
}

export class Stager {
  /** Staging column per file column (0-based), then the kind's columns the file lacks. */
  readonly fileColumns: string[];
  /** The staging table's columns, for CREATE TABLE (row number, the file's columns, the kind's columns the file lacks). */
  readonly columnsSql: string;
  readonly copyColumns: string[];
  readonly counts: StageCounts = { total: 0, accepted: 0, rejectedCount: 0, rejected: [] };
  private readonly width: number;
  /** Per file column: 0 unused, 1 ID, 2 name, 3 a kind column (spec in `specs`). */
  private readonly role: Uint8Array;
  private readonly specs: (ReturnType<typeof specOf> | null)[];
  /** Today as YYYYMMDD; 0 (no line is plain) when `today` is not YYYY-MM-DD. */
  private readonly todayNum: number;

  constructor(
    private readonly kind: Kind,
    private readonly map: HeaderMap,
    header: string[],
    private readonly today: string,
    private readonly maxListed: number,
    private readonly onProgress?: (rows: number) => void,
  ) {
    const spec = KIND_SPECS[kind].columns;
    this.todayNum = /^\d{4}-\d{2}-\d{2}$/.test(today) ? Number(today.replace(/-/g, '')) : 0;
    this.width = header.length;
    this.role = new Uint8Array(this.width);
    this.specs = new Array<ReturnType<typeof specOf> | null>(this.width).fill(null);
    this.fileColumns = header.map((_, i) => `x${i}`);
    this.role[map.idAt] = 1;
    this.fileColumns[map.idAt] = 'id_number';
    this.role[map.nameAt] = 2;
    this.fileColumns[map.nameAt] = 'name';
    const missing: string[] = [];
    spec.forEach((c, k) => {
      const at = map.specAt[k]!;
      if (at < 0) missing.push(`${c.key} ${sqlType(c.type)}`);
      else {
        this.role[at] = 3;
        this.specs[at] = specOf(c, k);
        this.fileColumns[at] = c.key;
      }
    });
    const typeOf = (i: number) => (this.role[i] === 1 ? 'varchar(18)' : this.role[i] === 3 ? sqlType(this.specs[i]!.spec.type) : 'text');
    this.columnsSql = `row int, ${this.fileColumns.map((c, i) => `${c} ${typeOf(i)}`).concat(missing).join(', ')}`;
    this.copyColumns = [...this.fileColumns, 'row'];
  }

  /** COPY text for one piece of the file (records of an .xlsx or a quoted .csv, or raw .csv lines). */
  piece(p: CsvPiece | { rows: TableRow[] }): string {
    if ('rows' in p) {
      let out = '';
      for (const rec of p.rows) out += this.record(rec);
      return out;
    }
    if ('header' in p) return '';
    return this.lines(p.text, p.firstRow);
  }

  private lines(text: string, firstRow: number): string {
    if (!text) return '';
    if (HAS_CR.test(text)) return this.linesOneByOne(text, firstRow);
    // The usual piece: LF line ends, no blank line, every line plain. Its COPY text is the piece
    // with each line's row number added at its end, made by one replace (a flat string, no
    // per-line concatenation).
    {
      let n = 0;
      let from = 0;
      while (from < text.length) {
        let nl = text.indexOf('\n', from);
        if (nl === -1) nl = text.length;
        if (nl === from || !this.plain(text, from, nl)) break;
        n++;
        from = nl + 1;
      }
      if (from >= text.length) {
        this.ticks(n);
        this.counts.accepted += n;
        let r = firstRow;
        const next = () => ',' + r++ + '\n';
        return (text.charCodeAt(text.length - 1) === 10 ? text : text + '\n').replace(NEWLINE, next);
      }
    }
    return this.linesOneByOne(text, firstRow);
  }

  private linesOneByOne(text: string, firstRow: number): string {
    let out = '';
    let row = firstRow;
    let from = 0;
    while (from < text.length) {
      let nl = text.indexOf('\n', from);
      if (nl === -1) nl = text.length;
      const end = nl > from && text.charCodeAt(nl - 1) === 13 ? nl - 1 : nl;
      const start = from;
      from = nl + 1;
      const r = row++;
      if (end === start) continue;
      if (this.plain(text, start, end)) {
        this.ticks(1);
        this.counts.accepted++;
        out += text.slice(start, end) + ',' + r + '\n';
      } else {
        const cells = splitPlain(text.slice(start, end), r);
        if (cells) out += this.record({ row: r, cells });
      }
    }
    return out;
  }

  /** Every field of the line text[start, end) is in its staged form, and there are exactly `width` of them. */
  private plain(text: string, start: number, end: number): boolean {
    const w = this.width;
    let a = start;
    for (let i = 0; i < w; i++) {
      let b = text.indexOf(',', a);
      if (i === w - 1) {
        if (b !== -1 && b < end) return false;
        b = end;
      } else if (b === -1 || b >= end) return false;
      const role = this.role[i];
      if (role !== 0) {
        if (role === 1) {
          if (!plainIdAt(text, a, b, this.todayNum)) return false;
        } else if (role === 2) {
          if (a === b || !canonicalAt(NAME_SPEC, text, a, b)) return false;
        } else if (!canonicalAt(this.specs[i]!.spec, text, a, b)) return false;
      }
      a = b + 1;
    }
    return true;
  }

  /** Counts `n` more rows, telling onProgress at every 50,000th. */
  private ticks(n: number): void {
    const before = this.counts.total;
    this.counts.total += n;
    if (!this.onProgress) return;
    for (let k = Math.floor(before / 50_000) + 1; k * 50_000 <= this.counts.total; k++) this.onProgress(k * 50_000);
  }

  /** One record through parseRow: a COPY line, or '' when rejected (counted and listed). */
  private record(rec: TableRow): string {
    this.ticks(1);
    const { row, issues } = parseRow(this.kind, this.map, rec, this.today);
    if (!row) {
      this.counts.rejectedCount++;
      for (const i of issues) if (this.counts.rejected.length < this.maxListed) this.counts.rejected.push(i);
      return '';
    }
    this.counts.accepted++;
    return this.line(row);
  }

  private line(p: ParsedRow): string {
    let line = '';
    for (let i = 0; i < this.width; i++) {
      const role = this.role[i];
      let v: string | number | null = null;
      if (role === 1) v = p.idNumber;
      else if (role === 2) v = p.name;
      else if (role === 3) v = p.values[this.specs[i]!.k]!;
      if (i > 0) line += ',';
      if (v === null) continue;
      if (typeof v === 'number') line += v;
      else line += v === '' || NEEDS_QUOTES.test(v) || v.trim() !== v ? csvField(v) : v;
    }
    return line + ',' + p.row + '\n';
  }
}

const NAME_SPEC = { header: '姓名', key: 'name', type: 'enum' as const, required: true };

function specOf(spec: (typeof KIND_SPECS)[Kind]['columns'][number], k: number) {
  return { spec, k };
}

/**
 * A line without quotes as the RFC 4180 reader gives it: fields split at commas, trimmed, a field
 * over MAX_CELL characters cut to its first 50 (then rejected as it is no valid value), more than
 * MAX_COLS filled columns a file error; null for a blank record (no filled field), which is skipped.
 */
function splitPlain(line: string, row: number): string[] | null {
  const raw = line.split(',');
  let filled = false;
  const cells = raw.map((f, i) => {
    const field = f.length > MAX_CELL + 1 ? f.slice(0, MAX_CELL + 1) : f;
    let text = field.trim();
    if (f.length > MAX_CELL && text.length > MAX_CELL) text = text.slice(0, 50);
    if (text !== '') {
      if (i >= MAX_COLS) throw new TableFileError('TOO_MANY_COLUMNS', `第${row}行超过 ${MAX_COLS} 列`);
      filled = true;
    }
    return text;
  });
  return filled ? cells : null;
}
