#!/usr/bin/env node
/* global console, process */
// Builds the web app (vite build → web/dist) when web/dist/index.html is missing or older than
// any source file of the web app (web/src, web/index.html, web/vite.config.ts, the domain code it
// bundles). `npm start` runs this first, so a fresh checkout serves the UI without a manual step.
// Usage: node scripts/ensure-web.mjs [--force]
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const web = path.join(root, 'web');
const index = path.join(web, 'dist', 'index.html');

function newest(p) {
  let st;
  try {
    st = fs.statSync(p);
  } catch {
    return 0;
  }
  if (!st.isDirectory()) return st.mtimeMs;
  let m = 0;
  for (const e of fs.readdirSync(p)) m = Math.max(m, newest(path.join(p, e)));
  return m;
}

export function webIsStale() {
  if (!fs.existsSync(index)) return true;
  const built = fs.statSync(index).mtimeMs;
  const sources = [path.join(web, 'src'), path.join(web, 'index.html'), path.join(web, 'vite.config.ts'), path.join(web, 'public'), path.join(root, 'src', 'domain')];
  return sources.some((s) => newest(s) > built);
}

export function ensureWeb({ force = false, quiet = false } = {}) {
  if (!force && !webIsStale()) {
    if (!quiet) console.error('web/dist 已是最新，跳过构建');
    return;
  }
  console.error('正在构建 Web 界面（vite build）…');
  const vite = path.join(root, 'node_modules', 'vite', 'bin', 'vite.js');
  if (!fs.existsSync(vite)) throw new Error('找不到 vite：请先执行 npm install');
  const r = spawnSync(process.execPath, [vite, 'build', '--config', path.join(web, 'vite.config.ts'), '--logLevel', 'warn'], {
    cwd: root,
    stdio: 'inherit',
    // A production bundle whatever the caller's NODE_ENV (vitest sets it to "test").
    env: { ...process.env, NODE_ENV: 'production' },
  });
  if (r.status !== 0) throw new Error('Web 界面构建失败（vite build 退出码 ' + r.status + '）');
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    ensureWeb({ force: process.argv.includes('--force') });
  } catch (e) {
    console.error(e instanceof Error ? e.message : e);
    process.exit(2);
  }
}
