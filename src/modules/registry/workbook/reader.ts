/**
 * The registry workbook as a stream of raw rows and file issues (DOMAIN.md: sheets 户信息 and
 * 家庭成员, in one .xlsx or two .csv files). Structure only: values are checked by the validator.
 *
 *   for await (const x of readRegistryRows(src)) {
 *     if ('severity' in x) issues.push(x); else rows.push(x);
 *   }
 *
 * Rows and issues come in file order (sheet by sheet as the file has them). A structural error
 * ends its sheet (or the file, when it cannot be read at all); reading never throws for bad input
 * and never waits forever.
 */
import { extname } from 'node:path';
import { HOUSEHOLD_SHEET, MEMBER_SHEET } from './columns.js';
import { readCsvRows } from './csv-reader.js';
import { DEFAULT_READ_OPTIONS, type ReadItem, type ReadOptions, type RegistrySource, type ResolvedReadOptions, type SheetName } from './types.js';
import { readXlsxRows } from './xlsx-reader.js';

export type {
  FileIssue,
  RawRow,
  ReadItem,
  ReadOptions,
  RegistrySource,
  SheetName,
} from './types.js';
export { isFileIssue } from './types.js';

function resolved(opts: ReadOptions): ResolvedReadOptions {
  return {
    maxCellChars: opts.maxCellChars ?? DEFAULT_READ_OPTIONS.maxCellChars,
    maxColumns: opts.maxColumns ?? DEFAULT_READ_OPTIONS.maxColumns,
    maxUncompressedBytes: opts.maxUncompressedBytes ?? DEFAULT_READ_OPTIONS.maxUncompressedBytes,
  };
}

export async function* readRegistryRows(src: RegistrySource, opts: ReadOptions = {}): AsyncGenerator<ReadItem> {
  const o = resolved(opts);
  if (src.kind === 'xlsx') {
    yield* readXlsxRows(src.path, o);
  } else {
    yield* readCsvRows(src.households, HOUSEHOLD_SHEET, o);
    yield* readCsvRows(src.members, MEMBER_SHEET, o);
  }
}

/**
 * One sheet of a CSV pair: exactly what readRegistryRows yields for that sheet's file (the two
 * files are independent, so they can be read side by side).
 */
export async function* readCsvSheet(src: Extract<RegistrySource, { kind: 'csv' }>, sheet: SheetName, opts: ReadOptions = {}): AsyncGenerator<ReadItem> {
  yield* readCsvRows(sheet === HOUSEHOLD_SHEET ? src.households : src.members, sheet, resolved(opts));
}

export type SourceKind = 'xlsx' | 'csv' | 'xls' | 'unknown';

/** The kind of a file by its extension (.xlsx, .csv; .xls and .et are told apart to refuse them). */
export function detectSourceKind(path: string): SourceKind {
  switch (extname(path).toLowerCase()) {
    case '.xlsx':
    case '.xlsm':
      return 'xlsx';
    case '.csv':
    case '.txt':
      return 'csv';
    case '.xls':
    case '.et':
      return 'xls';
    default:
      return 'unknown';
  }
}

/** The paths given cannot make a registry source (a usage error, not a file problem). */
export class RegistrySourceError extends Error {
  readonly code = 'BAD_SOURCE';
  constructor(message: string) {
    super(message);
    this.name = 'RegistrySourceError';
  }
}

/**
 * The source for the files a user gave: one .xlsx, or two .csv (households first, members
 * second). Anything else throws RegistrySourceError (the caller's arguments, not file content).
 * An .xls goes through as 'xlsx' so that reading it reports UNSUPPORTED_FORMAT with the advice.
 */
export function sourceFromPaths(paths: string[]): RegistrySource {
  const [first, second] = paths;
  if (paths.length === 1 && first !== undefined && detectSourceKind(first) !== 'csv') {
    return { kind: 'xlsx', path: first };
  }
  if (paths.length === 2 && first !== undefined && second !== undefined) {
    return { kind: 'csv', households: first, members: second };
  }
  throw new RegistrySourceError('请给出一个 .xlsx 文件，或两个 .csv 文件（先户信息，后家庭成员）');
}
