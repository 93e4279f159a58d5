/**
 * Reading one sheet of the registry from a .csv file, streaming.
 *
 * Encoding: a UTF-8 BOM means UTF-8; otherwise the first chunk that has a non-ASCII byte decides
 * (valid UTF-8 → UTF-8, else GB18030, which older tools and Excel's "CSV (逗号分隔)" on a Chinese
 * Windows write). Bytes later in the file that are not valid in the chosen encoding end in
 * ENCODING. Parsing follows RFC 4180 (quoted fields with commas, doubled quotes and line breaks;
 * CRLF or LF), leniently where Excel is lenient (a quote inside an unquoted field is a character).
 * A record number is the row Excel shows for it: the header is row 1, blank lines count.
 */
import { createReadStream } from 'node:fs';
import iconv from 'iconv-lite';
import { fileError } from './issues.js';
import { SheetAssembler, type CellIn } from './rows.js';
import type { ReadItem, ResolvedReadOptions, SheetName } from './types.js';

class EncodingError extends Error {
  /** The text decoded before the first bad byte, so the row of the bad byte can be told. */
  constructor(
    message: string,
    readonly validPrefix = '',
  ) {
    super(message);
  }
}

function beforeReplacement(s: string): string {
  const i = s.indexOf('\ufffd');
  return i === -1 ? s : s.slice(0, i);
}

/** Decodes a byte stream as UTF-8 or GB18030, deciding on the first non-ASCII bytes. */
export class AutoDecoder {
  encoding: 'undecided' | 'utf8' | 'gb18030' = 'undecided';
  private first = true;
  private readonly utf8 = new TextDecoder('utf-8', { fatal: true });
  private gb: iconv.DecoderStream | null = null;

  write(buf: Buffer): string {
    if (this.first) {
      this.first = false;
      if (buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf) this.encoding = 'utf8';
      else if ((buf[0] === 0xff && buf[1] === 0xfe) || (buf[0] === 0xfe && buf[1] === 0xff)) {
        throw new EncodingError('UTF-16');
      }
    }
    if (this.encoding === 'undecided') {
      const idx = buf.findIndex((b) => b >= 0x80);
      if (idx === -1) return buf.toString('latin1');
      try {
        new TextDecoder('utf-8', { fatal: true }).decode(buf.subarray(idx), { stream: true });
        this.encoding = 'utf8';
      } catch {
        this.encoding = 'gb18030';
      }
    }
    if (this.encoding === 'utf8') {
      try {
        return this.utf8.decode(buf, { stream: true });
      } catch {
        throw new EncodingError('UTF-8', beforeReplacement(new TextDecoder('utf-8').decode(buf)));
      }
    }
    this.gb ??= iconv.getDecoder('gb18030');
    const s = this.gb.write(buf);
    if (s.includes('\ufffd')) throw new EncodingError('GB18030', beforeReplacement(s));
    return s;
  }

  end(): string {
    if (this.encoding === 'utf8') {
      try {
        return this.utf8.decode();
      } catch {
        throw new EncodingError('UTF-8');
      }
    }
    const s = this.gb?.end() ?? '';
    if (s.includes('\ufffd')) throw new EncodingError('GB18030', beforeReplacement(s));
    return s;
  }
}

const enum State {
  FieldStart,
  Unquoted,
  Quoted,
  QuoteInQuoted,
}

/** An RFC 4180 parser fed with decoded text; keeps only non-empty fields. */
export class CsvParser {
  /** Number of the record being read (1-based). */
  record = 1;
  /** Record where the open quoted field started, for UNTERMINATED_QUOTE. */
  quoteRecord = 0;
  stopped = false;
  private state = State.FieldStart;
  private skipLf = false;
  private field = '';
  private fieldLength = 0;
  private col = 1;
  private cells: CellIn[] = [];
  private pending = false;

  constructor(
    private readonly maxCellChars: number,
    private readonly maxColumns: number,
    private readonly onRecord: (recordNum: number, cells: CellIn[]) => void,
    private readonly onTooWide: (recordNum: number, col: number) => void,
  ) {}

  write(s: string): void {
    const n = s.length;
    let i = 0;
    while (i < n && !this.stopped) {
      if (this.skipLf) {
        this.skipLf = false;
        if (s.charCodeAt(i) === 10) {
          i++;
          continue;
        }
      }
      switch (this.state) {
        case State.FieldStart: {
          this.pending = true;
          if (s.charCodeAt(i) === 34) {
            this.state = State.Quoted;
            this.quoteRecord = this.record;
            i++;
          } else this.state = State.Unquoted;
          break;
        }
        case State.Unquoted: {
          let j = i;
          while (j < n) {
            const c = s.charCodeAt(j);
            if (c === 44 || c === 10 || c === 13) break;
            j++;
          }
          if (j > i) this.append(s, i, j);
          if (j === n) return;
          this.delimiter(s.charCodeAt(j));
          i = j + 1;
          break;
        }
        case State.Quoted: {
          const q = s.indexOf('"', i);
          if (q === -1) {
            this.append(s, i, n);
            return;
          }
          if (q > i) this.append(s, i, q);
          this.state = State.QuoteInQuoted;
          i = q + 1;
          break;
        }
        case State.QuoteInQuoted: {
          const c = s.charCodeAt(i);
          if (c === 34) {
            this.append(s, i, i + 1);
            this.state = State.Quoted;
            i++;
          } else if (c === 44 || c === 10 || c === 13) {
            this.delimiter(c);
            i++;
          } else {
            this.state = State.Unquoted; // "abc"def: Excel keeps the rest as text
          }
          break;
        }
      }
    }
  }

