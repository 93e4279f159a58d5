import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, inject, it, onTestFailed } from 'vitest';
import { apiSession, btn, canvasInk, launch, login, newPage, type Watched } from './support/browser.js';

/**
 * The targets page: plan against actual with red-amber-green, a village entering its collective
 * income (三(五), 5万元) and the county and city approving it, and the pre-aggregated indicators
 * recomputed and drilled down.
 */
const baseURL = inject('baseURL');
const shots = inject('screenshotDir');
let browser: Browser;
let w: Watched;

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

describe('targets page', () => {
  it('a village enters and submits its collective income; it shows below 5万元', async () => {
    await login(w.page, 'demo-village');
    await w.page.goto('/targets');
    await w.page.getByRole('tab', { name: '目标填报与审批' }).click();
    const form = w.page.getByTestId('entry-form');
    await form.getByTestId('entry-target').click();
    await w.page.keyboard.type('村级集体经济收入');
    await w.page.locator('.ant-select-item-option', { hasText: '村级集体经济收入（5万元）' }).first().click();
    await form.getByTestId('entry-year').click();
    await w.page.locator('.ant-select-item-option', { hasText: '2018' }).click();
    await form.getByTestId('entry-value').fill('4.3');
    await form.getByTestId('entry-save').click();
    const table = w.page.getByTestId('entry-table');
    await table.getByText('填报中').waitFor();
    expect(await table.innerText()).toMatch(/4\.3 万元 < 5/);
    await table.getByRole('button', { name: btn('上报') }).click();
    await table.getByText('已上报').waitFor();
    expect(w.errors).toEqual([]);
  });

  it('the county approves, the city approves, and the progress table shows the village figure', async () => {
    const city = await apiSession(baseURL, 'demo-city');
    const entries = await city.call<{ items: { id: string; regionCode: string; version: number; status: string }[] }>('GET', '/api/targets/entries?status=submitted');
    const e = entries.json.items[0]!;
    const county = await apiSession(baseURL, e.regionCode.startsWith('620121') ? 'demo-yongdeng' : e.regionCode.startsWith('620123') ? 'demo-county' : 'demo-city');
    const approved = await county.call('POST', `/api/targets/entries/${e.id}/approve`, { version: e.version });
    expect(approved.status).toBe(200);

    await w.context.clearCookies();
    await login(w.page, 'demo-city');
    await w.page.goto('/targets');
    await w.page.getByRole('tab', { name: '目标填报与审批' }).click();
    const table = w.page.getByTestId('entry-table');
    await table.getByText('县级已审核').waitFor();
    await table.getByRole('button', { name: btn('审批') }).click();
    await table.getByText('市级已批准').waitFor();

    await w.page.getByRole('tab', { name: '目标进度' }).click();
    const progress = w.page.getByTestId('target-table');
    // The 2018 per-village income target (another 三(五) row, 有稳定村级集体经济收入, has no value).
    const row = progress.locator('tr', { hasText: '4.3 万元' }).first();
    await row.waitFor();
    expect(await row.innerText()).toMatch(/村级集体经济收入/);
    expect(await row.innerText()).toMatch(/预警|落后/);
    await w.page.getByTestId('rag-count-green').waitFor();
    await w.page.screenshot({ path: path.join(shots, 'targets-progress.png'), fullPage: true });
  });

  it('recomputes the indicators, shows when, and drills down to a county', async () => {
    await w.page.getByRole('tab', { name: '统计指标' }).click();
    await w.page.getByTestId('indicators-refresh').click();
    await expect.poll(() => w.page.getByTestId('indicators-computed-at').innerText(), { timeout: 60_000 }).toMatch(/计算时间/);
    const table = w.page.getByTestId('indicator-table');
    await table.getByText('榆中县').waitFor();
    expect(await table.innerText()).toMatch(/\d+\.\d{2}%/);
    await table.getByText('榆中县').click();
    await w.page.waitForURL(/region=620123000000/);
    await w.page.getByTestId('indicator-own').getByText(/榆中县/).waitFor();
    await table.getByText('城关镇').waitFor();
    await expect.poll(() => canvasInk(w.page, '[data-testid=chart-indicator-trend]'), { timeout: 10_000 }).toBeGreaterThan(2000);
    await w.page.screenshot({ path: path.join(shots, 'targets-indicators.png'), fullPage: true });
    expect(w.errors).toEqual([]);
  });
});
