import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openDb } from '../src/core/db.js';
import { inject } from 'vitest';

// The embedded database is durable: fsync is on, and a process killed with SIGKILL right after
// COMMIT loses nothing that was committed (and keeps nothing that was not).
describe.runIf(inject('engine') === 'pglite')('embedded database durability', () => {
  it('keeps every committed row after SIGKILL, and no uncommitted one', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tuopin-durable-'));
    try {
      const child = spawn(process.execPath, ['--import', 'tsx', 'test/support/durability-child.ts', dir], { stdio: ['ignore', 'pipe', 'inherit'] });
      let out = '';
      await new Promise<void>((resolve, reject) => {
        child.stdout.on('data', (d: Buffer) => {
          out += d.toString();
          if (out.includes('uncommitted')) {
            child.kill('SIGKILL');
            resolve();
          }
        });
        child.on('exit', (code) => (out.includes('uncommitted') ? resolve() : reject(new Error(`child exited ${code}: ${out}`))));
      });
      await new Promise((r) => child.once('exit', r).once('close', r));
      expect(out).toContain('committed 20');
      expect(out).toContain('fsync on');
      const db = await openDb({ dataDir: dir });
      const rows = await db.query<{ n: number }>('SELECT n FROM durable ORDER BY n');
      await db.close();
      expect(rows.map((r) => r.n)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
