/**
 * Reading the registry workbook from an .xlsx, streaming.
 *
 * 1. The zip's central directory (zip.ts) refuses at once a file that is not an .xlsx, is
 *    truncated (the directory is at its end) or would inflate past the size limit.
 * 2. exceljs's streaming WorkbookReader reads the workbook structure: sheet names, their
 *    relationships, the styles (number formats, to tell dates) and the 1904 date system. It is
 *    handed just those parts (checked, in memory): given a whole file, it copies every sheet
 *    that precedes the workbook parts in the zip to a temporary file first (Excel writes the
 *    shared strings after the sheets, exceljs the workbook last).
 * 3. The shared strings (shared-strings.ts) and then each registry sheet, in tab order, are
 *    inflated straight from the file and scanned (sheet-xml.ts): exceljs's WorksheetReader
 *    ignores merged cells, builds every row whole however wide, and reads ~18k rows/s.
 *
 * Every part read is checked against its size and CRC (unzipper, under exceljs, checks none),
 * and every await on exceljs races a signal that fails on the first error of its internal unzip
 * stream: a damaged file ends in CORRUPT_FILE, never in an unhandled 'error' event, a thrown
 * exception or a generator waiting forever.
 */
import { open, type FileHandle } from 'node:fs/promises';
import { posix } from 'node:path';
import ExcelJS from 'exceljs';
import { isDateFormat } from './cell-format.js';
import { HOUSEHOLD_SHEET, MEMBER_SHEET } from './columns.js';
import { columnLetters, fileError, fileWarning, type FileIssueCode } from './issues.js';
import { SheetAssembler } from './rows.js';
import { StringTable, loadSharedStrings } from './shared-strings.js';
import { SheetXmlScanner, columnOfRef, rowOfRef } from './sheet-xml.js';
import type { FileIssue, ReadItem, ResolvedReadOptions, SheetName } from './types.js';
import { PlannedZipStream, ZipFormatError, entryContent, readEntry, readZipDirectory, type PlannedPart, type ZipEntry } from './zip.js';

/** What exceljs's WorkbookReader exposes at run time (its typings declare little of it). */
interface ReaderInternals {
  parse(): AsyncIterator<unknown>;
  model?: { sheets?: { name?: string; id?: number; rId?: string }[] };
  workbookRels?: { Id?: string; Target?: string }[];
  properties?: { model?: { date1904?: boolean } };
  styles?: {
    model?: { styles?: { numFmtId?: number }[] };
    index?: { numFmt?: (string | undefined)[] };
  };
}

/** What the workbook says, as the sheet reader needs it. */
interface WorkbookInfo {
  sheets: { name: string; entry: ZipEntry | undefined }[];
  isDateStyle(styleIndex: number): boolean;
  date1904: boolean;
}

const SHEETS: SheetName[] = [HOUSEHOLD_SHEET, MEMBER_SHEET];

const OLE_SIGNATURE = Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]);

const MSG = {
  notXlsx: '文件不是有效的 .xlsx 工作簿，请用 Excel 或 WPS 打开后“另存为” Excel 工作簿（.xlsx）再导入',
  ole:
    '文件是旧版 Excel 97-2003 工作簿（.xls）或设置了打开密码，无法读取；' +
    '请在 Excel 或 WPS 中“另存为” Excel 工作簿（.xlsx，不设密码）后再导入',
  empty: '文件是空的（0 字节）',
};

function fatal(code: FileIssueCode, message: string): FileIssue {
  return fileError(code, message);
}

function corrupt(detail: string): FileIssue {
  return fatal('CORRUPT_FILE', `文件已损坏或不完整（${detail}），请重新保存后再上传`);
}

/** The issue for an error while reading the zip or its parts. */
function zipIssue(err: unknown): FileIssue {
  return err instanceof ZipFormatError && err.code !== 'CORRUPT_FILE' ? fatal(err.code, err.message) : corrupt(describe(err));
}

function describe(err: unknown): string {
  const m = err instanceof Error ? err.message : String(err);
  const code = (err as NodeJS.ErrnoException | null)?.code;
  if (/FILE_ENDED|unexpected end of file|premature/i.test(m)) return '文件在中途结束';
  if ((typeof code === 'string' && code.startsWith('Z_')) || /invalid signature/i.test(m)) return '压缩数据无效';
  return m.length > 200 ? m.slice(0, 200) : m;
}

