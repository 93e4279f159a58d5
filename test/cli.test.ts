import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDb } from '../src/core/db.js';
import { runCli } from './support/cli.js';
import { testDb, type TestDb } from './support/db.js';
import { sampleHousehold, tmpDir, writeXlsx, type Sheet } from './support/files.js';

// The CLI as outside scripts use it: a child process, --json on stdout, the exit codes of DOMAIN.md.
let t: TestDb;
let dir: string;
beforeAll(async () => {
  t = await testDb();
  // The CLI opens the database itself; an embedded database must not be open twice.
  if (t.engine === 'pglite') await t.db.close();
  dir = tmpDir('tuopin-cli-');
});
afterAll(async () => {
  if (t.engine === 'pglite') fs.rmSync(t.dataDir, { recursive: true, force: true });
  else await t.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const tuopin = (args: string[], input?: string) => runCli(t, args, input);

async function query<T>(sql: string, params: unknown[] = []): Promise<T[]> {
  if (t.engine === 'postgres') return t.db.query<T>(sql, params);
  const db = await openDb({ dataDir: t.dataDir, fsync: false });
  try {
    return await db.query<T>(sql, params);
  } finally {
    await db.close();
  }
}

describe('tuopin CLI', () => {
  it('--help lists every command', () => {
    const r = tuopin(['--help']);
    expect(r.code).toBe(0);
    for (const c of ['migrate', 'serve', 'demo', 'import', 'export', 'regions', 'users', 'audit', 'report']) expect(r.stdout).toContain(c);
  });

  it('regions import: creates villages; re-running is harmless; a bad file is rejected with exit 1', () => {
    const file = path.join(dir, 'regions.csv');
    fs.writeFileSync(file, '\ufeff区划代码,名称,是否贫困村\r\n620123000000,榆中县,\r\n620123100000,城关镇,\r\n620123100201,一号村（合成）,是\r\n620123100202,二号村（合成）,否\r\n');
    const r = tuopin(['regions', 'import', file, '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.json()).toEqual({ ok: true, created: 2, updated: 2 });
    const again = tuopin(['--json', 'regions', 'import', file]);
    expect(again.json()).toEqual({ ok: true, created: 0, updated: 4 });
    const bad = path.join(dir, 'bad-regions.csv');
    fs.writeFileSync(bad, '区划代码,名称\n62012310020,短代码村\n620123100203,\n');
    const b = tuopin(['regions', 'import', bad, '--json']);
    expect(b.code).toBe(1);
    expect(b.json().errors.map((e: { row: number; code: string }) => [e.row, e.code])).toEqual([[2, 'REGION_CODE'], [3, 'REQUIRED']]);
  });

  it('import --dry-run, import, then the same file again is rejected (exit 1, nothing written) unless --upsert', async () => {
    const hs: Sheet = [];
    const ms: Sheet = [];
    for (let i = 0; i < 5; i++) {
      const s = sampleHousehold(`CLI${i}`, i % 2 ? '620123100201' : '620123100202', 2 + (i % 3));
      hs.push(s.household);
      ms.push(...s.members);
    }
    const file = await writeXlsx(path.join(dir, 'cli.xlsx'), hs, ms);
    const dry = tuopin(['import', file, '--dry-run', '--json']);
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.json()).toMatchObject({ ok: true, households: 5, members: ms.length, dryRun: true });
    expect(await query('SELECT 1 FROM households')).toHaveLength(0);
    const ok = tuopin(['import', file, '--json']);
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.json()).toMatchObject({ ok: true, households: 5, members: ms.length });
    const again = tuopin(['import', file, '--json']);
    expect(again.code).toBe(1);
    const doc = again.json();
    expect(doc.ok).toBe(false);
    expect(doc.errors[0]).toEqual(expect.objectContaining({ sheet: '户信息', row: 2, column: '户编号', value: 'CLI0', code: 'DUPLICATE_HOUSEHOLD' }));
    expect(Object.keys(doc.errors[0]).sort()).toEqual(['code', 'column', 'message', 'row', 'sheet', 'value']);
    const up = tuopin(['import', file, '--upsert', '--json']);
    expect(up.code, up.stderr).toBe(0);
    expect(up.json()).toMatchObject({ ok: true, households: 5, created: 0, unchanged: 5 });
  });

  it('a missing file is exit 1 with the reason', () => {
    const r = tuopin(['import', path.join(dir, 'nope.xlsx'), '--json']);
    expect(r.code).toBe(1);
    expect(r.json().errors[0].code).toBe('FILE_NOT_FOUND');
  });

  it('export masks by default; --unmasked is audited; audit verify passes', async () => {
    const out = path.join(dir, 'out.xlsx');
    const r = tuopin(['export', out, '--region', '620123100201', '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.json()).toMatchObject({ ok: true, households: 2, masked: true });
    expect(fs.existsSync(out)).toBe(true);
    const u = tuopin(['export', path.join(dir, 'full.xlsx'), '--unmasked', '--json']);
    expect(u.json()).toMatchObject({ ok: true, households: 5, masked: false });
    expect(await query(`SELECT 1 FROM audit_log WHERE action = 'registry.export_unmasked'`)).toHaveLength(1);
    const v = tuopin(['audit', 'verify', '--json']);
    expect(v.code, v.stdout + v.stderr).toBe(0);
    expect(v.json()).toMatchObject({ ok: true, problems: [] });
  });

  it('report targets --json follows the contract', () => {
    const r = tuopin(['report', 'targets', '--year', '2018', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const doc = r.json();
    expect(doc.targets.length).toBeGreaterThan(5);
    const exit = doc.targets.find((x: { id: string }) => x.id === 'T-1-2-exit-people-2018');
    expect(exit).toMatchObject({ clause: '一(二)', unit: '人', region: '620100000000', year: 2018, planned: 17400 });
    expect(typeof exit.reached).toBe('number');
  });

  it('users add reads the password from stdin, refuses weak ones and bad roles', async () => {
    const ok = tuopin(['users', 'add', 'zhang', '--role', 'county', '--region', '620123000000', '--password-stdin', '--json'], 'Strong-pass-2018\n');
    expect(ok.code, ok.stderr + ok.stdout).toBe(0);
    expect(ok.json().user).toMatchObject({ username: 'zhang', role: 'county', regionCode: '620123000000' });
    const hash = await query<{ password_hash: string }>(`SELECT password_hash FROM users WHERE username = 'zhang'`);
    expect(hash[0]!.password_hash).toMatch(/^\$argon2id\$/);
    const weak = tuopin(['users', 'add', 'li', '--role', 'county', '--region', '620123000000', '--password-stdin', '--json'], '123\n');
    expect(weak.code).toBe(1);
    const role = tuopin(['users', 'add', 'wang', '--role', 'king', '--region', '620123000000', '--password-stdin'], 'Strong-pass-2018\n');
    expect(role.code).toBe(1);
  });
});
