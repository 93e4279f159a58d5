import type { Ctx } from '../../core/context.js';
import { loadDemoPopulation } from '../stats/demo-population.js';
import { loadDemoReview } from '../review/demo.js';
import { createUser } from '../access/service.js';
import { importRegions } from '../regions/service.js';
import { importRegistry, type ImportResult } from '../registry/import.js';
import { HOUSEHOLD_SHEET, MEMBER_SHEET } from '../registry/workbook/columns.js';
import type { RawRow } from '../registry/workbook/types.js';
import { demoVillages, generateDemoHouseholds, type DemoOptions } from '../registry/demo/generate.js';

/**
 * `tuopin demo`: the synthetic Lanzhou. Regions (730 synthetic villages, 256 poor), households
 * and members through the same import pipeline as a real file, and one demo account per role.
 * Running it again changes nothing.
 */

export const DEMO_PASSWORD = 'Demo-2018-tuopin';
export const DEMO_LABEL = 'demo（合成数据）';

export interface DemoUser {
  username: string;
  displayName: string;
  role: 'city' | 'county' | 'township' | 'village' | 'helper' | 'department' | 'inspector';
  regionCode: string;
}

/** The demo accounts; villages are picked from the generated set so they always exist. */
export function demoUsers(opts: DemoOptions = {}): DemoUser[] {
  const villages = demoVillages(opts);
  // The first poor village in 榆中县 (620123) and its township.
  const v = villages.find((x) => x.code.startsWith('620123') && x.poorVillage) ?? villages[0]!;
  const township = v.code.slice(0, 9) + '000';
  return [
    { username: 'demo-city', displayName: '市扶贫办（演示）', role: 'city', regionCode: '620100000000' },
    { username: 'demo-county', displayName: '榆中县扶贫办（演示）', role: 'county', regionCode: '620123000000' },
    { username: 'demo-township', displayName: '乡镇干部（演示）', role: 'township', regionCode: township },
    { username: 'demo-village', displayName: '村干部（演示）', role: 'village', regionCode: v.code },
    { username: 'demo-helper', displayName: '帮扶责任人（演示）', role: 'helper', regionCode: v.code },
    { username: 'demo-department', displayName: '行业部门（演示）', role: 'department', regionCode: '620100000000' },
    { username: 'demo-inspector', displayName: '纪检监察（演示）', role: 'inspector', regionCode: '620100000000' },
    { username: 'demo-yongdeng', displayName: '永登县扶贫办（演示）', role: 'county', regionCode: '620121000000' },
  ];
}

async function* demoRows(opts: DemoOptions): AsyncGenerator<RawRow> {
  let hRow = 1;
  let mRow = 1;
  for (const d of generateDemoHouseholds(opts)) {
    yield { sheet: HOUSEHOLD_SHEET, row: ++hRow, values: d.household, numeric: [] };
    for (const m of d.members) yield { sheet: MEMBER_SHEET, row: ++mRow, values: m, numeric: [] };
  }
}

export interface DemoResult {
  regions: { created: number; updated: number };
  households: ImportResult | 'already-loaded';
  users: string[];
}

export async function loadDemo(ctx: Ctx, opts: DemoOptions & { onProgress?: (rows: number) => void } = {}): Promise<DemoResult> {
  const villages = demoVillages(opts);
  const reg = await importRegions(
    ctx,
    villages.map((v, i) => ({ row: i + 2, code: v.code, name: v.name, poorVillage: v.poorVillage ? '是' : '否' })),
    { synthetic: true, source: 'tuopin demo（合成数据，非真实村庄）' },
  );
  if (!reg.ok) throw new Error('demo regions rejected: ' + JSON.stringify(reg.errors.slice(0, 3)));
  const loaded = await ctx.db.query(`SELECT 1 FROM import_batches WHERE file_name = $1 AND status = 'imported' LIMIT 1`, [DEMO_LABEL]);
  let households: DemoResult['households'] = 'already-loaded';
  if (!loaded.length) {
    households = await importRegistry(ctx, { kind: 'rows', label: DEMO_LABEL, rows: demoRows(opts) }, { fileName: DEMO_LABEL, onProgress: opts.onProgress });
    if (!households.ok) throw new Error('demo households rejected: ' + JSON.stringify(households.errors.slice(0, 5)));
  }
  // Synthetic rural population per village (the denominator of 贫困发生率), as of the start of
  // 2018, derived from the households just loaded.
  await ctx.db.transaction((tx) => loadDemoPopulation(tx, 2018));
  const users: string[] = [];
  for (const u of demoUsers(opts)) {
    const exists = await ctx.db.query('SELECT 1 FROM users WHERE username = $1', [u.username]);
    if (exists.length) continue;
    await createUser(ctx, { ...u, password: DEMO_PASSWORD, demo: true });
    users.push(u.username);
  }
  await loadDemoReview(ctx);
  return { regions: { created: reg.created, updated: reg.updated }, households, users };
}
