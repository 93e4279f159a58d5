import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { inflateRawSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HOUSEHOLD_SHEET, MEMBER_SHEET } from './columns.js';
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
  membersSheet,
  readAll,
  registryXlsx,
  row,
  sheetXml,
  tempDir,
  withMembers,
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

  it('a workbook part that is not XML → CORRUPT_FILE (exceljs’s parse error is caught)', async () => {
    const r = await readXlsx(
      makeZip([
        { name: 'xl/workbook.xml', data: '<workbook><sheets><sheet name="户信息" sheetId="1" r:id="rId1"/></sheets' },
        { name: 'xl/_rels/workbook.xml.rels', data: '<Relationships/>' },
      ]),
    );
    expect(codes(r.issues)).toEqual(['CORRUPT_FILE']);
    const styles = await readXlsx(registryXlsx([householdValues('H1')], [], { styles: '<styleSheet><cellXfs><xf numFmtId="' }));
    expect(codes(styles.issues)).toEqual(['CORRUPT_FILE']);
  });

  it('a sheet whose part is missing from the zip → CORRUPT_FILE', async () => {
    const file = makeXlsx({ sheets: [{ name: HOUSEHOLD_SHEET, xml: sheetXml(inlineRow(1, HOUSEHOLD_HEADER)) }] });
    const rels = extract(file, 'xl/_rels/workbook.xml.rels').replace('sheet1.xml', 'sheet9.xml');
    const broken = makeZip([
      { name: 'xl/workbook.xml', data: extract(file, 'xl/workbook.xml') },
      { name: 'xl/_rels/workbook.xml.rels', data: rels },
    ]);
    const r = await readXlsx(broken);
    expect(codes(r.issues)).toEqual(['CORRUPT_FILE']);
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

/** The text of a part of a zip made by makeZip (deflated). */
function extract(zip: Buffer, name: string): string {
  const at = zip.indexOf(name);
  const size = zip.readUInt32LE(at - 30 + 18);
  const data = zip.subarray(at + Buffer.byteLength(name), at + Buffer.byteLength(name) + size);
  return inflateRawSync(data).toString('utf8');
}
