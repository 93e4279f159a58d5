import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, inject, it, onTestFailed } from 'vitest';
import { apiSession, btn, chooseOption, launch, login, newPage, type Watched } from './support/browser.js';
import { chinaDay } from '../src/domain/dates.js';

/**
 * 调度 (五(一)): a county office creates a task past its deadline and sees it in red with the days
 * overdue, records its progress, loses an edit race (「已被他人修改」), records a dispatch meeting on
 * the cadence board; and the page fits a 390 px phone.
 */
const baseURL = inject('baseURL');
const shots = inject('screenshotDir');
let browser: Browser;
let w: Watched;
/** A day relative to today in Lanzhou (the server's calendar is UTC+8 whatever the machine's zone). */
const day = (offset: number) => chinaDay(Date.now() + offset * 86_400_000);
const TITLE = `完成危房改造入户核查（浏览器测试 ${Date.now() % 100000}）`;

beforeAll(async () => {
  browser = await launch();
  w = await newPage(browser, { baseURL });
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

describe('dispatch page', () => {
  it('creates a task past its deadline: the row is red with the days overdue', async () => {
    await login(w.page, 'demo-county');
    await w.page.getByRole('menuitem', { name: '调度' }).click();
    await w.page.waitForURL(/\/dispatch/);
    await w.page.getByTestId('task-new').click();
    const form = w.page.getByTestId('task-form');
    await form.getByTestId('task-title').fill(TITLE);
    await form.getByTestId('task-owner').fill('县住建局');
    await form.getByTestId('task-deadline').fill(day(-3));
    await w.page.getByTestId('task-save').click();
    const row = w.page.getByTestId('task-table').locator('tr', { hasText: TITLE });
    await row.waitFor();
    expect(await row.getAttribute('class')).toMatch(/row-overdue/);
    expect(await row.getByTestId('overdue-tag').innerText()).toMatch(/逾期 3 天/);
    // Red background from the stylesheet.
    const bg = await row.locator('td').first().evaluate((el) => getComputedStyle(el).backgroundColor);
    expect(bg).toBe('rgb(255, 241, 240)');
    await expect.poll(() => w.page.getByTestId('overdue-count').innerText()).toMatch(/逾期 [1-9]\d* 项/);
    // The overdue filter keeps it.
    await chooseOption(w.page, w.page.getByTestId('task-filter-status'), '逾期');
    await w.page.waitForURL(/status=overdue/);
    await row.waitFor();
    expect(w.errors).toEqual([]);
  });

  it('records progress on the task', async () => {
    const row = w.page.getByTestId('task-table').locator('tr', { hasText: TITLE });
    await row.getByTestId('task-progress').click();
    const form = w.page.getByTestId('task-form');
    await form.getByTestId('task-percent').fill('40');
    await form.getByTestId('task-note').fill('已核查 12 户，余下下周完成');
    await w.page.getByTestId('task-save').click();
    await row.getByText('已核查 12 户，余下下周完成').waitFor();
    expect(await row.innerText()).toMatch(/40%/);
  });

  it('a stale edit says someone else changed the task and saves nothing', async () => {
    const row = w.page.getByTestId('task-table').locator('tr', { hasText: TITLE });
    await row.getByTestId('task-edit').click();
    const form = w.page.getByTestId('task-form');
    await form.getByTestId('task-owner').waitFor();
    // Meanwhile another county user changes the owner.
    const other = await apiSession(baseURL, 'demo-county');
    const list = await other.call<{ items: { id: string; title: string; version: number }[] }>('GET', '/api/dispatch/tasks');
    const task = list.json.items.find((x) => x.title === TITLE)!;
    expect((await other.call('PATCH', `/api/dispatch/tasks/${task.id}`, { version: task.version, owner: '县应急管理局' })).status).toBe(200);

    await form.getByTestId('task-owner').fill('县农业农村局');
    await w.page.getByTestId('task-save').click();
    const alert = w.page.getByTestId('stale-alert');
    await alert.waitFor();
    expect(await alert.innerText()).toMatch(/已被他人修改/);
    expect(await alert.innerText()).toMatch(/没有保存/);
    await w.page.screenshot({ path: path.join(shots, 'dispatch-stale.png') });
    await alert.getByRole('button', { name: btn('重新加载') }).click();
    await expect.poll(() => form.getByTestId('task-owner').inputValue()).toBe('县应急管理局');
    await w.page.keyboard.press('Escape');
    await row.getByText('县应急管理局').waitFor();
    expect(await row.innerText()).not.toMatch(/县农业农村局/);
    // The refused save is the one failed request the browser logged.
    expect(w.errors).toEqual(['console: Failed to load resource: the server responded with a status of 409 (Conflict)']);
    w.errors.length = 0;
  });

  it('records a dispatch meeting on the cadence board; missing periods are red', async () => {
    await w.page.getByRole('tab', { name: '调度落实' }).click();
    const table = w.page.getByTestId('cadence-table');
    await table.getByText('榆中县').waitFor();
    // Nothing recorded in the demo: the county misses its weeks, each township its days, in red.
    const county = table.locator('tr.row-overdue', { hasText: '榆中县' }).first();
    expect(await county.getByTestId('missing-periods').innerText()).toMatch(/\d{4}-W\d{2}/);
    const township = table.locator('tr.row-overdue', { hasText: '城关镇' }).first();
    expect(await township.getByTestId('missing-periods').innerText()).toMatch(/\d{4}-\d{2}-\d{2}/);
    const form = w.page.getByTestId('report-form');
    await form.getByTestId('report-held-on').fill(day(-1));
    await form.getByTestId('report-chair').fill('县委书记');
    await form.getByTestId('report-summary').fill('研究危房改造和产业项目进度');
    await form.getByTestId('report-save').click();
    const reports = w.page.getByTestId('report-table');
    await reports.getByText('研究危房改造和产业项目进度').waitFor();
    await w.page.getByTestId('compliance-county').waitFor();
    await expect.poll(() => table.locator('tr', { hasText: '榆中县' }).first().innerText()).toMatch(new RegExp(day(-1)));
    await w.page.screenshot({ path: path.join(shots, 'dispatch-cadence.png'), fullPage: true });
    expect(w.errors).toEqual([]);
  });

  it('fits a 390 px phone without sideways scrolling', async () => {
    const m = await newPage(browser, { baseURL, width: 390, height: 844 });
    await login(m.page, 'demo-county');
    for (const [url, testId, shot] of [['/dispatch?tab=tasks', 'task-table', 'dispatch-tasks-390.png'], ['/dispatch?tab=cadence', 'cadence-table', 'dispatch-cadence-390.png'], ['/dispatch?tab=groups', 'group-new', 'dispatch-groups-390.png']] as const) {
      await m.page.goto(url);
      await m.page.getByTestId(testId).waitFor();
      await m.page.waitForLoadState('networkidle');
      const overflow = await m.page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      expect(overflow, url).toBeLessThanOrEqual(1);
      await m.page.screenshot({ path: path.join(shots, shot), fullPage: true });
    }
    expect(m.errors).toEqual([]);
    await m.context.close();
  });
});
