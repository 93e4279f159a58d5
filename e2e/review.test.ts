import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, inject, it, onTestFailed } from 'vitest';
import { apiSession, btn, chooseOption, launch, login, newPage, type Watched } from './support/browser.js';

/**
 * 动态管理 in the browser: the demo village's inbox, signing a step with its evidence, posting a
 * notice, the public notice page without login (masked, printable) taking an objection, and the
 * re-check back in the office.
 */
const baseURL = inject('baseURL');
const shots = inject('screenshotDir');
let browser: Browser;
let w: Watched;

beforeAll(async () => {
  browser = await launch();
  w = await newPage(browser, { baseURL });
  await login(w.page, 'demo-village');
});
beforeEach((t) => {
  onTestFailed(async () => {
    await w.page.screenshot({ path: path.join(shots, `FAILED-review-${t.task.name.slice(0, 40)}.png`), fullPage: true }).catch(() => undefined);
  });
});
afterAll(async () => {
  await w?.context.close();
  await browser?.close();
});

interface P { id: string; number: string; type: string; currentStep: { key: string } | null; version: number }
let removal: P;
let noticeUrl = '';

describe('dynamic management', () => {
  it('the village inbox lists the demo proposals awaiting it, with the open cycle and its deadlines', async () => {
    await w.page.goto('/review');
    await expect.poll(() => w.page.getByTestId('current-cycle').innerText(), { timeout: 10_000 }).toContain('季度动态管理');
    await w.page.locator('.ant-table-row').first().waitFor();
    const api = await apiSession(baseURL, 'demo-village');
    const inbox = (await api.call<{ items: P[] }>('GET', '/api/review/proposals?inbox=1')).json.items;
    removal = inbox.find((p) => p.type === 'remove')!;
    expect(removal.currentStep!.key).toBe('village_review');
    await expect.poll(() => w.page.locator('.ant-table-tbody').innerText(), { timeout: 10_000 }).toContain(removal.number);
    await w.page.screenshot({ path: path.join(shots, 'review-inbox.png'), fullPage: true });
  });

  it('signs the village review with its records, then posts the 7-day notice', async () => {
    await w.page.getByRole('link', { name: removal.number }).click();
    await w.page.getByTestId('act-panel').waitFor();
    // Signing without the required records is stopped on the form.
    await w.page.getByTestId('approve').click();
    await expect.poll(() => w.page.getByTestId('act-panel').innerText(), { timeout: 10_000 }).toContain('请填写核实记录');
    await w.page.getByLabel(/核实记录/).fill('村两委 11 月 20 日入户核实：户主之子为县财政供养人员');
    await w.page.getByLabel(/民主评议记录/).fill('村民代表会议应到 30 人，实到 27 人，同意剔除 25 人');
    await w.page.getByTestId('approve').click();
    await w.page.getByTestId('post-one').waitFor();
    await w.page.getByTestId('post-one').click();
    await w.page.getByRole('link', { name: '查看公示' }).waitFor();
    noticeUrl = (await w.page.getByRole('link', { name: '查看公示' }).getAttribute('href'))!;
    expect(noticeUrl).toMatch(/^\/notices\//);
    const history = await w.page.locator('.ant-timeline').last().innerText();
    expect(history).toContain('签署通过');
    expect(history).toContain('发布公示');
    expect(history).toContain('同意剔除 25 人');
    await w.page.screenshot({ path: path.join(shots, 'review-proposal.png'), fullPage: true });
  });

  it('the public sees the notice without login, masked, and can object', async () => {
    const pub = await newPage(browser, { baseURL, width: 390, height: 844 });
    try {
      await pub.page.goto('/notices');
      await pub.page.getByRole('link', { name: /剔除/ }).first().waitFor();
      await pub.page.goto(noticeUrl);
      const sheet = pub.page.getByTestId('notice-sheet');
      await sheet.waitFor();
      const text = await sheet.innerText();
      expect(text).toContain(removal.number);
      expect(text).toContain('公示期 7 天');
      expect(text).toMatch(/\S\*+/); // the head's name is masked
      expect(text).not.toMatch(/\d{17}[\dX]/);
      expect(text).not.toContain('财政供养');
      // Fits a phone: nothing wider than the screen.
      expect(await pub.page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
      await pub.page.screenshot({ path: path.join(shots, 'public-notice-phone.png'), fullPage: true });
      const form = pub.page.getByTestId('objection-form');
      await chooseOption(pub.page, form.locator('.ant-select'), removal.number);
      await pub.page.getByLabel('异议内容').fill('户主之子已于今年辞去公职回村务农');
      await pub.page.getByRole('button', { name: btn('提交') }).click();
      await expect.poll(() => sheet.innerText(), { timeout: 10_000 }).toContain('有异议，复核中');
      expect(pub.errors).toEqual([]);
    } finally {
      await pub.context.close();
    }
  });

  it('the objection sends the proposal back; the village re-checks it', async () => {
    await w.page.reload();
    await w.page.getByText(/条异议待复核/).waitFor({ timeout: 30_000 });
    await w.page.getByTestId('resolve-objection').click();
    await w.page.getByLabel('复核结论').fill('入户核实：辞职证明属实，撤回剔除申报');
    await w.page.getByRole('radio', { name: /异议成立/ }).check();
    await w.page.getByRole('button', { name: btn('确定') }).click();
    await expect.poll(() => w.page.locator('body').innerText(), { timeout: 10_000 }).toContain('已撤回');
    expect(w.errors).toEqual([]);
  });
});
