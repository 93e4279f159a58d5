/**
 * Writing the registry workbook (DOMAIN.md contract): .xlsx with the two sheets, two .csv files,
 * or the empty import template. Rows stream through: memory does not grow with their number.
 */
import { once } from 'node:events';
import { createWriteStream, type WriteStream } from 'node:fs';
import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import {
  HOUSEHOLD_COLUMNS,
  HOUSEHOLD_SHEET,
  MEMBER_COLUMNS,
  MEMBER_SHEET,
  NUMBER_COLUMNS,
  TEXT_COLUMNS,
  type ColumnDef,
} from './columns.js';
import { columnLetters } from './issues.js';

export type CellInput = string | number | null | undefined;
export type RowRecord = Record<string, CellInput>;
export type RowSource = AsyncIterable<RowRecord> | Iterable<RowRecord>;

export interface WriteCounts {
  households: number;
  members: number;
}

/** Rows between two yields to the event loop, letting exceljs's zip stream drain. */
const PACE_ROWS = 500;
/** Bytes of sheet XML waiting for the deflater above which writing waits for it to drain. */
const MAX_BACKLOG = 4 * 1024 * 1024;

const WIDTHS: Record<string, number> = {
  户编号: 16,
  行政区划代码: 15,
  证件号码: 21,
  姓名: 10,
  联系电话: 14,
  开户银行: 20,
  银行账号: 22,
  主要致贫原因: 14,
  其他致贫原因: 18,
  自然村: 12,
};

function widthOf(name: string): number {
  // a CJK character is about two widths of a Latin one
  return WIDTHS[name] ?? Math.min(30, Math.max(10, name.length * 2 + 2));
}

const DECIMAL = /^-?(0|[1-9]\d*)(\.\d+)?$/;

/** The value a cell gets: identifiers always text, amounts and years numbers when they are. */
function cellValue(column: string, v: CellInput): string | number | null {
  if (v === null || v === undefined) return null;
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) return null;
    return TEXT_COLUMNS.has(column) || !NUMBER_COLUMNS.has(column) ? String(v) : v;
  }
  if (v === '') return null;
  if (NUMBER_COLUMNS.has(column) && DECIMAL.test(v)) {
    const n = Number(v);
    if (Math.abs(n) < 1e15) return n;
  }
  return v;
}

type StreamingWorkbook = ExcelJS.stream.xlsx.WorkbookWriter;
type StreamingWorksheet = ExcelJS.Worksheet;

/**
 * exceljs's WorksheetWriter writes into a StreamBuf that archiver pipes into a PassThrough
 * (readable-stream, hence `_writableState`) without heeding backpressure: unless writing waits
 * for that PassThrough to drain, the whole sheet piles up in memory ahead of the deflater.
 */
interface WorksheetStreamInternals {
  stream?: { pipes?: { writableLength?: number; _writableState?: { length?: number } }[] };
}

async function pace(ws: StreamingWorksheet): Promise<void> {
  await new Promise<void>((resolve) => setImmediate(resolve));
  const dest = (ws as unknown as WorksheetStreamInternals).stream?.pipes?.[0];
  if (!dest) return;
  const backlog = (): number => dest.writableLength ?? dest._writableState?.length ?? 0;
  if (backlog() > MAX_BACKLOG) await once(dest as unknown as NodeJS.EventEmitter, 'drain');
}

function openOutput(path: string): Promise<WriteStream> {
  return new Promise((resolve, reject) => {
    const out = createWriteStream(path);
    out.once('error', reject);
    out.once('open', () => {
      out.off('error', reject);
      resolve(out);
    });
  });
}

function addSheet(
  wb: StreamingWorkbook,
  name: string,
  columns: ColumnDef[],
  headerText: (c: ColumnDef) => string,
): StreamingWorksheet {
  const ws = wb.addWorksheet(name, { views: [{ state: 'frozen', ySplit: 1 }] });
  ws.columns = columns.map((c) => ({
    key: c.name,
    width: widthOf(c.name),
    ...(TEXT_COLUMNS.has(c.name) ? { style: { numFmt: '@' } } : {}),
  }));
  const header = ws.addRow(columns.map(headerText));
  header.font = { bold: true };
  header.alignment = { vertical: 'middle' };
  header.commit();
  return ws;
}

/**
 * One style object per column, shared by its cells: exceljs gives every new cell its own copy of
 * the column's style and then works out its style id by rendering and comparing it (a third of
 * the writing time); a shared object hits its per-object cache.
 */
function columnStyles(columns: ColumnDef[]): Partial<ExcelJS.Style>[] {
  const text: Partial<ExcelJS.Style> = { numFmt: '@' };
  const plain: Partial<ExcelJS.Style> = {};
  return columns.map((c) => (TEXT_COLUMNS.has(c.name) ? text : plain));
}

