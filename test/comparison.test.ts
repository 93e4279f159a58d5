import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemCtx, type Ctx } from '../src/core/context.js';
import { compareDataset, ROUTE_SQL, type CompareResult } from '../src/modules/comparison/compare.js';
import { listFindings } from '../src/modules/comparison/service.js';
import { verifyFinding } from '../src/modules/comparison/verify.js';
import { removeHousehold } from '../src/modules/registry/service.js';
import { testDb, type TestDb } from './support/db.js';
import { seedVillages, V1, V_OTHER_COUNTY } from './support/factories.js';
import { tmpDir } from './support/files.js';
import { outsider, person, register, writeCsv, writeSheet, type Rows } from './comparison.fixtures.js';

let t: TestDb;
let ctx: Ctx;
let dir: string;

// The registered people, one household each.
const P = {
  dead: person('19500101'), moved: person('19600101'), jailed: person('19700101'), missing: person('19710101'), normal: person('19720101'),
  payroll: person('19800101'),
  car30000: person('19800202'), car29999: person('19800303'), tricycle: person('19800404'), carFullWidth: person('19800505'), carComma: person('19800606'),
  bizLive: person('19810101'), bizGone: person('19810202'),
  shop: person('19820101'), house: person('19820202'),
  primary: person('20100101'), junior: person('20070101'), senior: person('20040101'), reading: person('20070202'),
  oop3000: person('19550101'), oop3001: person('19550202'), ratio085: person('19550303'), ratio0849: person('19550404'),
  uninsured: person('19900101'), insured: person('19900202'),
  age15: person('20050101'), age16: person('20040601'), age59: person('19610101'), age60: person('19601231'), paying: person('19850101'),
  dibaoNo: person('19660101', { dibao: '否' }), dibaoYes: person('19660202', { dibao: '是' }), tekunNo: person('19660303', { dibao: '否' }),
  disHealthy: person('19750101', { health: '健康' }), disSame: person('19750202', { health: '残疾', grade: '二级' }), disOther: person('19750303', { health: '残疾', grade: '三级' }),
  overdue0: person('19880101'), overdue1: person('19880202'), misuse: person('19880303'),
  withX: person('19791010', { endsWithX: true }), old15: person('19650505'), spaced: person('19650606'), renamed: person('19650707', { name: '王五' }),
  elsewhere: person('19500101', { village: V_OTHER_COUNTY }),
  removed: person('19450101'),
};

