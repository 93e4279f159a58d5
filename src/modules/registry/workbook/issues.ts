import type { FileIssue } from './types.js';

/** Stable codes of the file layer. The validator of values has its own. */
export type FileIssueCode =
  | 'FILE_NOT_FOUND'
  | 'READ_ERROR'
  | 'EMPTY_FILE'
  | 'NOT_XLSX'
  | 'UNSUPPORTED_FORMAT'
  | 'CORRUPT_FILE'
  | 'FILE_TOO_LARGE'
  | 'MISSING_SHEET'
  | 'DUPLICATE_SHEET'
  | 'EXTRA_SHEET'
  | 'EMPTY_SHEET'
  | 'MISSING_COLUMN'
  | 'DUPLICATE_COLUMN'
  | 'EXTRA_COLUMN'
  | 'VALUE_WITHOUT_HEADER'
  | 'TOO_MANY_COLUMNS'
  | 'FORMULA'
  | 'CELL_ERROR'
  | 'CELL_TOO_LONG'
  | 'MERGED_CELLS'
  | 'ENCODING'
  | 'UNTERMINATED_QUOTE';

export interface IssueAt {
  sheet?: string | null;
  row?: number | null;
  column?: string | null;
  value?: string | null;
}

export function fileError(code: FileIssueCode, message: string, at: IssueAt = {}): FileIssue {
  return make('error', code, message, at);
}

export function fileWarning(code: FileIssueCode, message: string, at: IssueAt = {}): FileIssue {
  return make('warning', code, message, at);
}

function make(severity: FileIssue['severity'], code: FileIssueCode, message: string, at: IssueAt): FileIssue {
  return {
    severity,
    sheet: at.sheet ?? null,
    row: at.row ?? null,
    column: at.column ?? null,
    value: at.value ?? null,
    code,
    message,
  };
}

/** Shortens a value for an issue (the whole cell may be megabytes). */
export function preview(text: string, max = 50): string {
  return text.length > max ? text.slice(0, max) : text;
}

/** Column letters of a 1-based column index: 1 → A, 27 → AA. */
export function columnLetters(col: number): string {
  let n = col;
  let s = '';
  while (n > 0) {
    const r = (n - 1) % 26;
    s = String.fromCharCode(65 + r) + s;
    n = Math.floor((n - 1) / 26);
  }
  return s;
}
