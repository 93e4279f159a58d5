import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, inject, it, onTestFailed } from 'vitest';
import { apiSession, btn, chooseOption, launch, login, newPage, type Watched } from './support/browser.js';

/**
 * 防返贫监测 in the browser: a family reports a hardship on the public form from a phone (no
 * login); the village cadre finds the report among the clues (phone masked), links it to the
 * household found on the visit, the county's scan turns it into a warning that the cadre handles,
 * and the clue is closed with the outcome.
 */
const baseURL = inject('baseURL');
const shots = inject('screenshotDir');
let browser: Browser;
let phone: Watched;
let office: Watched;
const DESCRIPTION = `暴雨冲毁院墙和两间房屋（浏览器测试 ${Date.now() % 100000}）`;
let region: { county: string; township: string; village: string };
let householdNumber = '';

beforeAll(async () => {
  browser = await launch();
  phone = await newPage(browser, { baseURL, width: 390, height: 844 });
  office = await newPage(browser, { baseURL });
  // The demo village cadre's village, and the names the public form shows for it.
  const village = await apiSession(baseURL, 'demo-village');
  const me = (await village.call<{ regionCode: string }>('GET', '/api/auth/me')).json;
  const name = async (parent: string, code: string) =>
    (await (await fetch(`${baseURL}/api/public/regions/${parent}/children`)).json() as { items: { code: string; name: string }[] }).items.find((x) => x.code === code)!.name;
  const v = me.regionCode;
  region = { county: await name('620100000000', `${v.slice(0, 6)}000000`), township: await name(`${v.slice(0, 6)}000000`, `${v.slice(0, 9)}000`), village: await name(`${v.slice(0, 9)}000`, v) };
  householdNumber = (await village.call<{ items: { householdNumber: string }[] }>('GET', '/api/households?pageSize=1')).json.items[0]!.householdNumber;
});
beforeEach((t) => {
  onTestFailed(async () => {
    for (const [k, w] of [['phone', phone], ['office', office]] as const) {
      await w?.page.screenshot({ path: path.join(shots, `FAILED-monitoring-${k}-${t.task.name.slice(0, 40)}.png`), fullPage: true }).catch(() => undefined);
    }
  });
});
afterAll(async () => {
  await phone?.context.close();
  await office?.context.close();
  await browser?.close();
});

describe('monitoring: from a self-report to a handled warning', () => {
  it('the public form on a phone names what is missing, then takes the report and gives a reference and the visit deadline', async () => {
    const p = phone.page;
    await p.goto('/report');
    await p.getByText('困难情况自主申报').waitFor();
    await p.getByRole('button', { name: btn('提交申报') }).click();
    await expect.poll(() => p.locator('.ant-form-item-explain-error').count(), { timeout: 10_000 }).toBeGreaterThanOrEqual(5);
    await chooseOption(p, p.getByLabel('县区'), region.county);
    await chooseOption(p, p.getByLabel('乡镇'), region.township);
    await chooseOption(p, p.getByLabel('村'), region.village, { type: region.village.slice(0, 2) });
    await p.getByLabel('姓名').fill('测试申报人');
    await p.getByLabel('联系电话').fill('1390000');
    await chooseOption(p, p.getByLabel('困难类别'), '自然灾害或意外事故');
    await p.getByLabel('困难情况').fill(DESCRIPTION);
    await p.getByRole('button', { name: btn('提交申报') }).click();
    await expect.poll(() => p.locator('.ant-form-item-explain-error').allInnerTexts(), { timeout: 10_000 }).toEqual(['请填写11位手机号码']);
    await p.getByLabel('联系电话').fill('13900001111');
    await p.getByRole('button', { name: btn('提交申报') }).click();
    await expect.poll(() => p.locator('.ant-result').innerText(), { timeout: 10_000 }).toMatch(/申报已提交[\s\S]*受理编号 [0-9A-F]{8}[\s\S]*\d{4}-\d{2}-\d{2} 前入户核实/);
    expect(phone.errors).toEqual([]);
    await p.screenshot({ path: path.join(shots, 'monitoring-self-report-phone.png'), fullPage: true });
  });

  it('the village cadre sees the report among the clues, phone masked, and links it to the household by 户编号', async () => {
    const p = office.page;
    await login(p, 'demo-village');
    await p.goto('/monitoring');
    await p.getByRole('tab', { name: '监测线索' }).click();
    const row = p.locator('.ant-table-row:visible', { hasText: DESCRIPTION });
    await row.waitFor();
    expect(await row.innerText()).toContain('农户自主申报');
    expect(await row.getByTestId('reporter').innerText()).toBe('测试申报人 139****1111');
    await row.getByTestId('unlinked').waitFor();
    await row.getByRole('button', { name: btn('关联到户') }).click();
    const modal = p.locator('.ant-modal:visible');
    await modal.getByLabel('户编号').fill('620000000000000');
    await modal.getByRole('button', { name: btn('确定') }).click();
    await expect.poll(() => modal.locator('.ant-form-item-explain-error').innerText(), { timeout: 10_000 }).toContain('没有户编号为 620000000000000 的户');
    // That refusal was a 400 answer, which the browser logs as a failed resource; nothing else may be.
    expect(office.errors).toEqual([expect.stringContaining('400')]);
    office.errors.length = 0;
    await modal.getByLabel('户编号').fill(householdNumber);
    await modal.getByRole('button', { name: btn('确定') }).click();
    await expect.poll(() => row.getByRole('link').innerText(), { timeout: 10_000 }).toBe(householdNumber);
    await p.screenshot({ path: path.join(shots, 'monitoring-clues.png'), fullPage: true });
  });

  it("the county's scan makes it a warning for that household, which the cadre handles; then the clue is closed with the outcome", async () => {
    const county = await apiSession(baseURL, 'demo-county');
    const scan = await county.call<{ warnings: { rule: string; new: number }[] }>('POST', '/api/monitoring/scan', {});
    expect(scan.status).toBe(200);
    expect(scan.json.warnings.find((w) => w.rule === 'DISASTER')?.new).toBeGreaterThanOrEqual(1);
    const p = office.page;
    await p.getByRole('tab', { name: '风险预警' }).click();
    const warning = p.locator('.ant-table-row:visible', { hasText: DESCRIPTION });
    await chooseOption(p, p.locator('.ant-card:visible .ant-select').first(), '自然灾害');
    await warning.waitFor();
    expect(await warning.innerText()).toMatch(new RegExp(`${householdNumber}[\\s\\S]*自然灾害或意外事故（线索来源：农户自主申报`));
    await warning.getByRole('button', { name: btn('处置') }).click();
    const resolve = p.locator('.ant-modal:visible');
    await resolve.getByLabel('处置意见').fill('已入户核实，申请临时救助并修缮房屋');
    await resolve.getByRole('button', { name: btn('确定') }).click();
    await expect.poll(() => warning.count(), { timeout: 10_000 }).toBe(0);

    await p.getByRole('tab', { name: '监测线索' }).click();
    const row = p.locator('.ant-table-row:visible', { hasText: DESCRIPTION });
    await row.getByRole('button', { name: btn('关闭') }).click();
    const close = p.locator('.ant-modal:visible');
    await close.getByLabel('处理意见').fill('已核实，预警已处置');
    await close.getByRole('button', { name: btn('确定') }).click();
    await expect.poll(() => row.count(), { timeout: 10_000 }).toBe(0);
    expect(office.errors).toEqual([]);
  });
});
