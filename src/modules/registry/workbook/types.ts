import type { HOUSEHOLD_SHEET, MEMBER_SHEET } from './columns.js';

export type SheetName = typeof HOUSEHOLD_SHEET | typeof MEMBER_SHEET;

/** One data row of the registry workbook, before any value validation. */
export interface RawRow {
  sheet: SheetName;
  /** Row number as the spreadsheet shows it: the header is row 1. */
  row: number;
  /** Canonical column name → cell text, trimmed; missing or empty cells are ''. */
  values: Record<string, string>;
  /**
   * Canonical column names whose cell was stored as a NUMBER in the .xlsx (an ID number typed as a
   * number has lost its last digits). Always [] for CSV.
   */
  numeric: string[];
  /**
   * Canonical column names of cells the file layer has already reported as an error (formula,
   * error value, too long). The validator may skip its own checks on them to avoid a second,
   * misleading message for the same cell.
   */
  flagged?: string[];
}

/** A problem with the file itself (structure, encoding, cells Excel-specific), not with a value. */
export interface FileIssue {
  severity: 'error' | 'warning';
  sheet: string | null;
  row: number | null;
  column: string | null;
  value: string | null;
  /** Upper-case stable code, e.g. FORMULA, MISSING_COLUMN. */
  code: string;
  /** Chinese, e.g. 第3行「证件号码」单元格（C3）含公式，请粘贴为数值. */
  message: string;
}

export type RegistrySource =
  | { kind: 'xlsx'; path: string }
  | { kind: 'csv'; households: string; members: string };

export interface ReadOptions {
  /** Longest cell text accepted, in characters (default 2000). */
  maxCellChars?: number;
  /** Widest row or header accepted, in columns (default 200). */
  maxColumns?: number;
  /** Largest total uncompressed size of an .xlsx accepted, in bytes (default 4 GiB). */
  maxUncompressedBytes?: number;
}

export interface ResolvedReadOptions {
  maxCellChars: number;
  maxColumns: number;
  maxUncompressedBytes: number;
}

export const DEFAULT_READ_OPTIONS: ResolvedReadOptions = {
  maxCellChars: 2000,
  maxColumns: 200,
  maxUncompressedBytes: 4 * 1024 ** 3,
};

export type ReadItem = RawRow | FileIssue;

export function isFileIssue(x: ReadItem): x is FileIssue {
  return 'severity' in x;
}
