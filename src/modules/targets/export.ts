import ExcelJS from 'exceljs';
import { audit } from '../../core/audit.js';
import type { Ctx } from '../../core/context.js';
import { NotFoundError, ValidationError } from '../../core/errors.js';
import { CITY_REGION } from '../../domain/targets/catalog.js';
import { assertCan } from '../access/policy.js';
import { actorCovers } from '../access/scope.js';
import { CURRENT_PERIOD, indicatorsAtLevel, type IndicatorRow } from '../stats/indicators.js';
import { reportTargets } from './service.js';

/**
 * Excel reports (issue 7 item 4), written with exceljs's streaming writer like the other exports:
 * - 目标进度: every target with plan, actual and red-amber-green, and the progress by county
 *   (households, people, poor and exited people, rural population, incidence) per period;
 * - 人口与贫困发生率: the same figures by township and by village for one period.
 * Figures by region come from the pre-aggregated indicators (the time computed is on each
 * sheet); both exports are audited. No personal data is in either.
 */

const RAG_LABELS = { green: '达标', amber: '预警', red: '落后', unknown: '暂无数据' } as const;
const REGION_HEADERS = ['区划代码', '区划名称', '期间', '户数', '人数', '贫困户数', '贫困人口', '已脱贫户数', '已脱贫人口', '农村户籍人口', '贫困发生率（%）'];

function addSheet(wb: ExcelJS.stream.xlsx.WorkbookWriter, name: string, headers: string[]): ExcelJS.Worksheet {
  const ws = wb.addWorksheet(name, { views: [{ state: 'frozen', ySplit: 1 }] });
  ws.columns = headers.map((h) => ({ header: h, width: Math.min(40, Math.max(10, h.length * 2 + 2)) }));
  ws.getRow(1).font = { bold: true };
  return ws;
}

const periodLabel = (p: string) => (p === CURRENT_PERIOD ? '当前' : `${p}年末`);

function regionCells(r: IndicatorRow): (string | number | null)[] {
  return [r.regionCode, r.name, periodLabel(r.period), r.households, r.people, r.poorHouseholds, r.poorPeople, r.exitedHouseholds,
    r.exitedPeople, r.ruralPopulation, r.incidence === null ? null : Math.round(r.incidence * 1e6) / 1e4];
}

function checkRegion(ctx: Ctx, region: string): void {
  if (!/^\d{12}$/.test(region)) throw new ValidationError(`区划代码「${region}」格式不正确`, { field: 'region', value: region, reason: '应为 12 位数字' });
  if (!actorCovers(ctx.actor, region)) throw new NotFoundError('区划不存在或不在本人辖区内');
}

function checkPeriod(period: string): void {
  if (period !== CURRENT_PERIOD && !/^\d{4}$/.test(period)) {
    throw new ValidationError(`期间「${period}」格式不正确`, { field: 'period', value: period, reason: '应为 current 或四位年度' });
  }
}

async function computedAt(ctx: Ctx): Promise<string | null> {
  const r = await ctx.db.query<{ at: Date | string | null }>('SELECT max(computed_at) AS at FROM indicators');
  return r[0]?.at ? new Date(r[0].at).toISOString() : null;
}

/** 目标进度 workbook: the targets (plan vs actual) and the progress by county over the periods. */
export async function exportProgress(ctx: Ctx, file: string, opts: { year?: number; region?: string } = {}): Promise<{ targets: number; counties: number }> {
  assertCan(ctx.actor, 'registry.export');
  const root = opts.region ?? (ctx.actor.role === 'system' ? CITY_REGION : ctx.actor.regionCode);
  checkRegion(ctx, root);
  const report = await reportTargets(ctx, { year: opts.year });
  const rows = await indicatorsAtLevel(ctx.db, { root, level: 'county' });
  const at = await computedAt(ctx);
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: file, useStyles: true, useSharedStrings: false });
  const ts = addSheet(wb, '目标进度', ['目标编号', '条款', '指标', '年度', '计划值', '单位', '实际值', '状态', '实际值来源', '方案原文']);
  for (const t of report.targets) {
    ts.addRow([t.id, t.clause, t.indicator, t.period ?? t.year, t.planned, t.unit, t.reached, RAG_LABELS[t.status], t.detail ? `${t.reachedBy}；${t.detail}` : t.reachedBy, t.text]).commit();
  }
  ts.addRow([]).commit();
  ts.addRow([`截至 ${report.asOf}；${report.source.issuer}《${report.source.title}》（${report.source.published}）`]).commit();
  ts.commit();
  const cs = addSheet(wb, '分县进度', REGION_HEADERS);
  for (const r of rows) cs.addRow(regionCells(r)).commit();
  cs.addRow([]).commit();
  cs.addRow([at ? `指标计算时间 ${at}` : '指标尚未计算（tuopin indicators refresh）']).commit();
  cs.commit();
  await wb.commit();
  await ctx.db.transaction((tx) => audit(tx, ctx.actor, ctx.requestId, {
    action: 'targets.export_progress', targetType: 'report', targetId: null, details: { region: root, year: opts.year ?? null, targets: report.targets.length },
  }));
  return { targets: report.targets.length, counties: new Set(rows.map((r) => r.regionCode)).size };
}

/** 人口与贫困发生率 workbook: by township and by village, one period (default current). */
export async function exportIncidence(ctx: Ctx, file: string, opts: { region?: string; period?: string } = {}): Promise<{ townships: number; villages: number }> {
  assertCan(ctx.actor, 'registry.export');
  const root = opts.region ?? (ctx.actor.role === 'system' ? CITY_REGION : ctx.actor.regionCode);
  checkRegion(ctx, root);
  const period = opts.period ?? CURRENT_PERIOD;
  checkPeriod(period);
  const townships = await indicatorsAtLevel(ctx.db, { root, level: 'township', period });
  const villages = await indicatorsAtLevel(ctx.db, { root, level: 'village', period });
  const at = await computedAt(ctx);
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: file, useStyles: true, useSharedStrings: false });
  for (const [name, rows] of [['乡镇', townships], ['村', villages]] as const) {
    const ws = addSheet(wb, name, REGION_HEADERS);
    for (const r of rows) ws.addRow(regionCells(r)).commit();
    ws.addRow([]).commit();
    ws.addRow([at ? `指标计算时间 ${at}；贫困发生率 = 贫困人口 ÷ 农村户籍人口` : '指标尚未计算（tuopin indicators refresh）']).commit();
    ws.commit();
  }
  await wb.commit();
  await ctx.db.transaction((tx) => audit(tx, ctx.actor, ctx.requestId, {
    action: 'targets.export_incidence', targetType: 'report', targetId: null, details: { region: root, period, townships: townships.length, villages: villages.length },
  }));
  return { townships: townships.length, villages: villages.length };
}
