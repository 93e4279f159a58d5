import { describe, expect, it } from 'vitest';
import { formatNumber, isDateFormat, serialToIsoDate } from './cell-format.js';
import { HOUSEHOLD_COLUMNS, MEMBER_COLUMNS, normalizeHeader } from './columns.js';
import { RegistrySourceError, detectSourceKind, sourceFromPaths } from './reader.js';
import type { CellIn } from './rows.js';
import { SheetXmlScanner } from './sheet-xml.js';
import { StringTable } from './shared-strings.js';
import { inl, num, row } from './test-helpers.js';

describe('the contract columns', () => {
  it('are DOMAIN.md’s, in order, required ones marked', () => {
    expect(HOUSEHOLD_COLUMNS.map((c) => (c.required ? `${c.name}*` : c.name)).join(' ')).toBe(
      '户编号* 行政区划代码* 自然村 贫困户属性* 识别标准 识别年度* 脱贫属性* 脱贫年度 主要致贫原因* 其他致贫原因 是否危房户 ' +
        '是否解决安全饮水 收入年度 工资性收入 生产经营性收入 财产性收入 转移性收入 生产经营性支出 联系电话 开户银行 银行账号',
    );
    expect(MEMBER_COLUMNS.map((c) => (c.required ? `${c.name}*` : c.name)).join(' ')).toBe(
      '户编号* 姓名* 证件号码* 与户主关系* 民族 文化程度 在校生状况 健康状况 残疾等级 劳动技能 务工情况 务工时间（月） ' +
        '是否参加城乡居民基本医疗保险 是否参加大病保险 是否参加城乡居民基本养老保险 是否享受低保 是否特困供养人员',
    );
  });

  it('normalizeHeader: trims, drops * marks, folds parentheses, removes inner whitespace', () => {
    expect(normalizeHeader(' *户编号 ')).toBe('户编号');
    expect(normalizeHeader('户编号*')).toBe('户编号');
    expect(normalizeHeader('＊姓名＊')).toBe('姓名');
    expect(normalizeHeader('务工时间(月)')).toBe('务工时间（月）');
    expect(normalizeHeader('务工时间 （月）')).toBe('务工时间（月）');
    expect(normalizeHeader('证件\r\n号码')).toBe('证件号码');
    expect(normalizeHeader('\ufeff户编号')).toBe('户编号');
    expect(normalizeHeader('  ')).toBe('');
  });
});

describe('cell text', () => {
  it('formatNumber: as Excel shows it', () => {
    expect(formatNumber(3500)).toBe('3500');
    expect(formatNumber(12.5)).toBe('12.5');
    expect(formatNumber(-0.25)).toBe('-0.25');
    expect(formatNumber(0.1 + 0.2)).toBe('0.3');
    expect(formatNumber(1234.5599999999999)).toBe('1234.56');
    expect(formatNumber(1e-7)).toBe('0.0000001');
    expect(formatNumber(620102001001)).toBe('620102001001');
    expect(formatNumber(999999999999999)).toBe('999999999999999');
    expect(formatNumber(Number('620102199001011234'))).toBe('6.20102199001011e+17');
    expect(formatNumber(6222021234567890)).toBe('6.22202123456789e+15');
    expect(formatNumber(1e15)).toBe('1e+15');
  });

  it('isDateFormat: built-in and custom date formats, not numbers or times', () => {
    expect(isDateFormat(14, undefined)).toBe(true);
    expect(isDateFormat(31, undefined)).toBe(true); // yyyy"年"m"月"d"日" (zh-CN)
    expect(isDateFormat(0, undefined)).toBe(false);
    expect(isDateFormat(49, undefined)).toBe(false); // @
    expect(isDateFormat(176, 'yyyy/mm/dd')).toBe(true);
    expect(isDateFormat(177, 'yyyy"年"m"月"')).toBe(true);
    expect(isDateFormat(178, '#,##0.00"元"')).toBe(false);
    expect(isDateFormat(179, '[Red]0.00;[Blue]-0.00')).toBe(false);
    expect(isDateFormat(180, 'h:mm:ss')).toBe(false);
    expect(isDateFormat(181, '0.00E+00')).toBe(false);
  });

  it('serialToIsoDate: the 1900 system with its leap-year bug, and 1904', () => {
    expect(serialToIsoDate(1, false)).toBe('1900-01-01');
    expect(serialToIsoDate(59, false)).toBe('1900-02-28');
    expect(serialToIsoDate(61, false)).toBe('1900-03-01');
    expect(serialToIsoDate(43466, false)).toBe('2019-01-01');
    expect(serialToIsoDate(43466.99, false)).toBe('2019-01-01');
    expect(serialToIsoDate(0, true)).toBe('1904-01-01');
    expect(serialToIsoDate(42004, true)).toBe('2019-01-01');
  });
});

