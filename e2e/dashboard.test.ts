import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, inject, it, onTestFailed } from 'vitest';
import { canvasInk, launch, login, newPage, type Watched } from './support/browser.js';

/** The dashboard draws its charts, drills down, switches language, fits a phone. */
const baseURL = inject('baseURL');
const shots = inject('screenshotDir');
let browser: Browser;
let w: Watched;

beforeAll(async () => {
  browser = await launch();
  w = await newPage(browser, { baseURL });
  await login(w.page, 'demo-city');
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

const CHARTS = ['chart-region', 'chart-status', 'chart-category', 'chart-cause', 'chart-trend'];

describe('dashboard', () => {
  it('draws every chart with a table beside it', async () => {
    await w.page.goto('/');
    await w.page.getByTestId('dashboard').waitFor();
    for (const id of CHARTS) {
      await w.page.getByTestId(id).locator('canvas').waitFor();
      await expect.poll(() => canvasInk(w.page, `[data-testid=${id}]`), { timeout: 10_000 }).toBeGreaterThan(2000);
    }
    // Counties of the city, with incidence from the (synthetic) rural population.
    const table = w.page.getByTestId('region-table');
    await table.getByText('榆中县').waitFor();
    expect(await table.innerText()).toMatch(/\d+\.\d{2}%/);
    // The demo's 3.25万 poor people (other browser tests may have added a member or two).
    const poor = Number((await w.page.locator('.ant-statistic', { hasText: '贫困人口' }).innerText()).replace(/[^\d]/g, ''));
    expect(poor).toBeGreaterThanOrEqual(32_528);
    expect(poor).toBeLessThan(32_600);
    await w.page.screenshot({ path: path.join(shots, 'dashboard.png'), fullPage: true });
    expect(w.errors).toEqual([]);
  });

  it('drills down from the city to a county, a township and back', async () => {
    await w.page.getByTestId('region-table').getByRole('button', { name: '榆中县' }).click();
    await w.page.waitForURL(/region=620123000000/);
    await w.page.getByTestId('region-table').getByText('城关镇').waitFor();
    await w.page.getByTestId('region-table').getByRole('button', { name: '城关镇' }).click();
    await w.page.waitForURL(/region=620123100000/);
    await w.page.getByTestId('region-table').locator('.ant-tag', { hasText: '贫' }).first().waitFor();
    await expect.poll(() => canvasInk(w.page, '[data-testid=chart-region]')).toBeGreaterThan(2000);
    await w.page.getByRole('button', { name: /返回上级/ }).click();
    await w.page.waitForURL(/region=620123000000/);
    // Clicking a bar drills down too.
    const box = (await w.page.getByTestId('chart-region').boundingBox())!;
    await w.page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    expect(w.errors).toEqual([]);
  });

  it('switches to English and back', async () => {
    await w.page.goto('/');
    await w.page.getByTestId('lang-switch').click();
    await w.page.getByText('Poverty incidence').first().waitFor();
    await w.page.getByRole('menuitem', { name: /Households/ }).waitFor();
    expect(await w.page.locator('html').getAttribute('lang')).toBe('en');
    await w.page.getByTestId('region-table').getByText('榆中县').waitFor();
    await expect.poll(() => canvasInk(w.page, '[data-testid=chart-status]')).toBeGreaterThan(2000);
    await w.page.screenshot({ path: path.join(shots, 'dashboard-en.png') });
    await w.page.reload();
    await w.page.getByText('Poverty incidence').first().waitFor();
    await w.page.getByTestId('lang-switch').click();
    await w.page.getByText('贫困发生率').first().waitFor();
    expect(w.errors).toEqual([]);
  });

  it('fits a 390 px phone and prints the household card', async () => {
    const phone = await newPage(browser, { baseURL, width: 390, height: 844 });
    try {
      await login(phone.page, 'demo-village');
      await phone.page.getByTestId('dashboard').waitFor();
      await phone.page.getByTestId('chart-status').locator('canvas').waitFor();
      await phone.page.getByTestId('region-table').waitFor();
      await expect.poll(() => canvasInk(phone.page, '[data-testid=chart-trend]')).toBeGreaterThan(2000);
      const overflow = await phone.page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      expect(overflow).toBeLessThanOrEqual(1);
      await phone.page.screenshot({ path: path.join(shots, 'phone-dashboard.png'), fullPage: true });
      await phone.page.getByRole('button', { name: '打开菜单' }).click();
      await phone.page.getByRole('menuitem', { name: /贫困户名册/ }).click();
      await phone.page.locator('.ant-table-row').first().waitFor();
      await phone.page.locator('.ant-drawer-open').waitFor({ state: 'detached' });
      await phone.page.waitForTimeout(400); // the drawer's closing animation
      expect(await phone.page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)).toBeLessThanOrEqual(1);
      await phone.page.screenshot({ path: path.join(shots, 'phone-list.png') });
      await phone.page.locator('.ant-table-row a').first().click();
      await phone.page.getByTestId('household-info').waitFor();
      await phone.page.getByRole('button', { name: /打印明白卡/ }).click();
      await phone.page.getByTestId('household-card').waitFor();
      const card = await phone.page.getByTestId('household-card').innerText();
      expect(card).toContain('扶贫明白卡');
      expect(card).toContain('暂未录入');
      await phone.page.emulateMedia({ media: 'print' });
      await phone.page.setViewportSize({ width: 794, height: 1123 });
      await phone.page.screenshot({ path: path.join(shots, 'card-print.png'), fullPage: true });
      const pdf = await phone.page.pdf({ format: 'A4', printBackground: true });
      expect(pdf.length).toBeGreaterThan(10_000);
      expect(phone.errors).toEqual([]);
    } finally {
      await phone.context.close();
    }
  });
});
