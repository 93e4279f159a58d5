/**
 * From cells to RawRows: header matching and row assembly, shared by the .xlsx and .csv readers.
 */
import { columnsOf, normalizeHeader, type ColumnDef } from './columns.js';
import { columnLetters, fileError, fileWarning, preview } from './issues.js';
import type { FileIssue, RawRow, ReadItem, SheetName } from './types.js';

export type CellProblem = 'FORMULA' | 'CELL_ERROR' | 'CELL_TOO_LONG';

/** One cell as a file reader sees it. */
export interface CellIn {
  /** 1-based column index. */
  col: number;
  /**
   * Trimmed text. For CELL_TOO_LONG its first 50 characters; for CELL_ERROR the error value
   * (#N/A); for FORMULA the cached result.
   */
  text: string;
  /** Stored as a number (xlsx only). */
  numeric: boolean;
  problem: CellProblem | null;
  /** Length of the text before it was cut, for CELL_TOO_LONG. */
  length?: number;
}

export class SheetAssembler {
  /** Column index → canonical name; null until the header row is read. */
  private header: (string | undefined)[] | null = null;
  private headerRow = 0;
  private readonly columns: ColumnDef[];
  private readonly blank: Record<string, string>;
  private readonly warnedColumns = new Set<number>();
  /** Columns with a header that is ignored (not in the template, or a duplicate). */
  private readonly ignoredColumns = new Set<number>();
  /** A structural error ends the sheet. */
  stopped = false;

  /**
   * @param cellRefs whether messages name cells by reference (C3): for .xlsx, not for .csv
   */
  constructor(
    readonly sheet: SheetName,
    private readonly maxCellChars: number,
    private readonly cellRefs: boolean,
  ) {
    this.columns = columnsOf(sheet);
    this.blank = Object.fromEntries(this.columns.map((c) => [c.name, '']));
  }

  /** Canonical column name at a 1-based column index, once the header is known. */
  columnAt(col: number): string | null {
    return this.header?.[col] ?? null;
  }

  get hasHeader(): boolean {
    return this.header !== null;
  }

  /** Takes one row of the file (in file order); pushes RawRows and issues to `out`. */
  row(rowNum: number, cells: CellIn[], out: ReadItem[]): void {
    if (this.stopped) return;
    if (this.header === null) {
      if (cells.some((c) => c.text !== '')) this.readHeader(rowNum, cells, out);
      return;
    }
    this.readData(rowNum, cells, out);
  }

  /** End of the sheet: a sheet without a header row is an error. */
  finish(out: ReadItem[]): void {
    if (this.header === null && !this.stopped) {
      out.push(
        fileError('EMPTY_SHEET', `工作表「${this.sheet}」是空的：第1行应为表头（${this.requiredList()}）`, {
          sheet: this.sheet,
          row: 1,
        }),
      );
    }
  }

  private requiredList(): string {
    return this.columns
      .filter((c) => c.required)
      .map((c) => c.name)
      .join('、');
  }

  private readHeader(rowNum: number, cells: CellIn[], out: ReadItem[]): void {
    const known = new Map(this.columns.map((c) => [c.name, c]));
    const header: (string | undefined)[] = [];
    const firstRef = new Map<string, string>();
    for (const cell of cells) {
      const raw = cell.text;
      const name = normalizeHeader(raw);
      if (name === '') continue;
      const ref = columnLetters(cell.col) + rowNum;
      if (!known.has(name)) {
        this.ignoredColumns.add(cell.col);
        out.push(
          fileWarning('EXTRA_COLUMN', `「${this.sheet}」的列「${preview(raw)}」（${ref}）不是模板中的列，已忽略`, {
            sheet: this.sheet,
            row: rowNum,
            column: preview(raw),
            value: preview(raw),
          }),
        );
        continue;
      }
      const seen = firstRef.get(name);
      if (seen !== undefined) {
        this.ignoredColumns.add(cell.col);
        out.push(
          fileError('DUPLICATE_COLUMN', `「${this.sheet}」的列「${name}」出现了两次（${seen}、${ref}），请删除其中一列`, {
            sheet: this.sheet,
            row: rowNum,
            column: name,
            value: preview(raw),
          }),
        );
        continue;
      }
      firstRef.set(name, ref);
      header[cell.col] = name;
    }
    const missing = this.columns.filter((c) => c.required && !firstRef.has(c.name));
    for (const c of missing) {
      out.push(
        fileError('MISSING_COLUMN', `「${this.sheet}」缺少必填列「${c.name}」（表头在第${rowNum}行）`, {
          sheet: this.sheet,
          row: rowNum,
          column: c.name,
        }),
      );
    }
    this.header = header;
    this.headerRow = rowNum;
    if (missing.length > 0) this.stopped = true;
  }

