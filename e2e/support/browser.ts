import fs from 'node:fs';
import { chromium, type Browser, type BrowserContext, type Locator, type Page } from 'playwright-core';
import { expect } from 'vitest';

/** Debian's chromium (apt-get install chromium); playwright never downloads a browser here. */
export const CHROMIUM = process.env.TUOPIN_CHROMIUM ?? '/usr/bin/chromium';

export async function launch(): Promise<Browser> {
  if (!fs.existsSync(CHROMIUM)) {
    throw new Error(`没有找到 Chromium（${CHROMIUM}）：请先执行 apt-get update && apt-get install -y chromium`);
  }
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-quic', '--no-first-run', '--disable-component-update', '--disable-sync'],
  });
}

let contexts = 0;

export interface Watched {
  context: BrowserContext;
  page: Page;
  /** Console errors and uncaught page errors seen so far. */
  errors: string[];
}

/** A fresh context (own cookies) and page that records console errors and page errors. */
export async function newPage(browser: Browser, opts: { width?: number; height?: number; baseURL: string; locale?: string }): Promise<Watched> {
  const context = await browser.newContext({
    baseURL: opts.baseURL,
    viewport: { width: opts.width ?? 1366, height: opts.height ?? 768 },
    locale: opts.locale ?? 'zh-CN',
    acceptDownloads: true,
    // Each browser context is a different user at a different address, as in an office: the
    // server (started with TUOPIN_TRUST_PROXY=1) rate-limits sign-ins per address. Header only.
    extraHTTPHeaders: { 'x-forwarded-for': `192.0.2.${1 + (contexts++ % 250)}` },
  });
  context.setDefaultTimeout(15_000);
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(`console: ${m.text()}`);
  });
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  return { context, page, errors };
}

export const DEMO_PASSWORD = 'Demo-2018-tuopin';

export async function login(page: Page, username: string, password = DEMO_PASSWORD): Promise<void> {
  await page.goto('/login');
  await page.getByLabel(/用户名|User name/).fill(username);
  await page.getByLabel(/密码|Password/).fill(password);
  await page.getByRole('button', { name: /登\s*录|Sign in/ }).click();
  await page.waitForURL((u) => !u.pathname.startsWith('/login'));
}

/**
 * antd puts a space between the two characters of a two-character Chinese button (「查 询」), and
 * a button that was loading keeps an invisible "loading" icon label before its text.
 */
export function btn(text: string): RegExp {
  return new RegExp('(^|\\s)' + [...text].map((c) => c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('\\s*') + '\\s*$');
}

/** Signs in over HTTP (for changes made "by someone else" during a browser test). */
export async function apiSession(baseURL: string, username: string, password = DEMO_PASSWORD) {
  const r = await fetch(baseURL + '/api/auth/login', { method: 'POST', headers: { 'content-type': 'application/json', 'x-forwarded-for': '198.51.100.1' }, body: JSON.stringify({ username, password }) });
  if (!r.ok) throw new Error(`login ${username}: ${r.status} ${await r.text()}`);
  const cookie = (r.headers.get('set-cookie') ?? '').split(';')[0]!;
  const call = async <T = unknown>(method: string, url: string, body?: unknown): Promise<{ status: number; json: T }> => {
    const res = await fetch(baseURL + url, {
      method,
      headers: { cookie, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      body: body !== undefined ? JSON.stringify(body) : undefined,
    });
    return { status: res.status, json: (await res.json()) as T };
  };
  return { cookie, call };
}

/** How many pixels of a canvas are drawn (not transparent), read in the page. */
export async function canvasInk(page: Page, selector: string): Promise<number> {
  return page.locator(selector).first().evaluate((el) => {
    const c = el instanceof HTMLCanvasElement ? el : el.querySelector('canvas');
    if (!c) return 0;
    const ctx = c.getContext('2d');
    if (!ctx) return 0;
    const { data } = ctx.getImageData(0, 0, c.width, c.height);
    let n = 0;
    for (let i = 3; i < data.length; i += 4) if (data[i]! > 0) n++;
    return n;
  });
}

/**
 * Picks one option of an antd Select and waits until the Select shows it. `select` is the Select
 * or any element inside it (its search input, found by label). On a loaded machine a click can
 * land while the dropdown's virtual list re-renders and be lost, so a pick that does not show
 * is tried again (three times in all) instead of failing later on a form without the value.
 */
export async function chooseOption(page: Page, select: Locator, option: string, opts: { type?: string } = {}): Promise<void> {
  const root = select.locator('xpath=ancestor-or-self::div[contains(concat(" ", normalize-space(@class), " "), " ant-select ")][1]');
  const dropdown = page.locator('.ant-select-dropdown:visible');
  for (let attempt = 1; ; attempt++) {
    if (attempt === 1 || (await dropdown.count()) === 0) {
      await select.click();
      if (opts.type) await page.keyboard.type(opts.type);
    }
    await dropdown.locator('.ant-select-item-option', { hasText: option }).first().click();
    try {
      // The Select's own text is its chosen label(s) or the placeholder; the dropdown is portaled elsewhere.
      await expect.poll(() => root.innerText(), { timeout: 5_000 }).toContain(option);
      return;
    } catch (e) {
      if (attempt >= 3) throw e;
    }
  }
}
