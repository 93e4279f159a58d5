/**
 * Test helpers: hand-made .xlsx files (a minimal zip writer and the parts Excel, WPS,
 * LibreOffice and openpyxl write), temp dirs, and collecting a read.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32, deflateRawSync } from 'node:zlib';
import { HOUSEHOLD_COLUMNS, HOUSEHOLD_SHEET, MEMBER_COLUMNS, MEMBER_SHEET } from './columns.js';
import { columnLetters } from './issues.js';
import { readRegistryRows } from './reader.js';
import type { FileIssue, RawRow, ReadOptions, RegistrySource } from './types.js';

export interface ZipInput {
  name: string;
  data: string | Buffer;
  /** 0 stored, 8 deflated (default); anything else is written as stored bytes with that method. */
  method?: number;
}

/** A zip file (no data descriptors, no zip64). */
export function makeZip(entries: ZipInput[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const e of entries) {
    const raw = typeof e.data === 'string' ? Buffer.from(e.data, 'utf8') : e.data;
    const method = e.method ?? 8;
    const body = method === 8 ? deflateRawSync(raw) : raw;
    const name = Buffer.from(e.name, 'utf8');
    const crc = crc32(raw) >>> 0;
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(0x800, 6);
    local.writeUInt16LE(method, 8);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(body.length, 18);
    local.writeUInt32LE(raw.length, 22);
    local.writeUInt16LE(name.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(0x800, 8);
    central.writeUInt16LE(method, 10);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(body.length, 20);
    central.writeUInt32LE(raw.length, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, name, body);
    centrals.push(central, name);
    offset += 30 + name.length + body.length;
  }
  const dir = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(dir.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, dir, end]);
}