  private readData(rowNum: number, cells: CellIn[], out: ReadItem[]): void {
    const header = this.header ?? [];
    let any = false;
    for (const cell of cells) {
      if (cell.text !== '' && header[cell.col] !== undefined) {
        any = true;
        break;
      }
    }
    if (!any) {
      for (const cell of cells) if (cell.text !== '') this.warnUnnamed(cell, rowNum, out);
      return; // a blank row, or data only in ignored columns
    }
    const values: Record<string, string> = { ...this.blank };
    const numeric: string[] = [];
    let flagged: string[] | undefined;
    for (const cell of cells) {
      const name = header[cell.col];
      if (name === undefined) {
        if (cell.text !== '') this.warnUnnamed(cell, rowNum, out);
        continue;
      }
      if (cell.problem !== null) {
        out.push(this.cellIssue(cell, name, rowNum));
        (flagged ??= []).push(name);
        values[name] = cell.problem === 'FORMULA' ? cell.text : '';
      } else {
        values[name] = cell.text;
      }
      if (cell.numeric) numeric.push(name);
    }
    const row: RawRow = { sheet: this.sheet, row: rowNum, values, numeric };
    if (flagged) row.flagged = flagged;
    out.push(row);
  }

  private warnUnnamed(cell: CellIn, rowNum: number, out: ReadItem[]): void {
    if (this.warnedColumns.has(cell.col)) return;
    this.warnedColumns.add(cell.col);
    // a column whose header is ignored was reported already (EXTRA_COLUMN, DUPLICATE_COLUMN)
    if (this.ignoredColumns.has(cell.col)) return;
    const letters = columnLetters(cell.col);
    out.push(
      fileWarning('VALUE_WITHOUT_HEADER', `「${this.sheet}」第${letters}列有数据但没有表头（第${rowNum}行起），已忽略`, {
        sheet: this.sheet,
        row: rowNum,
        value: preview(cell.text),
      }),
    );
  }

  private cellIssue(cell: CellIn, name: string, rowNum: number): FileIssue {
    const at = { sheet: this.sheet, row: rowNum, column: name, value: preview(cell.text) };
    const where = this.cellRefs
      ? `第${rowNum}行「${name}」单元格（${columnLetters(cell.col)}${rowNum}）`
      : `第${rowNum}行「${name}」`;
    switch (cell.problem) {
      case 'FORMULA':
        return fileError('FORMULA', `${where}含公式，请复制后“选择性粘贴为数值”再导入`, at);
      case 'CELL_ERROR':
        return fileError('CELL_ERROR', `${where}是错误值 ${preview(cell.text)}，请改为正确的内容`, at);
      default:
        return fileError(
          'CELL_TOO_LONG',
          `${where}内容过长（${cell.length ?? cell.text.length} 个字符，最多 ${this.maxCellChars} 个）`,
          at,
        );
    }
  }

  /** Header row number, 0 before the header. */
  get headerRowNumber(): number {
    return this.headerRow;
  }
}