  /** End of input: false when a quoted field is still open. */
  end(): boolean {
    if (this.stopped) return true;
    if (this.state === State.Quoted) return false;
    if (this.pending || this.cells.length > 0) this.endField(true);
    return true;
  }

  private append(s: string, from: number, to: number): void {
    const len = to - from;
    if (this.fieldLength <= this.maxCellChars) {
      this.field += s.slice(from, Math.min(to, from + this.maxCellChars + 1 - this.fieldLength));
    }
    this.fieldLength += len;
  }

  private delimiter(c: number): void {
    if (c === 44) this.endField(false);
    else {
      this.endField(true);
      if (c === 13) this.skipLf = true;
    }
  }

  private endField(endOfRecord: boolean): void {
    const text = this.field.trim();
    if (text !== '') {
      if (this.col > this.maxColumns || this.cells.length >= this.maxColumns) {
        this.stopped = true;
        this.onTooWide(this.record, this.col);
        return;
      }
      if (this.fieldLength > this.maxCellChars && text.length > this.maxCellChars) {
        this.cells.push({ col: this.col, text: text.slice(0, 50), numeric: false, problem: 'CELL_TOO_LONG', length: this.fieldLength });
      } else {
        this.cells.push({ col: this.col, text, numeric: false, problem: null });
      }
    }
    this.field = '';
    this.fieldLength = 0;
    this.state = State.FieldStart;
    this.pending = false;
    if (endOfRecord) {
      const cells = this.cells;
      this.cells = [];
      this.col = 1;
      this.onRecord(this.record, cells);
      this.record++;
    } else {
      this.col++;
    }
  }
}

const ZIP_SIGNATURE = 0x04034b50;

export async function* readCsvRows(path: string, sheet: SheetName, opts: ResolvedReadOptions): AsyncGenerator<ReadItem> {
  const out: ReadItem[] = [];
  const assembler = new SheetAssembler(sheet, opts.maxCellChars, false);
  const parser = new CsvParser(
    opts.maxCellChars,
    opts.maxColumns,
    (rowNum, cells) => assembler.row(rowNum, cells, out),
    (rowNum, col) => {
      out.push(
        fileError('TOO_MANY_COLUMNS', `「${sheet}」第${rowNum}行超过 ${opts.maxColumns} 列（第 ${col} 列），请删除多余的列后再导入`, {
          sheet,
          row: rowNum,
        }),
      );
    },
  );
  const decoder = new AutoDecoder();
  const stream = createReadStream(path, { highWaterMark: 64 * 1024 });
  let bytes = 0;
  let chars = 0;
  try {
    try {
      for await (const chunk of stream as AsyncIterable<Buffer>) {
        if (bytes === 0 && chunk.length >= 4) {
          const sig = chunk.readUInt32LE(0);
          if (sig === ZIP_SIGNATURE || sig === 0xe011cfd0) {
            yield fileError('UNSUPPORTED_FORMAT', `「${sheet}」的文件是 Excel 工作簿而不是 CSV 文本文件，请直接导入 .xlsx，或另存为“CSV UTF-8（逗号分隔）”`, {
              sheet,
            });
            return;
          }
        }
        bytes += chunk.length;
        const text = decoder.write(chunk);
        chars += text.length;
        parser.write(text);
        if (out.length > 0) yield* out.splice(0);
        if (parser.stopped || assembler.stopped) return;
      }
      const rest = decoder.end();
      chars += rest.length;
      parser.write(rest);
    } catch (err) {
      if (err instanceof EncodingError) {
        parser.write(err.validPrefix);
        yield* out.splice(0);
        yield encodingIssue(sheet, parser.record, err.message);
        return;
      }
      const code = (err as NodeJS.ErrnoException | null)?.code;
      if (typeof code !== 'string') throw err; // not the file: a bug
      yield code === 'ENOENT'
        ? fileError('FILE_NOT_FOUND', `找不到「${sheet}」的文件：${path}`, { sheet })
        : fileError('READ_ERROR', `无法读取「${sheet}」的文件（${code}）`, { sheet });
      return;
    }
    if (chars === 0) {
      yield fileError('EMPTY_FILE', `「${sheet}」的文件是空的`, { sheet });
      return;
    }
    if (!parser.end()) {
      yield* out.splice(0);
      yield fileError('UNTERMINATED_QUOTE', `「${sheet}」第${parser.quoteRecord}行的引号没有闭合（一个单元格以 " 开头却没有结束的 "）`, {
        sheet,
        row: parser.quoteRecord,
      });
      return;
    }
    if (!parser.stopped && !assembler.stopped) assembler.finish(out);
    yield* out.splice(0);
  } finally {
    stream.destroy();
  }
}

function encodingIssue(sheet: SheetName, row: number, detail: string): ReadItem {
  const message =
    detail === 'UTF-16'
      ? `「${sheet}」的文件是 UTF-16（“Unicode 文本”）编码，请另存为“CSV UTF-8（逗号分隔）”`
      : `「${sheet}」第${row}行有无法识别的字符：文件按 ${detail} 读取，但内容不是有效的 ${detail}；请另存为“CSV UTF-8（逗号分隔）”后再导入`;
  return fileError('ENCODING', message, { sheet, row: detail === 'UTF-16' ? null : row });
}
