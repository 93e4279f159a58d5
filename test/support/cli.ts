import { spawnSync } from 'node:child_process';
import type { TestDb } from './db.js';

/**
 * Runs `tuopin ARGS` as a child process against the test's database, as outside scripts run it:
 * the embedded database through --data-dir (the test must have closed its own handle first),
 * or the test's PostgreSQL database through DATABASE_URL.
 */
export function runCli(t: TestDb, args: string[], input?: string) {
  const env = { ...process.env };
  delete env.DATABASE_URL;
  if (t.engine === 'postgres') env.DATABASE_URL = t.databaseUrl;
  const dataArgs = t.engine === 'pglite' ? ['--data-dir', t.dataDir] : [];
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args, ...dataArgs], { env, input, encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr, json: () => JSON.parse(r.stdout) };
}
