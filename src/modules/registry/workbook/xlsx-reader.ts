/**
 * Reading the registry workbook from an .xlsx, streaming.
 *
 * exceljs's streaming WorkbookReader unzips the file and reads the workbook, its relationships,
 * the shared strings and the styles; the worksheet XML it hands over is read by SheetXmlScanner
 * (see sheet-xml.ts for why not exceljs's WorksheetReader). Before that, the zip's central
 * directory is read (zip.ts) to refuse a non-xlsx, truncated or oversized file at once and to
 * give exceljs the parts in an order that never makes it spool sheets to temporary files.
 *
 * Every await on exceljs races a promise that fails on the first error of the file or of
 * exceljs's internal unzip stream: a truncated or corrupt part ends in CORRUPT_FILE, never in an
 * unhandled 'error' event or a generator waiting forever.
 */
import { open, type FileHandle } from 'node:fs/promises';
import { crc32 } from 'node:zlib';
import ExcelJS from 'exceljs';
import { HOUSEHOLD_SHEET, MEMBER_SHEET } from './columns.js';
import { isDateFormat } from './cell-format.js';
import { columnLetters, fileError, fileWarning, type FileIssueCode } from './issues.js';
import { SheetAssembler } from './rows.js';
import { SheetXmlScanner, columnOfRef, decodeOoxmlEscapes, rowOfRef } from './sheet-xml.js';
import type { FileIssue, ReadItem, ResolvedReadOptions, SheetName } from './types.js';
import { PlannedZipStream, ZipFormatError, readZipDirectory, type PlannedPart, type ZipEntry } from './zip.js';

/** What exceljs's WorkbookReader exposes at run time (its typings declare little of it). */
interface ReaderInternals {
  parse(): AsyncIterator<{ eventType: string; value: unknown }>;
  model?: { sheets?: { name?: string; rId?: string }[] };
  workbookRels?: { Id?: string; Target?: string }[];
  sharedStrings?: unknown[];
  properties?: { model?: { date1904?: boolean } };
  styles?: {
    model?: { styles?: { numFmtId?: number }[] };
    index?: { numFmt?: (string | undefined)[] };
  };
}

