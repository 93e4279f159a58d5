import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, inject, it, onTestFailed } from 'vitest';
import { makeIdNumber } from '../src/domain/idnumber.js';
import { apiSession, btn, launch, login, newPage, type Watched } from './support/browser.js';

/** The household list, a household, editing it, and losing a race. */
const baseURL = inject('baseURL');
const shots = inject('screenshotDir');
let browser: Browser;
let w: Watched;
let api: Awaited<ReturnType<typeof apiSession>>;
interface Item { id: string; householdNumber: string; version: number; povertyStatus: string }

beforeAll(async () => {
  browser = await launch();
  w = await newPage(browser, { baseURL });
  await login(w.page, 'demo-county');
  api = await apiSession(baseURL, 'demo-township');
});
beforeEach((t) => {
  onTestFailed(async () => {
    await w.page.screenshot({ path: path.join(shots, `FAILED-${t.task.name.slice(0, 40)}.png`), fullPage: true }).catch(() => undefined);
  });
});
afterAll(async () => {
  await w?.context.close();
  await browser?.close();
});

async function pick(label: string, option: string) {
  await w.page.getByRole('combobox', { name: label, exact: true }).click();
  await w.page.locator('.ant-select-dropdown:visible .ant-select-item-option', { hasText: option }).first().click();
  await w.page.keyboard.press('Escape');
}

