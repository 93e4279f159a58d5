/**
 * "The first sheet of an .xlsx, or a .csv, as a header and rows", streaming, on top of the
 * registry workbook's exported pieces (zip directory and entry inflation, shared strings, the
 * sheet XML scanner, the CSV decoder and parser). The registry reader itself is bound to the
 * registry's two sheets; department files have one sheet of any name.
 */
import type { Hash } from 'node:crypto';
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

/**
 * A .csv file for the comparison's bulk path: the header as a record, then the data either as
 * runs of complete raw lines (`text`, its first line being row `firstRow`) while the file has no
 * quote character and no lone CR, so a line is a record and a comma a field separator; or, from
 * the first chunk that has one, as records parsed by the RFC 4180 parser (`rows`). Row numbers
 * are the ones readTable gives (the header is 1, blank lines count).
 */
export type CsvPiece = { header: TableRow } | { text: string; firstRow: number } | { rows: TableRow[] };

const LONE_CR = /\r(?!\n)|\r$/;
const notPlain = (s: string) => s.includes('"') || (s.includes('\r') && LONE_CR.test(s));

/** `hash`, when given, is fed every byte of the file as it is read. */
export async function* readCsvPieces(path: string, hash?: Hash): AsyncGenerator<CsvPiece> {
  const decoder = new AutoDecoder();
  // 64 KiB reads: the fatal streaming UTF-8 decoder is many times slower per byte on larger chunks.
  const stream = createReadStream(path, { highWaterMark: 64 * 1024 });
  let parser = null as CsvParser | null;
  let records: TableRow[] = [];
  let headerSeen = false;
  let carry = '';
  let row = 1;
  const fullParser = (text: string): CsvParser => {
    const p = new CsvParser(MAX_CELL, MAX_COLS, (r, cells) => {
      if (cells.length) records.push({ row: r, cells: toArray(cells) });
    }, (r) => {
      throw new TableFileError('TOO_MANY_COLUMNS', `第${r}行超过 ${MAX_COLS} 列`);
    });
    p.record = row;
    p.write(text);
    return p;
  };
  function* parsed(): Generator<CsvPiece> {
    if (!records.length) return;
    const rows = records;
    records = [];
    if (!headerSeen) {
      headerSeen = true;
      yield { header: rows.shift()! };
    }
    if (rows.length) yield { rows };
  }
  function* take(text: string, end: boolean): Generator<CsvPiece> {
    if (parser) {
      parser.write(text);
      yield* parsed();
      return;
    }
    text = carry + text;
    const cut = end ? text.length : text.lastIndexOf('\n') + 1;
    carry = text.slice(cut);
    let complete = text.slice(0, cut);
    // The header (and blank lines before it) through the full parser, one line at a time.
    while (!headerSeen && complete) {
      const nl = complete.indexOf('\n');
      const line = nl === -1 ? complete : complete.slice(0, nl + 1);
      if (notPlain(line.endsWith('\r\n') ? line.slice(0, -2) : line)) break;
      if (!fullParser(line).end()) throw new TableFileError('UNTERMINATED_QUOTE', `第${row}行的引号没有闭合`);
      row++;
      complete = complete.slice(line.length);
      yield* parsed();
    }
    if (!complete) return;
    if (!headerSeen || notPlain(complete)) {
      // From here on the full parser reads everything (quoted fields may span lines).
      parser = fullParser(complete + carry);
      carry = '';
      yield* parsed();
      return;
    }
    yield { text: complete, firstRow: row };
    for (let i = complete.indexOf('\n'); i !== -1; i = complete.indexOf('\n', i + 1)) row++;
  }
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      hash?.update(chunk);
      yield* take(decodeOrThrow(() => decoder.write(chunk), parser ? parser.record : row), false);
    }
    yield* take(decodeOrThrow(() => decoder.end(), parser ? parser.record : row), true);
    if (parser) {
      if (!parser.end()) throw new TableFileError('UNTERMINATED_QUOTE', `第${parser.quoteRecord}行的引号没有闭合`);
      yield* parsed();
    }
  } finally {
    stream.destroy();
  }
}

/** The file as CsvPieces: a .csv through readCsvPieces, an .xlsx's first sheet as records. */
export async function* readPieces(path: string, hash?: Hash): AsyncGenerator<CsvPiece> {
  if ((await detectFormat(path)) === 'csv') {
    yield* readCsvPieces(path, hash);
    return;
  }
  let headerSeen = false;
  for await (const batch of readXlsx(path)) {
    if (!headerSeen && batch.length) {
      headerSeen = true;
      yield { header: batch[0]! };
      if (batch.length > 1) yield { rows: batch.slice(1) };
    } else if (batch.length) yield { rows: batch };
  }
}
