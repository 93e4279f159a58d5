import ExcelJS from 'exceljs';
import { audit } from '../../core/audit.js';
import type { Ctx } from '../../core/context.js';
import type { Queryable } from '../../core/db.js';
import { measure } from '../../domain/policy/index.js';
import { assertCan } from '../access/policy.js';
import { scopeSql, subtreeRange } from '../access/scope.js';
import { invalid, type DbRow } from './common.js';
import { FUNDING_SOURCES, MEASURE_STATUS_LABELS, PLAN_STATUS_LABELS, type FundingSource, type MeasureStatus } from './plans.js';

/**
 * `tuopin plans export` and GET /api/exports/plans: the plans in the caller's scope as .xlsx, sheet
 * 计划措施 with one row per plan measure and sheet 计划 with one row per plan (a plan with no
 * measure still shows there). Streams with exceljs's WorkbookWriter, plans paged by their key
 * (county, household, year) — rows come by county, then household, then year.
 */

export interface PlanExportOptions {
  region?: string;
  year?: number;
  pageSize?: number;
}

const SOURCES = Object.keys(FUNDING_SOURCES) as FundingSource[];
const DIM_LABELS: Record<string, string> = { food: '不愁吃', clothing: '不愁穿', education: '义务教育', medical: '基本医疗', housing: '住房安全', water: '饮水安全' };
const SOURCE_LABELS: Record<string, string> = { manual: '录入', lianbuchou: '两不愁三保障评估建议', copied: '上年计划延续' };

export const MEASURE_SHEET = '计划措施';
export const PLAN_SHEET = '计划';

export const MEASURE_HEADERS = [
  '户编号', '行政区划代码', '村', '户主', '计划年度', '计划状态', '收入目标（元/人）', '帮扶责任人', '措施编码', '措施名称', '所属行动', '条款', '措施说明', '受益成员',
  ...SOURCES.map((s) => FUNDING_SOURCES[s]), '资金合计（元）', '措施状态', '措施来源',
];
export const PLAN_HEADERS = ['户编号', '行政区划代码', '村', '户主', '计划年度', '计划状态', '收入目标（元/人）', '补齐短板', '帮扶责任人', '措施数', '资金合计（元）', '审核人', '审核时间'];

async function* planPages(ctx: Ctx, q: Queryable, opts: PlanExportOptions): AsyncGenerator<DbRow[]> {
  const params: unknown[] = [];
  const where = [scopeSql(ctx.actor, 'h.village_code', params)];
  if (opts.region) {
    const { lo, hi } = subtreeRange(opts.region);
    params.push(lo, hi);
    where.push(`h.village_code BETWEEN $${params.length - 1} AND $${params.length}`);
  }
  if (opts.year !== undefined) {
    params.push(opts.year);
    where.push(`p.year = $${params.length}`);
  }
  const size = opts.pageSize ?? 1000;
  // Keyset on the plans' own unique key (county, household, year): each page is an index range.
  let after: [string, string, number] = ['', '00000000-0000-0000-0000-000000000000', 0];
  for (;;) {
    const p = [...params, ...after, size];
    const n = p.length;
    const rows = await q.query<DbRow>(
      `SELECT p.*, h.household_number, h.village_code, v.name AS village_name, c.name AS cadre_name,
              (SELECT m.name FROM members m WHERE m.county_code = h.county_code AND m.household_id = h.id AND m.relation = '户主' AND m.left_at IS NULL LIMIT 1) AS head_name
         FROM assistance_plans p
         JOIN households h ON h.county_code = p.county_code AND h.id = p.household_id
         LEFT JOIN regions v ON v.code = h.village_code
         LEFT JOIN cadres c ON c.id = p.responsible_cadre_id
        WHERE ${where.join(' AND ')} AND (p.county_code, p.household_id, p.year) > ($${n - 3}, $${n - 2}::uuid, $${n - 1})
        ORDER BY p.county_code, p.household_id, p.year LIMIT $${n}`, p);
    if (!rows.length) return;
    yield rows;
    const last = rows[rows.length - 1]!;
    after = [last.county_code as string, last.household_id as string, last.year as number];
    if (rows.length < size) return;
  }
}

/** The plans' (county_code, id) keys, so measures are found through their primary-key index. */
function keysOf(page: DbRow[]): [string[], string[]] {
  return [page.map((p) => p.county_code as string), page.map((p) => p.id as string)];
}

function planCells(p: DbRow): (string | number | null)[] {
  return [
    p.household_number as string, p.village_code as string, (p.village_name as string) ?? null, (p.head_name as string) ?? null, p.year as number,
    PLAN_STATUS_LABELS[p.status as 'draft' | 'approved'] ?? (p.status as string), (p.income_target as number) ?? null,
  ];
}