beforeAll(async () => {
  t = await testDb();
  await seedVillages(t.db);
  ctx = systemCtx(t.db);
  dir = tmpDir('tuopin-cmp-');
  await register(t.db, dir, Object.values(P));
});
afterAll(async () => {
  await t?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const f = (name: string) => path.join(dir, name);
const ID = '证件号码';
const NAME = '姓名';

function ok(r: CompareResult) {
  if (!r.ok) throw new Error('rejected: ' + JSON.stringify(r.errors));
  return r;
}

async function run(file: string, kind: string, year = 2020) {
  return ok(await compareDataset(ctx, { path: file, kind, year, purpose: '测试比对', authorisation: '农户书面授权（测试）' }));
}

/** code → the ID numbers flagged by a dataset. */
async function flagged(datasetId: string): Promise<Record<string, string[]>> {
  const rows = await t.db.query<{ code: string; id_number: string }>(
    'SELECT code, id_number FROM comparison_findings WHERE last_dataset_id = $1 ORDER BY code, id_number', [datasetId]);
  const out: Record<string, string[]> = {};
  for (const r of rows) (out[r.code] ??= []).push(r.id_number);
  return out;
}
const ids = (...ps: { id: string }[]) => ps.map((p) => p.id).sort();
const row = (p: { id: string; name: string }, ...rest: (string | number | null)[]) => [p.id, p.name, ...rest];

describe('comparison rules, each on both sides of its edge', () => {
  it('hukou (.csv UTF-8): 死亡/迁出/服刑/失踪 of registered people; 正常 and outsiders give nothing', async () => {
    const out = outsider();
    const file = writeCsv(f('hukou.csv'), [ID, NAME, '户籍状态', '变动日期'], [
      row(P.dead, '死亡', '2019-03-01'), row(P.moved, '迁出', '2019/04/02'), row(P.jailed, '服刑', '20190101'), row(P.missing, '失踪', ''),
      row(P.normal, '正常', ''), row(out, '死亡', '2019-01-01'),
    ]);
    const r = await run(file, 'hukou');
    expect(r.rows).toEqual({ total: 6, accepted: 6, rejected: 0, matched: 5 });
    expect(await flagged(r.datasetId)).toEqual({
      DECEASED: ids(P.dead), MOVED_OUT: ids(P.moved), IMPRISONED: ids(P.jailed), MISSING: ids(P.missing),
    });
    const [finding] = await t.db.query<{ household_number: string; evidence: Record<string, unknown>; opens: string; village_code: string; county_code: string }>(
      `SELECT household_number, evidence, opens, village_code, county_code FROM comparison_findings WHERE code = 'DECEASED'`);
    expect(finding).toMatchObject({
      household_number: P.dead.householdNumber, opens: 'removal-proposal', village_code: V1, county_code: '620123',
      evidence: { 证件号码: P.dead.id, 姓名: P.dead.name, 户籍状态: '死亡', 变动日期: '2019-03-01', 行号: 2 },
    });
    // The rule and its parameters, as the findings list shows them (stored once on the dataset).
    const listed = (await listFindings(ctx, { code: 'DECEASED' })).items;
    expect(listed).toHaveLength(1);
    expect(listed[0]!.rule).toMatchObject({ id: 'DECEASED', title: expect.any(String), params: { status: '死亡' }, source: expect.any(String) });
  });

  it('payroll (.xlsx, any sheet name): a registered person on the public payroll', async () => {
    const file = await writeSheet(f('payroll.xlsx'), [ID, NAME, '单位名称'], [row(P.payroll, '某局'), row(outsider(), '某局')], '财政供养');
    const r = await run(file, 'payroll');
    expect(await flagged(r.datasetId)).toEqual({ PUBLIC_PAYROLL: ids(P.payroll) });
  });

  it('vehicle (.csv GB18030): 30000 flagged, 29999 not, farm vehicles never; full-width and 30,000元 amounts; header with a unit in brackets', async () => {
    const file = writeCsv(f('vehicle-gb.csv'), [ID, NAME, '车辆类型', '登记日期', ' 车辆价格(元) '], [
      row(P.car30000, '小型轿车', '2018-05-01', 30000), row(P.car29999, '小型轿车', '2018-05-01', 29999),
      row(P.tricycle, '三轮汽车', '2018-05-01', 50000), row(P.carFullWidth, '小型普通客车', '2018-05-01', '３００００'),
      row(P.carComma, '小型普通客车', '2018-05-01', '30,000元'),
    ], 'gb18030');
    const r = await run(file, 'vehicle');
    expect(r.rows.rejected).toBe(0);
    expect(await flagged(r.datasetId)).toEqual({ VEHICLE: ids(P.car30000, P.carFullWidth, P.carComma) });
    const { items } = await listFindings(ctx, { code: 'VEHICLE' });
    expect(items.map((x) => (x.rule as { params: { minPrice: number } }).params.minPrice)).toEqual([30000, 30000, 30000]);
  });

  it('business (.xlsx): 存续 flagged, 注销 not', async () => {
    const file = await writeSheet(f('business.xlsx'), [ID, NAME, '企业名称', '登记状态', '身份'], [row(P.bizLive, '某公司', '存续', '法定代表人'), row(P.bizGone, '某公司', '注销', '股东')]);
    const r = await run(file, 'business');
    expect(await flagged(r.datasetId)).toEqual({ BUSINESS: ids(P.bizLive) });
  });

  it('property: 商业 flagged, 住宅 not', async () => {
    const file = writeCsv(f('property.csv'), [ID, NAME, '房屋坐落', '房屋用途', '建筑面积', '登记日期'], [row(P.shop, '城关区某路', '商业', 45.5, '2017-01-01'), row(P.house, '某村', '住宅', 120, '2017-01-01')]);
    const r = await run(file, 'property');
    expect(await flagged(r.datasetId)).toEqual({ PROPERTY: ids(P.shop) });
  });

  it('education: 小学/初中 辍学 flagged; 高中 辍学 and 初中 在读 not', async () => {
    const file = writeCsv(f('education.csv'), [ID, NAME, '学校名称', '学段', '年级', '学籍状态'], [
      row(P.primary, '某小学', '小学', '四年级', '辍学'), row(P.junior, '某中学', '初中', '八年级', '辍学'),
      row(P.senior, '某高中', '高中', '高一', '辍学'), row(P.reading, '某中学', '初中', '七年级', '在读'),
    ]);
    const r = await run(file, 'education');
    expect(await flagged(r.datasetId)).toEqual({ DROPOUT: ids(P.primary, P.junior) });
  });

  it('medical (.xlsx): per person-year 个人自付 3000 not / 3001 flagged; reimbursement 0.85 not / 0.849 flagged', async () => {
    const h = [ID, NAME, '结算年度', '医疗总费用', '政策范围内费用', '基本医保支付', '大病保险支付', '医疗救助支付', '个人自付'];
    const file = await writeSheet(f('medical.xlsx'), h, [
      row(P.oop3000, 2019, 12000, 10000, 7000, 1500, 500, 1500), row(P.oop3000, 2019, 12000, 10000, 7000, 1500, 500, 1500),
      row(P.oop3001, 2019, 14001, 10000, 8000, 1000, 500, 3001),
      row(P.ratio085, 2019, 10000, 10000, 7000, 1000, 500, 1000), row(P.ratio0849, 2019, 10000, 10000, 7000, 1000, 490, 1000),
    ] as Rows);
    const r = await run(file, 'medical', 2019);
    expect(r.rows.rejected).toBe(0);
    expect(await flagged(r.datasetId)).toEqual({ MEDICAL_BURDEN: ids(P.oop3001), REIMBURSEMENT_LOW: ids(P.ratio0849) });
    const [e] = await t.db.query<{ evidence: Record<string, unknown>; rule_key: string; opens: string }>(`SELECT evidence, rule_key, opens FROM comparison_findings WHERE code = 'REIMBURSEMENT_LOW'`);
    expect(e).toMatchObject({ rule_key: 'REIMBURSEMENT_LOW:2019', opens: 'monitoring-warning', evidence: { 实际报销比例: 0.849, 政策范围内费用合计: 10000 } });
    // 3000 over two settlements is exactly the limit: both rows were summed, no finding
    const none = await t.db.query(`SELECT 1 FROM comparison_findings WHERE id_number = $1`, [P.oop3000.id]);
    expect(none).toEqual([]);
  });

  it('insurance: 未参保 flagged, 参保 not', async () => {
    const file = writeCsv(f('insurance.csv'), [ID, NAME, '参保年度', '参保状态'], [row(P.uninsured, 2020, '未参保'), row(P.insured, 2020, '参保')]);
    const r = await run(file, 'insurance');
    expect(await flagged(r.datasetId)).toEqual({ UNINSURED: ids(P.uninsured) });
  });

  it('pension (year 2020): ages 16 and 59 flagged, 15 and 60 not; 参保缴费 not', async () => {
    const file = writeCsv(f('pension.csv'), [ID, NAME, '参保状态', '缴费档次', '是否政府代缴'], [
      row(P.age15, '未参保', '', ''), row(P.age16, '未参保', '', ''), row(P.age59, '未参保', '', ''), row(P.age60, '未参保', '', ''),
      row(P.paying, '参保缴费', '200元', '否'),
    ]);
    const r = await run(file, 'pension', 2020);
    expect(await flagged(r.datasetId)).toEqual({ PENSION_GAP: ids(P.age16, P.age59) });
  });

  it('dibao (year 2020): active 一类/二类 outsiders are identification candidates (county from the ID, else 000000); registered 否 with active 低保 is a mismatch', async () => {
    const inLanzhou = outsider('19700101', '620123');
    const third = outsider('19700101', '620123');
    const ended = outsider('19700101', '620123');
    const beijing = outsider('19700101', '110105');
    const file = await writeSheet(f('dibao.xlsx'), [ID, NAME, '救助类别', '低保类别', '月保障金额', '起始日期', '终止日期'], [
      row(inLanzhou, '低保', '一类', 500, '2018-01-01', ''), row(third, '低保', '三类', 300, '2018-01-01', ''),
      row(ended, '低保', '一类', 500, '2018-01-01', '2019-12-31'), row(beijing, '低保', '二类', 400, '2018-01-01', '2021-12-31'),
      row(P.dibaoNo, '低保', '三类', 300, '2019-01-01', ''), row(P.dibaoYes, '低保', '二类', 400, '2019-01-01', ''),
      row(P.tekunNo, '特困供养', '', 600, '2019-01-01', ''),
    ] as Rows);
    const r = await run(file, 'dibao', 2020);
    expect(await flagged(r.datasetId)).toEqual({ DIBAO_MISMATCH: ids(P.dibaoNo), DIBAO_NOT_REGISTERED: ids(inLanzhou, beijing) });
    const cand = await t.db.query<{ id_number: string; county_code: string; household_number: string | null; opens: string }>(
      `SELECT id_number, county_code, household_number, opens FROM comparison_findings WHERE code = 'DIBAO_NOT_REGISTERED' ORDER BY county_code`);
    expect(cand).toEqual([
      { id_number: beijing.id, county_code: '000000', household_number: null, opens: 'identification-candidate' },
      { id_number: inLanzhou.id, county_code: '620123', household_number: null, opens: 'identification-candidate' },
    ]);
  });

  it('disability: certified but recorded healthy or with another grade; the same grade (written 2级) is no finding', async () => {
    const file = writeCsv(f('disability.csv'), [ID, NAME, '残疾类别', '残疾等级', '发证日期'], [
      row(P.disHealthy, '肢体', '二级', '2016-01-01'), row(P.disSame, '肢体', '2级', '2016-01-01'), row(P.disOther, '视力', '二级', '2016-01-01'),
    ]);
    const r = await run(file, 'disability');
    expect(await flagged(r.datasetId)).toEqual({ DISABILITY_UNRECORDED: ids(P.disHealthy, P.disOther) });
  });

  it('loan: 逾期 0 not / 1 flagged; 入股分红 is misuse', async () => {
    const file = await writeSheet(f('loan.xlsx'), [ID, NAME, '贷款金额', '放款日期', '到期日期', '逾期天数', '贷款用途'], [
      row(P.overdue0, 50000, '2017-01-01', '2020-01-01', 0, '自主发展'), row(P.overdue1, 50000, '2017-01-01', '2020-01-01', 1, '自主发展'),
      row(P.misuse, 50000, '2017-01-01', '2020-01-01', 0, '入股分红'),
    ] as Rows, '信贷', (ws) => { ws.getCell('D3').value = new Date(Date.UTC(2017, 5, 30)); });
    const r = await run(file, 'loan');
    expect(await flagged(r.datasetId)).toEqual({ LOAN_OVERDUE: ids(P.overdue1), LOAN_MISUSE: ids(P.misuse) });
    // a date cell (a number with a date format in the .xlsx) reads as the date
    const [e] = await t.db.query<{ evidence: Record<string, unknown> }>(`SELECT evidence FROM comparison_findings WHERE code = 'LOAN_OVERDUE'`);
    expect(e!.evidence).toMatchObject({ 放款日期: '2017-06-30', 逾期天数: '1', 贷款用途: '自主发展', 行号: 3 });
  });
});

describe('matching and bad input', () => {
  it('normalises ID numbers (full-width, lower-case x, 15 digits, spaces); a wrong check character is reported, not matched; other rows still compared', async () => {
    const fullWidth = P.spaced.id.replace(/\d/g, (d) => String.fromCharCode(0xff10 + Number(d)));
    const old15 = P.old15.id.slice(0, 6) + P.old15.id.slice(8, 17);
    const bad = P.normal.id.slice(0, 17) + (P.normal.id[17] === '0' ? '1' : '0');
    const file = writeCsv(f('hukou-norm.csv'), [' 证件号码 ', '*姓名', '户籍状态'], [
      [P.withX.id.toLowerCase(), P.withX.name, '死亡'], [old15, P.old15.name, '死亡'], [` ${fullWidth.slice(0, 9)} ${fullWidth.slice(9)} `, P.spaced.name, '死亡'],
      [bad, P.normal.name, '死亡'], ['', '无号码', '死亡'], [P.renamed.id, '张冒名', '死亡'],
    ]);
    const r = await run(file, 'hukou', 2021);
    expect(P.withX.id.endsWith('X')).toBe(true);
    expect(r.rows).toEqual({ total: 6, accepted: 4, rejected: 2, matched: 4 });
    expect(r.rejected.map((e) => [e.row, e.column, e.code])).toEqual([[5, '证件号码', 'ID_CHECK'], [6, '证件号码', 'ID_EMPTY']]);
    expect((await flagged(r.datasetId)).DECEASED).toEqual(ids(P.withX, P.old15, P.spaced, P.renamed));
    expect(r.issues).toEqual([expect.objectContaining({ row: 7, code: 'NAME_MISMATCH', value: '张冒名' })]);
    expect(r.issues[0]!.message).not.toContain(P.renamed.name);
  });

  it('rejects a file without a required column, an unknown kind, and lists rows with bad numbers while comparing the rest', async () => {
    const noCol = writeCsv(f('vehicle-nocol.csv'), [ID, NAME, '车辆类型'], [row(P.car30000, '小型轿车')]);
    const r = await compareDataset(ctx, { path: noCol, kind: 'vehicle', purpose: 'p', authorisation: 'a' });
    expect(r).toEqual({ ok: false, errors: [expect.objectContaining({ code: 'MISSING_COLUMN', column: '车辆价格' })] });
    await expect(compareDataset(ctx, { path: noCol, kind: 'boats', purpose: 'p', authorisation: 'a' })).rejects.toMatchObject({ code: 'UNKNOWN_KIND' });
    const before = await t.db.query<{ n: number }>('SELECT count(*)::int AS n FROM comparison_datasets');
    const badNum = writeCsv(f('vehicle-badnum.csv'), [ID, NAME, '车辆类型', '车辆价格'], [row(P.car30000, '小型轿车', '三万'), row(P.car29999, '小型轿车', '31000')]);
    const b = await run(badNum, 'vehicle', 2022);
    expect(b.rejected).toEqual([expect.objectContaining({ row: 2, column: '车辆价格', value: '三万', code: 'BAD_NUMBER' })]);
    expect(await flagged(b.datasetId)).toEqual({ VEHICLE: ids(P.car29999) });
    const after = await t.db.query<{ n: number }>('SELECT count(*)::int AS n FROM comparison_datasets');
    expect(after[0]!.n).toBe(before[0]!.n + 1);
    const [ds] = await t.db.query<{ rejected: unknown[]; file_hash: string; purpose: string; authorisation: string }>('SELECT rejected, file_hash, purpose, authorisation FROM comparison_datasets WHERE id = $1', [b.datasetId]);
    expect(ds).toMatchObject({ purpose: '测试比对', authorisation: '农户书面授权（测试）' });
    expect(ds!.file_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(ds!.rejected).toHaveLength(1);
  });
  it('a plain .csv (lines staged as written), one that turns quoted after its first chunk, and one with a quoted header give the same findings, counts and row numbers', async () => {
    const filler = Array.from({ length: 9000 }, () => `${P.normal.id},${P.normal.name},正常,2019-01-01`);
    const tail = (quoted: boolean) => [
      `${P.dead.id},${P.dead.name},死亡,2020-02-02`,
      `${P.moved.id}, ${P.moved.name} ,迁 出,2020年3月4日`,
      '62012319800101001X,错号,死亡,',
      '',
      ',,,',
      quoted ? `"${P.jailed.id}","${P.jailed.name}","服刑",""` : `${P.jailed.id},${P.jailed.name},服刑,`,
      `${P.missing.id},${P.missing.name},失踪,2020-05-06,多余的列`,
      `${P.normal.id},${P.normal.name}`,
    ];
    const write = (name: string, header: string, quoted: boolean) => {
      const file = f(name);
      fs.writeFileSync(file, '\ufeff' + [header, ...filler, ...tail(quoted)].join('\r\n') + '\r\n');
      return file;
    };
    const files = [
      write('hukou-plain.csv', '证件号码,姓名,户籍状态,变动日期', false),
      write('hukou-late-quote.csv', '证件号码,姓名,户籍状态,变动日期', true),
      write('hukou-quoted-header.csv', '"证件号码","姓名","户籍状态","变动日期"', false),
    ];
    expect(fs.statSync(files[0]!).size).toBeGreaterThan(300_000); // more than one 256 KiB read
    for (const file of files) {
      const r = await run(file, 'hukou', 2019);
      expect(r.rows, file).toEqual({ total: 9006, accepted: 9004, rejected: 2, matched: 9004 });
      expect(r.rejected.map((i) => [i.row, i.column, i.code]), file).toEqual([
        [9004, '证件号码', 'ID_CHECK'], [9009, '户籍状态', 'MISSING_VALUE'],
      ]);
      expect(await flagged(r.datasetId), file).toEqual({ DECEASED: ids(P.dead), MOVED_OUT: ids(P.moved), IMPRISONED: ids(P.jailed), MISSING: ids(P.missing) });
      const [ev] = await t.db.query<{ evidence: Record<string, unknown> }>(`SELECT evidence FROM comparison_findings WHERE last_dataset_id = $1 AND code = 'MOVED_OUT'`, [r.datasetId]);
      expect(ev!.evidence).toMatchObject({ 姓名: P.moved.name, 户籍状态: '迁出', 变动日期: '2020-03-04', 行号: 9003 });
    }
  });

  it('members of a removed (已剔除) household are not matched', async () => {
    const [h] = await t.db.query<{ id: string; version: number }>('SELECT id, version FROM households WHERE household_number = $1', [P.removed.householdNumber]);
    await removeHousehold(ctx, h!.id, { version: h!.version, reason: '测试：识别不准剔除' });
    const file = writeCsv(f('hukou-removed.csv'), [ID, NAME, '户籍状态'], [row(P.removed, '死亡'), row(P.elsewhere, '死亡')]);
    const r = await run(file, 'hukou', 2025);
    expect(r.rows.matched).toBe(1);
    expect(await flagged(r.datasetId)).toEqual({ DECEASED: ids(P.elsewhere) });
  });

  it('a file that turns unreadable part-way (bad bytes after the first chunk) is rejected and leaves nothing behind', async () => {
    const before = await t.db.query<{ n: number }>('SELECT count(*)::int AS n FROM comparison_datasets');
    const rows = Array.from({ length: 12000 }, () => row(P.dead, '死亡', '2019-03-01'));
    const file = writeCsv(f('hukou-broken.csv'), [ID, NAME, '户籍状态', '变动日期'], rows, 'utf8');
    fs.appendFileSync(file, Buffer.concat([Buffer.from(P.moved.id + ','), Buffer.from([0xff, 0xfe, 0xfd]), Buffer.from(',迁出,\r\n')]));
    expect(fs.statSync(file).size).toBeGreaterThan(300_000);
    const r = await compareDataset(ctx, { path: file, kind: 'hukou', year: 2024, purpose: 'p', authorisation: 'a' });
    expect(r).toEqual({ ok: false, errors: [expect.objectContaining({ code: 'ENCODING' })] });
    const after = await t.db.query<{ n: number }>('SELECT count(*)::int AS n FROM comparison_datasets');
    expect(after[0]!.n).toBe(before[0]!.n);
    expect(await t.db.query(`SELECT 1 FROM comparison_findings WHERE year = 2024`)).toEqual([]);
    // Nor any work table (on PostgreSQL unlogged tables of the comparison's transaction).
    expect(await t.db.query(`SELECT relname FROM pg_class WHERE relname LIKE 'cmp\\_%'`)).toEqual([]);
  });
});

describe('re-runs, closing and verification', () => {
  const hukou = (name: string, people: typeof P.dead[]) =>
    writeCsv(f(name), [ID, NAME, '户籍状态'], people.map((p) => row(p, p === P.moved ? '迁出' : '死亡')));

  it('re-running a dataset does not duplicate findings; a newer dataset of the same kind and year closes what no longer holds, and reopens what holds again', async () => {
    const first = await run(hukou('y23-a.csv', [P.dead, P.moved]), 'hukou', 2023);
    expect(first.findings).toEqual({ total: 2, new: 2, seen: 0, closed: 0 });
    const again = await run(hukou('y23-a.csv', [P.dead, P.moved]), 'hukou', 2023);
    expect(again.findings).toEqual({ total: 2, new: 0, seen: 2, closed: 0 });
    const n = await t.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM comparison_findings WHERE year = 2023`);
    expect(n[0]!.n).toBe(2);
    const newer = await run(hukou('y23-b.csv', [P.moved]), 'hukou', 2023);
    expect(newer.findings).toEqual({ total: 1, new: 0, seen: 1, closed: 1 });
    const st = await t.db.query<{ id_number: string; status: string; closed_by_dataset_id: string | null }>(
      `SELECT id_number, status, closed_by_dataset_id FROM comparison_findings WHERE year = 2023 ORDER BY code`);
    expect(st).toEqual([
      { id_number: P.dead.id, status: 'closed', closed_by_dataset_id: newer.datasetId },
      { id_number: P.moved.id, status: 'open', closed_by_dataset_id: null },
    ]);
    // other years and kinds are untouched
    const y2020 = await t.db.query<{ status: string }>(`SELECT status FROM comparison_findings WHERE year = 2020 AND code = 'DECEASED'`);
    expect(y2020).toEqual([{ status: 'open' }]);
    const back = await run(hukou('y23-c.csv', [P.dead, P.moved]), 'hukou', 2023);
    expect(back.findings).toMatchObject({ total: 2, new: 0, closed: 0 });
    const re = await t.db.query<{ status: string }>(`SELECT status FROM comparison_findings WHERE year = 2023 AND id_number = $1`, [P.dead.id]);
    expect(re).toEqual([{ status: 'open' }]);
  });

  it('a cadre confirms or dismisses with a reason (audited); confirmation records what it would open; a verified finding is not verified twice', async () => {
    const list = await listFindings(ctx, { code: 'DECEASED', status: 'open' });
    expect(list.total).toBeGreaterThan(1);
    expect(list.items[0]!.idNumber).toMatch(/^\d{6}\*{8}[\dX]{4}$/);
    const [a, b] = list.items as [typeof list.items[0], typeof list.items[0]];
    await expect(verifyFinding(ctx, a.id, { decision: 'confirm', reason: '' })).rejects.toMatchObject({ code: 'REASON_REQUIRED' });
    const c = await verifyFinding(ctx, a.id, { decision: 'confirm', reason: '经入户核实，该成员已于 2019 年去世' });
    expect(c).toMatchObject({ status: 'confirmed', opens: 'removal-proposal', reason: '经入户核实，该成员已于 2019 年去世' });
    const d = await verifyFinding(ctx, b.id, { decision: 'dismiss', reason: '公安数据有误，本人健在' });
    expect(d.status).toBe('dismissed');
    await expect(verifyFinding(ctx, a.id, { decision: 'dismiss', reason: '再次核实' })).rejects.toMatchObject({ code: 'NOT_OPEN' });
    const au = await t.db.query<{ action: string; details: { reason: string; opens: string | null } }>(
      `SELECT action, details FROM audit_log WHERE target_id = ANY($1::text[]) ORDER BY seq`, [[a.id, b.id]]);
    expect(au.map((x) => [x.action, x.details.opens])).toEqual([['comparison.confirm', 'removal-proposal'], ['comparison.dismiss', null]]);
    const runs = await t.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM audit_log WHERE action = 'comparison.run'`);
    expect(runs[0]!.n).toBeGreaterThan(10);
  });
});

describe('the findings of a region', () => {
  // A village's or township's findings are read through the index on the route (the region a
  // finding is routed to): the index's expression must stay the one the queries use (ROUTE_SQL).
  it('a region-scoped read of findings can use the route index', async () => {
    const plan = await t.db.transaction(async (tx) => {
      await tx.execute('SET LOCAL enable_seqscan = off');
      return tx.query<Record<string, string>>(
        `EXPLAIN SELECT count(*) FROM comparison_findings f WHERE ${ROUTE_SQL('f')} BETWEEN $1 AND $2`, [V1, V1]);
    });
    expect(plan.map((r) => Object.values(r)[0]).join('\n')).toContain('comparison_findings_route_idx');
  });
});
