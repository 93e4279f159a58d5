import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, inject, it, onTestFailed } from 'vitest';
import { apiSession, btn, chooseOption, launch, login, newPage, type Watched } from './support/browser.js';

/**
 * 帮扶 pages (issue 4): the catalog, the calculators, pairing a cadre (seen on the household and on
 * the cadre), the 一户一策 editor (goals, measures from the catalog, money by source, review, a
 * lost race, next year's plan from last year's, the printable plan), the benefits ledger moving
 * per-capita income, the 两不愁三保障 panel proposing measures, and the village work team.
 */
const baseURL = inject('baseURL');
const shots = inject('screenshotDir');
let browser: Browser;
let w: Watched;
let api: Awaited<ReturnType<typeof apiSession>>;
interface Member { id: string; name: string; relation: string; leftAt: string | null }
interface Household { id: string; householdNumber: string; villageCode: string; version: number; members: Member[]; incomes: { year: number; perCapitaNet: number; householdSize: number }[] }
let hh: Household;
let cadre: { id: string; name: string };
const CADRE = `赵帮扶${Date.now().toString(36).slice(-4)}`;

beforeAll(async () => {
  browser = await launch();
  w = await newPage(browser, { baseURL });
  await login(w.page, 'demo-county');
  api = await apiSession(baseURL, 'demo-county');
  const list = await api.call<{ items: { id: string }[] }>('GET', '/api/households?status=%E6%9C%AA%E8%84%B1%E8%B4%AB&pageSize=20&sort=householdNumber&order=desc');
  // A household with income and at least two members, never touched by the other browser tests.
  for (const item of list.json.items) {
    const h = (await api.call<Household>('GET', `/api/households/${item.id}`)).json;
    if (h.incomes.length && h.members.filter((m) => !m.leftAt).length >= 2) {
      hh = h;
      break;
    }
  }
  expect(hh).toBeDefined();
  const c = await api.call<{ id: string; name: string }>('POST', '/api/cadres', { name: CADRE, unit: '榆中县农业农村局', title: '科员', phone: '13800002222', regionCode: '620123000000' });
  expect(c.status).toBe(201);
  cadre = c.json;
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

/** The machine is shared: give the page time (vitest's default poll is 1 s). */
const poll = <T>(fn: () => Promise<T> | T) => expect.poll(fn, { timeout: 15_000 });

async function pickOption(label: string | RegExp, option: string, scope = w.page.locator('.ant-modal:visible')) {
  await chooseOption(w.page, scope.getByLabel(label).first(), option);
}

describe('catalog and calculators', () => {
  it('lists the eight actions and seven projects with every measure and its clause; search finds by keyword', async () => {
    await w.page.goto('/catalog');
    await poll(() => w.page.getByTestId('catalog-count').innerText()).toBe('111 项措施');
    const headers = await w.page.locator('.ant-collapse-header').allInnerTexts();
    expect(headers.filter((h) => h.includes('八大行动'))).toHaveLength(8);
    expect(headers.filter((h) => h.includes('七项工程'))).toHaveLength(7);
    expect(headers[0]).toContain('二(一) 产业扶贫行动');
    await w.page.getByTestId('catalog-search').locator('input').fill('光伏');
    await w.page.getByTestId('catalog-search').locator('input').press('Enter');
    await poll(() => w.page.getByTestId('catalog-count').innerText()).not.toBe('111 项措施');
    const pv = w.page.getByTestId('measure-PV_POVERTY');
    await poll(() => pv.innerText()).toContain('二(一)5');
    expect(await pv.innerText()).toContain('帮扶1073户建档立卡贫困户增收');
    await w.page.screenshot({ path: path.join(shots, 'assistance-catalog.png'), fullPage: true });
    expect(w.errors).toEqual([]);
  });

  it('computes the training subsidy at its edges with the reasons and the clause', async () => {
    await w.page.goto('/calculators?c=trainingSubsidy');
    const months = w.page.getByLabel('劳动合同期限（月）');
    await months.fill('5');
    await w.page.getByTestId('calc-run').click();
    await poll(() => w.page.getByTestId('calc-amount').innerText()).toBe('0.00');
    await months.fill('6');
    await w.page.getByTestId('calc-run').click();
    await poll(() => w.page.getByTestId('calc-amount').innerText()).toBe('1,000.00');
    await months.fill('12');
    await w.page.getByTestId('calc-run').click();
    await poll(() => w.page.getByTestId('calc-amount').innerText()).toBe('2,000.00');
    const result = await w.page.getByTestId('calc-result').innerText();
    expect(result).toContain('二(二)1');
    expect(await w.page.getByTestId('calc-reasons').innerText()).toMatch(/12/);
    await w.page.screenshot({ path: path.join(shots, 'assistance-calculators.png'), fullPage: true });
    // The health chain's top-up to 85% and 3000 yuan (二(五)).
    await w.page.getByRole('tab', { name: '合规医疗费用报销85%和自负3000元兜底' }).click();
    await w.page.getByTestId('calc-run').click();
    await poll(() => w.page.getByTestId('calc-result').innerText()).toContain('二(五)');
    expect(w.errors).toEqual([]);
  });
});

describe('pairing, plan, benefits, 两不愁三保障', () => {
  it('pairs a cadre; the helper shows on the household and the household on the cadre', async () => {
    await w.page.goto(`/households/${hh.id}/assistance?tab=pairing`);
    await w.page.getByTestId('add-pairing').click();
    const modal = w.page.locator('.ant-modal:visible');
    await chooseOption(w.page, modal.getByRole('combobox').first(), CADRE, { type: CADRE });
    await modal.getByRole('button', { name: btn('保存') }).click();
    await poll(() => w.page.getByTestId('pairing-tab').innerText()).toContain(CADRE);
    expect(await w.page.getByTestId('pairing-tab').innerText()).toContain('结对中');
    await w.page.goto(`/households/${hh.id}`);
    await poll(() => w.page.getByTestId('brief-helpers').innerText()).toContain(CADRE);
    await w.page.goto(`/cadres/${cadre.id}`);
    await poll(() => w.page.getByTestId('cadre-pairings').innerText()).toContain(hh.householdNumber);
    await w.page.screenshot({ path: path.join(shots, 'assistance-cadre.png'), fullPage: true });
    expect(w.errors).toEqual([]);
  });

  it('edits a plan: goals, a measure picked from the catalog with its clause, money by source, review; a lost race says so', async () => {
    await w.page.goto(`/households/${hh.id}/assistance?tab=plan`);
    await w.page.getByTestId('new-plan').click();
    const modal = w.page.locator('.ant-modal:visible');
    await modal.getByRole('spinbutton').fill('2019');
    await modal.getByRole('button', { name: btn('保存') }).click();
    await poll(() => w.page.getByTestId('plan-status').innerText()).toBe('草稿');
    // Goals.
    await w.page.getByTestId('edit-goals').click();
    await modal.getByLabel('人均纯收入目标（元/人）').fill('4500');
    await modal.getByLabel('住房安全有保障').check();
    await pickOption('帮扶责任人', CADRE);
    await modal.getByRole('button', { name: btn('保存') }).click();
    await poll(() => w.page.getByTestId('plan-goals').innerText()).toContain('4,500.00 元/人');
    expect(await w.page.getByTestId('plan-goals').innerText()).toContain(CADRE);
    expect(await w.page.getByTestId('plan-goals').innerText()).toContain('住房安全有保障');
    // A measure from the catalog, found by keyword; its clause shows before saving.
    await w.page.getByTestId('add-measure').click();
    await chooseOption(w.page, modal.getByTestId('measure-picker'), '村级公益性岗位', { type: '公益性' });
    await poll(() => modal.getByTestId('measure-PUBLIC_WELFARE_POST').innerText()).toContain('二(二)3');
    await modal.getByLabel('县级财政资金').fill('3000');
    await modal.getByLabel('农户自筹').fill('500');
    await modal.getByRole('button', { name: btn('保存') }).click();
    await poll(() => w.page.getByTestId('plan-total').innerText()).toBe('3,500.00');
    expect(await w.page.getByTestId('plan-measures').innerText()).toContain('村级公益性岗位');
    expect(await w.page.getByTestId('plan-totals').innerText()).toContain('县级财政资金');
    // Review.
    await w.page.getByTestId('approve-plan').click();
    await w.page.locator('.ant-modal-confirm:visible').getByRole('button', { name: btn('审核通过') }).click();
    await poll(() => w.page.getByTestId('plan-status').innerText()).toBe('已审核');
    await w.page.screenshot({ path: path.join(shots, 'assistance-plan.png'), fullPage: true });

    // Someone else changes the plan; our save is refused and says so, nothing overwritten.
    const plans = (await api.call<{ items: { id: string; year: number; version: number }[] }>('GET', `/api/households/${hh.id}/plans`)).json.items;
    const p2019 = plans.find((p) => p.year === 2019)!;
    expect((await api.call('PATCH', `/api/plans/${p2019.id}`, { version: p2019.version, notes: '乡镇复核意见' })).status).toBe(200);
    await w.page.getByTestId('edit-goals').click();
    await modal.getByLabel('人均纯收入目标（元/人）').fill('5000');
    await modal.getByRole('button', { name: btn('保存') }).click();
    const stale = w.page.locator('.ant-modal-confirm:visible');
    await poll(() => stale.innerText()).toContain('已被他人修改');
    await stale.getByRole('button', { name: btn('重新加载') }).click();
    // The refused save is the only console error (the browser logs the 409 response).
    expect(w.errors.splice(0)).toEqual([expect.stringContaining('409')]);
    await poll(() => w.page.getByTestId('plan-goals').innerText()).toContain('乡镇复核意见');
    expect(await w.page.getByTestId('plan-goals').innerText()).toContain('4,500.00');

    // Next year's plan starts from last year's.
    await w.page.getByTestId('new-plan').click();
    await poll(() => modal.getByRole('spinbutton').inputValue()).toBe('2020');
    await modal.getByRole('button', { name: btn('保存') }).click();
    await poll(() => w.page.getByTestId('plan-goals').innerText()).toContain('以上一年度计划为底稿');
    expect(await w.page.locator('.ant-card-head', { hasText: '年度计划' }).first().innerText()).toContain('2020 年度计划');
    expect(await w.page.getByTestId('plan-measures').innerText()).toContain('村级公益性岗位');
    expect(await w.page.getByTestId('plan-years').innerText()).toMatch(/2020[\s\S]*2019/);

    // Printable plan.
    await w.page.getByRole('button', { name: '打印计划' }).click();
    await w.page.getByTestId('plan-print').waitFor();
    const sheet = await w.page.getByTestId('plan-print').innerText();
    expect(sheet).toContain('2020 年度贫困户帮扶计划');
    expect(sheet).toContain('村级公益性岗位');
    expect(sheet).toContain('二(二)3');
    expect(sheet).toContain('县级财政资金 3,000.00');
    await w.page.emulateMedia({ media: 'print' });
    expect(await w.page.locator('.card-toolbar').isVisible()).toBe(false);
    await w.page.screenshot({ path: path.join(shots, 'assistance-plan-print.png'), fullPage: true });
    await w.page.emulateMedia({ media: 'screen' });
    expect(w.errors).toEqual([]);
  });

  it('records a benefit and shows per-capita net income recomputed with it', async () => {
    const year = hh.incomes[0]!.year;
    await w.page.goto(`/households/${hh.id}/assistance?tab=benefits`);
    await w.page.getByTestId('add-benefit').click();
    const modal = w.page.locator('.ant-modal:visible');
    await chooseOption(w.page, modal.getByTestId('measure-picker'), '退耕还林', { type: '退耕' });
    await modal.getByLabel('金额（元）').fill('1200');
    await modal.getByLabel('计入年度').fill(String(year));
    await modal.getByLabel('发放部门').fill('县林业局');
    await modal.getByRole('button', { name: btn('保存') }).click();
    await poll(() => w.page.getByTestId('benefit-table').innerText()).toContain('县林业局');
    // The figure the page shows is the registry's stored per-capita net for that year.
    const after = (await api.call<Household>('GET', `/api/households/${hh.id}`)).json.incomes.find((i) => i.year === year)!;
    const before = hh.incomes[0]!;
    expect(after.perCapitaNet).toBeCloseTo(before.perCapitaNet + 1200 / before.householdSize, 1);
    const card = w.page.getByTestId(`income-${year}`);
    await poll(() => card.innerText()).toContain(after.perCapitaNet.toLocaleString('zh-CN', { minimumFractionDigits: 2, maximumFractionDigits: 2 }));
    await w.page.screenshot({ path: path.join(shots, 'assistance-benefits.png'), fullPage: true });
    expect(w.errors).toEqual([]);
  });

  it('assesses 两不愁三保障: a D-grade house is a gap and proposes measures into the plan', async () => {
    await w.page.goto(`/households/${hh.id}/assistance?tab=lianbuchou`);
    await w.page.getByTestId('new-assessment').click();
    const modal = w.page.locator('.ant-modal:visible');
    await pickOption('住房鉴定等级', 'D级');
    await modal.getByRole('button', { name: btn('评估') }).click();
    await poll(() => w.page.getByTestId('dim-housing').innerText()).toBe('有短板');
    const panel = await w.page.getByTestId('assessment').innerText();
    expect(panel).toContain('住房鉴定为D级危房');
    expect(panel).toContain('三(三)');
    expect(panel).toMatch(/已向当年计划提出 \d+ 项待审措施/);
    await w.page.screenshot({ path: path.join(shots, 'assistance-lianbuchou.png'), fullPage: true });
    await w.page.getByRole('button', { name: '查看计划' }).click();
    await poll(() => w.page.getByTestId('plan-measures').innerText()).toContain('待审');
    // The 明白卡 now carries the helper, the plan and the policies received.
    await w.page.goto(`/households/${hh.id}/card`);
    await poll(() => w.page.getByTestId('household-card').innerText()).toContain(CADRE);
    const card = await w.page.getByTestId('household-card').innerText();
    expect(card).toContain('村级公益性岗位（二(二)3）');
    expect(card).toContain('退耕还林');
    expect(card).toContain('县林业局');
    expect(w.errors).toEqual([]);
  });
});

describe('village team', () => {
  it('appoints a first secretary; the team page and the cadre show it', async () => {
    await w.page.goto(`/teams?village=${hh.villageCode}`);
    await w.page.getByTestId('add-team-member').click();
    const modal = w.page.locator('.ant-modal:visible');
    await chooseOption(w.page, modal.getByRole('combobox').first(), CADRE, { type: CADRE });
    await pickOption('职务', '第一书记');
    await modal.getByRole('button', { name: btn('保存') }).click();
    await poll(() => w.page.getByTestId('first-secretary').innerText()).toContain(CADRE);
    await w.page.screenshot({ path: path.join(shots, 'assistance-team.png'), fullPage: true });
    await w.page.goto(`/cadres/${cadre.id}`);
    await poll(() => w.page.locator('body').innerText()).toContain('第一书记');
    expect(w.errors).toEqual([]);
  });
});

describe('narrow screens', () => {
  it('the plan, benefits and catalog fit 390 px without sideways scrolling of the page', async () => {
    const m = await newPage(browser, { baseURL, width: 390, height: 844 });
    await login(m.page, 'demo-county');
    for (const [url, testId, shot] of [
      [`/households/${hh.id}/assistance?tab=plan&year=2019`, 'plan-measures', 'assistance-plan-390.png'],
      [`/households/${hh.id}/assistance?tab=benefits`, 'benefit-table', 'assistance-benefits-390.png'],
      ['/catalog', 'catalog-count', 'assistance-catalog-390.png'],
    ] as const) {
      await m.page.goto(url);
      await m.page.getByTestId(testId).waitFor();
      const overflow = await m.page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      expect(overflow, url).toBeLessThanOrEqual(1);
      await m.page.screenshot({ path: path.join(shots, shot), fullPage: true });
    }
    expect(m.errors).toEqual([]);
    await m.context.close();
  });
});