export async function exportPlans(ctx: Ctx, file: string, opts: PlanExportOptions = {}): Promise<{ plans: number; measures: number }> {
  assertCan(ctx.actor, 'assistance.export');
  if (opts.region !== undefined && !/^\d{12}$/.test(opts.region)) invalid('region', opts.region, 'REGION_CODE', '区划代码应为 12 位');
  if (opts.year !== undefined && (!Number.isInteger(opts.year) || opts.year < 2014 || opts.year > 2100)) invalid('year', opts.year, 'YEAR', '年度应为 4 位年份');
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: file, useStyles: true, useSharedStrings: false });
  const ms = wb.addWorksheet(MEASURE_SHEET, { views: [{ state: 'frozen', ySplit: 1 }] });
  ms.columns = MEASURE_HEADERS.map((h) => ({ header: h, width: Math.min(30, Math.max(10, h.length * 2 + 2)) }));
  let plans = 0;
  let measures = 0;
  for await (const page of planPages(ctx, ctx.db, opts)) {
    const rows = await ctx.db.query<DbRow>(
      `SELECT pm.*, m.name AS member_name
         FROM unnest($1::varchar[], $2::uuid[]) AS k(county_code, plan_id)
         JOIN plan_measures pm ON pm.county_code = k.county_code AND pm.plan_id = k.plan_id
         LEFT JOIN members m ON m.county_code = pm.county_code AND m.id = pm.member_id
        ORDER BY pm.created_at, pm.id`, keysOf(page));
    const byPlan = new Map<string, DbRow[]>();
    for (const r of rows) byPlan.set(r.plan_id as string, [...(byPlan.get(r.plan_id as string) ?? []), r]);
    for (const p of page) {
      plans++;
      for (const m of byPlan.get(p.id as string) ?? []) {
        const cat = measure(m.measure_code as string);
        const funding = (m.funding as Record<string, number>) ?? {};
        ms.addRow([
          ...planCells(p), (p.cadre_name as string) ?? null, m.measure_code as string, cat?.title ?? null, cat?.action ?? null, cat?.clause ?? null,
          (m.description as string) ?? null, (m.member_name as string) ?? null, ...SOURCES.map((s) => funding[s] ?? null), Number(m.amount_total),
          MEASURE_STATUS_LABELS[m.status as MeasureStatus] ?? (m.status as string), SOURCE_LABELS[m.source as string] ?? (m.source as string),
        ]).commit();
        measures++;
      }
    }
    // Let the zip stream drain between pages.
    await new Promise((r) => setImmediate(r));
  }
  ms.commit();
  const ps = wb.addWorksheet(PLAN_SHEET, { views: [{ state: 'frozen', ySplit: 1 }] });
  ps.columns = PLAN_HEADERS.map((h) => ({ header: h, width: Math.min(30, Math.max(10, h.length * 2 + 2)) }));
  for await (const page of planPages(ctx, ctx.db, opts)) {
    const sums = await ctx.db.query<{ plan_id: string; n: number; total: number }>(
      `SELECT pm.plan_id, count(*)::int AS n, COALESCE(sum(pm.amount_total), 0) AS total
         FROM unnest($1::varchar[], $2::uuid[]) AS k(county_code, plan_id)
         JOIN plan_measures pm ON pm.county_code = k.county_code AND pm.plan_id = k.plan_id
        WHERE pm.status <> 'cancelled' GROUP BY pm.plan_id`, keysOf(page));
    const byPlan = new Map(sums.map((s) => [s.plan_id, s]));
    for (const p of page) {
      const s = byPlan.get(p.id as string);
      const approvedAt = p.approved_at instanceof Date ? p.approved_at.toISOString() : ((p.approved_at as string) ?? null);
      ps.addRow([
        ...planCells(p), ((p.close_dimensions as string[]) ?? []).map((d) => DIM_LABELS[d] ?? d).join('、'), (p.cadre_name as string) ?? null,
        s?.n ?? 0, Number(s?.total ?? 0), (p.approved_by_name as string) ?? null, approvedAt,
      ]).commit();
    }
    await new Promise((r) => setImmediate(r));
  }
  ps.commit();
  await wb.commit();
  await ctx.db.transaction((tx) => audit(tx, ctx.actor, ctx.requestId, {
    action: 'plans.export', targetType: 'plans', targetId: null, details: { region: opts.region ?? null, year: opts.year ?? null, plans, measures },
  }));
  return { plans, measures };
}
