/**
 * "The first sheet of an .xlsx, or a .csv, as a header and rows", streaming, on top of the
 * registry workbook's exported pieces (zip directory and entry inflation, shared strings, the
 * sheet XML scanner, the CSV decoder and parser). The registry reader itself is bound to the
 * registry's two sheets; department files have one sheet of any name.
 */
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { posix } from 'node:path';
import { isDateFormat } from '../registry/workbook/cell-format.js';
import { AutoDecoder, CsvParser } from '../registry/workbook/csv-reader.js';
import type { CellIn } from '../registry/workbook/rows.js';
import { StringTable, loadSharedStrings } from '../registry/workbook/shared-strings.js';
import { SheetXmlScanner } from '../registry/workbook/sheet-xml.js';
import { ZipFormatError, entryContent, readZipDirectory, type ZipEntry } from '../registry/workbook/zip.js';

/** One record: its row number as the spreadsheet shows it (header = 1) and cell texts by column (0-based). */
export interface TableRow {
  row: number;
  cells: string[];
}

/** A problem with the file itself; reading stops. */
export class TableFileError extends Error {
  constructor(public readonly code: string, message: string) {
    super(message);
  }
}

const MAX_CELL = 2000;
const MAX_COLS = 200;

function toArray(cells: CellIn[]): string[] {
  const out: string[] = [];
  for (const c of cells) out[c.col - 1] = c.text;
  for (let i = 0; i < out.length; i++) if (out[i] === undefined) out[i] = '';
  return out;
}

export async function detectFormat(path: string): Promise<'xlsx' | 'csv'> {
  const fh = await open(path, 'r').catch((e: NodeJS.ErrnoException) => {
    throw new TableFileError(e.code === 'ENOENT' ? 'FILE_NOT_FOUND' : 'READ_ERROR', `无法读取文件：${path}`);
  });
  try {
    const head = Buffer.alloc(8);
    const { bytesRead } = await fh.read(head, 0, 8, 0);
    if (bytesRead === 0) throw new TableFileError('EMPTY_FILE', '文件是空的（0 字节）');
    if (bytesRead >= 4 && head.readUInt32LE(0) === 0x04034b50) return 'xlsx';
    if (bytesRead === 8 && head.readUInt32LE(0) === 0xe011cfd0) {
      throw new TableFileError('UNSUPPORTED_FORMAT', '文件是旧版 Excel（.xls），请另存为 .xlsx 或 CSV 后再上传');
    }
    return 'csv';
  } finally {
    await fh.close();
  }
}

/** Every non-empty record of the file, the header first, in batches (one per chunk read). */
export async function* readTableBatches(path: string): AsyncGenerator<TableRow[]> {
  if ((await detectFormat(path)) === 'xlsx') yield* readXlsx(path);
  else yield* readCsv(path);
}

/** Every non-empty record of the file, the header first. */
export async function* readTable(path: string): AsyncGenerator<TableRow> {
  for await (const batch of readTableBatches(path)) yield* batch;
}

async function* readCsv(path: string): AsyncGenerator<TableRow[]> {
  let out: TableRow[] = [];
  const parser = new CsvParser(MAX_CELL, MAX_COLS, (row, cells) => {
    if (cells.length) out.push({ row, cells: toArray(cells) });
  }, (row) => {
    throw new TableFileError('TOO_MANY_COLUMNS', `第${row}行超过 ${MAX_COLS} 列`);
  });
  const decoder = new AutoDecoder();
  const stream = createReadStream(path, { highWaterMark: 64 * 1024 });
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      parser.write(decodeOrThrow(() => decoder.write(chunk), parser.record));
      if (out.length) {
        yield out;
        out = [];
      }
    }
    parser.write(decodeOrThrow(() => decoder.end(), parser.record));
    if (!parser.end()) throw new TableFileError('UNTERMINATED_QUOTE', `第${parser.quoteRecord}行的引号没有闭合`);
    if (out.length) yield out;
  } finally {
    stream.destroy();
  }
}

function decodeOrThrow(fn: () => string, row: number): string {
  try {
    return fn();
  } catch (e) {
    if (e instanceof TableFileError) throw e;
    throw new TableFileError('ENCODING', `第${row}行附近有无法识别的字符：请另存为“CSV UTF-8（逗号分隔）”或 GB18030 后再上传`);
  }
}

async function readEntryText(path: string, fh: Awaited<ReturnType<typeof open>>, entry: ZipEntry): Promise<string> {
  if (entry.uncompressedSize > 64 * 1024 * 1024) throw new TableFileError('CORRUPT_FILE', `${entry.name} 过大`);
  const parts: Buffer[] = [];
  for await (const c of entryContent(path, fh, entry)) parts.push(c);
  return Buffer.concat(parts).toString('utf8');
}

