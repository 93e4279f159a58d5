import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, inject, it, onTestFailed } from 'vitest';
import { makeIdNumber } from '../src/domain/idnumber.js';
import { HOUSEHOLD_COLUMNS, MEMBER_COLUMNS } from '../src/modules/registry/workbook/columns.js';
import { launch, login, newPage, type Watched } from './support/browser.js';

/** Import: a workbook with errors shows sheet/row/column/value/reason; a good one imports. */
const baseURL = inject('baseURL');
const shots = inject('screenshotDir');
let browser: Browser;
let w: Watched;
let dir: string;

const H_COLS = ['户编号', '行政区划代码', '自然村', '贫困户属性', '识别标准', '识别年度', '脱贫属性', '脱贫年度', '主要致贫原因', '其他致贫原因', '是否危房户', '是否解决安全饮水', '收入年度', '工资性收入', '生产经营性收入', '财产性收入', '转移性收入', '生产经营性支出', '联系电话', '开户银行', '银行账号'];
const M_COLS = ['户编号', '姓名', '证件号码', '与户主关系', '民族', '文化程度', '在校生状况', '健康状况', '残疾等级', '劳动技能', '务工情况', '务工时间（月）'];

async function workbook(file: string, households: Record<string, unknown>[], members: Record<string, unknown>[]) {
  const wb = new ExcelJS.Workbook();
  const hs = wb.addWorksheet('户信息');
  hs.addRow(H_COLS);
  for (const h of households) hs.addRow(H_COLS.map((c) => h[c] ?? null));
  const ms = wb.addWorksheet('家庭成员');
  ms.addRow(M_COLS);
  for (const m of members) ms.addRow(M_COLS.map((c) => m[c] ?? null));
  // ID numbers as text, as the template asks.
  ms.getColumn(3).numFmt = '@';
  await wb.xlsx.writeFile(file);
}

