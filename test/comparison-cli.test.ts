import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './support/cli.js';
import { testDb, type TestDb } from './support/db.js';
import { seedVillages } from './support/factories.js';
import { tmpDir } from './support/files.js';
import { outsider, person, register, writeCsv, writeSheet } from './comparison.fixtures.js';

// `tuopin compare FILE --kind KIND [--year YEAR] --json` exactly as DOMAIN.md: a child process.
let t: TestDb;
let dir: string;
const P = { dead: person('19500101'), car: person('19800101'), age16: person('20040601') };

beforeAll(async () => {
  t = await testDb();
  await seedVillages(t.db);
  dir = tmpDir('tuopin-cmp-cli-');
  await register(t.db, dir, Object.values(P));
  if (t.engine === 'pglite') await t.db.close();
});
afterAll(async () => {
  if (t.engine === 'pglite') fs.rmSync(t.dataDir, { recursive: true, force: true });
  else await t.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const tuopin = (args: string[]) => runCli(t, args);

describe('tuopin compare', () => {
  it('prints the findings with ID number, code, household number, rule and evidence, and a summary', async () => {
    const file = await writeSheet(path.join(dir, 'vehicle.xlsx'), ['证件号码', '姓名', '车辆类型', '车辆价格'], [
      [P.car.id, P.car.name, '小型轿车', 30000], [P.dead.id, P.dead.name, '小型轿车', 29999], [outsider().id, '外人', '小型轿车', 90000],
      [P.age16.id.slice(0, 17) + (P.age16.id[17] === '1' ? '2' : '1'), P.age16.name, '小型轿车', 90000],
    ]);
    const r = tuopin(['compare', file, '--kind', 'vehicle', '--year', '2020', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const doc = r.json();
    expect(doc.findings).toEqual([{
      idNumber: P.car.id, code: 'VEHICLE', householdNumber: P.car.householdNumber, status: 'open',
      rule: expect.objectContaining({ id: 'VEHICLE', params: expect.objectContaining({ minPrice: 30000 }) }),
      evidence: expect.objectContaining({ 证件号码: P.car.id, 车辆价格: '30000', 行号: 2 }),
    }]);
    expect(doc.summary).toMatchObject({ kind: 'vehicle', year: 2020, rows: { total: 4, accepted: 3, rejected: 1, matched: 2 }, byCode: { VEHICLE: 1 } });
    expect(doc.summary.rejected).toEqual([expect.objectContaining({ row: 5, code: 'ID_CHECK' })]);
  });

  it('exits 1 with reasons on an unknown kind or a missing required column', () => {
    const file = writeCsv(path.join(dir, 'hukou.csv'), ['证件号码', '姓名'], [[P.dead.id, P.dead.name]]);
    const missing = tuopin(['compare', file, '--kind', 'hukou', '--json']);
    expect(missing.code).toBe(1);
    expect(missing.json()).toMatchObject({ ok: false, errors: [{ code: 'MISSING_COLUMN', column: '户籍状态' }] });
    const kind = tuopin(['compare', file, '--kind', 'boats', '--json']);
    expect(kind.code).toBe(1);
    expect(kind.json().errors[0].code).toBe('UNKNOWN_KIND');
    const none = tuopin(['compare', path.join(dir, 'nope.csv'), '--kind', 'hukou']);
    expect(none.code).toBe(1);
    expect(none.stderr).toContain('FILE_NOT_FOUND');
  });
});