/**
 * The first error of the file or of exceljs's streams, raced against every await on exceljs.
 * (Not Promise.race with one long-lived promise: each race would leave a reaction on it holding
 * its result, every chunk of the file.)
 */
class FailureSignal {
  private error: Error | null = null;
  private readonly waiting = new Set<(err: Error) => void>();

  readonly fail = (err: unknown): void => {
    if (this.error) return;
    this.error = err instanceof Error ? err : new Error(String(err));
    for (const reject of this.waiting) reject(this.error);
    this.waiting.clear();
  };

  race<T>(p: Promise<T>): Promise<T> {
    if (this.error) {
      p.catch(() => undefined);
      return Promise.reject(this.error);
    }
    return new Promise<T>((resolve, reject) => {
      this.waiting.add(reject);
      p.then(
        (v) => {
          this.waiting.delete(reject);
          resolve(v);
        },
        (err: unknown) => {
          this.waiting.delete(reject);
          reject(err);
        },
      );
    });
  }
}

/** Opens the file and checks its signature; a FileIssue when it is not a zip worth reading. */
async function openChecked(path: string): Promise<{ fh: FileHandle; size: number } | FileIssue> {
  let fh: FileHandle;
  try {
    fh = await open(path, 'r');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return code === 'ENOENT'
      ? fatal('FILE_NOT_FOUND', `找不到文件：${path}`)
      : fatal('READ_ERROR', `无法读取文件（${code ?? describe(err)}）`);
  }
  try {
    const { size } = await fh.stat();
    if (size === 0) {
      await fh.close();
      return fatal('EMPTY_FILE', MSG.empty);
    }
    const head = Buffer.alloc(Math.min(8, size));
    await fh.read(head, 0, head.length, 0);
    let issue: FileIssue | null = null;
    if (head.length === 8 && head.equals(OLE_SIGNATURE)) issue = fatal('UNSUPPORTED_FORMAT', MSG.ole);
    else if (head.length < 4 || head.readUInt32LE(0) !== 0x04034b50) issue = fatal('NOT_XLSX', MSG.notXlsx);
    if (issue) {
      await fh.close();
      return issue;
    }
    return { fh, size };
  } catch (err) {
    await fh.close().catch(() => undefined);
    return fatal('READ_ERROR', `无法读取文件（${describe(err)}）`);
  }
}

/** Entries by their normalised name (no leading '/', lower case). */
function byName(entries: ZipEntry[]): Map<string, ZipEntry> {
  const map = new Map<string, ZipEntry>();
  for (const e of entries) map.set(e.name.replace(/^\/+/, '').toLowerCase(), e);
  return map;
}

function checkEntry(entry: ZipEntry): FileIssue | null {
  if ((entry.flags & 0x01) !== 0) return fatal('UNSUPPORTED_FORMAT', MSG.ole);
  if (entry.method !== 0 && entry.method !== 8) {
    return fatal('UNSUPPORTED_FORMAT', `文件使用了不支持的压缩方式（${entry.method}），请用 Excel 或 WPS 重新保存为 .xlsx`);
  }
  return null;
}