interface WorksheetInternals {
  id?: number | string;
  name?: string;
  iterator: AsyncIterable<Buffer | string>;
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

function describe(err: unknown): string {
  const m = err instanceof Error ? err.message : String(err);
  if (/FILE_ENDED|unexpected end|premature/i.test(m)) return '文件在中途结束';
  if (/invalid (signature|stored block|block type|distance|code)|incorrect header|unexpected|invalid/i.test(m)) {
    return '压缩数据无效';
  }
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

/** Which parts to hand exceljs, in which order, under which names; a FileIssue when unusable. */
function planParts(entries: ZipEntry[], maxBytes: number): PlannedPart[] | FileIssue {
  const byName = new Map<string, ZipEntry>();
  for (const e of entries) byName.set(e.name.replace(/^\/+/, '').toLowerCase(), e);
  const workbook = byName.get('xl/workbook.xml');
  if (!workbook) return fatal('NOT_XLSX', MSG.notXlsx);
  const rels = byName.get('xl/_rels/workbook.xml.rels');
  if (!rels) return corrupt('缺少 xl/_rels/workbook.xml.rels');
  const plan: PlannedPart[] = [
    { entry: workbook, name: 'xl/workbook.xml' },
    { entry: rels, name: 'xl/_rels/workbook.xml.rels' },
  ];
  const styles = byName.get('xl/styles.xml');
  if (styles) plan.push({ entry: styles, name: 'xl/styles.xml' });
  const strings = byName.get('xl/sharedstrings.xml');
  // without a shared strings part exceljs would spool every sheet: give it an empty one
  plan.push(
    strings
      ? { entry: strings, name: 'xl/sharedStrings.xml' }
      : { content: Buffer.from('<?xml version="1.0" encoding="UTF-8"?><sst count="0" uniqueCount="0"/>'), name: 'xl/sharedStrings.xml' },
  );
  for (const e of entries) {
    const m = /^\/*xl\/worksheets\/sheet(\d+)\.xml$/i.exec(e.name);
    if (m) plan.push({ entry: e, name: `xl/worksheets/sheet${m[1]}.xml` });
  }
  let total = 0;
  for (const part of plan) {
    if (!('entry' in part)) continue;
    const { entry } = part;
    if ((entry.flags & 0x01) !== 0) return fatal('UNSUPPORTED_FORMAT', MSG.ole);
    if (entry.method !== 0 && entry.method !== 8) {
      return fatal('UNSUPPORTED_FORMAT', `文件使用了不支持的压缩方式（${entry.method}），请用 Excel 或 WPS 重新保存为 .xlsx`);
    }
    total += entry.uncompressedSize;
  }
  if (total > maxBytes) {
    return fatal(
      'FILE_TOO_LARGE',
      `文件解压后约 ${Math.round(total / 1024 ** 2)} MB，超过上限 ${Math.round(maxBytes / 1024 ** 2)} MB，请分批导入`,
    );
  }
  return plan;
}

export async function* readXlsxRows(path: string, opts: ResolvedReadOptions): AsyncGenerator<ReadItem> {
  const opened = await openChecked(path);
  if ('severity' in opened) {
    yield opened;
    return;
  }
  const { fh, size } = opened;
  const failure = new FailureSignal();
  let source: PlannedZipStream | null = null;
  try {
    let entries: ZipEntry[];
    try {
      entries = await readZipDirectory(fh, size);
    } catch (err) {
      if (err instanceof ZipFormatError) {
        yield err.code === 'CORRUPT_FILE' ? corrupt(err.message) : fatal(err.code, err.message);
        return;
      }
      yield fatal('READ_ERROR', `无法读取文件（${describe(err)}）`);
      return;
    }
    const plan = planParts(entries, opts.maxUncompressedBytes);
    if ('severity' in plan) {
      yield plan;
      return;
    }
    source = new PlannedZipStream(path, fh, plan, (unzip) => unzip.on('error', failure.fail));
    source.on('error', failure.fail);
    const reader = new ExcelJS.stream.xlsx.WorkbookReader(source, {
      worksheets: 'emit',
      sharedStrings: 'cache',
      hyperlinks: 'ignore',
      styles: 'cache', // number formats: a date cell becomes YYYY-MM-DD
      entries: 'ignore',
    }) as unknown as ReaderInternals;
    const events = reader.parse();
    // no sheet comes before the workbook parts, so exceljs emits the sheets in plan order
    const sheetEntries = plan.flatMap((p) => ('entry' in p && p.name.startsWith('xl/worksheets/') ? [p.entry] : []));
    let sheetIndex = 0;
    const seen = new Set<SheetName>();
    for (;;) {
      let next: IteratorResult<{ eventType: string; value: unknown }>;
      try {
        next = await failure.race(events.next());
      } catch (err) {
        yield err instanceof ZipFormatError && err.code !== 'CORRUPT_FILE' ? fatal(err.code, err.message) : corrupt(describe(err));
        return;
      }
      if (next.done) break;
      if (next.value.eventType !== 'worksheet') continue;
      const ws = next.value.value as WorksheetInternals;
      const entry = sheetEntries[sheetIndex++];
      const name = sheetName(reader, ws);
      const target = SHEETS.find((s) => s === name.trim());
      if (!target || seen.has(target)) {
        yield target
          ? fileError('DUPLICATE_SHEET', `工作表「${name}」出现了两次，只能有一个`, { sheet: name })
          : fileWarning('EXTRA_SHEET', `工作表「${name}」不是模板中的工作表，已忽略`, { sheet: name });
        continue; // exceljs drains the part
      }
      seen.add(target);
      const ok = yield* readSheet(reader, ws, entry, target, opts, failure);
      if (!ok) return;
    }
    for (const s of SHEETS) {
      if (!seen.has(s)) {
        yield fileError('MISSING_SHEET', `缺少工作表「${s}」（工作表名称须与模板一致）`, { sheet: s });
      }
    }
  } finally {
    source?.destroy();
    await fh.close().catch(() => undefined);
  }
}

/** The sheet's name from the workbook, tolerating absolute or differently-cased targets. */
function sheetName(reader: ReaderInternals, ws: WorksheetInternals): string {
  const name = ws.name ?? '';
  if (SHEETS.includes(name.trim() as SheetName)) return name;
  const fallback = `Sheet${ws.id ?? ''}`;
  if (name !== fallback) return name;
  const rel = (reader.workbookRels ?? []).find(
    (r) => (r.Target ?? '').replace(/^\/+/, '').replace(/^xl\//i, '').toLowerCase() === `worksheets/sheet${ws.id}.xml`,
  );
  const sheet = rel && (reader.model?.sheets ?? []).find((s) => s.rId === rel.Id);
  return sheet?.name ?? name;
}

/** Reads one registry sheet; false when the file itself failed (reading stops). */
async function* readSheet(
  reader: ReaderInternals,
  ws: WorksheetInternals,
  entry: ZipEntry | undefined,
  sheet: SheetName,
  opts: ResolvedReadOptions,
  failure: FailureSignal,
): AsyncGenerator<ReadItem, boolean> {
  const out: ReadItem[] = [];
  const assembler = new SheetAssembler(sheet, opts.maxCellChars, true);
  const merges: string[] = [];
  const strings = reader.sharedStrings ?? [];
  const flat: (string | undefined)[] = [];
  const xfs = reader.styles?.model?.styles ?? [];
  const fmtCodes = reader.styles?.index?.numFmt ?? [];
  const dateStyles = new Map<number, boolean>();
  const scanner = new SheetXmlScanner({
    sharedString(index) {
      if (index < 0 || index >= strings.length) return undefined;
      let s = flat[index];
      if (s === undefined) s = flat[index] = flattenSharedString(strings[index]);
      return s;
    },
    isDateStyle(s) {
      let d = dateStyles.get(s);
      if (d === undefined) {
        const id = xfs[s]?.numFmtId ?? 0;
        d = id !== 0 && isDateFormat(id, fmtCodes[id]);
        dateStyles.set(s, d);
      }
      return d;
    },
    date1904: reader.properties?.model?.date1904 === true,
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
  const iterator = ws.iterator[Symbol.asyncIterator]();
  const decoder = new TextDecoder('utf-8');
  let stopped = false;
  // unzipper does not check CRCs: a damaged part could otherwise read as garbage text
  let crc = 0;
  let length = 0;
  for (;;) {
    let next: IteratorResult<Buffer | string>;
    try {
      next = await failure.race(iterator.next());
    } catch (err) {
      yield* out.splice(0);
      yield corrupt(describe(err));
      return false;
    }
    if (next.done) break;
    if (stopped) continue; // drain the part: exceljs reads the zip front to back
    const chunk = next.value;
    if (typeof chunk !== 'string') {
      crc = crc32(chunk, crc);
      length += chunk.length;
    }
    scanner.write(typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true }));
    if (assembler.stopped || scanner.stopped) stopped = true;
    if (out.length > 0) yield* out.splice(0);
  }
  if (!stopped && entry && (length !== entry.uncompressedSize || crc >>> 0 !== entry.crc >>> 0)) {
    yield* out.splice(0);
    yield corrupt(`工作表「${sheet}」的数据校验失败`);
    return false;
  }
  if (!stopped) {
    scanner.write(decoder.decode());
    scanner.end();
    if (!scanner.stopped) {
      assembler.finish(out);
      for (const ref of merges) out.push(mergeIssue(sheet, ref, assembler));
    }
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

/** exceljs caches a shared string as a string, or { richText: [{ text }] }. */
function flattenSharedString(v: unknown): string {
  if (typeof v === 'string') return decodeOoxmlEscapes(v);
  if (v && typeof v === 'object' && 'richText' in v && Array.isArray(v.richText)) {
    return decodeOoxmlEscapes(
      v.richText.map((r: unknown) => (r && typeof r === 'object' && 'text' in r ? String(r.text ?? '') : '')).join(''),
    );
  }
  return '';
}
