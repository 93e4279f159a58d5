import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemCtx } from '../src/core/context.js';
import { importRegistry } from '../src/modules/registry/import.js';
import { testDb, type TestDb } from './support/db.js';
import { seedVillages } from './support/factories.js';

// Workbooks saved by LibreOffice Calc (test/fixtures/office/make.ts rebuilds them): shared
// strings, Calc's own styles, an ID number stored as a number.
const dir = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures/office');
let t: TestDb;
beforeAll(async () => {
  t = await testDb();
  await seedVillages(t.db);
});
afterAll(async () => { await t?.close(); });

const count = async (table: string) => (await t.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`))[0]!.n;

describe('a workbook written by a real office suite', () => {
  it('with planted errors: exactly those rows are reported and nothing is written', async () => {
    const r = await importRegistry(systemCtx(t.db), { kind: 'xlsx', path: path.join(dir, 'registry-errors.libreoffice.xlsx') });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors.map((e) => [e.sheet, e.row, e.column, e.code])).toEqual([
      ['户信息', 4, '贫困户属性', 'NOT_IN_DICTIONARY'],
      // Its 户主 was renamed 表哥 on 家庭成员 row 8, so household LO20180003 has no head.
      ['户信息', 5, '户编号', 'NO_HEAD'],
      ['户信息', 7, '脱贫年度', 'EXIT_YEAR_REQUIRED'],
      ['家庭成员', 5, '证件号码', 'ID_SCIENTIFIC'],
      ['家庭成员', 8, '与户主关系', 'NOT_IN_DICTIONARY'],
    ]);
    expect(r.errors[3]!.message).toMatch(/数字/);
    expect(await count('households')).toBe(0);
    expect(await count('members')).toBe(0);
  });

  it('without them: every household and member goes in', async () => {
    const r = await importRegistry(systemCtx(t.db), { kind: 'xlsx', path: path.join(dir, 'registry-clean.libreoffice.xlsx') });
    expect(r, JSON.stringify(r)).toMatchObject({ ok: true, households: 8, members: 20 });
    expect(await count('households')).toBe(8);
    expect(await count('members')).toBe(20);
    const ids = await t.db.query<{ id_number: string }>('SELECT id_number FROM members');
    for (const { id_number } of ids) expect(id_number).toMatch(/^\d{17}[\dX]$/);
  });
});
