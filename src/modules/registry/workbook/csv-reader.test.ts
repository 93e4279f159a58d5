import iconv from 'iconv-lite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HOUSEHOLD_SHEET, MEMBER_SHEET } from './columns.js';
import { AutoDecoder, CsvParser } from './csv-reader.js';
import type { CellIn } from './rows.js';
import { HOUSEHOLD_HEADER, MEMBER_HEADER, codes, householdValues, memberValues, readAll, registryXlsx, tempDir } from './test-helpers.js';

let tmp: Awaited<ReturnType<typeof tempDir>>;
beforeAll(async () => {
  tmp = await tempDir();
});
afterAll(async () => {
  await tmp.cleanup();
});

const ID = '620102199001011234';

function csv(rows: string[][], eol = '\r\n'): string {
  return rows.map((r) => r.map((v) => (/[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v)).join(',')).join(eol) + eol;
}

const HOUSEHOLDS = csv([HOUSEHOLD_HEADER, householdValues('H1'), householdValues('H2', { 自然村: '上庄' })]);
const MEMBERS = csv([MEMBER_HEADER, memberValues('H1', ID, { 姓名: '张三丰' }), memberValues('H2', '620102199001012345', { 姓名: '李四' })]);

let n = 0;
async function readCsv(households: string | Buffer, members: string | Buffer, opts?: Parameters<typeof readAll>[1]) {
  n++;
  const h = await tmp.file(`h${n}.csv`, households);
  const m = await tmp.file(`m${n}.csv`, members);
  return readAll({ kind: 'csv', households: h, members: m }, opts);
}

function expectTheRows(r: Awaited<ReturnType<typeof readCsv>>): void {
  expect(r.issues).toEqual([]);
  expect(r.rows.map((x) => [x.sheet, x.row, x.values.户编号])).toEqual([
    [HOUSEHOLD_SHEET, 2, 'H1'],
    [HOUSEHOLD_SHEET, 3, 'H2'],
    [MEMBER_SHEET, 2, 'H1'],
    [MEMBER_SHEET, 3, 'H2'],
  ]);
  expect(r.rows[1]?.values.自然村).toBe('上庄');
  expect(r.rows[2]?.values).toMatchObject({ 姓名: '张三丰', 证件号码: ID, 与户主关系: '户主', 民族: '' });
  expect(r.rows.every((x) => x.numeric.length === 0)).toBe(true);
}

describe('reading .csv: encodings', () => {
  it('UTF-8 without BOM', async () => {
    expectTheRows(await readCsv(HOUSEHOLDS, MEMBERS));
  });

  it('UTF-8 with BOM (Excel’s “CSV UTF-8”)', async () => {
    expectTheRows(await readCsv(`\ufeff${HOUSEHOLDS}`, `\ufeff${MEMBERS}`));
  });

  it('GB18030 (Excel’s “CSV (逗号分隔)” on Chinese Windows)', async () => {
    expectTheRows(await readCsv(iconv.encode(HOUSEHOLDS, 'gb18030'), iconv.encode(MEMBERS, 'gb18030')));
  });

  it('the encoding is decided on the first non-ASCII bytes, however late they come', () => {
    const late = (text: Buffer): { encoding: string; out: string } => {
      const d = new AutoDecoder();
      let out = '';
      for (let i = 0; i < text.length; i += 65536) out += d.write(text.subarray(i, i + 65536));
      out += d.end();
      return { encoding: d.encoding, out };
    };
    const ascii = Buffer.from('a,b\r\n'.repeat(40_000));
    const gb = late(Buffer.concat([ascii, iconv.encode('王五,张三\r\n', 'gb18030')]));
    expect(gb.encoding).toBe('gb18030');
    expect(gb.out.endsWith('王五,张三\r\n')).toBe(true);
    const utf8 = late(Buffer.concat([ascii, Buffer.from('王五,张三\r\n')]));
    expect(utf8.encoding).toBe('utf8');
    expect(utf8.out.endsWith('王五,张三\r\n')).toBe(true);
  });

  it('GB18030 with many blank lines: row numbers count them', async () => {
    const text = `${MEMBER_HEADER.join(',')}\r\n${'\r\n'.repeat(40_000)}${memberValues('H1', ID, { 姓名: '王五' }).join(',')}\r\n`;
    const r = await readCsv(HOUSEHOLDS, iconv.encode(text, 'gb18030'));
    expect(r.issues).toEqual([]);
    expect(r.rows.at(-1)).toMatchObject({ sheet: MEMBER_SHEET, row: 40_002, values: expect.objectContaining({ 姓名: '王五' }) });
  });

  it('invalid UTF-8 after a UTF-8 start → ENCODING naming the row', async () => {
    const rows = [MEMBER_HEADER, ...Array.from({ length: 3000 }, (_, i) => memberValues(`H${i}`, ID))];
    const good = Buffer.from(csv(rows), 'utf8');
    const bad = Buffer.concat([good, iconv.encode(`${memberValues('H9', ID, { 姓名: '赵六' }).join(',')}\r\n`, 'gb18030')]);
    const r = await readCsv(HOUSEHOLDS, bad);
    expect(r.errors).toEqual([expect.objectContaining({ code: 'ENCODING', sheet: MEMBER_SHEET, row: 3002 })]);
    expect(r.rows.filter((x) => x.sheet === MEMBER_SHEET)).toHaveLength(3000);
  });

  it('UTF-16 (Excel’s “Unicode 文本”) → ENCODING', async () => {
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(MEMBERS, 'utf16le')]);
    const r = await readCsv(HOUSEHOLDS, utf16);
    expect(codes(r.errors)).toEqual(['ENCODING']);
    expect(r.errors[0]?.message).toContain('UTF-16');
  });
});

