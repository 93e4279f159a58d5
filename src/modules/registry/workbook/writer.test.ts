import { readFile } from 'node:fs/promises';
import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HOUSEHOLD_COLUMNS, HOUSEHOLD_SHEET, MEMBER_COLUMNS, MEMBER_SHEET } from './columns.js';
import { HOUSEHOLD_HEADER, MEMBER_HEADER, readAll, tempDir } from './test-helpers.js';
import { GUIDE_SHEET, writeRegistryCsv, writeRegistryWorkbook, writeTemplate, type RowRecord } from './writer.js';

let tmp: Awaited<ReturnType<typeof tempDir>>;
beforeAll(async () => {
  tmp = await tempDir();
});
afterAll(async () => {
  await tmp.cleanup();
});

const households: RowRecord[] = [
  {
    户编号: '0012',
    行政区划代码: '620102001001',
    自然村: '上庄 & "下庄" <东>',
    贫困户属性: '一般贫困户',
    识别标准: '国家标准',
    识别年度: '2016',
    脱贫属性: '已脱贫',
    脱贫年度: 2018,
    主要致贫原因: '缺技术',
    其他致贫原因: '因病、缺劳力',
    是否危房户: '否',
    是否解决安全饮水: '是',
    收入年度: '2018',
    工资性收入: 12000,
    生产经营性收入: '3500.5',
    财产性收入: '0',
    转移性收入: '-20',
    生产经营性支出: null,
    联系电话: '013912345678',
    开户银行: '农村信用社',
    银行账号: '6228480123456789012',
  },
  { 户编号: 'H2', 行政区划代码: '620102001002', 贫困户属性: '低保户', 识别年度: 2017, 脱贫属性: '未脱贫', 主要致贫原因: '因病', 工资性收入: '0012' },
];

const members: RowRecord[] = [
  {
    户编号: '0012',
    姓名: '张三',
    证件号码: '62010219900101123X',
    与户主关系: '户主',
    民族: '汉族',
    文化程度: '初中',
    健康状况: '健康',
    劳动技能: '普通劳动力',
    务工情况: '省外务工',
    '务工时间（月）': 6,
    是否参加城乡居民基本医疗保险: '是',
    是否享受低保: '否',
  },
  { 户编号: '0012', 姓名: '张,小"三"\n二行', 证件号码: '620102201001011234', 与户主关系: '之子', '务工时间（月）': '0' },
  { 户编号: 'H2', 姓名: '  李四  ', 证件号码: '620102199001012345', 与户主关系: '户主' },
];

/** What reading gives back: every column, text, trimmed; '' for null. */
function expected(rows: RowRecord[], header: string[]): Record<string, string>[] {
  return rows.map((r) => Object.fromEntries(header.map((h) => [h, r[h] === null || r[h] === undefined ? '' : String(r[h]).trim()])));
}

async function* slowly<T>(rows: T[]): AsyncGenerator<T> {
  for (const r of rows) {
    await new Promise((resolve) => setImmediate(resolve));
    yield r;
  }
}

