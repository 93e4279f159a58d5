import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { launch, login, newPage } from './support/browser.js';

/**
 * What the first page costs: the JavaScript a cold browser loads for the login page, and for the
 * dashboard right after signing in (the first screen), measured as gzip of each file fetched.
 * Goal (issue 3): under 600 kB gzip.
 */
const baseURL = inject('baseURL');
const dist = path.resolve(import.meta.dirname, '..', 'web', 'dist');
let browser: Browser;
beforeAll(async () => {
  browser = await launch();
});
afterAll(async () => {
  await browser?.close();
});

const gz = (urlPath: string) => zlib.gzipSync(fs.readFileSync(path.join(dist, urlPath)), { level: 9 }).length;

describe('first load', () => {
  it('stays under 600 kB of gzipped JavaScript', async () => {
    const w = await newPage(browser, { baseURL });
    const js = new Set<string>();
    w.page.on('response', (r) => {
      const u = new URL(r.url());
      if (u.pathname.endsWith('.js')) js.add(u.pathname);
    });
    await w.page.goto('/login');
    await w.page.getByLabel('用户名').waitFor();
    const loginKb = [...js].reduce((a, p) => a + gz(p), 0) / 1024;
    await login(w.page, 'demo-city');
    await w.page.getByTestId('chart-status').locator('canvas').waitFor();
    const dashKb = [...js].reduce((a, p) => a + gz(p), 0) / 1024;
    const report = { loginPageKb: Math.round(loginKb), dashboardFirstScreenKb: Math.round(dashKb), files: [...js].map((p) => `${p} ${(gz(p) / 1024).toFixed(1)} kB`) };
    console.log('first-load JS (gzip):', JSON.stringify(report, null, 2));
    fs.mkdirSync(path.resolve(dist, '..', '..', 'tmp'), { recursive: true });
    fs.writeFileSync(path.resolve(dist, '..', '..', 'tmp', 'first-load.json'), JSON.stringify(report, null, 2));
    expect(loginKb).toBeLessThan(600);
    expect(dashKb).toBeLessThan(600);
    await w.context.close();
  });
});