/** Reads the workbook structure with exceljs; a FileIssue when it cannot. */
async function readWorkbook(path: string, fh: FileHandle, entries: Map<string, ZipEntry>): Promise<WorkbookInfo | FileIssue> {
  const workbook = entries.get('xl/workbook.xml');
  if (!workbook) return fatal('NOT_XLSX', MSG.notXlsx);
  const rels = entries.get('xl/_rels/workbook.xml.rels');
  if (!rels) return corrupt('缺少 xl/_rels/workbook.xml.rels');
  const styles = entries.get('xl/styles.xml');
  const wanted = [
    { entry: workbook, name: 'xl/workbook.xml' },
    { entry: rels, name: 'xl/_rels/workbook.xml.rels' },
    ...(styles ? [{ entry: styles, name: 'xl/styles.xml' }] : []),
  ];
  const parts: PlannedPart[] = [];
  for (const { entry, name } of wanted) {
    const bad = checkEntry(entry);
    if (bad) return bad;
    if (entry.uncompressedSize > 64 * 1024 * 1024) return corrupt(`${entry.name} 过大`);
    try {
      parts.push({ name, content: await readEntry(path, fh, entry) });
    } catch (err) {
      return zipIssue(err);
    }
  }
  const failure = new FailureSignal();
  const source = new PlannedZipStream(parts, (unzip) => unzip.on('error', failure.fail));
  source.on('error', failure.fail);
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(source, {
    worksheets: 'emit',
    sharedStrings: 'cache',
    hyperlinks: 'ignore',
    styles: 'cache', // number formats: a date cell becomes YYYY-MM-DD
    entries: 'ignore',
  }) as unknown as ReaderInternals;
  try {
    const events = reader.parse();
    while (!(await failure.race(events.next())).done) {
      // the parts hold no sheet: exceljs only reads the workbook, relationships and styles
    }
  } catch (err) {
    return zipIssue(err);
  } finally {
    source.destroy();
  }
  // exceljs's sax parsing never closes the document: a cut-off workbook.xml just leaves no model
  if (!reader.model) return corrupt('工作簿结构 xl/workbook.xml 不完整');
  if (styles && !reader.styles?.model) return corrupt('样式表 xl/styles.xml 不完整');
  const targets = new Map<string, string>();
  for (const r of reader.workbookRels ?? []) if (r.Id && r.Target) targets.set(r.Id, r.Target);
  const sheets = (reader.model?.sheets ?? []).map((s) => {
    const target = (s.rId && targets.get(s.rId)) || `worksheets/sheet${s.id ?? ''}.xml`;
    const resolved = target.startsWith('/') ? target.slice(1) : posix.join('xl', target);
    return { name: s.name ?? '', entry: entries.get(posix.normalize(resolved).toLowerCase()) };
  });
  const xfs = reader.styles?.model?.styles ?? [];
  const fmtCodes = reader.styles?.index?.numFmt ?? [];
  const dateStyles = new Map<number, boolean>();
  return {
    sheets,
    date1904: reader.properties?.model?.date1904 === true,
    isDateStyle(s) {
      let d = dateStyles.get(s);
      if (d === undefined) {
        const id = xfs[s]?.numFmtId ?? 0;
        d = id !== 0 && isDateFormat(id, fmtCodes[id]);
        dateStyles.set(s, d);
      }
      return d;
    },
  };
}

export async function* readXlsxRows(path: string, opts: ResolvedReadOptions): AsyncGenerator<ReadItem> {
  const opened = await openChecked(path);
  if ('severity' in opened) {
    yield opened;
    return;
  }
  const { fh, size } = opened;
  try {
    let list: ZipEntry[];
    try {
      list = await readZipDirectory(fh, size);
    } catch (err) {
      yield err instanceof ZipFormatError ? zipIssue(err) : fatal('READ_ERROR', `无法读取文件（${describe(err)}）`);
      return;
    }
    const entries = byName(list);
    const info = await readWorkbook(path, fh, entries);
    if ('severity' in info) {
      yield info;
      return;
    }
    // which sheets to read; the others are named in tab order as they come
    const plan: { name: string; target: SheetName | null; duplicate: boolean; entry: ZipEntry | undefined }[] = [];
    const seen = new Set<SheetName>();
    for (const s of info.sheets) {
      const target = SHEETS.find((t) => t === s.name.trim()) ?? null;
      plan.push({ ...s, target, duplicate: target !== null && seen.has(target) });
      if (target) seen.add(target);
    }
    const strings = entries.get('xl/sharedstrings.xml');
    const toRead = [...plan.flatMap((p) => (p.target && !p.duplicate && p.entry ? [p.entry] : [])), ...(strings ? [strings] : [])];
    let total = 0;
    for (const e of toRead) {
      const bad = checkEntry(e);
      if (bad) {
        yield bad;
        return;
      }
      total += e.uncompressedSize;
    }
    if (total > opts.maxUncompressedBytes) {
      const mb = (n: number): number => Math.round(n / 1024 ** 2);
      yield fatal('FILE_TOO_LARGE', `文件解压后约 ${mb(total)} MB，超过上限 ${mb(opts.maxUncompressedBytes)} MB，请分批导入`);
      return;
    }
    let table = new StringTable();
    if (strings && seen.size > 0) {
      try {
        table = await loadSharedStrings(path, fh, strings, opts.maxCellChars);
      } catch (err) {
        if (!(err instanceof ZipFormatError)) throw err;
        yield zipIssue(err);
        return;
      }
    }
    for (const p of plan) {
      if (!p.target || p.duplicate) {
        yield p.target
          ? fileError('DUPLICATE_SHEET', `工作表「${p.name}」出现了两次，只能有一个`, { sheet: p.name })
          : fileWarning('EXTRA_SHEET', `工作表「${p.name}」不是模板中的工作表，已忽略`, { sheet: p.name });
        continue;
      }
      if (!p.entry) {
        yield corrupt(`找不到工作表「${p.name}」的数据`);
        return;
      }
      const ok = yield* readSheet(path, fh, p.entry, p.target, info, table, opts);
      if (!ok) return;
    }
    for (const s of SHEETS) {
      if (!seen.has(s)) yield fileError('MISSING_SHEET', `缺少工作表「${s}」（工作表名称须与模板一致）`, { sheet: s });
    }
  } finally {
    await fh.close().catch(() => undefined);
  }
}

