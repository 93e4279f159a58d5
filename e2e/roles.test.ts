import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { btn, launch, login, newPage } from './support/browser.js';

/** Every demo role signs in and sees its own scope only. */
const baseURL = inject('baseURL');
let browser: Browser;
beforeAll(async () => {
  browser = await launch();
});
afterAll(async () => {
  await browser?.close();
});

const ROLES: { user: string; name: RegExp; root: string; county?: string; registry: boolean }[] = [
  { user: 'demo-city', name: /市扶贫办/, root: '兰州市', registry: true },
  { user: 'demo-county', name: /榆中县扶贫办/, root: '榆中县', county: '榆中县', registry: true },
  { user: 'demo-yongdeng', name: /永登县扶贫办/, root: '永登县', county: '永登县', registry: true },
  { user: 'demo-township', name: /乡镇干部/, root: '', county: '榆中县', registry: true },
  { user: 'demo-village', name: /村干部/, root: '', county: '榆中县', registry: true },
  { user: 'demo-helper', name: /帮扶责任人/, root: '', county: '榆中县', registry: true },
  { user: 'demo-inspector', name: /纪检监察/, root: '兰州市', registry: true },
  { user: 'demo-department', name: /行业部门/, root: '兰州市', registry: false },
];

describe('roles and scope', () => {
  for (const r of ROLES) {
    it(`${r.user} sees only its scope`, async () => {
      const w = await newPage(browser, { baseURL });
      try {
        await login(w.page, r.user);
        await expect.poll(() => w.page.getByTestId('current-user').innerText()).toMatch(r.name);
        const me = await w.page.evaluate(async () => (await fetch('/api/auth/me')).json() as Promise<{ regionCode: string }>);
        if (!r.registry) {
          await w.page.getByText('当前角色无权访问此功能').waitFor();
          expect(w.errors.filter((e) => !e.includes('403'))).toEqual([]);
          return;
        }
        // The region tree starts at the user's scope.
        const tree = w.page.locator('.region-tree .ant-tree-node-content-wrapper').first();
        await tree.waitFor();
        if (r.root) expect(await tree.innerText()).toContain(r.root);
        // The list holds only households of the scope.
        await w.page.goto('/households');
        await w.page.locator('.ant-table-row').first().waitFor();
        const rows = await w.page.locator('.ant-table-row').allInnerTexts();
        if (r.county) {
          const titles = await w.page.locator('.ant-table-row .village-cell').evaluateAll((els) => els.map((e) => e.getAttribute('title') ?? ''));
          expect(titles.length).toBe(rows.length);
          for (const title of titles) expect(title).toContain(r.county);
        }
        expect(rows.length).toBeGreaterThan(0);
        for (const row of rows) {
          const number = row.trim().split(/\s/)[0]!;
          expect(number.startsWith(me.regionCode.replace(/0+$/, '').slice(0, Math.max(4, me.regionCode.replace(/0+$/, '').length)))).toBe(true);
        }
        expect(w.errors).toEqual([]);
        // The API agrees: another county's region is not found for a county user.
        if (r.user === 'demo-county') {
          const status = await w.page.evaluate(async () => (await fetch('/api/stats/overview?region=620121000000')).status);
          expect(status).toBe(404);
        }
      } finally {
        await w.context.close();
      }
    });
  }

  it('returns to the page the user was on after signing in, and after the session ends', async () => {
    const w = await newPage(browser, { baseURL });
    try {
      await w.page.goto('/households?status=%E8%BF%94%E8%B4%AB');
      await w.page.waitForURL(/\/login\?next=/);
      await w.page.getByLabel('用户名').fill('demo-county');
      await w.page.getByLabel('密码').fill('Demo-2018-tuopin');
      await w.page.getByRole('button', { name: btn('登录') }).click();
      await w.page.waitForURL((u) => u.pathname === '/households');
      expect(decodeURIComponent(w.page.url())).toContain('status=返贫');
      await w.page.locator('.ant-table-row').first().waitFor();
      // The session ends (signed out elsewhere): the next request goes back to login, and back here after.
      await w.page.evaluate(async () => { await fetch('/api/auth/logout', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' }); });
      await w.page.getByRole('columnheader', { name: '识别年度' }).first().click();
      await w.page.waitForURL(/\/login\?next=.*expired=1/);
      await w.page.getByText('登录已过期，请重新登录').waitFor();
      await w.page.getByLabel('用户名').fill('demo-county');
      await w.page.getByLabel('密码').fill('Demo-2018-tuopin');
      await w.page.getByRole('button', { name: btn('登录') }).click();
      await w.page.waitForURL((u) => u.pathname === '/households');
      expect(decodeURIComponent(w.page.url())).toContain('status=返贫');
      expect(w.page.url()).toContain('sort=identificationYear');
      await w.page.locator('.ant-table-row').first().waitFor();
      expect(w.errors.filter((e) => !/401/.test(e))).toEqual([]);
    } finally {
      await w.context.close();
    }
  });

  it('rejects a wrong password with the server message', async () => {
    const w = await newPage(browser, { baseURL });
    try {
      await w.page.goto('/login');
      await w.page.getByLabel('用户名').fill('demo-county');
      await w.page.getByLabel('密码').fill('wrong-password');
      await w.page.getByRole('button', { name: btn('登录') }).click();
      await w.page.getByRole('alert').filter({ hasText: /密码|用户名/ }).waitFor();
      expect(new URL(w.page.url()).pathname).toBe('/login');
    } finally {
      await w.context.close();
    }
  });
});
