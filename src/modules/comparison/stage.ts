/**
 * From a department file to COPY lines for the staging table, the comparison's bulk path.
 *
 * The staging table has the file's columns in the file's order (the kind's columns under their
 * keys, 证件号码 as id_number, 姓名 as name, any other column as an unused text column x<i>)
 * behind a row number, and the kind's columns the file lacks at the end (NULL). So a line of a
 * plain .csv whose every field is already in its staged form (isPlainId, isCanonical) goes to COPY
 * as written, behind its row number: no cells, no per-row objects. Any other line, and every row
 * of an .xlsx, is parsed and checked by parseRow, and rejected rows are counted and listed.
 */
import { csvField } from '../../core/db.js';
import { KIND_SPECS, sqlType, type Kind } from './kinds.js';
import { isCanonical, isPlainId, parseRow, type HeaderMap, type ParsedRow, type RowIssue } from './parse.js';
import { TableFileError, type CsvPiece, type TableRow } from './table-reader.js';

const MAX_CELL = 2000;
const MAX_COLS = 200;
const NEEDS_QUOTES = /[",\n\r]/;

export interface StageCounts {
  total: number;
  accepted: number;
  rejectedCount: number;
  rejected: RowIssue[];
}

export class Stager {
  /** Staging column per file column (0-based), then the kind's columns the file lacks. */
  readonly fileColumns: string[];
  readonly createSql: string;
  readonly copyColumns: string[];
  readonly counts: StageCounts = { total: 0, accepted: 0, rejectedCount: 0, rejected: [] };
  private readonly width: number;
  /** Per file column: 0 unused, 1 ID, 2 name, 3 a kind column (spec in `specs`). */
  private readonly role: Uint8Array;
  private readonly specs: (ReturnType<typeof specOf> | null)[];

  constructor(
    private readonly kind: Kind,
    private readonly map: HeaderMap,
    header: string[],
    private readonly today: string,
    private readonly maxListed: number,
    private readonly onProgress?: (rows: number) => void,
  ) {
    const spec = KIND_SPECS[kind].columns;
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
    this.createSql = `CREATE TEMP TABLE cmp_stage (row int, ${this.fileColumns.map((c, i) => `${c} ${typeOf(i)}`).concat(missing).join(', ')}) ON COMMIT DROP`;
    this.copyColumns = ['row', ...this.fileColumns];
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
    let out = '';
    let row = firstRow;
    const w = this.width;
    let from = 0;
    while (from < text.length) {
      let nl = text.indexOf('\n', from);
      if (nl === -1) nl = text.length;
      const end = nl > from && text.charCodeAt(nl - 1) === 13 ? nl - 1 : nl;
      const line = text.slice(from, end);
      from = nl + 1;
      const r = row++;
      if (line.length === 0) continue;
      if (this.plain(line, w)) {
        this.tick();
        this.counts.accepted++;
        out += r + ',' + line + '\n';
      } else {
        const cells = splitPlain(line, r);
        if (cells) out += this.record({ row: r, cells });
      }
    }
    return out;
  }

  /** Every field of a plain line is in its staged form, and there are exactly `w` of them. */
  private plain(line: string, w: number): boolean {
    let start = 0;
    for (let i = 0; i < w; i++) {
      let end = line.indexOf(',', start);
      if (i === w - 1) {
        if (end !== -1) return false;
        end = line.length;
      } else if (end === -1) return false;
      const role = this.role[i];
      if (role !== 0) {
        const f = line.slice(start, end);
        if (role === 1) {
          if (!isPlainId(f, this.today)) return false;
        } else if (role === 2) {
          if (f === '' || !isCanonical(NAME_SPEC, f)) return false;
        } else if (!isCanonical(this.specs[i]!.spec, f)) return false;
      }
      start = end + 1;
    }
    return true;
  }

  private tick(): void {
    this.counts.total++;
    if (this.onProgress && this.counts.total % 50_000 === 0) this.onProgress(this.counts.total);
  }

  /** One record through parseRow: a COPY line, or '' when rejected (counted and listed). */
  private record(rec: TableRow): string {
    this.tick();
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
    let line = String(p.row);
    for (let i = 0; i < this.width; i++) {
      const role = this.role[i];
      let v: string | number | null = null;
      if (role === 1) v = p.idNumber;
      else if (role === 2) v = p.name;
      else if (role === 3) v = p.values[this.specs[i]!.k]!;
      if (v === null) line += ',';
      else if (typeof v === 'number') line += ',' + v;
      else line += ',' + (v === '' || NEEDS_QUOTES.test(v) || v.trim() !== v ? csvField(v) : v);
    }
    return line + '\n';
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
