import { readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HOUSEHOLD_SHEET, MEMBER_SHEET } from './columns.js';
import { columnLetters } from './issues.js';
import { readRegistryRows } from './reader.js';
import {
  HOUSEHOLD_HEADER,
  MEMBER_HEADER,
  codes,
  householdValues,
  inl,
  inlineRow,
  makeXlsx,
  memberValues,
  membersSheet,
  num,
  readAll,
  registryXlsx,
  row,
  sheetXml,
  tempDir,
  withMembers,
  xmlEscape,
} from './test-helpers.js';
import { writeRegistryWorkbook } from './writer.js';

let tmp: Awaited<ReturnType<typeof tempDir>>;
beforeAll(async () => {
  tmp = await tempDir();
});
afterAll(async () => {
  await tmp.cleanup();
});

let n = 0;
async function readXlsx(data: Buffer | string, opts?: Parameters<typeof readAll>[1]) {
  const path = await tmp.file(`f${++n}.xlsx`, data);
  return readAll({ kind: 'xlsx', path }, opts);
}

const ID = '620102199001011234';

describe('reading an .xlsx: cells', () => {
  it('inline, shared, rich-text and formula-type strings; numbers; booleans; dates', async () => {
    const sst = [
      '<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="3" uniqueCount="3">',
      '<si><t>H1</t></si>',
      '<si><r><rPr><b/></rPr><t>李</t></r><r><t xml:space="preserve">四 </t></r></si>',
      '<si><t>汉族_x000D_</t></si>',
      '</sst>',
    ].join('');
    const cells =
      '<c r="A2" t="s"><v>0</v></c>' + // shared
      '<c r="B2" t="s"><v>1</v></c>' + // shared rich text
      `<c r="C2" t="inlineStr"><is><r><t>${ID.slice(0, 9)}</t></r><r><rPr><i/></rPr><t>${ID.slice(9)}</t></r><rPh sb="0" eb="1"><t>ふりがな</t></rPh></is></c>` +
      '<c r="D2" t="str"><v>户主</v></c>' + // t="str" without formula (exceljs writes strings so)
      '<c r="E2" t="s"><v>2</v></c>' +
      '<c r="F2" t="b"><v>1</v></c>' +
      '<c r="G2" s="1"><v>43466</v></c>' + // date, built-in format 14
      '<c r="H2" s="2"><v>43466.5</v></c>' + // date, custom format 年月日
      num('L2', 6) +
      '<c r="M2" s="3" t="s"><v>0</v></c>'; // text format on a string
    const r = await readXlsx(withMembers(membersSheet(row(2, cells)), { sharedStrings: sst }));
    expect(r.issues).toEqual([]);
    expect(r.rows[0]?.values).toMatchObject({
      户编号: 'H1',
      姓名: '李四',
      证件号码: ID,
      与户主关系: '户主',
      民族: '汉族',
      文化程度: 'TRUE',
      在校生状况: '2019-01-01',
      健康状况: '2019-01-01',
      '务工时间（月）': '6',
      是否参加城乡居民基本医疗保险: 'H1',
    });
    expect(r.rows[0]?.numeric).toEqual(['在校生状况', '健康状况', '务工时间（月）']);
  });

  it('an ID number typed as a number: in numeric, and its text shows the lost digits', async () => {
    const cells = inl('A2', 'H1') + inl('B2', '张三') + num('C2', '6.2010219900101101E+17') + inl('D2', '户主') + num('L2', '12.5');
    const r = await readXlsx(withMembers(membersSheet(row(2, cells))));
    expect(r.rows[0]?.values.证件号码).toBe('6.20102199001011e+17');
    expect(r.rows[0]?.values['务工时间（月）']).toBe('12.5');
    expect(r.rows[0]?.numeric).toEqual(['证件号码', '务工时间（月）']);
  });

  it('numbers read as Excel shows them: 3500, 12.5, 0.3 (not 0.30000000000000004), no exponent below 1e15', async () => {
    const file = makeXlsx({
      sheets: [
        {
          name: HOUSEHOLD_SHEET,
          xml: sheetXml(
            inlineRow(1, HOUSEHOLD_HEADER) +
              row(
                2,
                inl('A2', 'H1') +
                  num('B2', '620102001001') +
                  inl('D2', '一般贫困户') +
                  num('F2', 2016) +
                  inl('G2', '未脱贫') +
                  inl('I2', '缺技术') +
                  num('N2', '3500') +
                  num('O2', '0.30000000000000004') +
                  num('P2', '1234.5599999999999') +
                  num('Q2', '1E-3') +
                  num('R2', '-20') +
                  num('S2', '13912345678'),
              ),
          ),
        },
        { name: MEMBER_SHEET, xml: membersSheet('') },
      ],
    });
    const r = await readXlsx(file);
    expect(r.issues).toEqual([]);
    expect(r.rows[0]?.values).toMatchObject({
      行政区划代码: '620102001001',
      识别年度: '2016',
      工资性收入: '3500',
      生产经营性收入: '0.3',
      财产性收入: '1234.56',
      转移性收入: '0.001',
      生产经营性支出: '-20',
      联系电话: '13912345678',
    });
    expect(r.rows[0]?.numeric).toContain('行政区划代码');
  });

  it('entities and Excel escapes in text are decoded; values are trimmed', async () => {
    const cells =
      inl('A2', '  H1 ') + `<c r="B2" t="inlineStr"><is><t>A&amp;B &lt;c&gt; &#x5F20;&#19977;_x000D_</t></is></c>` + inl('C2', ID) + inl('D2', '户主');
    const r = await readXlsx(withMembers(membersSheet(row(2, cells))));
    expect(r.rows[0]?.values.户编号).toBe('H1');
    expect(r.rows[0]?.values.姓名).toBe('A&B <c> 张三');
  });

  it('CDATA, namespace prefixes, cells without references', async () => {
    const xml =
      `<x:worksheet xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><x:sheetData>` +
      `<x:row r="1">${MEMBER_HEADER.map((h) => `<x:c t="inlineStr"><x:is><x:t>${xmlEscape(h)}</x:t></x:is></x:c>`).join('')}</x:row>` +
      `<x:row><x:c t="inlineStr"><x:is><x:t><![CDATA[H<1>]]></x:t></x:is></x:c><x:c t="inlineStr"><x:is><x:t>张三</x:t></x:is></x:c>` +
      `<x:c t="inlineStr"><x:is><x:t>${ID}</x:t></x:is></x:c><x:c t="inlineStr"><x:is><x:t>户主</x:t></x:is></x:c></x:row>` +
      `</x:sheetData></x:worksheet>`;
    const r = await readXlsx(withMembers(xml));
    expect(r.issues).toEqual([]);
    expect(r.rows).toEqual([expect.objectContaining({ row: 2, values: expect.objectContaining({ 户编号: 'H<1>', 证件号码: ID }) })]);
  });

  it('a formula → FORMULA error naming the cell; the row still comes, flagged', async () => {
    const cells = inl('A2', 'H1') + inl('B2', '张三') + `<c r="C2" t="str"><f>A1&amp;"x"</f><v>${ID}</v></c>` + inl('D2', '户主');
    const shared = '<c r="L3"><f t="shared" ref="L3:L4" si="0">1+1</f><v>2</v></c>';
    const r = await readXlsx(
      withMembers(membersSheet(row(2, cells) + row(3, inl('A3', 'H1') + inl('B3', '李四') + inl('C3', ID) + inl('D3', '之子') + shared))),
    );
    expect(r.errors).toEqual([
      expect.objectContaining({ code: 'FORMULA', sheet: MEMBER_SHEET, row: 2, column: '证件号码', value: ID }),
      expect.objectContaining({ code: 'FORMULA', row: 3, column: '务工时间（月）' }),
    ]);
    expect(r.errors[0]?.message).toBe('第2行「证件号码」单元格（C2）含公式，请复制后“选择性粘贴为数值”再导入');
    expect(r.rows[0]?.flagged).toEqual(['证件号码']);
    expect(r.rows[0]?.values.证件号码).toBe(ID);
  });

  it('formulas with an empty result in otherwise blank rows are blank rows', async () => {
    const blanks = [3, 4, 5].map((rn) => row(rn, `<c r="M${rn}" t="str"><f>IF(A${rn}="","",1)</f><v></v></c>`)).join('');
    const r = await readXlsx(withMembers(membersSheet(inlineRow(2, memberValues('H1', ID)) + blanks)));
    expect(r.issues).toEqual([]);
    expect(r.rows).toHaveLength(1);
  });

  it('an error value (#N/A) → CELL_ERROR', async () => {
    const cells = inl('A2', 'H1') + inl('B2', '张三') + '<c r="C2" t="e"><v>#N/A</v></c>' + inl('D2', '户主');
    const r = await readXlsx(withMembers(membersSheet(row(2, cells))));
    expect(r.errors).toEqual([expect.objectContaining({ code: 'CELL_ERROR', row: 2, column: '证件号码', value: '#N/A' })]);
    expect(r.rows[0]?.values.证件号码).toBe('');
    expect(r.rows[0]?.flagged).toEqual(['证件号码']);
  });

  it('merged cells → MERGED_CELLS naming each range once (after the rows)', async () => {
    const rows = inlineRow(2, memberValues('H1', ID)) + inlineRow(3, memberValues('H1', '620102199001012345', { 与户主关系: '之子' }));
    const merges = '<mergeCells count="2"><mergeCell ref="A2:A3"/><mergeCell ref="E2:F2"/></mergeCells>';
    const r = await readXlsx(withMembers(membersSheet(rows, merges)));
    expect(r.errors).toEqual([
      expect.objectContaining({ code: 'MERGED_CELLS', value: 'A2:A3', row: 2, column: '户编号' }),
      expect.objectContaining({ code: 'MERGED_CELLS', value: 'E2:F2', row: 2, column: '民族' }),
    ]);
    expect(r.errors[0]?.message).toContain('A2:A3');
    expect(codes(r.issues)).toEqual(['MERGED_CELLS', 'MERGED_CELLS']);
    expect(r.all.slice(-2).every((x) => 'severity' in x)).toBe(true);
  });

  it('blank rows, whitespace-only cells and styled empty cells are skipped; row numbers stay those of the sheet', async () => {
    const rows =
      row(2, '<c r="A2" s="3"/><c r="B2" s="3"/>') +
      row(3, inl('A3', '   ') + num('C3', '')) +
      '<row r="4"/>' +
      inlineRow(5, memberValues('H1', ID)) +
      row(6, '') +
      row(1000, '<c r="A1000" s="3"/>');
    const r = await readXlsx(withMembers(membersSheet(rows)));
    expect(r.issues).toEqual([]);
    expect(r.rows.map((x) => x.row)).toEqual([5]);
  });

  it('a 10 MB cell → CELL_TOO_LONG with its first 50 characters, quickly (inline and shared)', async () => {
    const big = '长'.repeat(10 * 1024 * 1024);
    const t0 = Date.now();
    const inline = await readXlsx(
      withMembers(membersSheet(row(2, inl('A2', 'H1') + inl('B2', big) + inl('C2', ID) + inl('D2', '户主')))),
    );
    expect(inline.errors).toEqual([expect.objectContaining({ code: 'CELL_TOO_LONG', row: 2, column: '姓名', value: '长'.repeat(50) })]);
    expect(inline.rows[0]?.values.姓名).toBe('');
    const shared = await readXlsx(
      withMembers(membersSheet(row(2, inl('A2', 'H1') + '<c r="B2" t="s"><v>0</v></c>' + inl('C2', ID) + inl('D2', '户主'))), {
        sharedStrings: [big],
      }),
    );
    expect(codes(shared.errors)).toEqual(['CELL_TOO_LONG']);
    expect(Date.now() - t0).toBeLessThan(10_000);
  });

  it('maxCellChars is an option', async () => {
    const r = await readXlsx(withMembers(membersSheet(inlineRow(2, memberValues('H1', ID, { 姓名: '欧阳' }))), {}), {
      maxCellChars: 1,
    });
    expect(codes(r.errors)).toContain('CELL_TOO_LONG');
  });

  it('1,000,000 cells in a row → TOO_MANY_COLUMNS quickly, without reading them all into memory', async () => {
    const cells = '<c><v>1</v></c>'.repeat(1_000_000);
    const file = withMembers(membersSheet(`<row r="2">${cells}</row>` + inlineRow(3, memberValues('H1', ID))));
    expect(file.length).toBeLessThan(1_000_000);
    const t0 = Date.now();
    const r = await readXlsx(file);
    expect(r.errors).toEqual([expect.objectContaining({ code: 'TOO_MANY_COLUMNS', sheet: MEMBER_SHEET, row: 2, value: 'GS2' })]);
    expect(r.rows).toEqual([]);
    expect(Date.now() - t0).toBeLessThan(5_000);
  });

  it('a cell at column XFD → TOO_MANY_COLUMNS; a header wider than maxColumns too', async () => {
    const r = await readXlsx(withMembers(membersSheet(row(2, inl('A2', 'H1') + num('XFD2', 1)))));
    expect(r.errors).toEqual([expect.objectContaining({ code: 'TOO_MANY_COLUMNS', value: 'XFD2' })]);
    const wide = await readXlsx(withMembers(membersSheet('')), { maxColumns: 10 });
    expect(wide.errors).toEqual([
      expect.objectContaining({ code: 'TOO_MANY_COLUMNS', sheet: HOUSEHOLD_SHEET, row: 1, value: 'K1' }),
      expect.objectContaining({ code: 'TOO_MANY_COLUMNS', sheet: MEMBER_SHEET, row: 1, value: 'K1' }),
    ]);
  });

  it('many empty styled cells (a formatted row) are not too many columns', async () => {
    const styled = Array.from({ length: 5000 }, (_, i) => `<c r="${columnLetters(i + 1)}2" s="3"/>`).join('');
    const r = await readXlsx(withMembers(membersSheet(row(2, styled) + inlineRow(3, memberValues('H1', ID)))));
    expect(r.issues).toEqual([]);
    expect(r.rows.map((x) => x.row)).toEqual([3]);
  });
});

