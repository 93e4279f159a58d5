import { readFile, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { inflateRawSync } from 'node:zlib';
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
  makeZip,
  memberValues,
  num,
  readAll,
  registryXlsx,
  row,
  sheetXml,
  tempDir,
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

/** A workbook whose member sheet has the given extra rows (row 2 on), header in row 1. */
function membersSheet(rows: string, after = ''): string {
  return sheetXml(inlineRow(1, MEMBER_HEADER) + rows, after);
}

function withMembers(memberSheet: string, more: Partial<Parameters<typeof makeXlsx>[0]> = {}): Buffer {
  return makeXlsx({
    sheets: [
      { name: HOUSEHOLD_SHEET, xml: sheetXml(inlineRow(1, HOUSEHOLD_HEADER)) },
      { name: MEMBER_SHEET, xml: memberSheet },
    ],
    ...more,
  });
}

describe('reading an .xlsx: files that are not a readable workbook', () => {
  it('non-zip bytes named .xlsx → NOT_XLSX', async () => {
    const r = await readXlsx('户编号,姓名\n1,张三\n');
    expect(codes(r.issues)).toEqual(['NOT_XLSX']);
    expect(r.issues[0]?.message).toMatch(/xlsx/);
  });

  it('an empty file → EMPTY_FILE', async () => {
    const r = await readXlsx(Buffer.alloc(0));
    expect(codes(r.issues)).toEqual(['EMPTY_FILE']);
  });

  it('an old .xls (OLE2 signature) → UNSUPPORTED_FORMAT telling to save as .xlsx', async () => {
    const ole = Buffer.concat([Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]), Buffer.alloc(4096)]);
    const r = await readXlsx(ole);
    expect(codes(r.issues)).toEqual(['UNSUPPORTED_FORMAT']);
    expect(r.issues[0]?.message).toContain('另存为');
    expect(r.issues[0]?.message).toContain('.xlsx');
  });

  it('a missing file → FILE_NOT_FOUND', async () => {
    const r = await readAll({ kind: 'xlsx', path: `${tmpdir()}/does-not-exist-${Date.now()}.xlsx` });
    expect(codes(r.issues)).toEqual(['FILE_NOT_FOUND']);
  });

  it('a zip that is not a workbook (no xl/workbook.xml) → NOT_XLSX', async () => {
    const r = await readXlsx(makeZip([{ name: 'word/document.xml', data: '<w:document/>' }]));
    expect(codes(r.issues)).toEqual(['NOT_XLSX']);
  });

  it('a truncated file → CORRUPT_FILE, no rows', async () => {
    const full = registryXlsx([householdValues('H1')], [memberValues('H1', ID)]);
    for (const cut of [0.3, 0.6, 0.95]) {
      const r = await readXlsx(full.subarray(0, Math.floor(full.length * cut)));
      expect(codes(r.issues)).toEqual(['CORRUPT_FILE']);
      expect(r.rows).toEqual([]);
    }
  });

  it('a truncated file written by exceljs → CORRUPT_FILE', async () => {
    const path = await tmp.file('exceljs-full.xlsx');
    const members = Array.from({ length: 3000 }, (_, i) => ({ 户编号: `H${i}`, 姓名: '张三', 证件号码: ID, 与户主关系: '户主' }));
    await writeRegistryWorkbook(path, [{ 户编号: 'H1' }], members);
    const full = await readFile(path);
    const r = await readXlsx(full.subarray(0, full.length - 200));
    expect(codes(r.issues)).toEqual(['CORRUPT_FILE']);
  });

  it('damaged compressed data inside a complete zip → CORRUPT_FILE, no unhandled stream error', async () => {
    const rows = Array.from({ length: 2000 }, (_, i) => memberValues(`H${i}`, `62010219900101${String(i).padStart(4, '0')}`));
    const good = registryXlsx([householdValues('H1')], rows);
    const at = good.indexOf('xl/worksheets/sheet2.xml') + 200; // inside the member sheet's deflate data
    for (const [from, span] of [
      [at, 64],
      [at + 5000, 1],
      [at + 20000, 8],
    ] as const) {
      const bad = Buffer.from(good);
      for (let i = from; i < from + span; i++) bad[i] = (bad[i] ?? 0) ^ 0x5a;
      const r = await readXlsx(bad);
      expect(r.issues.at(-1)?.code).toBe('CORRUPT_FILE');
    }
  });

  it('a damaged stored (uncompressed) sheet → CORRUPT_FILE by its CRC', async () => {
    const xml = sheetXml(inlineRow(1, MEMBER_HEADER) + inlineRow(2, memberValues('H1', ID)));
    const file = makeXlsx({
      sheets: [
        { name: HOUSEHOLD_SHEET, xml: sheetXml(inlineRow(1, HOUSEHOLD_HEADER)) },
        { name: MEMBER_SHEET, xml },
      ],
    });
    // rebuild with the member sheet stored, then change one digit of the ID
    const stored = makeZip([
      { name: 'xl/workbook.xml', data: extract(file, 'xl/workbook.xml') },
      { name: 'xl/_rels/workbook.xml.rels', data: extract(file, 'xl/_rels/workbook.xml.rels') },
      { name: 'xl/worksheets/sheet1.xml', data: sheetXml(inlineRow(1, HOUSEHOLD_HEADER)) },
      { name: 'xl/worksheets/sheet2.xml', data: xml, method: 0 },
    ]);
    expect((await readXlsx(stored)).issues).toEqual([]);
    const bad = Buffer.from(stored);
    const at = bad.indexOf(ID);
    bad[at + 5] = '9'.charCodeAt(0);
    const r = await readXlsx(bad);
    expect(codes(r.issues)).toEqual(['CORRUPT_FILE']);
  });

  it('a workbook without its relationships part → CORRUPT_FILE', async () => {
    const r = await readXlsx(makeZip([{ name: 'xl/workbook.xml', data: '<workbook/>' }]));
    expect(codes(r.issues)).toEqual(['CORRUPT_FILE']);
  });

  it('an unsupported compression method → UNSUPPORTED_FORMAT', async () => {
    const ok = makeXlsx({ sheets: [{ name: HOUSEHOLD_SHEET, xml: sheetXml('') }] });
    expect((await readXlsx(ok)).issues.length).toBeGreaterThan(0);
    const deflate64 = makeZip([
      { name: 'xl/workbook.xml', data: '<workbook/>', method: 9 },
      { name: 'xl/_rels/workbook.xml.rels', data: '<Relationships/>' },
    ]);
    const r = await readXlsx(deflate64);
    expect(codes(r.issues)).toEqual(['UNSUPPORTED_FORMAT']);
  });

  it('a file whose declared uncompressed size is over the limit → FILE_TOO_LARGE', async () => {
    const r = await readXlsx(registryXlsx([householdValues('H1')], []), { maxUncompressedBytes: 1000 });
    expect(codes(r.issues)).toEqual(['FILE_TOO_LARGE']);
  });

  it('a DOCTYPE in a sheet → CORRUPT_FILE', async () => {
    const xml = `<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaaaaaaaa">]><worksheet><sheetData>${inlineRow(1, MEMBER_HEADER)}</sheetData></worksheet>`;
    const r = await readXlsx(withMembers(xml));
    expect(codes(r.errors)).toEqual(['CORRUPT_FILE']);
  });
});

