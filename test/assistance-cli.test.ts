import fs from 'node:fs';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemCtx } from '../src/core/context.js';
import { MEASURE_HEADERS, PLAN_HEADERS } from '../src/modules/assistance/export.js';
import { addMeasure, createPlan } from '../src/modules/assistance/plans.js';
import { createHousehold } from '../src/modules/registry/service.js';
import { runCli } from './support/cli.js';
import { testDb, type TestDb } from './support/db.js';
import { householdPayload, seedVillages, V1, V_OTHER_COUNTY } from './support/factories.js';
import { tmpDir } from './support/files.js';

// `tuopin plans export` and `tuopin calc … --json` as scripts use them: a child process, exit codes.

let t: TestDb;
let dir: string;
const numbers: string[] = [];

beforeAll(async () => {
  t = await testDb();
  dir = tmpDir('tuopin-plans-cli-');
  await seedVillages(t.db);
  const sys = systemCtx(t.db);
  const h1 = await createHousehold(sys, householdPayload(V1));
  const h2 = await createHousehold(sys, householdPayload(V1));
  const h3 = await createHousehold(sys, householdPayload(V_OTHER_COUNTY));
  numbers.push(h1.householdNumber, h2.householdNumber, h3.householdNumber);
  const p1 = await createPlan(sys, h1.id, { year: 2019, incomeTarget: 4000, closeDimensions: ['housing'] });
  await addMeasure(sys, p1.id, { measureCode: 'DANGEROUS_HOUSE_RENOVATION', description: '原址重建', funding: { central: 20000, self: 5000 } });
  await addMeasure(sys, p1.id, { measureCode: 'PUBLIC_WELFARE_POST', memberId: h1.members[0]!.id, funding: { county: 6000 } });
  await createPlan(sys, h2.id, { year: 2018 });
  const p3 = await createPlan(sys, h3.id, { year: 2019 });
  await addMeasure(sys, p3.id, { measureCode: 'DIBAO', funding: { county: 3000 } });
  // The CLI opens the database itself; an embedded database must not be open twice.
  if (t.engine === 'pglite') await t.db.close();
});
afterAll(async () => {
  if (t.engine === 'pglite') fs.rmSync(t.dataDir, { recursive: true, force: true });
  else await t.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const tuopin = (args: string[]) => runCli(t, args);

async function sheetRows(file: string, name: string): Promise<unknown[][]> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.readFile(file);
  const ws = wb.getWorksheet(name)!;
  const rows: unknown[][] = [];
  ws.eachRow((row) => rows.push((row.values as unknown[]).slice(1)));
  return rows;
}

describe('tuopin plans export', () => {
  it('writes one row per plan measure and one per plan, for every plan or a region and year', async () => {
    const file = path.join(dir, 'all.xlsx');
    const r = tuopin(['plans', 'export', file, '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.json()).toMatchObject({ ok: true, plans: 3, measures: 3 });
    const ms = await sheetRows(file, '计划措施');
    expect(ms[0]).toEqual(MEASURE_HEADERS);
    expect(ms).toHaveLength(4);
    const col = (h: string) => MEASURE_HEADERS.indexOf(h);
    const house = ms.find((row) => row[col('措施编码')] === 'DANGEROUS_HOUSE_RENOVATION')!;
    expect(house[col('户编号')]).toBe(numbers[0]);
    expect(house[col('措施名称')]).toBe('农村危房改造');
    expect(house[col('条款')]).toBe('三(三)');
    expect(house[col('中央财政专项扶贫资金')]).toBe(20000);
    expect(house[col('资金合计（元）')]).toBe(25000);
    expect(house[col('计划状态')]).toBe('草稿');
    expect(house[col('收入目标（元/人）')]).toBe(4000);
    const ps = await sheetRows(file, '计划');
    expect(ps[0]).toEqual(PLAN_HEADERS);
    // Rows come by county (620121 before 620123), then household, then year.
    expect(ps.slice(1).map((row) => [row[0], row[4], row[9]])).toEqual([[numbers[2], 2019, 1], [numbers[0], 2019, 2], [numbers[1], 2018, 0]]);

    const part = path.join(dir, 'part.xlsx');
    const p = tuopin(['plans', 'export', part, '--region', '620123000000', '--year', '2019', '--json']);
    expect(p.code, p.stderr).toBe(0);
    expect(p.json()).toMatchObject({ plans: 1, measures: 2 });
  });

  it('rejects a bad region with exit 1', () => {
    const r = tuopin(['plans', 'export', path.join(dir, 'bad.xlsx'), '--region', '6201', '--json']);
    expect(r.code).toBe(1);
    expect(r.json()).toMatchObject({ ok: false, code: 'VALIDATION_FAILED' });
  });
});

describe('tuopin calc', () => {
  it('prints the Decision as JSON from key=value facts or --facts JSON', () => {
    const r = tuopin(['calc', 'trainingSubsidy', 'poorFamilyLabourer=true', 'trainedAndEmployed=true', 'contractMonths=6', '--as-of', '2019-01-01', '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.json()).toMatchObject({ calculator: { id: 'trainingSubsidy', clause: '二(二)1' }, asOf: '2019-01-01', decision: { eligible: true, amount: 1000, rule: { clause: '二(二)1' } } });
    const j = tuopin(['calc', 'healthTopUp', '--facts', JSON.stringify({ registeredPoor: true, compliantCost: 100000, paid: 96999 }), '--as-of', '2019-01-01', '--json']);
    expect(j.code, j.stderr).toBe(0);
    expect(j.json().decision).toMatchObject({ amount: 1, meetsCap: false });
    const nested = tuopin(['calc', 'dibaoCoverage', 'householdSize=2', 'registeredPoor=true', 'receivesDibao=false', 'income.wage=3000', 'income.business=0', 'income.property=0', 'income.transfer=0', 'income.businessCost=0', '--as-of', '2019-01-01', '--json']);
    expect(nested.code, nested.stderr).toBe(0);
    expect(nested.json().decision).toMatchObject({ perCapitaIncome: 1500, status: 'should_cover' });
    const human = tuopin(['calc', 'trainingSubsidy', 'poorFamilyLabourer=true', 'trainedAndEmployed=true', 'contractMonths=12', '--as-of', '2019-01-01']);
    expect(human.code).toBe(0);
    expect(human.stdout).toContain('二(二)1');
    expect(human.stdout).toContain('2000');
  });

  it('exits 1 with the reason on bad facts, an unknown calculator or bad JSON', () => {
    const bad = tuopin(['calc', 'trainingSubsidy', 'contractMonths=six', '--json']);
    expect(bad.code).toBe(1);
    expect(bad.json()).toMatchObject({ ok: false, code: 'INVALID_FACT' });
    expect(bad.json().details.errors.map((e: { field: string }) => e.field)).toContain('facts.contractMonths');
    const unknown = tuopin(['calc', 'lottery', '--json']);
    expect(unknown.code).toBe(1);
    expect(unknown.json().code).toBe('UNKNOWN_CALCULATOR');
    const json = tuopin(['calc', 'trainingSubsidy', '--facts', '{oops', '--json']);
    expect(json.code).toBe(1);
    expect(json.json().code).toBe('INVALID_FACT');
    const pair = tuopin(['calc', 'trainingSubsidy', 'contractMonths', '--json']);
    expect(pair.code).toBe(1);
    const human = tuopin(['calc', 'trainingSubsidy', 'poorFamilyLabourer=true', 'trainedAndEmployed=true', 'contractMonths=12', '--as-of', '2010-01-01']);
    expect(human.code).toBe(1);
    expect(human.stderr).toContain('RULE_NOT_IN_FORCE');
  });

  it('--help lists plans and calc', () => {
    const r = tuopin(['--help']);
    expect(r.stdout).toContain('plans');
    expect(r.stdout).toContain('calc');
  });
});