async function writeRows(ws: StreamingWorksheet, columns: ColumnDef[], rows: RowSource): Promise<number> {
  const styles = columnStyles(columns);
  let count = 0;
  for await (const record of rows) {
    const row = ws.addRow(columns.map((c) => cellValue(c.name, record[c.name])));
    row.eachCell((cell, col) => {
      cell.style = styles[col - 1] ?? {};
    });
    row.commit();
    count++;
    if (count % PACE_ROWS === 0) await pace(ws);
  }
  return count;
}

/** Runs a streaming workbook to the end, turning stream errors into a rejection. */
async function withWorkbook<T>(path: string, body: (wb: StreamingWorkbook) => Promise<T>): Promise<T> {
  const out = await openOutput(path);
  let streamError: Error | null = null;
  out.on('error', (err) => {
    streamError ??= err;
  });
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useStyles: true, useSharedStrings: false });
  try {
    const result = await body(wb);
    await wb.commit();
    if (!out.writableFinished) await once(out, 'finish');
    if (streamError) throw streamError;
    return result;
  } catch (err) {
    out.destroy();
    throw err;
  }
}

/**
 * The registry workbook: sheets 户信息 and 家庭成员 with the contract's headers in order, bold and
 * frozen; identifiers (户编号, 行政区划代码, 证件号码, 联系电话, 银行账号) as text so that Excel
 * neither drops leading zeros nor rounds 18 digits; amounts, years and months as numbers.
 */
export async function writeRegistryWorkbook(path: string, households: RowSource, members: RowSource): Promise<WriteCounts> {
  return withWorkbook(path, async (wb) => {
    const hs = addSheet(wb, HOUSEHOLD_SHEET, HOUSEHOLD_COLUMNS, (c) => c.name);
    const h = await writeRows(hs, HOUSEHOLD_COLUMNS, households);
    hs.commit();
    const ms = addSheet(wb, MEMBER_SHEET, MEMBER_COLUMNS, (c) => c.name);
    const m = await writeRows(ms, MEMBER_COLUMNS, members);
    ms.commit();
    return { households: h, members: m };
  });
}

export type CsvEncoding = 'utf8-bom' | 'utf8' | 'gb18030';

