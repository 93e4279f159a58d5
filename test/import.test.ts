import fs from 'node:fs';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemCtx, type Ctx } from '../src/core/context.js';
import { exportRegistry } from '../src/modules/registry/export.js';
import { importRegistry, type ImportResult } from '../src/modules/registry/import.js';
import { HOUSEHOLD_COLUMNS } from '../src/modules/registry/service.js';
import { makeIdNumber } from '../src/domain/idnumber.js';
import { testDb, type TestDb } from './support/db.js';
import { seedVillages, V1, V2, V_OTHER_COUNTY } from './support/factories.js';
import { sampleHousehold, tmpDir, writeCsvPair, writeXlsx, type Sheet } from './support/files.js';

let t: TestDb;
let ctx: Ctx;
let dir: string;
beforeAll(async () => {
  t = await testDb();
  await seedVillages(t.db);
  ctx = systemCtx(t.db);
  dir = tmpDir();
});
afterAll(async () => {
  await t?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const count = async (table: string) => (await t.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`))[0]!.n;
const snapshot = async () => ({ h: await count('households'), m: await count('members'), i: await count('household_incomes'), e: await count('change_events') });

function build(n: number, prefix: string, village = V1): { hs: Sheet; ms: Sheet } {
  const hs: Sheet = [];
  const ms: Sheet = [];
  for (let i = 0; i < n; i++) {
    const s = sampleHousehold(`${prefix}${String(i).padStart(4, '0')}`, i % 2 ? village : V2, 1 + (i % 4));
    hs.push(s.household);
    ms.push(...s.members);
  }
  return { hs, ms };
}

/**
 * How many households a file needs for the bulk path (indexes and keys set aside) on every table
 * it goes into: at least a quarter of the largest, as the tables stand (their planner counts).
 */
async function bulkSize(): Promise<number> {
  const [{ rel }] = (await t.db.query<{ rel: number }>(
    `SELECT max(greatest(reltuples, 0))::int AS rel FROM pg_class WHERE relname IN ('households', 'person_keys', 'members', 'household_keys', 'change_events', 'household_incomes')`)) as [{ rel: number }];
  return Math.max(6, Math.ceil(rel / 4) + 1);
}

function errorsOf(r: ImportResult) {
  if (r.ok) throw new Error('expected rejection, got ' + JSON.stringify(r));
  return r.errors.map((e) => ({ sheet: e.sheet, row: e.row, column: e.column, code: e.code }));
}

describe('registry import', () => {
  it('imports a valid workbook: every household and member, incomes computed, events and audit written', async () => {
    const { hs, ms } = build(12, 'OK');
    const file = await writeXlsx(path.join(dir, 'ok.xlsx'), hs, ms);
    const r = await importRegistry(ctx, { kind: 'xlsx', path: file });
    expect(r, JSON.stringify(r)).toMatchObject({ ok: true, households: 12, members: ms.length, created: 12 });
    expect(await count('households')).toBe(12);
    expect(await count('members')).toBe(ms.length);
    const inc = await t.db.query<{ household_size: number; per_capita_net: number }>(
      `SELECT i.household_size, i.per_capita_net FROM household_incomes i JOIN households h ON h.id = i.household_id WHERE h.household_number = 'OK0001'`);
    // (6000 + 1500.5 + 0 + 1200 − 300) ÷ 2 = 4200.25
    expect(inc).toEqual([{ household_size: 2, per_capita_net: 4200.25 }]);
    const ev = await t.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM change_events WHERE action = 'create' AND entity = 'household'`);
    expect(ev[0]!.n).toBe(12);
    const a = await t.db.query(`SELECT details FROM audit_log WHERE action = 'registry.import'`);
    expect(a).toHaveLength(1);
  });

  it('a dry run validates and writes nothing', async () => {
    const before = await snapshot();
    const { hs, ms } = build(3, 'DRY');
    const file = await writeXlsx(path.join(dir, 'dry.xlsx'), hs, ms);
    const r = await importRegistry(ctx, { kind: 'xlsx', path: file }, { dryRun: true });
    expect(r).toMatchObject({ ok: true, dryRun: true, households: 3, created: 3 });
    expect(await snapshot()).toEqual(before);
  });

  it('reports exactly the planted errors, by sheet, row and column, and writes nothing', async () => {
    const before = await snapshot();
    const { hs, ms } = build(10, 'BAD');
    // 户信息 rows are 2..11. Plant errors:
    hs[0]!['贫困户属性'] = '富裕户';                  // row 2
    hs[1]!['识别年度'] = '二〇一六';                  // row 3
    hs[2]!['脱贫属性'] = '已脱贫';                    // row 4: no 脱贫年度
    hs[3]!['行政区划代码'] = '620123100999';          // row 5: unknown village
    hs[4]!['户编号'] = hs[5]!['户编号'] ?? null;            // row 6: duplicate of row 7 → row 7 reported
    hs[8]!['工资性收入'] = '-5';                      // row 10
    // 家庭成员: find rows by household
    const memberRow = (hn: string, k = 0) => ms.findIndex((m, i) => m['户编号'] === hn && ms.slice(0, i).filter((x) => x['户编号'] === hn).length === k);
    const r1 = memberRow('BAD0009');
    ms[r1]!['证件号码'] = String(ms[r1]!['证件号码']).slice(0, 17) + (String(ms[r1]!['证件号码']).endsWith('1') ? '2' : '1'); // bad check char
    const r2 = memberRow('BAD0003');
    ms[r2]!['证件号码'] = Number('620123197003151234');       // typed as a number: digits lost
    const r3 = memberRow('BAD0002', 1);
    ms[r3]!['与户主关系'] = '户主';                   // second head in BAD0002
    ms.push({ ...ms[0]!, 户编号: 'NOPE', 与户主关系: '户主' }); // household not in sheet, and duplicate ID
    const file = await writeXlsx(path.join(dir, 'bad.xlsx'), hs, ms);
    const r = await importRegistry(ctx, { kind: 'xlsx', path: file });
    const errs = errorsOf(r);
    const H = '户信息';
    const M = '家庭成员';
    const last = ms.length + 1;
    expect(errs).toEqual(expect.arrayContaining([
      { sheet: H, row: 2, column: '贫困户属性', code: 'NOT_IN_DICTIONARY' },
      { sheet: H, row: 3, column: '识别年度', code: 'YEAR' },
      { sheet: H, row: 4, column: '脱贫年度', code: 'EXIT_YEAR_REQUIRED' },
      { sheet: H, row: 5, column: '行政区划代码', code: 'REGION_NOT_FOUND' },
      { sheet: H, row: 7, column: '户编号', code: 'DUPLICATE_IN_FILE' },
      { sheet: H, row: 10, column: '工资性收入', code: 'AMOUNT' },
      { sheet: M, row: r1 + 2, column: '证件号码', code: 'ID_CHECK' },
      { sheet: M, row: r2 + 2, column: '证件号码', code: 'ID_SCIENTIFIC' },
      { sheet: M, row: last, column: '户编号', code: 'HOUSEHOLD_NOT_IN_FILE' },
      { sheet: M, row: last, column: '证件号码', code: 'DUPLICATE_IN_FILE' },
    ]));
    expect(errs.filter((e) => e.code === 'MULTIPLE_HEADS')).toEqual([{ sheet: H, row: 4, column: '户编号', code: 'MULTIPLE_HEADS' }]);
    // Nothing else: no error on the good rows.
    const goodHouseholdRows = [8, 9, 11];
    expect(errs.filter((e) => e.sheet === H && goodHouseholdRows.includes(e.row ?? 0))).toEqual([]);
    expect(await snapshot()).toEqual(before);
    // The rejected file is on record with its errors.
    const batch = await t.db.query<{ status: string }>(`SELECT status FROM import_batches WHERE id = $1`, [r.batchId]);
    expect(batch).toEqual([{ status: 'rejected' }]);
  });

  it('every error names sheet, row, column, value and a Chinese message', async () => {
    const { hs, ms } = build(1, 'MSG');
    hs[0]!['主要致贫原因'] = '懒';
    const file = await writeXlsx(path.join(dir, 'msg.xlsx'), hs, ms);
    const r = await importRegistry(ctx, { kind: 'xlsx', path: file });
    if (r.ok) throw new Error('expected rejection');
    expect(r.errors[0]).toMatchObject({ sheet: '户信息', row: 2, column: '主要致贫原因', value: '懒', code: 'NOT_IN_DICTIONARY' });
    expect(r.errors[0]!.message).toMatch(/不是有效的主要致贫原因/);
  });

  it('an existing household number is an error without --upsert; with it the household is updated and each change recorded', async () => {
    const { hs, ms } = build(2, 'UPS');
    const file = await writeXlsx(path.join(dir, 'ups1.xlsx'), hs, ms);
    expect((await importRegistry(ctx, { kind: 'xlsx', path: file })).ok).toBe(true);
    const again = await importRegistry(ctx, { kind: 'xlsx', path: file });
    expect(errorsOf(again)).toEqual([
      { sheet: '户信息', row: 2, column: '户编号', code: 'DUPLICATE_HOUSEHOLD' },
      { sheet: '户信息', row: 3, column: '户编号', code: 'DUPLICATE_HOUSEHOLD' },
    ]);
    const same = await importRegistry(ctx, { kind: 'xlsx', path: file }, { upsert: true });
    expect(same).toMatchObject({ ok: true, created: 0, updated: 0, unchanged: 2 });
    // Change one field, drop one member, add one member.
    hs[1]!['主要致贫原因'] = '因学';
    const dropped = ms.filter((m) => m['户编号'] === 'UPS0001')[1]!;
    const ms2 = ms.filter((m) => m !== dropped);
    ms2.push({ ...sampleHousehold('UPS0000', V2, 1).members[0]!, 与户主关系: '之孙子', 证件号码: makeIdNumber('620123', '20160101', 17) });
    const file2 = await writeXlsx(path.join(dir, 'ups2.xlsx'), hs, ms2);
    const r = await importRegistry(ctx, { kind: 'xlsx', path: file2 }, { upsert: true });
    expect(r, JSON.stringify(r)).toMatchObject({ ok: true, created: 0, updated: 2, unchanged: 0 });
    const ev = await t.db.query<{ entity: string; action: string; before: Record<string, unknown>; after: Record<string, unknown> }>(
      `SELECT e.entity, e.action, e.before, e.after FROM change_events e JOIN households h ON h.id = e.household_id
        WHERE h.household_number IN ('UPS0000', 'UPS0001') AND e.source LIKE 'import:%' AND e.action <> 'create' OR (e.entity = 'member' AND e.action = 'create' AND h.household_number = 'UPS0000')
        ORDER BY e.entity, e.action`);
    expect(ev.find((e) => e.entity === 'household' && e.action === 'update')).toMatchObject({ before: { mainCause: '因病' }, after: { mainCause: '因学' } });
    expect(ev.find((e) => e.entity === 'member' && e.action === 'leave')).toBeDefined();
    expect(ev.find((e) => e.entity === 'member' && e.action === 'create')).toBeDefined();
    const left = await t.db.query<{ left_reason: string }>(`SELECT left_reason FROM members WHERE id_number = $1`, [dropped['证件号码']]);
    expect(left[0]!.left_reason).toBe('导入文件中未列出该成员');
  });

  it('an upsert of new households only takes the bulk path with the keys rebuilt; the next upsert of the same file meets them and changes nothing', async () => {
    const keyNames = () => t.db.query<{ conname: string }>(
      `SELECT conname FROM pg_constraint WHERE conrelid::regclass::text IN ('person_keys', 'household_keys', 'household_incomes', 'households', 'members')
          AND contype IN ('p', 'u') ORDER BY conname`);
    const keysBefore = await keyNames();
    const keyOid = async () => (await t.db.query<{ oid: number }>(`SELECT 'person_keys_pkey'::regclass::oid::int AS oid`))[0]!.oid;
    const oidBefore = await keyOid();
    const before = await snapshot();
    const n = await bulkSize();
    const { hs, ms } = build(n, 'UPNEW');
    const file = await writeXlsx(path.join(dir, 'upnew.xlsx'), hs, ms);
    const first = await importRegistry(ctx, { kind: 'xlsx', path: file }, { upsert: true, bulkIndexRows: 1 });
    expect(first, JSON.stringify(first).slice(0, 500)).toMatchObject({ ok: true, created: n, updated: 0, unchanged: 0 });
    expect(await keyNames()).toEqual(keysBefore);
    expect(await keyOid()).not.toBe(oidBefore); // set aside and rebuilt
    expect(await snapshot()).toMatchObject({ h: before.h + n, m: before.m + ms.length, i: before.i + n });
    const again = await importRegistry(ctx, { kind: 'xlsx', path: file }, { upsert: true, bulkIndexRows: 1 });
    expect(again, JSON.stringify(again).slice(0, 500)).toMatchObject({ ok: true, created: 0, updated: 0, unchanged: n });
    expect(await snapshot()).toMatchObject({ h: before.h + n, m: before.m + ms.length, i: before.i + n });
    // Each person once in person_keys, pointing at the member the registry holds.
    const keys = await t.db.query<{ n: number; ok: number }>(
      `SELECT count(*)::int AS n, count(*) FILTER (WHERE m.id = k.member_id AND m.household_id = k.household_id)::int AS ok
         FROM person_keys k JOIN members m ON m.id_number = k.id_number AND m.left_at IS NULL
         JOIN households h ON h.county_code = m.county_code AND h.id = m.household_id WHERE h.household_number LIKE 'UPNEW%'`);
    expect(keys).toEqual([{ n: ms.length, ok: ms.length }]);
  });

  it('a person already registered in another household is refused', async () => {
    const { hs, ms } = build(1, 'DUPP');
    const existing = await t.db.query<{ id_number: string }>(`SELECT id_number FROM members WHERE left_at IS NULL LIMIT 1`);
    ms[0]!['证件号码'] = existing[0]!.id_number;
    const file = await writeXlsx(path.join(dir, 'dupp.xlsx'), hs, ms);
    expect(errorsOf(await importRegistry(ctx, { kind: 'xlsx', path: file }))).toEqual([{ sheet: '家庭成员', row: 2, column: '证件号码', code: 'DUPLICATE_PERSON' }]);
  });

  it('a village cadre can only import households of their own village', async () => {
    const village: Ctx = { ...ctx, actor: { id: null, username: 'v', displayName: 'v', role: 'village', regionCode: V1 } };
    const s = sampleHousehold('SCOPE0001', V_OTHER_COUNTY, 2);
    const file = await writeXlsx(path.join(dir, 'scope.xlsx'), [s.household], s.members);
    expect(errorsOf(await importRegistry(village, { kind: 'xlsx', path: file }))).toEqual([{ sheet: '户信息', row: 2, column: '行政区划代码', code: 'OUT_OF_SCOPE' }]);
  });

  for (const enc of ['utf8', 'utf8-bom', 'gb18030'] as const) {
    it(`imports a CSV pair in ${enc}`, async () => {
      const { hs, ms } = build(3, `CSV${enc.replace(/\W/g, '')}`);
      const src = writeCsvPair(dir, hs, ms, enc);
      const r = await importRegistry(ctx, { kind: 'csv', ...src });
      expect(r, JSON.stringify(r)).toMatchObject({ ok: true, households: 3, members: ms.length });
      const names = await t.db.query<{ main_cause: string; other_causes: string[] }>(`SELECT main_cause, other_causes FROM households WHERE household_number = $1`, [hs[0]!['户编号']]);
      expect(names).toEqual([{ main_cause: '因病', other_causes: ['缺技术', '缺资金'] }]);
    });
  }

  it('structural problems are reported and nothing is written', async () => {
    const before = await snapshot();
    const notZip = path.join(dir, 'fake.xlsx');
    fs.writeFileSync(notZip, '这不是一个表格文件');
    const good = await writeXlsx(path.join(dir, 'good.xlsx'), ...Object.values(build(2, 'TRUNC')) as [Sheet, Sheet]);
    const truncated = path.join(dir, 'truncated.xlsx');
    fs.writeFileSync(truncated, fs.readFileSync(good).subarray(0, 2000));
    const wb = new ExcelJS.Workbook();
    wb.addWorksheet('Sheet1').addRow(['户编号']);
    const noSheets = path.join(dir, 'nosheets.xlsx');
    await wb.xlsx.writeFile(noSheets);
    const { hs, ms } = build(1, 'HDR');
    const renamed = await writeXlsx(path.join(dir, 'renamed.xlsx'), hs, ms, {
      householdHeaders: ['户号', ...Object.keys(hs[0]!).filter((k) => k !== '户编号')],
    });
    const cases: [string, string][] = [[notZip, 'NOT_XLSX'], [truncated, 'CORRUPT_FILE'], [noSheets, 'MISSING_SHEET'], [renamed, 'MISSING_COLUMN']];
    for (const [file, code] of cases) {
      const r = await importRegistry(ctx, { kind: 'xlsx', path: file });
      expect(r.ok, file).toBe(false);
      if (!r.ok) expect(r.errors.map((e) => e.code), file).toContain(code);
    }
    expect(await snapshot()).toEqual(before);
  });

  it('exports masked by default; unmasked is audited; an unmasked export re-imports unchanged', async () => {
    const masked = path.join(dir, 'export-masked.xlsx');
    const res = await exportRegistry(ctx, masked, { region: V1 });
    expect(res.masked).toBe(true);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(masked);
    const id = String(wb.getWorksheet('家庭成员')!.getRow(2).getCell(3).value);
    expect(id).toMatch(/^\d{6}\*{8}\d{3}[\dX]$/);
    const full = path.join(dir, 'export-full.xlsx');
    const r2 = await exportRegistry(ctx, full, { unmasked: true });
    expect(r2.masked).toBe(false);
    const audits = await t.db.query(`SELECT 1 FROM audit_log WHERE action = 'registry.export_unmasked'`);
    expect(audits).toHaveLength(1);
    const re = await importRegistry(ctx, { kind: 'xlsx', path: full }, { upsert: true });
    expect(re, JSON.stringify(re)).toMatchObject({ ok: true, created: 0, updated: 0 });
  });

  it('a bulk load that sets the indexes and keys aside rebuilds them: same indexes and keys after, names found by fuzzy search', async () => {
    const indexes = () => t.db.query<{ indexname: string; indexdef: string }>(
      `SELECT indexname, indexdef FROM pg_indexes WHERE tablename IN ('households', 'members', 'change_events', 'person_keys', 'household_keys', 'household_incomes') ORDER BY indexname`);
    const oidOf = async (index: string) => (await t.db.query<{ oid: number }>(`SELECT $1::regclass::oid::int AS oid`, [index]))[0]!.oid;
    const nameOid = () => oidOf('households_list_name_chars_idx');
    const before = await indexes();
    const oidBefore = await nameOid();
    const keyOid = await oidOf('household_keys_pkey');
    const n = await bulkSize();
    const { hs, ms } = build(n, 'BULK');
    ms[0]!['姓名'] = '欧阳明远';
    const file = await writeXlsx(path.join(dir, 'bulk.xlsx'), hs, ms);
    const r = await importRegistry(ctx, { kind: 'xlsx', path: file }, { bulkIndexRows: 1 });
    expect(r).toMatchObject({ ok: true, households: n, members: ms.length, created: n });
    expect(await indexes()).toEqual(before);
    expect(await nameOid()).not.toBe(oidBefore); // rebuilt, not maintained row by row
    expect(await oidOf('household_keys_pkey')).not.toBe(keyOid); // the key too, and it still holds:
    const again = await importRegistry(ctx, { kind: 'xlsx', path: file }, { bulkIndexRows: 1 });
    expect(errorsOf(again).map((e) => e.code)).toContain('DUPLICATE_HOUSEHOLD');
    // The list's name search, answered from the rebuilt index (sequential scans off).
    const found = await t.db.transaction(async (tx) => {
      await tx.execute('SET LOCAL enable_seqscan = off');
      return tx.query<{ household_number: string }>(
        `SELECT household_number FROM households WHERE string_to_array(member_names, NULL) @> ARRAY['阳', '明'] AND member_names LIKE '%阳明%'`);
    });
    expect(found).toEqual([{ household_number: hs[0]!['户编号'] }]);
    const events = await t.db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM change_events e JOIN households h ON h.county_code = e.county_code AND h.id = e.household_id
        WHERE h.household_number LIKE 'BULK%' AND e.action = 'create'`);
    expect(events[0]!.n).toBe(n);
  });

  it('reading in a worker thread reports exactly what reading in this thread does, and imports the same', async () => {
    const before = await snapshot();
    const { hs, ms } = build(8, 'WRK');
    hs[1]!['主要致贫原因'] = '懒';
    hs[3]!['户编号'] = hs[2]!['户编号']!;
    ms[2]!['证件号码'] = ms[1]!['证件号码']!;
    ms[4]!['证件号码'] = '6201231990010112345';
    ms.push({ ...ms[0]!, 户编号: 'WRKX', 证件号码: makeIdNumber('620123', '19800101', 991) });
    const bad = await writeXlsx(path.join(dir, 'worker-bad.xlsx'), hs, ms);
    const here = await importRegistry(ctx, { kind: 'xlsx', path: bad }, { worker: false });
    const there = await importRegistry(ctx, { kind: 'xlsx', path: bad }, { worker: true });
    expect(errorsOf(there).length).toBeGreaterThanOrEqual(5);
    expect(there.ok ? [] : there.errors).toEqual(here.ok ? [] : here.errors);
    expect(there).toMatchObject({ errorCount: here.ok ? -1 : here.errorCount, warnings: here.warnings });
    expect(await snapshot()).toMatchObject({ h: before.h, m: before.m, i: before.i });

    const good = build(5, 'WRKOK');
    const src = writeCsvPair(dir, good.hs, good.ms, 'gb18030');
    const r = await importRegistry(ctx, { kind: 'csv', ...src }, { worker: true });
    expect(r, JSON.stringify(r)).toMatchObject({ ok: true, households: 5, members: good.ms.length, created: 5 });
    const rows = await t.db.query<{ household_number: string; n: number; heads: number }>(
      `SELECT h.household_number, count(m.*)::int AS n, count(*) FILTER (WHERE m.relation = '户主')::int AS heads
         FROM households h JOIN members m ON m.county_code = h.county_code AND m.household_id = h.id
        WHERE h.household_number LIKE 'WRKOK%' GROUP BY 1 ORDER BY 1`);
    expect(rows).toEqual(good.hs.map((h) => ({ household_number: h['户编号'], n: good.ms.filter((m) => m['户编号'] === h['户编号']).length, heads: 1 })));
  });

  describe('a plain import leaves duplicates to the unique keys, and still lists each one and writes nothing', () => {
    const keys = async () => ({
      ...(await snapshot()), pk: await count('person_keys'), hk: await count('household_keys'),
      counts: (await t.db.query<{ n: number }>('SELECT coalesce(sum(households), 0)::int AS n FROM household_counts'))[0]!.n,
    });
    const indexes = () => t.db.query<{ indexname: string; indexdef: string }>(
      `SELECT indexname, indexdef FROM pg_indexes WHERE tablename IN ('households', 'members', 'change_events', 'person_keys', 'household_keys', 'household_incomes') ORDER BY indexname`);
    beforeAll(async () => {
      const base = build(2, 'KEYBASE');
      expect(await importRegistry(ctx, { kind: 'xlsx', path: await writeXlsx(path.join(dir, 'keybase.xlsx'), base.hs, base.ms) })).toMatchObject({ ok: true });
    });
    let n = 0;
    const csvPair = (hs: Sheet, ms: Sheet) => {
      const sub = path.join(dir, `keys-${n++}`);
      fs.mkdirSync(sub);
      return { kind: 'csv' as const, ...writeCsvPair(sub, hs, ms, 'utf8') };
    };

    it('a person already in the registry, in a file with no other error (both readers, bulk indexes and keys set aside)', async () => {
      const existing = await t.db.query<{ id_number: string; household_number: string }>(
        `SELECT m.id_number, h.household_number FROM members m JOIN households h ON h.county_code = m.county_code AND h.id = m.household_id
          WHERE m.left_at IS NULL ORDER BY m.id_number LIMIT 1`);
      const { hs, ms } = build(await bulkSize(), 'KEYP'); // the bulk path: the duplicate fails person_keys' rebuild
      ms[3]!['证件号码'] = existing[0]!.id_number;
      const before = await keys();
      const indexesBefore = await indexes();
      const src = csvPair(hs, ms);
      for (const worker of [false, true]) {
        const r = await importRegistry(ctx, src, { worker, bulkIndexRows: 1 });
        if (r.ok) throw new Error('expected rejection');
        expect(r.errors).toEqual([{
          sheet: '家庭成员', row: 5, column: '证件号码', value: existing[0]!.id_number, code: 'DUPLICATE_PERSON',
          message: `该证件号码已在户 ${existing[0]!.household_number} 中登记，一人只能属于一个在册户`,
        }]);
        expect(r.errorCount).toBe(1);
        expect(await keys()).toEqual(before);
        expect(await indexes()).toEqual(indexesBefore);
        const batch = await t.db.query<{ status: string; errors: unknown[] }>(`SELECT status, errors FROM import_batches WHERE id = $1`, [r.batchId]);
        expect(batch).toEqual([{ status: 'rejected', errors: r.errors }]);
      }
    });

    it('the same ID number twice in the file; the same 户编号 twice; a 户编号 already in the registry', async () => {
      const before = await keys();
      const a = build(4, 'KEYI');
      a.ms[5]!['证件号码'] = a.ms[1]!['证件号码']!;
      expect(errorsOf(await importRegistry(ctx, csvPair(a.hs, a.ms)))).toEqual([{ sheet: '家庭成员', row: 7, column: '证件号码', code: 'DUPLICATE_IN_FILE' }]);
      const b = build(3, 'KEYH');
      // Household 2 of the file takes household 1's number, its members moved along (none of
      // them 户主, so the one-head rule holds and only the unique key can tell).
      const second = b.hs[1]!['户编号'];
      b.hs[1]!['户编号'] = b.hs[0]!['户编号']!;
      for (const m of b.ms) {
        if (m['户编号'] !== second) continue;
        m['户编号'] = b.hs[0]!['户编号']!;
        if (m['与户主关系'] === '户主') m['与户主关系'] = '之子';
      }
      expect(errorsOf(await importRegistry(ctx, csvPair(b.hs, b.ms)))).toEqual([{ sheet: '户信息', row: 3, column: '户编号', code: 'DUPLICATE_IN_FILE' }]);
      const taken = (await t.db.query<{ household_number: string }>('SELECT household_number FROM households ORDER BY household_number LIMIT 1'))[0]!.household_number;
      const c = build(2, 'KEYX');
      for (const m of c.ms) if (m['户编号'] === c.hs[1]!['户编号']) m['户编号'] = taken;
      c.hs[1]!['户编号'] = taken;
      expect(errorsOf(await importRegistry(ctx, csvPair(c.hs, c.ms), { worker: true }))).toEqual([{ sheet: '户信息', row: 3, column: '户编号', code: 'DUPLICATE_HOUSEHOLD' }]);
      expect(await keys()).toEqual(before);
    });
  });

  it('a CSV pair read by two workers lists exactly what one reader lists, however many errors, in the same order', async () => {
    const before = await snapshot();
    const { hs, ms } = build(12, 'TWO');
    hs[1]!['主要致贫原因'] = '懒';
    hs[4]!['识别年度'] = '二〇一六';
    hs[6]!['行政区划代码'] = '620123100999';
    ms[0]!['证件号码'] = '6201231990010112345';
    ms[3]!['与户主关系'] = '邻居';
    ms[7]!['务工时间（月）'] = '13';
    ms.push({ ...ms[2]!, 户编号: 'TWOX' });
    const sub = path.join(dir, 'two-workers');
    fs.mkdirSync(sub);
    const src = { kind: 'csv' as const, ...writeCsvPair(sub, hs, ms, 'gb18030') };
    for (const maxErrors of [100, 3]) {
      const one = await importRegistry(ctx, src, { worker: false, maxErrors });
      const two = await importRegistry(ctx, src, { worker: true, maxErrors });
      if (one.ok || two.ok) throw new Error('expected rejections');
      expect(one.errorCount).toBeGreaterThanOrEqual(8);
      expect(two.errors).toEqual(one.errors);
      expect(two.errorCount).toBe(one.errorCount);
      expect(two.warnings).toEqual(one.warnings);
    }
    expect(await snapshot()).toMatchObject({ h: before.h, m: before.m, i: before.i });
  });

  it("a new household's creation event records every field the household was created with, and its number of members", async () => {
    const { hs, ms } = build(4, 'EVT');
    hs[0]!['其他致贫原因'] = '缺技术、因病';
    const file = await writeXlsx(path.join(dir, 'evt.xlsx'), hs, ms);
    expect(await importRegistry(ctx, { kind: 'xlsx', path: file })).toMatchObject({ ok: true, created: 4 });
    const cols = Object.values(HOUSEHOLD_COLUMNS);
    const camel = (c: string) => c.replace(/_([a-z])/g, (_, x: string) => x.toUpperCase());
    const rows = await t.db.query<{ household_number: string; same: boolean; members: number; after: Record<string, unknown> }>(
      `SELECT h.household_number, e.after = (jsonb_build_object(${cols.map((c) => `'${camel(c)}', h.${c}`).join(', ')})
                || jsonb_build_object('members', (SELECT count(*) FROM members m WHERE m.county_code = h.county_code AND m.household_id = h.id))) AS same,
              (e.after->>'members')::int AS members, e.after
         FROM households h JOIN change_events e ON e.county_code = h.county_code AND e.household_id = h.id AND e.action = 'create' AND e.entity = 'household'
        WHERE h.household_number LIKE 'EVT%' ORDER BY 1`);
    expect(rows.map((r) => [r.household_number, r.same, r.members])).toEqual(hs.map((h) => [h['户编号'], true, ms.filter((m) => m['户编号'] === h['户编号']).length]));
    expect(rows[0]!.after).toMatchObject({ householdNumber: 'EVT0000', mainCause: '因病', otherCauses: ['缺技术'], cultivatedLand: null });
  });
});