describe('reading .csv: structure', () => {
  it('RFC 4180: quoted commas, doubled quotes, line breaks inside quotes; row numbers are records', async () => {
    const text =
      `${MEMBER_HEADER.join(',')}\n` +
      `H1,"张,三","${ID}",户主,"汉""族""",,"多行\n文字",,,,,,,,,,\n` +
      `\n` + // a blank line is row 3
      `H1,李四,620102199001012345,之子\n`;
    const r = await readCsv(HOUSEHOLDS, text);
    expect(r.issues).toEqual([]);
    const members = r.rows.filter((x) => x.sheet === MEMBER_SHEET);
    expect(members.map((x) => x.row)).toEqual([2, 4]);
    expect(members[0]?.values).toMatchObject({ 姓名: '张,三', 证件号码: ID, 民族: '汉"族"', 在校生状况: '多行\n文字' });
  });

  it('CRLF, LF and a last line without a line break', async () => {
    const lf = `${MEMBER_HEADER.join(',')}\n${memberValues('H1', ID).join(',')}`;
    const crlf = `${HOUSEHOLD_HEADER.join(',')}\r\n${householdValues('H1').join(',')}`;
    const r = await readCsv(crlf, lf);
    expect(r.issues).toEqual([]);
    expect(r.rows.map((x) => x.row)).toEqual([2, 2]);
  });

  it('an empty file → EMPTY_FILE; a BOM alone too', async () => {
    const r = await readCsv('', '\ufeff');
    expect(r.errors).toEqual([
      expect.objectContaining({ code: 'EMPTY_FILE', sheet: HOUSEHOLD_SHEET }),
      expect.objectContaining({ code: 'EMPTY_FILE', sheet: MEMBER_SHEET }),
    ]);
  });

  it('a missing required column → MISSING_COLUMN for that file; the other file is read', async () => {
    const members = csv([MEMBER_HEADER.filter((h) => h !== '与户主关系'), ['H1', '张三', ID]]);
    const r = await readCsv(HOUSEHOLDS, members);
    expect(r.errors).toEqual([expect.objectContaining({ code: 'MISSING_COLUMN', sheet: MEMBER_SHEET, column: '与户主关系' })]);
    expect(r.rows.map((x) => x.sheet)).toEqual([HOUSEHOLD_SHEET, HOUSEHOLD_SHEET]);
  });

  it('an extra column → EXTRA_COLUMN warning', async () => {
    const members = csv([[...MEMBER_HEADER, '备注'], [...memberValues('H1', ID), '无']]);
    const r = await readCsv(HOUSEHOLDS, members);
    expect(r.issues).toEqual([expect.objectContaining({ code: 'EXTRA_COLUMN', severity: 'warning', column: '备注' })]);
  });

  it('an open quote at the end → UNTERMINATED_QUOTE naming its row', async () => {
    const members = `${MEMBER_HEADER.join(',')}\r\nH1,"张三,${ID},户主\r\nH2,李四\r\n`;
    const r = await readCsv(HOUSEHOLDS, members);
    expect(r.errors).toEqual([expect.objectContaining({ code: 'UNTERMINATED_QUOTE', sheet: MEMBER_SHEET, row: 2 })]);
  });

  it('a 10 MB field → CELL_TOO_LONG quickly, memory bounded', async () => {
    const t0 = Date.now();
    const members = `${MEMBER_HEADER.join(',')}\r\nH1,${'长'.repeat(10 * 1024 * 1024)},${ID},户主\r\n`;
    const r = await readCsv(HOUSEHOLDS, members);
    expect(r.errors).toEqual([
      expect.objectContaining({ code: 'CELL_TOO_LONG', row: 2, column: '姓名', value: '长'.repeat(50) }),
    ]);
    expect(r.errors[0]?.message).toContain(String(10 * 1024 * 1024));
    expect(Date.now() - t0).toBeLessThan(10_000);
  });

  it('a row of 1,000,000 values → TOO_MANY_COLUMNS quickly; 1,000,000 empty trailing fields are fine', async () => {
    const t0 = Date.now();
    const wide = `${MEMBER_HEADER.join(',')}\r\n${'1,'.repeat(1_000_000)}\r\n`;
    const r = await readCsv(HOUSEHOLDS, wide);
    expect(r.errors).toEqual([expect.objectContaining({ code: 'TOO_MANY_COLUMNS', sheet: MEMBER_SHEET, row: 2 })]);
    const empty = `${MEMBER_HEADER.join(',')}\r\n${memberValues('H1', ID).join(',')}${','.repeat(1_000_000)}\r\n`;
    const ok = await readCsv(HOUSEHOLDS, empty);
    expect(ok.issues).toEqual([]);
    expect(Date.now() - t0).toBeLessThan(10_000);
  });

  it('an .xlsx given as a .csv → UNSUPPORTED_FORMAT', async () => {
    const r = await readCsv(HOUSEHOLDS, registryXlsx([], []));
    expect(codes(r.errors)).toEqual(['UNSUPPORTED_FORMAT']);
  });

  it('a missing file → FILE_NOT_FOUND', async () => {
    const h = await tmp.file('present.csv', HOUSEHOLDS);
    const r = await readAll({ kind: 'csv', households: h, members: `${tmp.dir}/absent.csv` });
    expect(r.errors).toEqual([expect.objectContaining({ code: 'FILE_NOT_FOUND', sheet: MEMBER_SHEET })]);
  });
});

describe('the CSV parser on its own', () => {
  function parse(chunks: string[]): [number, string[]][] {
    const out: [number, string[]][] = [];
    const p = new CsvParser(2000, 200, (r: number, cells: CellIn[]) => out.push([r, cells.map((c) => `${c.col}:${c.text}`)]), () => {
      throw new Error('too wide');
    });
    for (const c of chunks) p.write(c);
    expect(p.end()).toBe(true);
    return out;
  }

  it('gives the same records whatever the chunking', () => {
    const text = 'a,"b ""q"", c",d\r\n\r\n"x\r\ny",,z\n"tail"';
    const whole = parse([text]);
    expect(whole).toEqual([
      [1, ['1:a', '2:b "q", c', '3:d']],
      [2, []],
      [3, ['1:x\r\ny', '3:z']],
      [4, ['1:tail']],
    ]);
    for (let size = 1; size <= 7; size++) {
      const chunks: string[] = [];
      for (let i = 0; i < text.length; i += size) chunks.push(text.slice(i, i + size));
      expect(parse(chunks)).toEqual(whole);
    }
  });
});
