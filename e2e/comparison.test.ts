import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, inject, it, onTestFailed } from 'vitest';
import { apiSession, btn, launch, login, newPage, type Watched } from './support/browser.js';

/**
 * 数据比对 in the browser: a county office uploads a 户籍 file with a bad row, sees the columns,
 * the sample rows and the rejected row before comparing, compares, filters the findings; the
 * village cadre confirms one (which opens a 剔除 proposal, linked from the row) and dismisses another;
 * the summary shows them by kind and region.
 */
const baseURL = inject('baseURL');
const shots = inject('screenshotDir');
let browser: Browser;
let county: Watched;
let village: Watched;
let dir: string;
let file: string;
const people: { name: string; idNumber: string }[] = [];

/** A GB 11643 ID number from its first 17 digits (synthetic people only). */
function withCheck(first17: string): string {
  const w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const sum = [...first17].reduce((n, d, i) => n + Number(d) * w[i]!, 0);
  return first17 + '10X98765432'[sum % 11]!;
}

/** Chooses an option of the Select under a form label: by its title (the label text), containing `text`, or equal to it. */
async function pick(page: Page, label: string, text: string, exact = false) {
  const item = page.locator('.ant-form-item').filter({ has: page.locator('label', { hasText: new RegExp(`^${label}$`) }) });
  await item.locator('.ant-select').click();
  await page.locator(`.ant-select-item-option[title${exact ? '' : '*'}="${text}"]:visible`).first().click();
  await expect.poll(() => item.locator('.ant-select').innerText(), { timeout: 45_000 }).toContain(text);
}