const CSV_NEEDS_QUOTES = /[",\r\n]|^\s|\s$/;

function csvField(v: CellInput): string {
  if (v === null || v === undefined) return '';
  const s = typeof v === 'number' ? (Number.isFinite(v) ? String(v) : '') : v;
  return CSV_NEEDS_QUOTES.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

async function writeCsvFile(path: string, columns: ColumnDef[], rows: RowSource, encoding: CsvEncoding): Promise<number> {
  const out = await openOutput(path);
  let streamError: Error | null = null;
  out.on('error', (err) => {
    streamError ??= err;
  });
  const encode = (s: string): Buffer => (encoding === 'gb18030' ? iconv.encode(s, 'gb18030') : Buffer.from(s, 'utf8'));
  let pending = encoding === 'utf8-bom' ? '\ufeff' : '';
  const flush = async (): Promise<void> => {
    if (streamError) throw streamError;
    // a BOM is written as its UTF-8 bytes whatever the encoding (only utf8-bom has one)
    if (!out.write(encode(pending))) await once(out, 'drain'); // rejects on 'error'
    pending = '';
  };
  let count = 0;
  try {
    pending += columns.map((c) => csvField(c.name)).join(',') + '\r\n';
    for await (const record of rows) {
      pending += columns.map((c) => csvField(record[c.name])).join(',') + '\r\n';
      count++;
      if (pending.length >= 64 * 1024) await flush();
    }
    await flush();
    out.end();
    await once(out, 'finish');
    if (streamError) throw streamError;
    return count;
  } catch (err) {
    out.destroy();
    throw err;
  }
}

/**
 * The registry as two .csv files with the contract's headers. UTF-8 with a BOM by default, which
 * Excel needs to open UTF-8 correctly; 'gb18030' for older tools.
 */
export async function writeRegistryCsv(
  householdsPath: string,
  membersPath: string,
  households: RowSource,
  members: RowSource,
  opts: { encoding?: CsvEncoding } = {},
): Promise<WriteCounts> {
  const encoding = opts.encoding ?? 'utf8-bom';
  const h = await writeCsvFile(householdsPath, HOUSEHOLD_COLUMNS, households, encoding);
  const m = await writeCsvFile(membersPath, MEMBER_COLUMNS, members, encoding);
  return { households: h, members: m };
}

export const GUIDE_SHEET = '填写说明';

const NOTES: Record<string, string> = {
  户编号: '每户唯一；家庭成员表用它关联到户',
  行政区划代码: '12 位村级区划代码，例如 620102001001',
  贫困户属性: '',
  识别年度: '4 位年份，例如 2016',
  脱贫属性: '',
  脱贫年度: '已脱贫时必填，4 位年份',
  其他致贫原因: '多个原因用「、」或「,」分隔',
  是否危房户: '是 / 否',
  是否解决安全饮水: '是 / 否',
  收入年度: '4 位年份',
  工资性收入: '元/年',
  生产经营性收入: '元/年',
  财产性收入: '元/年',
  转移性收入: '元/年',
  生产经营性支出: '元/年',
  联系电话: '手机或固定电话',
  银行账号: '按文本填写，勿用科学计数法',
  证件号码: '18 位身份证号码，按文本填写（单元格格式已设为文本）',
  与户主关系: '每户有且只有一名户主',
  '务工时间（月）': '0–12',
};

/**
 * The empty import template: both sheets with their headers (required ones marked '*', which the
 * reader ignores), identifier columns formatted as text, and a sheet 填写说明 listing every column,
 * whether it is required, and its allowed values when `dictionaries` gives them.
 */
export async function writeTemplate(path: string, dictionaries: Record<string, string[]> = {}): Promise<void> {
  await withWorkbook(path, async (wb) => {
    const mark = (c: ColumnDef): string => (c.required ? `${c.name}*` : c.name);
    const hs = addSheet(wb, HOUSEHOLD_SHEET, HOUSEHOLD_COLUMNS, mark);
    addListValidations(hs, HOUSEHOLD_COLUMNS, dictionaries);
    hs.commit();
    const ms = addSheet(wb, MEMBER_SHEET, MEMBER_COLUMNS, mark);
    addListValidations(ms, MEMBER_COLUMNS, dictionaries);
    ms.commit();

    const guide = wb.addWorksheet(GUIDE_SHEET, { views: [{ state: 'frozen', ySplit: 1 }] });
    guide.columns = [
      { key: 'sheet', width: 12 },
      { key: 'column', width: 30 },
      { key: 'required', width: 10 },
      { key: 'values', width: 60 },
      { key: 'note', width: 40 },
    ];
    const head = guide.addRow(['工作表', '列名', '是否必填', '可选值', '说明']);
    head.font = { bold: true };
    head.commit();
    const describe = (sheet: string, columns: ColumnDef[]): void => {
      for (const c of columns) {
        const values = dictionaries[c.name];
        guide.addRow([sheet, c.name, c.required ? '必填' : '选填', values ? values.join('、') : '', NOTES[c.name] ?? '']).commit();
      }
    };
    describe(HOUSEHOLD_SHEET, HOUSEHOLD_COLUMNS);
    describe(MEMBER_SHEET, MEMBER_COLUMNS);
    guide.addRow([]).commit();
    guide.addRow(['', '标 * 的列为必填。每个工作表第 1 行为表头，不要改动表头、合并单元格或使用公式；是/否 类的列填「是」或「否」。']).commit();
    guide.commit();
  });
}

/** Drop-down lists for dictionary columns of the template (Excel limits an inline list to 255 characters). */
function addListValidations(ws: StreamingWorksheet, columns: ColumnDef[], dictionaries: Record<string, string[]>): void {
  const validations = (ws as unknown as { dataValidations?: { add(ref: string, v: ExcelJS.DataValidation): void } })
    .dataValidations;
  if (!validations) return;
  columns.forEach((c, i) => {
    const values = dictionaries[c.name];
    if (!values || values.length === 0) return;
    const list = values.join(',');
    if (list.length > 250 || values.some((v) => v.includes(',') || v.includes('"'))) return;
    const letter = columnLetters(i + 1);
    validations.add(`${letter}2:${letter}100000`, {
      type: 'list',
      allowBlank: true,
      formulae: [`"${list}"`],
      showErrorMessage: true,
      errorStyle: 'warning',
      errorTitle: c.name,
      error: `请从列表中选择：${values.join('、')}`,
    });
  });
}

/**
 * One sheet of plain rows (an import's error list): a bold frozen header, every cell written as
 * text so values such as ID numbers come back exactly as the file had them.
 */
export async function writeTableWorkbook(path: string, sheet: string, headers: { name: string; width: number }[], rows: Iterable<(string | number | null)[]>): Promise<number> {
  return withWorkbook(path, async (wb) => {
    const ws = wb.addWorksheet(sheet, { views: [{ state: 'frozen', ySplit: 1 }] });
    ws.columns = headers.map((h) => ({ key: h.name, width: h.width, style: { numFmt: '@' } }));
    const head = ws.addRow(headers.map((h) => h.name));
    head.font = { bold: true };
    head.commit();
    let n = 0;
    for (const r of rows) {
      ws.addRow(r.map((v) => (v === null ? '' : String(v)))).commit();
      n++;
    }
    ws.commit();
    return n;
  });
}
