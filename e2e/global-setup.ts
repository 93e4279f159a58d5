import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TestProject } from 'vitest/node';
import { systemCtx } from '../src/core/context.js';
import { openDb } from '../src/core/db.js';
import { migrate } from '../src/core/migrate.js';
import { loadDemo } from '../src/modules/demo/load.js';
import { seedReference } from '../src/server/bootstrap.js';
import { ensureWeb } from '../scripts/ensure-web.mjs';

/**
 * Browser tests run against the real thing: web/dist built by Vite (when missing or stale), a
 * PGlite data dir with the synthetic demo data, and `tuopin serve` on a free port in a child
 * process. The tests get the URL through `inject('baseURL')`.
 */
declare module 'vitest' {
  export interface ProvidedContext {
    baseURL: string;
    screenshotDir: string;
  }
}

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.unref();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      const port = typeof a === 'object' && a ? a.port : 0;
      s.close(() => resolve(port));
    });
  });
}

async function waitHealthy(url: string, child: ChildProcess, log: () => string): Promise<void> {
  const until = Date.now() + 120_000;
  while (Date.now() < until) {
    if (child.exitCode !== null) throw new Error(`tuopin serve exited with ${child.exitCode}\n${log()}`);
    try {
      const r = await fetch(url + '/api/health');
      if (r.ok) return;
    } catch {
      // not yet listening
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`tuopin serve did not become healthy\n${log()}`);
}

export default async function setup(project: TestProject) {
  ensureWeb({ quiet: true });

  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tuopin-e2e-'));
  const db = await openDb({ dataDir, fsync: false });
  try {
    await migrate(db);
    await seedReference(db);
    const res = await loadDemo(systemCtx(db));
    if (res.households !== 'already-loaded' && !res.households.ok) throw new Error('demo load failed');
    // Planner statistics: PGlite runs no autovacuum, and a bulk load leaves none.
    await db.execute('ANALYZE');
  } finally {
    await db.close();
  }

  const port = await freePort();
  const baseURL = `http://127.0.0.1:${port}`;
  let output = '';
  const child = spawn(process.execPath, [path.join(root, 'node_modules', 'tsx', 'dist', 'cli.mjs'), 'src/cli/main.ts', 'serve', '--port', String(port), '--data-dir', dataDir], {
    cwd: root,
    // The server uses this data dir, never a DATABASE_URL that CI sets for the integration tests.
    env: { ...process.env, DATABASE_URL: '', LOG_LEVEL: 'warn', TUOPIN_TRUST_PROXY: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', (d: Buffer) => { output = (output + d.toString()).slice(-20_000); });
  child.stderr?.on('data', (d: Buffer) => { output = (output + d.toString()).slice(-20_000); });
  await waitHealthy(baseURL, child, () => output);

  const screenshotDir = path.join(root, 'tmp', 'screenshots');
  fs.mkdirSync(screenshotDir, { recursive: true });
  project.provide('baseURL', baseURL);
  project.provide('screenshotDir', screenshotDir);

  return async () => {
    child.kill('SIGTERM');
    await new Promise((r) => {
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        r(null);
      }, 5000);
      child.once('exit', () => {
        clearTimeout(timer);
        r(null);
      });
    });
    fs.rmSync(dataDir, { recursive: true, force: true });
  };
}