export function xmlEscape(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

const NS = 'http://schemas.openxmlformats.org/spreadsheetml/2006/main';
const NS_R = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';

/** Worksheet XML as Excel writes it (with its extra namespaces and attributes). */
export function sheetXml(rows: string, after = ''): string {
  return (
    `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n` +
    `<worksheet xmlns="${NS}" xmlns:r="${NS_R}" xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" ` +
    `mc:Ignorable="x14ac xr" xmlns:x14ac="http://schemas.microsoft.com/office/spreadsheetml/2009/9/ac" ` +
    `xmlns:xr="http://schemas.microsoft.com/office/spreadsheetml/2014/revision" xr:uid="{00000000-0001-0000-0000-000000000000}">` +
    `<dimension ref="A1"/><sheetViews><sheetView workbookViewId="0"/></sheetViews>` +
    `<sheetFormatPr defaultRowHeight="14.25" x14ac:dyDescent="0.2"/>` +
    `<sheetData>${rows}</sheetData>${after}` +
    `<pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" footer="0.3"/></worksheet>`
  );
}

export function row(r: number, cells: string): string {
  return `<row r="${r}" spans="1:20" x14ac:dyDescent="0.2">${cells}</row>`;
}

/** An inline string cell (openpyxl, LibreOffice). */
export function inl(ref: string, text: string): string {
  return `<c r="${ref}" t="inlineStr"><is><t xml:space="preserve">${xmlEscape(text)}</t></is></c>`;
}

export function num(ref: string, n: string | number, style?: number): string {
  return `<c r="${ref}"${style === undefined ? '' : ` s="${style}"`}><v>${n}</v></c>`;
}

/** Cells of a row from values in column order (A, B, …), as inline strings. */
export function inlineRow(r: number, values: string[]): string {
  return row(r, values.map((v, i) => (v === '' ? '' : inl(`${columnLetters(i + 1)}${r}`, v))).join(''));
}

export const HOUSEHOLD_HEADER = HOUSEHOLD_COLUMNS.map((c) => c.name);
export const MEMBER_HEADER = MEMBER_COLUMNS.map((c) => c.name);

/** A valid-looking household row (values in HOUSEHOLD_HEADER order). */
export function householdValues(n: string, over: Record<string, string> = {}): string[] {
  const base: Record<string, string> = {
    户编号: n,
    行政区划代码: '620102001001',
    贫困户属性: '一般贫困户',
    识别年度: '2016',
    脱贫属性: '未脱贫',
    主要致贫原因: '缺技术',
    ...over,
  };
  return HOUSEHOLD_HEADER.map((h) => base[h] ?? '');
}

export function memberValues(n: string, id: string, over: Record<string, string> = {}): string[] {
  const base: Record<string, string> = { 户编号: n, 姓名: '张三', 证件号码: id, 与户主关系: '户主', ...over };
  return MEMBER_HEADER.map((h) => base[h] ?? '');
}

export interface XlsxParts {
  sheets: { name: string; xml: string }[];
  sharedStrings?: string[] | string;
  styles?: string;
  /** 'excel': workbook first, shared strings after the sheets; 'last': workbook parts last (exceljs). */
  order?: 'excel' | 'last';
  /** Absolute relationship targets, as openpyxl writes them. */
  absoluteTargets?: boolean;
  extra?: ZipInput[];
}

/** Styles with xf 1 = built-in date format 14, xf 2 = custom 'yyyy"年"m"月"d"日"'. */
export const DATE_STYLES =
  `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><styleSheet xmlns="${NS}">` +
  `<numFmts count="1"><numFmt numFmtId="176" formatCode="yyyy&quot;年&quot;m&quot;月&quot;d&quot;日&quot;"/></numFmts>` +
  `<fonts count="1"><font><sz val="11"/><name val="等线"/></font></fonts>` +
  `<fills count="1"><fill><patternFill patternType="none"/></fill></fills>` +
  `<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>` +
  `<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>` +
  `<cellXfs count="4"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>` +
  `<xf numFmtId="14" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>` +
  `<xf numFmtId="176" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>` +
  `<xf numFmtId="49" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs>` +
  `</styleSheet>`;

export function makeXlsx(parts: XlsxParts): Buffer {
  const sheetEntries: ZipInput[] = parts.sheets.map((s, i) => ({ name: `xl/worksheets/sheet${i + 1}.xml`, data: s.xml }));
  const target = (t: string): string => (parts.absoluteTargets ? `/xl/${t}` : t);
  const rels =
    `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
    parts.sheets
      .map(
        (_s, i) =>
          `<Relationship Id="rId${i + 1}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="${target(`worksheets/sheet${i + 1}.xml`)}"/>`,
      )
      .join('') +
    `<Relationship Id="rId90" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="${target('styles.xml')}"/>` +
    (parts.sharedStrings
      ? `<Relationship Id="rId91" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="${target('sharedStrings.xml')}"/>`
      : '') +
    `</Relationships>`;
  const workbook =
    `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><workbook xmlns="${NS}" xmlns:r="${NS_R}"><workbookPr/><bookViews><workbookView/></bookViews><sheets>` +
    parts.sheets.map((s, i) => `<sheet name="${xmlEscape(s.name)}" sheetId="${i + 1}" r:id="rId${i + 1}"/>`).join('') +
    `</sheets></workbook>`;
  const sst =
    typeof parts.sharedStrings === 'string'
      ? parts.sharedStrings
      : parts.sharedStrings
        ? `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><sst xmlns="${NS}" count="${parts.sharedStrings.length}" uniqueCount="${parts.sharedStrings.length}">` +
          parts.sharedStrings.map((s) => `<si><t xml:space="preserve">${xmlEscape(s)}</t></si>`).join('') +
          `</sst>`
        : null;
  const contentTypes = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/></Types>`;
  const head: ZipInput[] = [
    { name: '[Content_Types].xml', data: contentTypes },
    { name: 'xl/workbook.xml', data: workbook },
    { name: 'xl/_rels/workbook.xml.rels', data: rels },
  ];
  const tail: ZipInput[] = [{ name: 'xl/styles.xml', data: parts.styles ?? DATE_STYLES }];
  if (sst !== null) tail.push({ name: 'xl/sharedStrings.xml', data: sst });
  const entries =
    parts.order === 'last'
      ? [...sheetEntries, ...tail, ...head]
      : [...head, ...sheetEntries, ...tail];
  return makeZip([...entries, ...(parts.extra ?? [])]);
}

/** A registry workbook with the given household and member rows (values in header order). */
export function registryXlsx(households: string[][], members: string[][], more: Partial<XlsxParts> = {}): Buffer {
  const sheet = (header: string[], rows: string[][]): string =>
    sheetXml([inlineRow(1, header), ...rows.map((r, i) => inlineRow(i + 2, r))].join(''));
  return makeXlsx({
    sheets: [
      { name: HOUSEHOLD_SHEET, xml: sheet(HOUSEHOLD_HEADER, households) },
      { name: MEMBER_SHEET, xml: sheet(MEMBER_HEADER, members) },
    ],
    ...more,
  });
}

/** A workbook whose member sheet has the given extra rows (row 2 on), header in row 1. */
export function membersSheet(rows: string, after = ''): string {
  return sheetXml(inlineRow(1, MEMBER_HEADER) + rows, after);
}

export function withMembers(memberSheet: string, more: Partial<Parameters<typeof makeXlsx>[0]> = {}): Buffer {
  return makeXlsx({
    sheets: [
      { name: HOUSEHOLD_SHEET, xml: sheetXml(inlineRow(1, HOUSEHOLD_HEADER)) },
      { name: MEMBER_SHEET, xml: memberSheet },
    ],
    ...more,
  });
}

export async function tempDir(): Promise<{ dir: string; file(name: string, data?: string | Buffer): Promise<string>; cleanup(): Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'workbook-test-'));
  return {
    dir,
    async file(name, data) {
      const p = join(dir, name);
      if (data !== undefined) await writeFile(p, data);
      return p;
    },
    cleanup: () => rm(dir, { recursive: true, force: true }),
  };
}

export interface ReadResult {
  rows: RawRow[];
  issues: FileIssue[];
  errors: FileIssue[];
  warnings: FileIssue[];
  /** Everything in the order read. */
  all: (RawRow | FileIssue)[];
}

export async function readAll(src: RegistrySource, opts?: ReadOptions): Promise<ReadResult> {
  const all: (RawRow | FileIssue)[] = [];
  for await (const x of readRegistryRows(src, opts)) all.push(x);
  const issues = all.filter((x): x is FileIssue => 'severity' in x);
  return {
    all,
    rows: all.filter((x): x is RawRow => !('severity' in x)),
    issues,
    errors: issues.filter((i) => i.severity === 'error'),
    warnings: issues.filter((i) => i.severity === 'warning'),
  };
}

export function codes(issues: FileIssue[]): string[] {
  return issues.map((i) => i.code);
}
