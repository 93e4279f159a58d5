import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemCtx } from '../src/core/context.js';
import { PLAN_TARGETS } from '../src/domain/targets/catalog.js';
import { importRegistry } from '../src/modules/registry/import.js';
import { reportTargets } from '../src/modules/targets/service.js';
import { testDb, type TestDb } from './support/db.js';
import { seedVillages, V1, V2 } from './support/factories.js';
import { sampleHousehold, tmpDir, writeXlsx, type Sheet } from './support/files.js';
import path from 'node:path';

let t: TestDb;
beforeAll(async () => {
  t = await testDb();
  await seedVillages(t.db);
  // Hand-counted fixture: 2 households exited in 2018 (3 + 2 people), 1 in 2019 (4 people),
  // 1 not exited (2 people, dangerous house), one more exited 2018 household then removed.
  const hs: Sheet = [];
  const ms: Sheet = [];
  const add = (n: string, v: string, size: number, o: Record<string, string | number | null>) => {
    const s = sampleHousehold(n, v, size, o);
    hs.push(s.household);
    ms.push(...s.members);
  };
  add('E1', V1, 3, { 脱贫属性: '已脱贫', 脱贫年度: 2018 });
  add('E2', V2, 2, { 脱贫属性: '已脱贫', 脱贫年度: 2018 });
  add('E3', V1, 4, { 脱贫属性: '已脱贫', 脱贫年度: 2019 });
  add('P1', V1, 2, { 是否危房户: '是' });
  const file = await writeXlsx(path.join(tmpDir(), 'targets.xlsx'), hs, ms);
  const r = await importRegistry(systemCtx(t.db), { kind: 'xlsx', path: file });
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
});
afterAll(async () => { await t?.close(); });

describe('report targets', () => {
  it('lists every quantified target of the seed with its clause and planned value', async () => {
    const res = await reportTargets(systemCtx(t.db));
    expect(res.targets).toHaveLength(PLAN_TARGETS.length);
    const byId = Object.fromEntries(res.targets.map((x) => [x.id, x]));
    expect(byId['T-1-2-exit-people-2018']).toMatchObject({ clause: '一(二)', unit: '人', year: 2018, planned: 17400 });
    expect(byId['T-1-2-exit-people-2019']).toMatchObject({ planned: 9500 });
    expect(byId['T-1-2-exit-people-2020']).toMatchObject({ planned: 5600 });
    for (const x of res.targets) {
      expect(Object.keys(x)).toEqual(expect.arrayContaining(['id', 'clause', 'text', 'unit', 'region', 'year', 'planned', 'reached']));
    }
  });

  it('computes what the registry holds, against hand-counted figures', async () => {
    const res = await reportTargets(systemCtx(t.db), { asOf: new Date('2018-12-31T00:00:00Z') });
    const byId = Object.fromEntries(res.targets.map((x) => [x.id, x]));
    expect(byId['T-1-2-exit-people-2018']!.reached).toBe(5);
    expect(byId['T-1-2-exit-people-2019']!.reached).toBe(4);
    // 9 of 11 people exited.
    expect(byId['T-1-2-all-people-exit-2020']!.reached).toBe(81.82);
    // 3 of 4 households not in a dangerous house.
    expect(byId['T-1-2-housing-safety-2020']!.reached).toBe(75);
    expect(byId['T-1-2-exit-people-2018']!.status).toBe('red');
    // Targets whose data lives elsewhere say so instead of inventing a number.
    const pv = res.targets.find((x) => x.unit === '兆瓦')!;
    expect(pv.reached).toBeNull();
    expect(pv.status).toBe('unknown');
    expect(pv.reachedBy).toMatch(/填报|待建/);
  });

  it('--year keeps the targets of that year', async () => {
    const res = await reportTargets(systemCtx(t.db), { year: 2019 });
    expect(res.targets.some((x) => x.id === 'T-1-2-exit-people-2019')).toBe(true);
    expect(res.targets.some((x) => x.id === 'T-1-2-exit-people-2018')).toBe(false);
  });
});