describe('reading an .xlsx: the generator', () => {
  it('stopping early (break) closes everything and leaves no temp files', async () => {
    const before = (await readdir(tmpdir())).filter((f) => f.startsWith('tmp-')).length;
    const rows = Array.from({ length: 500 }, (_, i) => memberValues(`H${i}`, ID));
    const path = await tmp.file('early.xlsx', registryXlsx([householdValues('H1')], rows, { order: 'last' }));
    let seen = 0;
    for await (const x of readRegistryRows({ kind: 'xlsx', path })) {
      if (!('severity' in x)) seen++;
      if (seen === 3) break;
    }
    expect(seen).toBe(3);
    const after = (await readdir(tmpdir())).filter((f) => f.startsWith('tmp-')).length;
    expect(after).toBeLessThanOrEqual(before);
  });

  it('reads a workbook written by exceljs (strings as t="str", workbook parts last)', async () => {
    const path = await tmp.file('exceljs.xlsx');
    await writeRegistryWorkbook(path, [{ 户编号: 'H1', 行政区划代码: '620102001001' }], [{ 户编号: 'H1', 姓名: '张三', 证件号码: ID }]);
    const r = await readAll({ kind: 'xlsx', path });
    expect(r.issues).toEqual([]);
    expect(r.rows.map((x) => x.values.户编号)).toEqual(['H1', 'H1']);
  });

  it('never throws and never hangs on random bytes after a zip signature', async () => {
    for (let seed = 1; seed <= 20; seed++) {
      const good = registryXlsx([householdValues('H1')], [memberValues('H1', ID)]);
      const bad = Buffer.from(good);
      let x = seed * 7919;
      for (let k = 0; k < 20; k++) {
        x = (x * 1103515245 + 12345) % 2 ** 31;
        const at = 4 + (x % (bad.length - 4));
        bad[at] = x & 0xff;
      }
      const path = await tmp.file(`fuzz${seed}.xlsx`, bad);
      const r = await readAll({ kind: 'xlsx', path });
      expect(Array.isArray(r.all)).toBe(true);
    }
  });
});