beforeAll(async () => {
  // Three registered people of the demo village (as the county office reads them, unmasked).
  const v = await apiSession(baseURL, 'demo-village');
  const me = await v.call<{ regionCode: string }>('GET', '/api/auth/me');
  const c = await apiSession(baseURL, 'demo-county');
  const list = await c.call<{ items: { id: string }[] }>('GET', `/api/households?region=${me.json.regionCode}&status=未脱贫&pageSize=3`);
  for (const h of list.json.items) {
    const view = await c.call<{ members: { name: string; idNumber: string }[] }>('GET', `/api/households/${h.id}?unmasked=1`);
    people.push(view.json.members[0]!);
  }
  expect(people).toHaveLength(3);
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tuopin-e2e-cmp-'));
  file = path.join(dir, '公安户籍2020.csv');
  fs.writeFileSync(file, '\ufeff' + [
    '证件号码, 姓名 ,户籍状态,变动日期（年月日）',
    `${people[0]!.idNumber},${people[0]!.name},死亡,2020-03-01`,
    `${people[1]!.idNumber},${people[1]!.name},死 亡,2020年5月2日`,
    `${people[2]!.idNumber},${people[2]!.name},迁出,2020-06-30`,
    '62012319800101001X,错号,死亡,2020-01-01',
  ].join('\r\n') + '\r\n');

  browser = await launch();
  county = await newPage(browser, { baseURL, width: 1440, height: 900 });
  await login(county.page, 'demo-county');
  village = await newPage(browser, { baseURL, width: 1440, height: 900 });
  await login(village.page, 'demo-village');
  // A loaded machine (CI beside other work) renders slowly: wait longer than the 15 s default.
  county.context.setDefaultTimeout(45_000);
  village.context.setDefaultTimeout(45_000);
});
beforeEach((t) => {
  onTestFailed(async () => {
    for (const [who, w] of [['county', county], ['village', village]] as const) {
      await w?.page.screenshot({ path: path.join(shots, `FAILED-cmp-${who}-${t.task.name.slice(0, 30)}.png`), fullPage: true }).catch(() => undefined);
    }
  });
});
afterAll(async () => {
  await county?.context.close();
  await village?.context.close();
  await browser?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('comparison pages', { timeout: 300_000 }, () => {
  it('uploads a file, previews its columns and the rejected row, compares, and filters the findings', async () => {
    const page = county.page;
    await page.goto('/comparison/summary');
    await page.getByRole('menuitem', { name: '比对上传' }).click();
    await page.waitForURL(/\/comparison\/upload/);
    await page.getByLabel('年度').fill('2020');
    await page.getByLabel('比对目的').fill('季度动态管理比对（演示）');
    await page.getByLabel('授权依据').fill('农户书面授权书（2020）');
    await page.locator('input[type=file]').setInputFiles(file);
    await page.getByTestId('cmp-preview').click();
    const card = page.getByTestId('cmp-preview-card');
    await card.waitFor();
    await expect.poll(() => page.getByTestId('cmp-preview-counts').innerText(), { timeout: 45_000 }).toContain('共 4 行：可比对 3 行，拒绝 1 行');
    const columns = await page.getByTestId('cmp-columns').innerText();
    expect(columns).toContain('变动日期（年月日） → 变动日期');
    expect(columns).toContain('户籍状态');
    const sample = await page.getByTestId('cmp-sample').innerText();
    expect(sample).toContain(people[1]!.name);
    expect(sample).toContain('2020年5月2日');
    const rejected = await page.getByTestId('cmp-rejected').innerText();
    expect(rejected).toContain('62012319800101001X');
    expect(rejected).toMatch(/\b5\b/);
    expect(rejected).toContain('证件号码');
    expect(rejected).toContain('校验');
    await page.screenshot({ path: path.join(shots, 'comparison-preview.png'), fullPage: true });

    // Nothing is stored by the preview.
    const before = await page.evaluate(async () => (await fetch('/api/comparison/findings?code=DECEASED')).json() as Promise<{ total: number }>);
    expect(before.total).toBe(0);

    await page.getByTestId('cmp-run').click();
    const result = page.getByTestId('cmp-result');
    await result.waitFor();
    expect(await result.innerText()).toContain('比对完成：3 条线索（新增 3，关闭 0）');
    const byCode = await page.getByTestId('cmp-by-code').innerText();
    expect(byCode).toMatch(/户籍状态为死亡仍在册\s*DECEASED\s*2/);
    expect(byCode).toMatch(/MOVED_OUT\s*1/);
    expect(await page.getByTestId('cmp-result-rejected').innerText()).toContain('62012319800101001X');
    await page.screenshot({ path: path.join(shots, 'comparison-result.png'), fullPage: true });

    await page.getByTestId('cmp-view-findings').click();
    await page.waitForURL(/\/comparison\/findings\?datasetId=/);
    await expect.poll(() => page.getByTestId('findings-total').innerText(), { timeout: 45_000 }).toBe('共 3 条线索');
    // ID numbers are masked in the list.
    const table = page.getByTestId('findings-table');
    expect(await table.innerText()).toContain(`${people[0]!.idNumber.slice(0, 6)}********${people[0]!.idNumber.slice(14)}`);
    expect(await table.innerText()).not.toContain(people[0]!.idNumber);

    await pick(page, '规则', 'DECEASED');
    await expect.poll(() => page.getByTestId('findings-total').innerText(), { timeout: 45_000 }).toBe('共 2 条线索');
    expect(new URL(page.url()).searchParams.get('code')).toBe('DECEASED');
    const text = await table.innerText();
    expect(text).toContain(people[0]!.name);
    expect(text).toContain(people[1]!.name);
    expect(text).not.toContain(people[2]!.name);

    await pick(page, '规则', 'MOVED_OUT');
    await expect.poll(() => page.getByTestId('findings-total').innerText(), { timeout: 45_000 }).toBe('共 1 条线索');
    expect(await table.innerText()).toContain(people[2]!.name);

    // No finding is confirmed yet: the table is empty (and the pager with its total is hidden).
    await pick(page, '状态', '属实', true);
    await expect.poll(() => table.locator('tr.ant-table-row').count(), { timeout: 45_000 }).toBe(0);
    await table.locator('.ant-empty').waitFor();
    expect(county.errors).toEqual([]);
  });

  it('the village cadre confirms one finding and dismisses another, each with a reason', async () => {
    const page = village.page;
    await page.goto('/comparison/summary');
    await page.getByRole('menuitem', { name: '比对线索' }).click();
    await page.waitForURL(/\/comparison\/findings/);
    await pick(page, '数据类别', 'hukou');
    await expect.poll(() => page.getByTestId('findings-total').innerText(), { timeout: 45_000 }).toBe('共 3 条线索');
    await pick(page, '规则', 'DECEASED');
    await expect.poll(() => page.getByTestId('findings-total').innerText(), { timeout: 45_000 }).toBe('共 2 条线索');

    const row = (name: string) => page.getByTestId('findings-table').locator('tr', { hasText: name });
    // A reason is required.
    await row(people[0]!.name).getByTestId('finding-confirm').click();
    const dialog = page.getByRole('dialog');
    await dialog.waitFor();
    expect(await dialog.innerText()).toContain('确认后将生成：剔除建议');
    // The message is a toast that goes after a few seconds, and a click during the dialog's opening
    // animation can be lost on a loaded machine: click until the message shows (an empty reason
    // changes nothing, however often it is sent).
    await expect.poll(async () => {
      await dialog.getByTestId('verify-ok').click();
      return page.getByText('请填写核实意见（至少 2 个字）').first().isVisible();
    }, { timeout: 45_000, interval: 1000 }).toBe(true);
    await dialog.getByTestId('verify-reason').fill('入户核实：本人已于 2020 年 3 月去世，家属提供死亡证明');
    await page.screenshot({ path: path.join(shots, 'comparison-verify.png'), fullPage: true });
    await dialog.getByTestId('verify-ok').click();
    await expect.poll(() => row(people[0]!.name).getByTestId('finding-status').innerText(), { timeout: 45_000 }).toBe('属实');
    // The demo has an open cycle: the confirmation made (or linked) a 剔除 proposal, and the row links to it.
    const opened = row(people[0]!.name).getByTestId('finding-opened');
    await expect.poll(() => opened.innerText(), { timeout: 45_000 }).toMatch(/(剔除申报|已关联申报)\s*SQ\d{6}-\d{4}Q\d-\d{5}/);
    await opened.locator('a').click();
    await page.waitForURL(/\/review\/proposals\/[0-9a-f-]{36}$/);
    await page.goBack();
    await page.waitForURL(/\/comparison\/findings/);

    await row(people[1]!.name).getByTestId('finding-dismiss').click();
    await page.getByRole('dialog').getByTestId('verify-reason').fill('户籍登记错误，本人健在，已联系派出所更正');
    await page.getByRole('dialog').getByRole('button', { name: btn('不属实') }).click();
    await expect.poll(() => row(people[1]!.name).getByTestId('finding-status').innerText(), { timeout: 45_000 }).toBe('不属实');
    expect(await row(people[1]!.name).innerText()).toContain('户籍登记错误');
    expect(await row(people[0]!.name).innerText()).toContain('村干部（演示）');
    await page.screenshot({ path: path.join(shots, 'comparison-findings.png'), fullPage: true });

    // The filter by status shows the decision.
    await pick(page, '状态', '不属实', true);
    await expect.poll(() => page.getByTestId('findings-total').innerText(), { timeout: 45_000 }).toBe('共 1 条线索');
    expect(await page.getByTestId('findings-table').innerText()).toContain(people[1]!.name);
    // A dismissal opened nothing.
    expect(await row(people[1]!.name).getByTestId('finding-opened').count()).toBe(0);
    // The village cadre's 识别候选 list is a tab of 动态管理: a 低保 person not in the registry,
    // confirmed by the county for this village, is assessed there and closed as 不予识别 with a reason.
    const c = await apiSession(baseURL, 'demo-county');
    const me = await (await apiSession(baseURL, 'demo-village')).call<{ regionCode: string }>('GET', '/api/auth/me');
    const outsider = { name: '低保外部', idNumber: withCheck(`${me.json.regionCode.slice(0, 6)}19710101043`) };
    const fd = new FormData();
    fd.append('kind', 'dibao');
    fd.append('year', '2020');
    fd.append('purpose', '季度动态管理比对（浏览器测试）');
    fd.append('authorisation', '民政部门数据共享协议（测试）');
    fd.append('file', new Blob(['\ufeff证件号码,姓名,救助类别,低保类别,月保障金额,起始日期\r\n' + `${outsider.idNumber},${outsider.name},低保,一类,520,2019-01-01\r\n`]), '民政低保2020.csv');
    const up = await fetch(baseURL + '/api/comparison/datasets', { method: 'POST', headers: { cookie: c.cookie }, body: fd });
    expect(up.status, await up.clone().text()).toBe(201);
    const found = await c.call<{ items: { id: string; version: number; name: string }[] }>('GET', '/api/comparison/findings?code=DIBAO_NOT_REGISTERED&status=open');
    const dib = found.json.items.find((x) => x.name === outsider.name)!;
    const conf = await c.call('POST', `/api/comparison/findings/${dib.id}/verify`, { decision: 'confirm', reason: '一类低保对象，未纳入建档立卡', version: dib.version, villageCode: me.json.regionCode });
    expect(conf.status).toBe(200);
    await page.goto('/review?tab=candidates');
    const cand = page.getByTestId('candidates-table').locator('tr', { hasText: outsider.name });
    await cand.getByTestId('candidate-close').click();
    const modal = page.getByTestId('close-candidate-modal');
    await modal.getByRole('button', { name: btn('确定') }).click();
    await page.getByText('请写明入户核实的结果').first().waitFor(); // a reason is required
    await modal.locator('textarea').fill('入户核实：家庭人均纯收入高于识别标准，不予识别');
    await modal.getByRole('button', { name: btn('确定') }).click();
    // Closed candidates leave the default (待评议) list and show under 不予识别 with the reason.
    await expect.poll(() => cand.count(), { timeout: 45_000 }).toBe(0);
    await page.locator('.ant-select', { hasText: '待评议' }).click();
    await page.locator('.ant-select-dropdown:visible .ant-select-item-option', { hasText: '不予识别' }).click();
    await expect.poll(() => page.getByTestId('candidates-table').locator('tr', { hasText: outsider.name }).innerText(), { timeout: 45_000 }).toContain('家庭人均纯收入高于识别标准');
    await page.screenshot({ path: path.join(shots, 'review-candidate-closed.png'), fullPage: true });
    // 全部立即申报: the demo has an open cycle, so nothing is left pending and the answer says so.
    await page.goto('/comparison/findings');
    await page.getByTestId('open-all-pending').click();
    await page.getByText(/待开启 0 条：已生成或关联申报 0 条，未能生成 0 条/).first().waitFor();
    expect(village.errors).toEqual([]);
  });

  it('the summary shows the findings by kind and by region, a chart with its table beside it', async () => {
    const page = county.page;
    await page.getByRole('menuitem', { name: '比对汇总' }).click();
    await page.waitForURL(/\/comparison\/summary/);
    const byKind = page.getByTestId('summary-by-kind');
    await byKind.waitFor();
    // open 1 (MOVED_OUT), confirmed 1, dismissed 1, closed 0, total 3
    await expect.poll(() => byKind.locator('tbody tr', { hasText: '公安 户籍' }).innerText(), { timeout: 45_000 }).toMatch(/公安 户籍（hukou）\s+1\s+1\s+1\s+0\s+3/);
    const byRegion = await page.getByTestId('summary-by-region').innerText();
    expect(byRegion).toMatch(/\s1\s+1\s+1\s+0\s+3/);
    expect(await page.getByTestId('chart-by-kind').locator('canvas').count()).toBe(1);
    expect(await page.getByTestId('chart-by-region').locator('canvas').count()).toBe(1);
    await page.screenshot({ path: path.join(shots, 'comparison-summary.png'), fullPage: true });
    // A row leads to its findings.
    await byKind.locator('tbody tr', { hasText: '公安 户籍' }).click();
    await page.waitForURL(/\/comparison\/findings\?kind=hukou/);
    await expect.poll(() => page.getByTestId('findings-total').innerText(), { timeout: 45_000 }).toBe('共 3 条线索');
    expect(county.errors).toEqual([]);
  });
});