/** Reads one registry sheet; false when the file itself failed (reading stops). */
async function* readSheet(
  path: string,
  fh: FileHandle,
  entry: ZipEntry,
  sheet: SheetName,
  info: WorkbookInfo,
  strings: StringTable,
  opts: ResolvedReadOptions,
): AsyncGenerator<ReadItem, boolean> {
  const out: ReadItem[] = [];
  const assembler = new SheetAssembler(sheet, opts.maxCellChars, true);
  const merges: string[] = [];
  const scanner = new SheetXmlScanner({
    sharedString: (index) => strings.get(index),
    sharedStringLength: (index) => strings.realLength(index),
    isDateStyle: info.isDateStyle,
    date1904: info.date1904,
    maxCellChars: opts.maxCellChars,
    maxColumns: opts.maxColumns,
    onRow: (rowNum, cells) => assembler.row(rowNum, cells, out),
    onMerge: (ref) => merges.push(ref),
    onTooWide: (rowNum, col) =>
      out.push(
        fileError(
          'TOO_MANY_COLUMNS',
          `「${sheet}」第${rowNum}行超过 ${opts.maxColumns} 列（${columnLetters(col)}${rowNum}），请删除多余的列后再导入`,
          { sheet, row: rowNum, value: `${columnLetters(col)}${rowNum}` },
        ),
      ),
    onMalformed: (detail) => out.push(corrupt(`工作表「${sheet}」：${detail}`)),
  });
  const decoder = new TextDecoder('utf-8');
  try {
    for await (const chunk of entryContent(path, fh, entry)) {
      scanner.write(decoder.decode(chunk, { stream: true }));
      if (out.length > 0) yield* out.splice(0);
      if (assembler.stopped || scanner.stopped) return true; // the sheet ends here; the rest is not read
    }
  } catch (err) {
    if (!(err instanceof ZipFormatError)) throw err; // not the file: a bug
    yield* out.splice(0);
    yield zipIssue(err);
    return false;
  }
  scanner.write(decoder.decode());
  scanner.end();
  if (!scanner.stopped) {
    assembler.finish(out);
    for (const ref of merges) out.push(mergeIssue(sheet, ref, assembler));
  }
  yield* out.splice(0);
  return true;
}

function mergeIssue(sheet: SheetName, ref: string, assembler: SheetAssembler): FileIssue {
  const first = ref.split(':')[0] ?? ref;
  const column = assembler.columnAt(columnOfRef(first));
  const row = rowOfRef(first);
  return fileError('MERGED_CELLS', `「${sheet}」的 ${ref} 是合并单元格，请取消合并，并在每个单元格中填写内容`, {
    sheet,
    row: row > 0 ? row : null,
    column,
    value: ref,
  });
}
