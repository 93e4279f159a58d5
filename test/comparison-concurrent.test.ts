import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { systemCtx } from '../src/core/context.js';
import { openDb } from '../src/core/db.js';
import { compareDataset, sweepStages } from '../src/modules/comparison/compare.js';
import { testDb, type TestDb } from './support/db.js';
import { seedVillages } from './support/factories.js';
import { tmpDir } from './support/files.js';
import { outsider, person, register, writeCsv } from './comparison.fixtures.js';

// A kind's first comparison inserts its findings without ON CONFLICT (nothing to meet); two
// comparisons of a kind that has none yet, started together, must still not fail or duplicate:
// the second waits for the first (the kind's lock), then meets its findings.
let t: TestDb;
let dir: string;
const a = person('19800707');
const b = person('19800808');

beforeAll(async () => {
  t = await testDb();
  await seedVillages(t.db);
  dir = tmpDir('tuopin-cmp-conc-');
  await register(t.db, dir, [a, b]);
});
afterAll(async () => {
  await t?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('comparisons at the same time', () => {
  it('two first comparisons of a kind started together both succeed; the findings are stored once and the later one meets them', async () => {
    // 低保 rows of people outside the registry (identification candidates): enough findings that the
    // first comparison is still writing them when the second looks for earlier ones.
    const people = [a, b, ...Array.from({ length: 3000 }, (_, i) => outsider(`19${50 + (i % 40)}0101`, '620123'))];
    const file = writeCsv(path.join(dir, 'dibao.csv'), ['证件号码', '姓名', '救助类别', '低保类别', '月保障金额', '起始日期', '终止日期'],
      people.map((p) => [p.id, p.name, '低保', '一类', 500, '2018-01-01', '']));
    const go = () => compareDataset(systemCtx(t.db), { path: file, kind: 'dibao', year: 2020, purpose: '测试比对', authorisation: '农户书面授权（测试）' });
    const [r1, r2] = await Promise.all([go(), go()]);
    if (!r1.ok || !r2.ok) throw new Error('rejected: ' + JSON.stringify([r1, r2].map((r) => (r.ok ? null : r.errors))));
    // a and b are registered without 低保 recorded (DIBAO_MISMATCH); the others are candidates.
    expect([r1.findings.new, r2.findings.new].sort((x, y) => x - y)).toEqual([0, 3002]);
    expect([r1.findings.seen, r2.findings.seen].sort((x, y) => x - y)).toEqual([0, 3002]);
    const rows = await t.db.query<{ code: string; n: number; v: number }>(
      'SELECT code, count(*)::int AS n, min(version) AS v FROM comparison_findings GROUP BY code ORDER BY code');
    expect(rows).toEqual([{ code: 'DIBAO_MISMATCH', n: 2, v: 2 }, { code: 'DIBAO_NOT_REGISTERED', n: 3000, v: 2 }]);
    // Each comparison's work tables (the staged file, the match) went with its commit.
    expect(await t.db.query(`SELECT relname FROM pg_class WHERE relname LIKE 'cmp\\_%'`)).toEqual([]);
  });

  // PostgreSQL keeps a comparison's staged file as a committed table (its connection holding a
  // session lock on the name) so that a second connection can count the match. A process that dies
  // while comparing leaves the table: the next comparison drops it, but never one a comparison
  // still holds.
  it.runIf(inject('engine') === 'postgres')('a staged file left by a dead comparison is dropped by the next one; one still held is not', async () => {
    const orphan = 'cmp_stage_' + 'a'.repeat(32);
    const held = 'cmp_stage_' + 'b'.repeat(32);
    const stages = async () => (await t.db.query<{ relname: string }>(`SELECT relname FROM pg_class WHERE relname LIKE 'cmp\\_stage\\_%' ORDER BY 1`)).map((r) => r.relname);
    await t.db.execute(`CREATE UNLOGGED TABLE ${orphan} (row int, id_number varchar(18), name text)`);
    await t.db.execute(`INSERT INTO ${orphan} VALUES (2, '${a.id}', '${a.name}')`);
    let release!: () => void;
    const released = new Promise<void>((r) => (release = r));
    let holding!: () => void;
    const holds = new Promise<void>((r) => (holding = r));
    const holder = t.db.connection(async (c) => {
      await c.query('SELECT pg_advisory_lock(7420601, hashtext($1))', [held]);
      await c.execute(`CREATE UNLOGGED TABLE ${held} (row int)`);
      holding();
      await released;
      await c.query('SELECT pg_advisory_unlock(7420601, hashtext($1))', [held]);
    });
    await holds;
    expect(await stages()).toEqual([orphan, held]);
    const file = writeCsv(path.join(dir, 'cars.csv'), ['证件号码', '姓名', '车辆类型', '车辆价格'], [[a.id, a.name, '小型轿车', 40000]]);
    const r = await compareDataset(systemCtx(t.db), { path: file, kind: 'vehicle', year: 2020, purpose: '测试比对', authorisation: '农户书面授权（测试）' });
    expect(r.ok && r.byCode).toEqual({ VEHICLE: 1 });
    expect(await stages()).toEqual([held]);
    release();
    await holder;
    expect(await t.db.connection((c) => sweepStages(c))).toBe(1);
    expect(await stages()).toEqual([]);
  });

  // Each comparison on PostgreSQL holds one connection and takes a second for its counts: with
  // more comparisons at once than the pool has connections, each would hold one and wait for
  // another. A process runs at most two at a time, so three at once on a pool of three all finish.
  it.runIf(inject('engine') === 'postgres')('three comparisons at once on a pool of three connections all finish', async () => {
    const small = await openDb({ databaseUrl: t.databaseUrl!, dataDir: '', poolSize: 3 });
    try {
      const cars = writeCsv(path.join(dir, 'cars3.csv'), ['证件号码', '姓名', '车辆类型', '车辆价格'], [[a.id, a.name, '小型轿车', 40000], [b.id, b.name, '小型轿车', 1000]]);
      const hukou = writeCsv(path.join(dir, 'hukou3.csv'), ['证件号码', '姓名', '户籍状态'], [[a.id, a.name, '正常'], [b.id, b.name, '迁出']]);
      const loans = writeCsv(path.join(dir, 'loans3.csv'), ['证件号码', '姓名', '贷款用途', '逾期天数'], [[a.id, a.name, '入股分红', 0], [b.id, b.name, '种植', 120]]);
      const go = (file: string, kind: string) => compareDataset(systemCtx(small), { path: file, kind, year: 2021, purpose: '测试比对', authorisation: '农户书面授权（测试）' });
      const results = await Promise.all([go(cars, 'vehicle'), go(hukou, 'hukou'), go(loans, 'loan')]);
      expect(results.map((r) => (r.ok ? r.rows.matched : r.errors))).toEqual([2, 2, 2]);
      expect(results.map((r) => r.ok && r.byCode)).toEqual([{ VEHICLE: 1 }, { MOVED_OUT: 1 }, { LOAN_MISUSE: 1, LOAN_OVERDUE: 1 }]);
    } finally {
      await small.close();
    }
  }, 30_000);

  // A newer dataset closes the open findings it no longer shows; a cadre confirming one of them
  // at that moment must not have the confirmation overwritten by the close.
  it.runIf(inject('engine') === 'postgres')('a finding confirmed while a newer dataset closes the rest stays confirmed', async () => {
    const file = (name: string, rows: (string | number)[][]) => writeCsv(path.join(dir, name), ['证件号码', '姓名', '户籍状态'], rows);
    const go = (p: string) => compareDataset(systemCtx(t.db), { path: p, kind: 'hukou', year: 2022, purpose: '测试比对', authorisation: '农户书面授权（测试）' });
    const first = await go(file('hukou22-a.csv', [[a.id, a.name, '死亡'], [b.id, b.name, '迁出']]));
    expect(first.ok && first.findings).toMatchObject({ new: 2 });
    let confirm!: () => void;
    const confirmNow = new Promise<void>((r) => (confirm = r));
    let locked!: () => void;
    const isLocked = new Promise<void>((r) => (locked = r));
    // The cadre's transaction: the finding about a changes to confirmed, not yet committed.
    const cadre = t.db.connection((c) => c.transaction(async (tx) => {
      await tx.execute(`UPDATE comparison_findings SET status = 'confirmed', reason = '核实属实', version = version + 1
                         WHERE code = 'DECEASED' AND id_number = $1 AND rule_key = 'DECEASED:2022'`, [a.id]);
      locked();
      await confirmNow;
    }));
    await isLocked;
    // The newer dataset shows only b: it would close a's finding, and waits for the cadre's row.
    const newer = go(file('hukou22-b.csv', [[b.id, b.name, '迁出']]));
    await new Promise((r) => setTimeout(r, 500));
    confirm();
    await cadre;
    const r = await newer;
    expect(r.ok && r.findings).toEqual({ total: 1, new: 0, seen: 1, closed: 0 });
    expect(await t.db.query(`SELECT status FROM comparison_findings WHERE rule_key = 'DECEASED:2022' AND id_number = $1`, [a.id])).toEqual([{ status: 'confirmed' }]);
  });
});