describe('sources', () => {
  it('one .xlsx, or two .csv with households first', () => {
    expect(sourceFromPaths(['a/户.xlsx'])).toEqual({ kind: 'xlsx', path: 'a/户.xlsx' });
    expect(sourceFromPaths(['h.csv', 'm.csv'])).toEqual({ kind: 'csv', households: 'h.csv', members: 'm.csv' });
    expect(sourceFromPaths(['old.xls'])).toEqual({ kind: 'xlsx', path: 'old.xls' });
    expect(() => sourceFromPaths([])).toThrow(RegistrySourceError);
    expect(() => sourceFromPaths(['one.csv'])).toThrow(RegistrySourceError);
    expect(detectSourceKind('X.XLSX')).toBe('xlsx');
    expect(detectSourceKind('x.csv')).toBe('csv');
    expect(detectSourceKind('x.xls')).toBe('xls');
    expect(detectSourceKind('x.pdf')).toBe('unknown');
  });
});

describe('the sheet scanner', () => {
  function scan(chunks: string[], sst: string[] = []): string[] {
    const out: string[] = [];
    const table = new StringTable();
    for (const s of sst) table.add(s);
    table.seal();
    const scanner = new SheetXmlScanner({
      sharedString: (i) => table.get(i),
      sharedStringLength: (i) => table.realLength(i),
      isDateStyle: (s) => s === 1,
      date1904: false,
      maxCellChars: 2000,
      maxColumns: 50,
      onRow: (r: number, cells: CellIn[]) => out.push(`${r}|${cells.map((c) => `${c.col}:${c.text}${c.numeric ? '#' : ''}${c.problem ? `!${c.problem}` : ''}`).join('|')}`),
      onMerge: (ref) => out.push(`merge ${ref}`),
      onTooWide: (r, col) => out.push(`wide ${r} ${col}`),
      onMalformed: (d) => out.push(`bad ${d}`),
    });
    for (const c of chunks) scanner.write(c);
    scanner.end();
    return out;
  }

  const xml =
    '<?xml version="1.0"?><!-- a comment --><worksheet><sheetData>' +
    row(1, inl('A1', '户编号') + inl('B1', 'A&B <c>') + '<c r="C1" t="s"><v>1</v></c>') +
    '<row r="3"><c r="A3" s="1"><v>43466</v></c><c r="B3"><v>6.2010219900101101E+17</v></c><c r="C3" t="b"><v>0</v></c>' +
    '<c r="D3" t="str"><f>A1</f><v>x</v></c><c r="E3" t="e"><v>#DIV/0!</v></c><c r="F3" t="inlineStr"><is><t><![CDATA[<cdata> & more]]></t></is></c></row>' +
    `<row r="4">${num('B4', '12.5')}<c r="C4" s="3"/><c r='D4' t='inlineStr'><is><r><t>富</t></r><r><t xml:space="preserve"> 文本 </t></r></is></c></row>` +
    '</sheetData><mergeCells count="1"><mergeCell ref="A5:B6"/></mergeCells></worksheet>';
  const expected = [
    '1|1:户编号|2:A&B <c>|3:李四',
    '3|1:2019-01-01#|2:6.20102199001011e+17#|3:FALSE|4:x!FORMULA|5:#DIV/0!!CELL_ERROR|6:<cdata> & more',
    '4|2:12.5#|4:富 文本',
    'merge A5:B6',
  ];

  it('reads rows, cells and merges', () => {
    expect(scan([xml], ['张三', '李四'])).toEqual(expected);
  });

  it('gives the same result whatever the chunking (tags, entities and CDATA cut anywhere)', () => {
    for (const size of [1, 2, 3, 5, 7, 11, 64]) {
      const chunks: string[] = [];
      for (let i = 0; i < xml.length; i += size) chunks.push(xml.slice(i, i + size));
      expect(scan(chunks, ['张三', '李四'])).toEqual(expected);
    }
  });

  it('stops at a value past maxColumns, and on unfinished XML reports it', () => {
    expect(scan([`<worksheet><sheetData><row r="2">${num('AY2', 1)}</row></sheetData></worksheet>`])).toEqual(['wide 2 51']);
    expect(scan(['<worksheet><sheetData><row r="2"><c r="A2"'])).toEqual(['bad XML 不完整']);
  });
});
