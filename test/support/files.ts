import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import { makeIdNumber } from '../../src/domain/idnumber.js';
import { HOUSEHOLD_COLUMNS, MEMBER_COLUMNS } from '../../src/modules/registry/workbook/columns.js';

export type Cell = string | number | null | { formula: string; result?: string | number };
export type Sheet = Record<string, Cell>[];

export function tmpDir(prefix = 'tuopin-files-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** A workbook as an office suite would write it (exceljs' in-memory writer, shared strings). */
export async function writeXlsx(file: string, households: Sheet, members: Sheet, opts: { householdHeaders?: string[]; memberHeaders?: string[]; extraSheets?: string[] } = {}): Promise<string> {
  const wb = new ExcelJS.Workbook();
  const add = (name: string, headers: string[], rows: Sheet) => {
    const ws = wb.addWorksheet(name);
    ws.addRow(headers);
    for (const r of rows) ws.addRow(headers.map((h) => (r[h] === undefined ? null : r[h])));
  };
  add('户信息', opts.householdHeaders ?? HOUSEHOLD_COLUMNS.map((c) => c.name), households);
  add('家庭成员', opts.memberHeaders ?? MEMBER_COLUMNS.map((c) => c.name), members);
  for (const s of opts.extraSheets ?? []) wb.addWorksheet(s).addRow(['说明']);
  await wb.xlsx.writeFile(file);
  return file;
}

function csvText(headers: string[], rows: Sheet): string {
  const q = (v: Cell) => {
    const s = v === null || v === undefined ? '' : typeof v === 'object' ? String(v.result ?? '') : String(v);
    return /[",\n\r]/.test(s) ? '"' + s.replace(/"/g, '""') + '"' : s;
  };
  return [headers.join(','), ...rows.map((r) => headers.map((h) => q(r[h] ?? null)).join(','))].join('\r\n') + '\r\n';
}

export function writeCsvPair(dir: string, households: Sheet, members: Sheet, encoding: 'utf8' | 'utf8-bom' | 'gb18030'): { households: string; members: string } {
  const hs = csvText(HOUSEHOLD_COLUMNS.map((c) => c.name), households);
  const ms = csvText(MEMBER_COLUMNS.map((c) => c.name), members);
  const enc = (s: string) => (encoding === 'gb18030' ? iconv.encode(s, 'gb18030') : Buffer.from((encoding === 'utf8-bom' ? '\ufeff' : '') + s, 'utf8'));
  const h = path.join(dir, `households-${encoding}.csv`);
  const m = path.join(dir, `members-${encoding}.csv`);
  fs.writeFileSync(h, enc(hs));
  fs.writeFileSync(m, enc(ms));
  return { households: h, members: m };
}

let seq = 0;
/** A valid household of `size` people in `village`, keyed by the workbook's columns. */
export function sampleHousehold(number: string, village: string, size = 3, overrides: Record<string, Cell> = {}): { household: Record<string, Cell>; members: Sheet } {
  const household: Record<string, Cell> = {
    户编号: number, 行政区划代码: village, 自然村: '一社', 贫困户属性: '一般贫困户', 识别标准: '国家标准', 识别年度: 2016,
    脱贫属性: '未脱贫', 脱贫年度: null, 主要致贫原因: '因病', 其他致贫原因: '缺技术、缺资金', 是否危房户: '否', 是否解决安全饮水: '是',
    收入年度: 2017, 工资性收入: 6000, 生产经营性收入: 1500.5, 财产性收入: 0, 转移性收入: 1200, 生产经营性支出: 300,
    联系电话: '13800138000', 开户银行: '甘肃省农村信用社', 银行账号: '6228480012345678901', ...overrides,
  };
  const relations = ['户主', '配偶', '之子', '之女', '之父', '之母', '之孙子', '之孙女'];
  const births = ['19700315', '19720611', '20050101', '20080808', '19450101', '19480101', '20150101', '20160101'];
  const members: Sheet = [];
  for (let i = 0; i < size; i++) {
    seq++;
    members.push({
      户编号: number, 姓名: `测试${seq}`, 证件号码: makeIdNumber(village.slice(0, 6), births[i]!, 100 + (seq % 899)), 与户主关系: relations[i]!,
      民族: '汉族', 文化程度: '初中', 在校生状况: '非在校生', 健康状况: '健康', 残疾等级: null, 劳动技能: '普通劳动力', 务工情况: '县外省内务工',
      '务工时间（月）': 6, 是否参加城乡居民基本医疗保险: '是', 是否参加大病保险: '是', 是否参加城乡居民基本养老保险: '是', 是否享受低保: '否', 是否特困供养人员: '否',
    });
  }
  return { household, members };
}