describe('households', () => {
  it('filters the list on the server, pages and sorts', async () => {
    await w.page.goto('/households');
    await w.page.locator('.ant-table-row').first().waitFor();
    const totalText = async () => (await w.page.locator('.ant-pagination-total-text').innerText()).replace(/[^\d]/g, '');
    const all = Number(await totalText());
    expect(all).toBeGreaterThan(1000);
    // Sort by people: a click on the header sorts ascending on the server; the URL carries it.
    await w.page.getByRole('columnheader', { name: '人数' }).first().click();
    await w.page.waitForURL(/sort=memberCount&order=asc/);
    await w.page.waitForLoadState('networkidle');
    const peopleCol = async () => (await w.page.locator('.ant-table-tbody .ant-table-row td:nth-child(10)').allInnerTexts()).map(Number);
    await expect.poll(async () => (await peopleCol())[0]).toBe(1);
    await w.page.goto(w.page.url().replace('order=asc', 'order=desc'));
    await w.page.locator('.ant-table-row').first().waitFor();
    await w.page.waitForLoadState('networkidle');
    const desc = await peopleCol();
    expect(desc[0]).toBe(Math.max(...desc));
    expect(desc[0]).toBeGreaterThan(1);
    await w.page.goto('/households');
    await w.page.locator('.ant-table-row').first().waitFor();
    await pick('脱贫属性', '返贫');
    await w.page.getByTestId('search').click();
    await w.page.waitForURL(/status=/);
    await expect.poll(async () => Number(await totalText())).toBeLessThan(all);
    const statuses = await w.page.locator('.ant-table-row .ant-tag').allInnerTexts();
    expect(statuses.length).toBeGreaterThan(0);
    expect(new Set(statuses)).toEqual(new Set(['返贫']));
    // ID numbers and phones are masked.
    const ids = await w.page.locator('.ant-table-row td:nth-child(3)').allInnerTexts();
    for (const id of ids) expect(id).toMatch(/^\d{6}\*{8}\d{3}[\dX]$/);
    await w.page.screenshot({ path: path.join(shots, 'households-list.png') });
    // Export of the filtered set.
    const [download] = await Promise.all([w.page.waitForEvent('download'), w.page.getByTestId('export').click()]);
    expect(download.suggestedFilename()).toMatch(/\.xlsx$/);
    expect(w.errors).toEqual([]);
  });

  it('opens a household, edits it and shows the change in the timeline', async () => {
    const list = await api.call<{ items: Item[] }>('GET', '/api/households?status=%E6%9C%AA%E8%84%B1%E8%B4%AB&pageSize=5');
    const h = list.json.items[0]!;
    await w.page.goto(`/households/${h.id}`);
    await w.page.getByTestId('household-info').waitFor();
    expect(await w.page.getByTestId('household-title').innerText()).toContain(h.householdNumber);
    await w.page.getByTestId('edit-household').click();
    const dialog = w.page.getByRole('dialog', { name: '编辑户信息' });
    await dialog.getByLabel('自然村', { exact: true }).fill('e2e测试组');
    await dialog.getByLabel('修改原因').fill('入户核实后更正');
    await dialog.getByRole('button', { name: btn('保存') }).click();
    await w.page.getByText('已保存').first().waitFor();
    const timeline = w.page.getByTestId('timeline');
    await timeline.getByText('e2e测试组').waitFor();
    expect(await timeline.innerText()).toContain('自然村');
    expect(await timeline.innerText()).toContain('demo-county');
    expect(await timeline.innerText()).toContain('入户核实后更正');
    expect(await w.page.getByTestId('household-info').innerText()).toContain('e2e测试组');

    // A member: the ID number is checked as typed; sex and birth date come from it.
    await w.page.getByRole('button', { name: '新增成员' }).click();
    const m = w.page.getByRole('dialog', { name: '新增成员' });
    const idInput = m.getByTestId('member-id-number');
    await idInput.fill('11010519491231002Y');
    await m.getByText('证件号码含有非法字符“Y”，只能由数字和末位的X组成').waitFor();
    await idInput.fill('110105194912310021');
    await m.getByText('校验位应为X，实际为1').waitFor();
    const id = makeIdNumber('110105', '20100315', 2 * (Date.now() % 450) + 2); // even: female
    await idInput.fill(id);
    await expect.poll(() => m.getByTestId('member-sex').inputValue()).toBe('女');
    expect(await m.getByTestId('member-birth').inputValue()).toBe('2010-03-15');
    await m.getByLabel('姓名', { exact: true }).fill('测试小女');
    await m.getByLabel('与户主关系', { exact: true }).fill('之女');
    await w.page.keyboard.press('Enter');
    await expect.poll(() => m.locator('.ant-select', { hasText: '之女' }).count()).toBeGreaterThan(0);
    await m.getByRole('button', { name: btn('保存') }).click();
    await timeline.getByText('新增成员').first().waitFor();
    await w.page.locator('.ant-table-row', { hasText: '测试小女' }).waitFor();
    await w.page.screenshot({ path: path.join(shots, 'household.png'), fullPage: true });
    expect(w.errors).toEqual([]);
  });

  it('a save that lost a race says 已被他人修改, overwrites nothing and reloads', async () => {
    const list = await api.call<{ items: Item[] }>('GET', '/api/households?status=%E6%9C%AA%E8%84%B1%E8%B4%AB&pageSize=5');
    const h = list.json.items[1]!;
    await w.page.goto(`/households/${h.id}`);
    await w.page.getByTestId('household-info').waitFor();
    await w.page.getByTestId('edit-household').click();
    const dialog = w.page.getByRole('dialog', { name: '编辑户信息' });
    await dialog.getByLabel('自然村', { exact: true }).fill('我的修改');
    // Someone else saves first.
    const other = await api.call<{ version: number }>('PATCH', `/api/households/${h.id}`, { version: h.version, household: { naturalVillage: '他人的修改' }, reason: '并发测试' });
    expect(other.status).toBe(200);
    await dialog.getByRole('button', { name: btn('保存') }).click();
    const stale = w.page.getByRole('dialog').filter({ hasText: '已被他人修改' });
    await stale.waitFor();
    await w.page.waitForTimeout(400); // the dialog's opening animation
    await w.page.screenshot({ path: path.join(shots, 'household-409.png') });
    const now = await api.call<{ naturalVillage: string; version: number }>('GET', `/api/households/${h.id}`);
    expect(now.json.naturalVillage).toBe('他人的修改');
    await stale.getByRole('button', { name: '重新加载' }).click();
    await expect.poll(() => w.page.getByTestId('household-info').innerText()).toContain('他人的修改');
    await w.page.getByTestId('timeline').getByText('他人的修改').waitFor();
    // The 409 itself is the only console noise allowed here.
    expect(w.errors.filter((e) => !e.includes('409'))).toEqual([]);
  });

  it('剔除: a county office removes a household with a reason; it stays on record and leaves the list', async () => {
    const list = await api.call<{ items: Item[] }>('GET', '/api/households?status=%E6%9C%AA%E8%84%B1%E8%B4%AB&pageSize=5');
    const h = list.json.items[3]!;
    const errorsBefore = w.errors.length;
    await w.page.goto(`/households/${h.id}`);
    await w.page.getByTestId('household-info').waitFor();
    await w.page.getByTestId('remove-household').click();
    const dialog = w.page.getByRole('dialog', { name: `剔除该户：${h.householdNumber}` });
    await dialog.waitFor();
    // No reason, no removal.
    await w.page.getByTestId('confirm-remove').click();
    await dialog.getByText('请填写原因').waitFor();
    await w.page.getByTestId('remove-reason').fill('经核实不符合识别标准');
    await w.page.getByTestId('confirm-remove').click();
    await w.page.getByText('已剔除该户').first().waitFor();
    await expect.poll(() => w.page.getByTestId('household-title').innerText()).toContain('已剔除');
    expect(await w.page.getByTestId('removed-reason').innerText()).toBe('经核实不符合识别标准');
    await w.page.getByTestId('timeline').getByText('经核实不符合识别标准').waitFor();
    // No more editing, and no second removal.
    expect(await w.page.getByTestId('edit-household').count()).toBe(0);
    expect(await w.page.getByTestId('remove-household').count()).toBe(0);
    await w.page.screenshot({ path: path.join(shots, 'household-removed.png'), fullPage: true });
    const inList = await api.call<{ total: number }>('GET', `/api/households?householdNumber=${h.householdNumber}`);
    expect(inList.json.total).toBe(0);
    const onRecord = await api.call<{ total: number }>('GET', `/api/households?householdNumber=${h.householdNumber}&includeRemoved=1`);
    expect(onRecord.json.total).toBe(1);
    expect(w.errors.slice(errorsBefore)).toEqual([]);
  });

  it('a village cadre sees no 剔除 button (only county and city offices remove)', async () => {
    const v = await newPage(browser, { baseURL });
    try {
      await login(v.page, 'demo-village');
      const mine = await v.page.evaluate(async () => (await fetch('/api/households?pageSize=1')).json() as Promise<{ items: { id: string }[] }>);
      await v.page.goto(`/households/${mine.items[0]!.id}`);
      await v.page.getByTestId('edit-household').waitFor();
      expect(await v.page.getByTestId('remove-household').count()).toBe(0);
      expect(v.errors).toEqual([]);
    } finally {
      await v.context.close();
    }
  });
});