function attrOf(tag: string, name: string): string | undefined {
  const m = new RegExp(`(?:^|\\s)(?:[\\w]+:)?${name}="([^"]*)"`).exec(tag);
  return m?.[1];
}

async function* readXlsx(path: string): AsyncGenerator<TableRow[]> {
  const fh = await open(path, 'r');
  try {
    const { size } = await fh.stat();
    let list: ZipEntry[];
    try {
      list = await readZipDirectory(fh, size);
    } catch (e) {
      if (e instanceof ZipFormatError) throw new TableFileError('NOT_XLSX', '文件不是有效的 .xlsx 工作簿');
      throw e;
    }
    const entries = new Map(list.map((e) => [e.name.replace(/^\/+/, '').toLowerCase(), e]));
    const wbEntry = entries.get('xl/workbook.xml');
    const relsEntry = entries.get('xl/_rels/workbook.xml.rels');
    if (!wbEntry || !relsEntry) throw new TableFileError('NOT_XLSX', '文件不是有效的 .xlsx 工作簿');
    try {
      const wb = await readEntryText(path, fh, wbEntry);
      const rels = await readEntryText(path, fh, relsEntry);
      const sheetTag = /<(?:\w+:)?sheet\s[^>]*>/.exec(wb)?.[0];
      if (!sheetTag) throw new TableFileError('NO_SHEET', '工作簿中没有工作表');
      const rid = attrOf(sheetTag, 'id');
      let target: string | undefined;
      for (const m of rels.matchAll(/<(?:\w+:)?Relationship\s[^>]*>/g)) if (attrOf(m[0], 'Id') === rid) target = attrOf(m[0], 'Target');
      if (!target) throw new TableFileError('CORRUPT_FILE', '找不到第一个工作表');
      const resolved = target.startsWith('/') ? target.slice(1) : posix.join('xl', target);
      const sheet = entries.get(posix.normalize(resolved).toLowerCase());
      if (!sheet) throw new TableFileError('CORRUPT_FILE', '找不到第一个工作表的数据');
      const date1904 = /date1904="(1|true)"/.test(wb);
      // Date styles: cellXfs' numFmtId and the custom formats, enough to show a date cell as YYYY-MM-DD.
      const stylesEntry = entries.get('xl/styles.xml');
      const xfFmt: number[] = [];
      const fmtCodes = new Map<number, string>();
      if (stylesEntry) {
        const st = await readEntryText(path, fh, stylesEntry);
        for (const m of st.matchAll(/<(?:\w+:)?numFmt\s[^>]*>/g)) fmtCodes.set(Number(attrOf(m[0], 'numFmtId')), attrOf(m[0], 'formatCode') ?? '');
        const xfs = /<(?:\w+:)?cellXfs[^>]*>([\s\S]*?)<\/(?:\w+:)?cellXfs>/.exec(st)?.[1] ?? '';
        for (const m of xfs.matchAll(/<(?:\w+:)?xf\s[^>]*>/g)) xfFmt.push(Number(attrOf(m[0], 'numFmtId') ?? 0));
      }
      const strEntry = entries.get('xl/sharedstrings.xml');
      const strings = strEntry ? await loadSharedStrings(path, fh, strEntry, MAX_CELL) : new StringTable();
      let out: TableRow[] = [];
      let failure: TableFileError | null = null;
      const scanner = new SheetXmlScanner({
        sharedString: (i) => strings.get(i),
        sharedStringLength: (i) => strings.realLength(i),
        isDateStyle: (s) => {
          const id = xfFmt[s] ?? 0;
          return id !== 0 && isDateFormat(id, fmtCodes.get(id));
        },
        date1904,
        maxCellChars: MAX_CELL,
        maxColumns: MAX_COLS,
        onRow: (row, cells) => {
          if (cells.length) out.push({ row, cells: toArray(cells) });
        },
        onMerge: () => undefined,
        onTooWide: (row) => { failure = new TableFileError('TOO_MANY_COLUMNS', `第${row}行超过 ${MAX_COLS} 列`); },
        onMalformed: (d) => { failure = new TableFileError('CORRUPT_FILE', `工作表数据无效：${d}`); },
      });
      const decoder = new TextDecoder('utf-8');
      for await (const chunk of entryContent(path, fh, sheet)) {
        scanner.write(decoder.decode(chunk, { stream: true }));
        if (failure) throw failure;
        if (out.length) {
          yield out;
          out = [];
        }
      }
      scanner.write(decoder.decode());
      scanner.end();
      if (failure) throw failure;
      if (out.length) yield out;
    } catch (e) {
      if (e instanceof ZipFormatError) throw new TableFileError('CORRUPT_FILE', `文件已损坏或不完整（${e.message}）`);
      throw e;
    }
  } finally {
    await fh.close().catch(() => undefined);
  }
}