beforeAll(async () => {
  browser = await launch();
  w = await newPage(browser, { baseURL });
  await login(w.page, 'demo-county');
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tuopin-e2e-import-'));
});
beforeEach((t) => {
  onTestFailed(async () => {
    await w.page.screenshot({ path: path.join(shots, `FAILED-${t.task.name.slice(0, 40)}.png`), fullPage: true }).catch(() => undefined);
  });
});
afterAll(async () => {
  await w?.context.close();
  await browser?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

// A village of 榆中县 城关镇 from the demo (synthetic codes: township + 201…).
const VILLAGE = '620123100201';
const stamp = Date.now().toString().slice(-6);

describe('import', () => {
  it('shows every error with sheet, row, column, value and reason, downloadable, and imports nothing', async () => {
    const file = path.join(dir, 'bad.xlsx');
    await workbook(file, [
      { 户编号: `E2E${stamp}01`, 行政区划代码: VILLAGE, 贫困户属性: '一般贫困户', 识别年度: 2016, 脱贫属性: '未脱贫', 主要致贫原因: '因病' },
      { 户编号: `E2E${stamp}02`, 行政区划代码: VILLAGE, 贫困户属性: '富裕户', 识别年度: 2016, 脱贫属性: '已脱贫', 主要致贫原因: '因病' },
    ], [
      { 户编号: `E2E${stamp}01`, 姓名: '甲', 证件号码: '11010519491231002Y', 与户主关系: '户主' },
      { 户编号: `E2E${stamp}02`, 姓名: '乙', 证件号码: makeIdNumber('620123', '19700101', 801), 与户主关系: '户主' },
    ]);
    await w.page.goto('/import');
    await w.page.locator('input[type=file]').setInputFiles(file);
    await w.page.getByTestId('dry-run').click();
    const errors = w.page.getByTestId('import-errors');
    await errors.waitFor();
    const text = await errors.innerText();
    expect(text).toContain('未导入任何数据');
    expect(text).toContain('富裕户');
    expect(text).toContain('贫困户属性');
    expect(text).toContain('11010519491231002Y');
    expect(text).toContain('家庭成员');
    expect(text).toContain('脱贫年度');
    await w.page.screenshot({ path: path.join(shots, 'import-errors.png'), fullPage: true });
    const [download] = await Promise.all([w.page.waitForEvent('download'), w.page.getByTestId('download-errors').click()]);
    const csv = fs.readFileSync((await download.path())!, 'utf8');
    expect(csv.charCodeAt(0)).toBe(0xfeff);
    expect(csv).toContain('工作表,行,列,值,原因,错误代码');
    expect(csv).toContain('富裕户');
    // The same list as a workbook: every cell as text, so the ID number comes back as typed.
    const [xlsx] = await Promise.all([w.page.waitForEvent('download'), w.page.getByTestId('download-errors-xlsx').click()]);
    expect(xlsx.suggestedFilename()).toMatch(/^导入错误清单.*\.xlsx$/);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile((await xlsx.path())!);
    const sheet = wb.getWorksheet('导入错误')!;
    const rows = sheet.getSheetValues().filter(Boolean).map((r) => (r as unknown[]).slice(1).map((c) => (c === undefined || c === null ? '' : String(c))));
    expect(rows[0]).toEqual(['工作表', '行号', '列名', '值', '原因', '错误代码']);
    expect(rows.length - 1).toBe(Number((await errors.innerText()).match(/(\d+)\s*处错误/)?.[1] ?? rows.length - 1));
    expect(rows.some((r) => r[3] === '11010519491231002Y' && r[0] === '家庭成员')).toBe(true);
    expect(rows.some((r) => r[3] === '富裕户' && r[2] === '贫困户属性' && r[1] === '3')).toBe(true);
    // Nothing written.
    const r = await w.page.evaluate(async (n) => (await fetch(`/api/households?householdNumber=${n}`)).json() as Promise<{ total: number }>, `E2E${stamp}01`);
    expect(r.total).toBe(0);
    await expect.poll(() => w.page.getByTestId('do-import').isDisabled()).toBe(true);
    expect(w.errors).toEqual([]);
  });

  it('downloads the empty template: the two sheets with the contract\'s headers, and the guide', async () => {
    await w.page.goto('/import');
    const [download] = await Promise.all([w.page.waitForEvent('download'), w.page.getByTestId('download-template').click()]);
    expect(download.suggestedFilename()).toBe('建档立卡导入模板.xlsx');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile((await download.path())!);
    const header = (name: string) => (wb.getWorksheet(name)!.getRow(1).values as unknown[]).slice(1).map((v) => String(v).replace(/\*$/, ''));
    expect(header('户信息')).toEqual(HOUSEHOLD_COLUMNS.map((c) => c.name));
    expect(header('家庭成员')).toEqual(MEMBER_COLUMNS.map((c) => c.name));
    expect(wb.getWorksheet('户信息')!.rowCount).toBe(1);
    expect(wb.getWorksheet('填写说明')).toBeDefined();
    expect(w.errors).toEqual([]);
  });

  it('checks a good workbook, then imports it', async () => {
    const file = path.join(dir, 'good.xlsx');
    await workbook(file, [
      { 户编号: `E2E${stamp}11`, 行政区划代码: VILLAGE, 贫困户属性: '一般贫困户', 识别年度: 2016, 脱贫属性: '未脱贫', 主要致贫原因: '因病', 联系电话: '13912340000' },
    ], [
      { 户编号: `E2E${stamp}11`, 姓名: '丙', 证件号码: makeIdNumber('620123', '19650707', 803), 与户主关系: '户主' },
      { 户编号: `E2E${stamp}11`, 姓名: '丁', 证件号码: makeIdNumber('620123', '19680808', 804), 与户主关系: '配偶' },
    ]);
    await w.page.goto('/import');
    await w.page.locator('input[type=file]').setInputFiles(file);
    await w.page.getByTestId('dry-run').click();
    await w.page.getByTestId('import-ok').getByText('预检通过：1 户、2 人可以导入').waitFor();
    await w.page.getByTestId('do-import').click();
    await w.page.getByTestId('import-ok').getByText('导入成功：1 户、2 人').waitFor();
    const r = await w.page.evaluate(async (n) => (await fetch(`/api/households?householdNumber=${n}`)).json() as Promise<{ total: number }>, `E2E${stamp}11`);
    expect(r.total).toBe(1);
    expect(w.errors).toEqual([]);
  });
});