describe('writeRegistryWorkbook', () => {
  it('round trip: what is written reads back the same, identifiers as text, amounts as numbers', async () => {
    const path = await tmp.file('roundtrip.xlsx');
    const counts = await writeRegistryWorkbook(path, households, slowly(members));
    expect(counts).toEqual({ households: 2, members: 3 });
    const r = await readAll({ kind: 'xlsx', path });
    expect(r.issues).toEqual([]);
    const hs = r.rows.filter((x) => x.sheet === HOUSEHOLD_SHEET);
    const ms = r.rows.filter((x) => x.sheet === MEMBER_SHEET);
    expect(hs.map((x) => x.values)).toEqual(expected(households, HOUSEHOLD_HEADER));
    expect(ms.map((x) => x.values)).toEqual(expected(members, MEMBER_HEADER));
    expect(hs.map((x) => x.row)).toEqual([2, 3]);
    // numbers only where the contract has numbers ('0012' in an amount column stays text)
    expect(hs[0]?.numeric).toEqual(['识别年度', '脱贫年度', '收入年度', '工资性收入', '生产经营性收入', '财产性收入', '转移性收入']);
    expect(hs[1]?.numeric).toEqual(['识别年度']);
    expect(ms[0]?.numeric).toEqual(['务工时间（月）']);
  });

  it('the file as Excel sees it: headers in order, bold, frozen, identifier columns text-formatted', async () => {
    const path = await tmp.file('format.xlsx');
    await writeRegistryWorkbook(path, households, members);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(path);
    expect(wb.worksheets.map((w) => w.name)).toEqual([HOUSEHOLD_SHEET, MEMBER_SHEET]);
    const hs = wb.getWorksheet(HOUSEHOLD_SHEET);
    const ms = wb.getWorksheet(MEMBER_SHEET);
    if (!hs || !ms) throw new Error('sheets missing');
    expect((hs.getRow(1).values as unknown[]).slice(1)).toEqual(HOUSEHOLD_COLUMNS.map((c) => c.name));
    expect((ms.getRow(1).values as unknown[]).slice(1)).toEqual(MEMBER_COLUMNS.map((c) => c.name));
    expect(hs.getRow(1).getCell(1).font?.bold).toBe(true);
    expect(hs.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
    expect(ms.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
    const idCell = ms.getRow(2).getCell(3);
    expect(idCell.value).toBe('62010219900101123X');
    expect(idCell.numFmt).toBe('@');
    expect(ms.getRow(3).getCell(3).value).toBe('620102201001011234');
    expect(typeof ms.getRow(3).getCell(3).value).toBe('string');
    expect(hs.getRow(2).getCell(1).value).toBe('0012');
    expect(hs.getRow(2).getCell(19).value).toBe('013912345678');
    expect(hs.getRow(2).getCell(21).value).toBe('6228480123456789012');
    expect(hs.getRow(2).getCell(14).value).toBe(12000);
    expect(hs.getRow(2).getCell(15).value).toBe(3500.5);
    expect(ms.getColumn(3).width).toBeGreaterThanOrEqual(20);
  });

  it('a path that cannot be written → a rejected promise, no crash', async () => {
    await expect(writeRegistryWorkbook(`${tmp.dir}/no/such/dir/x.xlsx`, [], [])).rejects.toThrow();
  });

  it('streams many rows with bounded memory', async () => {
    const path = await tmp.file('many.xlsx');
    function* many(): Generator<RowRecord> {
      for (let i = 0; i < 30_000; i++) {
        yield { 户编号: `H${i >> 2}`, 姓名: '张三', 证件号码: `62010219900101${String(i % 10000).padStart(4, '0')}`, 与户主关系: '之子' };
      }
    }
    const counts = await writeRegistryWorkbook(path, [], many());
    expect(counts.members).toBe(30_000);
    const r = await readAll({ kind: 'xlsx', path });
    expect(r.rows).toHaveLength(30_000);
    expect(r.rows.at(-1)?.row).toBe(30_001);
  });
});

describe('writeRegistryCsv', () => {
  for (const encoding of ['utf8-bom', 'utf8', 'gb18030'] as const) {
    it(`round trip in ${encoding}`, async () => {
      const h = await tmp.file(`h-${encoding}.csv`);
      const m = await tmp.file(`m-${encoding}.csv`);
      expect(await writeRegistryCsv(h, m, slowly(households), members, { encoding })).toEqual({ households: 2, members: 3 });
      const bytes = await readFile(m);
      const bom = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf;
      expect(bom).toBe(encoding === 'utf8-bom');
      const text = encoding === 'gb18030' ? iconv.decode(bytes, 'gb18030') : bytes.toString('utf8');
      expect(text.replace(/^\ufeff/, '').split('\r\n')[0]).toBe(MEMBER_HEADER.join(','));
      expect(text).toContain('"张,小""三""\n二行"');
      const r = await readAll({ kind: 'csv', households: h, members: m });
      expect(r.issues).toEqual([]);
      expect(r.rows.filter((x) => x.sheet === HOUSEHOLD_SHEET).map((x) => x.values)).toEqual(expected(households, HOUSEHOLD_HEADER));
      expect(r.rows.filter((x) => x.sheet === MEMBER_SHEET).map((x) => x.values)).toEqual(expected(members, MEMBER_HEADER));
    });
  }

  it('default is UTF-8 with a BOM', async () => {
    const h = await tmp.file('h-default.csv');
    const m = await tmp.file('m-default.csv');
    await writeRegistryCsv(h, m, [], []);
    expect((await readFile(h)).subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
  });
});

describe('writeTemplate', () => {
  it('an empty template: headers with * on required columns, reads with no error, and a 填写说明 sheet', async () => {
    const path = await tmp.file('template.xlsx');
    await writeTemplate(path, { 与户主关系: ['户主', '配偶', '之子', '之女'], 贫困户属性: ['一般贫困户', '低保户', '特困供养户'] });
    const r = await readAll({ kind: 'xlsx', path });
    expect(r.rows).toEqual([]);
    expect(r.issues).toEqual([expect.objectContaining({ code: 'EXTRA_SHEET', sheet: GUIDE_SHEET, severity: 'warning' })]);

    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(path);
    expect(wb.worksheets.map((w) => w.name)).toEqual([HOUSEHOLD_SHEET, MEMBER_SHEET, GUIDE_SHEET]);
    const header = (wb.getWorksheet(MEMBER_SHEET)?.getRow(1).values as unknown[]).slice(1);
    expect(header).toEqual(MEMBER_COLUMNS.map((c) => (c.required ? `${c.name}*` : c.name)));
    const guide = wb.getWorksheet(GUIDE_SHEET);
    const lines: string[][] = [];
    guide?.eachRow((row) => lines.push((row.values as unknown[]).slice(1).map((v) => String(v ?? ''))));
    expect(lines[0]).toEqual(['工作表', '列名', '是否必填', '可选值', '说明']);
    expect(lines).toContainEqual(expect.arrayContaining([MEMBER_SHEET, '与户主关系', '必填', '户主、配偶、之子、之女']));
    expect(lines).toContainEqual(expect.arrayContaining([HOUSEHOLD_SHEET, '自然村', '选填']));
    expect(lines.filter((l) => l[1] && (HOUSEHOLD_HEADER.includes(l[1]) || MEMBER_HEADER.includes(l[1])))).toHaveLength(
      HOUSEHOLD_HEADER.length + MEMBER_HEADER.length,
    );
    const idCol = wb.getWorksheet(MEMBER_SHEET)?.getColumn(3);
    expect(idCol?.numFmt).toBe('@');
  });
});