describe('reading an .xlsx: sheets and headers', () => {
  it('reads both sheets by name, in the order of the file, ignoring other sheets (EXTRA_SHEET)', async () => {
    const file = makeXlsx({
      sheets: [
        { name: '说明', xml: sheetXml(inlineRow(1, ['随便写点什么'])) },
        { name: MEMBER_SHEET, xml: membersSheet(inlineRow(2, memberValues('H1', ID))) },
        { name: ` ${HOUSEHOLD_SHEET} `, xml: sheetXml(inlineRow(1, HOUSEHOLD_HEADER) + inlineRow(2, householdValues('H1'))) },
      ],
    });
    const r = await readXlsx(file);
    expect(r.all.map((x) => ('severity' in x ? x.code : `${x.sheet}:${x.row}`))).toEqual([
      'EXTRA_SHEET',
      '家庭成员:2',
      '户信息:2',
    ]);
    expect(r.warnings[0]?.sheet).toBe('说明');
    expect(r.rows[0]?.values).toMatchObject({ 户编号: 'H1', 姓名: '张三', 证件号码: ID, 与户主关系: '户主', 民族: '' });
    expect(Object.keys(r.rows[0]?.values ?? {})).toEqual(MEMBER_HEADER);
    expect(Object.keys(r.rows[1]?.values ?? {})).toEqual(HOUSEHOLD_HEADER);
  });

  it('a missing sheet → MISSING_SHEET for each', async () => {
    const r = await readXlsx(makeXlsx({ sheets: [{ name: 'Sheet1', xml: sheetXml('') }] }));
    expect(codes(r.errors)).toEqual(['MISSING_SHEET', 'MISSING_SHEET']);
    expect(r.errors.map((e) => e.sheet)).toEqual([HOUSEHOLD_SHEET, MEMBER_SHEET]);
    expect(codes(r.warnings)).toEqual(['EXTRA_SHEET']);
  });

  it('a sheet twice (names equal once trimmed) → DUPLICATE_SHEET', async () => {
    const file = makeXlsx({
      sheets: [
        { name: HOUSEHOLD_SHEET, xml: sheetXml(inlineRow(1, HOUSEHOLD_HEADER)) },
        { name: `${HOUSEHOLD_SHEET} `, xml: sheetXml(inlineRow(1, HOUSEHOLD_HEADER)) },
        { name: MEMBER_SHEET, xml: membersSheet('') },
      ],
    });
    expect(codes((await readXlsx(file)).issues)).toEqual(['DUPLICATE_SHEET']);
  });

  it('a missing required header → MISSING_COLUMN naming it; that sheet stops, the other is read', async () => {
    const header = MEMBER_HEADER.filter((h) => h !== '证件号码');
    const file = withMembers(sheetXml(inlineRow(1, header) + inlineRow(2, ['H1', '张三'])));
    const r = await readXlsx(file);
    expect(r.errors).toEqual([
      expect.objectContaining({ code: 'MISSING_COLUMN', sheet: MEMBER_SHEET, column: '证件号码', row: 1 }),
    ]);
    expect(r.errors[0]?.message).toContain('证件号码');
    expect(r.rows).toEqual([]);
  });

  it('a missing optional header is fine', async () => {
    const header = MEMBER_HEADER.slice(0, 4);
    const r = await readXlsx(withMembers(sheetXml(inlineRow(1, header) + inlineRow(2, ['H1', '张三', ID, '户主']))));
    expect(r.issues).toEqual([]);
    expect(r.rows[0]?.values.民族).toBe('');
  });

  it('a renamed header → EXTRA_COLUMN warning and MISSING_COLUMN error', async () => {
    const header = MEMBER_HEADER.map((h) => (h === '证件号码' ? '身份证号' : h));
    const r = await readXlsx(withMembers(sheetXml(inlineRow(1, header))));
    expect(codes(r.issues)).toEqual(['EXTRA_COLUMN', 'MISSING_COLUMN']);
    expect(r.warnings[0]).toMatchObject({ column: '身份证号', severity: 'warning' });
  });

  it('an extra column → one EXTRA_COLUMN warning, its values ignored', async () => {
    const header = [...MEMBER_HEADER.slice(0, 4), '备注', ...MEMBER_HEADER.slice(4)];
    const values = memberValues('H1', ID);
    const rows = [2, 3].map((r) => inlineRow(r, [...values.slice(0, 4), '备注内容', ...values.slice(4)])).join('');
    const r = await readXlsx(withMembers(sheetXml(inlineRow(1, header) + rows)));
    expect(r.issues).toEqual([expect.objectContaining({ code: 'EXTRA_COLUMN', severity: 'warning', column: '备注' })]);
    expect(r.rows).toHaveLength(2);
    expect(Object.values(r.rows[0]?.values ?? {})).not.toContain('备注内容');
  });

  it('a duplicate header → DUPLICATE_COLUMN error', async () => {
    const header = [...MEMBER_HEADER, '姓名'];
    const r = await readXlsx(withMembers(sheetXml(inlineRow(1, header))));
    expect(r.errors).toEqual([expect.objectContaining({ code: 'DUPLICATE_COLUMN', column: '姓名' })]);
  });

  it('headers as templates and people write them: * marks, ASCII parentheses, line breaks, spaces', async () => {
    const header = MEMBER_HEADER.map((h) =>
      h === '户编号' ? '*户编号' : h === '姓名' ? '姓名＊' : h === '务工时间（月）' ? '务工时间(月)' : h === '证件号码' ? ' 证件\n号码 ' : h,
    );
    const values = memberValues('H1', ID, { '务工时间（月）': '6' });
    const r = await readXlsx(withMembers(sheetXml(inlineRow(1, header) + inlineRow(2, values))));
    expect(r.issues).toEqual([]);
    expect(r.rows[0]?.values).toMatchObject({ 户编号: 'H1', 姓名: '张三', 证件号码: ID, '务工时间（月）': '6' });
  });

  it('a sheet with no header row → EMPTY_SHEET', async () => {
    const r = await readXlsx(withMembers(sheetXml('')));
    expect(codes(r.issues)).toEqual(['EMPTY_SHEET']);
  });

  it('data under no header → one VALUE_WITHOUT_HEADER warning per column', async () => {
    const values = memberValues('H1', ID);
    const rows = [2, 3].map((r) => row(r, inlineRow(r, values).slice(`<row r="${r}" spans="1:20" x14ac:dyDescent="0.2">`.length, -6) + inl(`Z${r}`, 'x'))).join('');
    const r = await readXlsx(withMembers(membersSheet(rows)));
    expect(codes(r.issues)).toEqual(['VALUE_WITHOUT_HEADER']);
    expect(r.rows).toHaveLength(2);
  });

  it('openpyxl-style absolute relationship targets and workbook parts after the sheets', async () => {
    const file = registryXlsx([householdValues('H1')], [memberValues('H1', ID)], { absoluteTargets: true, order: 'last' });
    const r = await readXlsx(file);
    expect(r.issues).toEqual([]);
    expect(r.rows.map((x) => x.sheet)).toEqual([HOUSEHOLD_SHEET, MEMBER_SHEET]);
  });
});

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

/** The text of a part of a zip made by makeZip (deflated). */
function extract(zip: Buffer, name: string): string {
  const at = zip.indexOf(name);
  const size = zip.readUInt32LE(at - 30 + 18);
  const data = zip.subarray(at + Buffer.byteLength(name), at + Buffer.byteLength(name) + size);
  return inflateRawSync(data).toString('utf8');
}
