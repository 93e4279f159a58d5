import { audit } from '../../core/audit.js';
import type { Ctx } from '../../core/context.js';
import type { Queryable } from '../../core/db.js';
import { ConflictError, NotFoundError } from '../../core/errors.js';
import { newId } from '../../core/ids.js';
import { fromFen, MAX_AMOUNT, toFen } from '../../domain/income.js';
import { DIMENSIONS, measure, type Dimension } from '../../domain/policy/index.js';
import { assertCan } from '../access/policy.js';
import {
  assertMemberOf, assertVersion, assertWritable, changed, eventView, invalid, iso, recordAssistanceEvent, scopedHousehold, today, UUID,
  type DbRow, type EventView, type HouseholdRef,
} from './common.js';

/**
 * 一户一策: one plan per household per year — goals (per-capita income target, which of
 * 两不愁三保障 and safe water to close), the responsible helper, measures from the catalog with
 * money by funding source, status draft → approved. A new year's plan starts as a copy of the
 * latest earlier plan (goals and every measure not cancelled).
 *
 * Review rule: editing an approved plan's goals returns it to draft (it must be approved again);
 * a plan with draft (proposed, unreviewed) measures cannot be approved. Measures of an approved
 * plan may still move through planned → in_progress → done, and new proposals may be added as
 * draft; every change is in the plan's history.
 */

export const FUNDING_SOURCES = {
  central: '中央财政专项扶贫资金',
  provincial: '省级财政资金',
  city: '市级财政资金',
  county: '县级财政资金',
  integrated: '统筹整合涉农资金',
  eastWest: '东西部扶贫协作资金',
  social: '社会帮扶资金',
  credit: '信贷资金',
  self: '农户自筹',
  other: '其他',
} as const;
export type FundingSource = keyof typeof FUNDING_SOURCES;

export const PLAN_STATUSES = ['draft', 'approved'] as const;
export const MEASURE_STATUSES = ['draft', 'planned', 'in_progress', 'done', 'cancelled'] as const;
export type MeasureStatus = (typeof MEASURE_STATUSES)[number];
export const MEASURE_STATUS_LABELS: Record<MeasureStatus, string> = {
  draft: '待审（建议）', planned: '计划', in_progress: '实施中', done: '已完成', cancelled: '已取消',
};
export const PLAN_STATUS_LABELS = { draft: '草稿', approved: '已审核' } as const;

const DIMENSION_CODES = DIMENSIONS.map((d) => d.dimension);

export interface MeasureView {
  id: string;
  planId: string;
  measureCode: string;
  title: string | null;
  action: string | null;
  clause: string | null;
  description: string | null;
  memberId: string | null;
  memberName: string | null;
  funding: Partial<Record<FundingSource, number>>;
  amountTotal: number;
  status: MeasureStatus;
  source: string;
  gapCode: string | null;
  copiedFromId: string | null;
  version: number;
}

export interface PlanView {
  id: string;
  householdId: string;
  householdNumber: string;
  villageCode: string;
  year: number;
  status: 'draft' | 'approved';
  incomeTarget: number | null;
  closeDimensions: Dimension[];
  responsibleCadreId: string | null;
  responsibleCadreName: string | null;
  notes: string | null;
  copiedFromId: string | null;
  approvedAt: string | null;
  approvedByName: string | null;
  approvalComment: string | null;
  version: number;
  createdAt: string;
  updatedAt: string;
  measures: MeasureView[];
  totals: { bySource: Partial<Record<FundingSource, number>>; total: number; measures: number };
}

export interface PlanGoals {
  incomeTarget?: number | null;
  closeDimensions?: string[];
  responsibleCadreId?: string | null;
  notes?: string | null;
}

export function measureView(r: DbRow): MeasureView {
  const m = measure(r.measure_code as string);
  return {
    id: r.id as string, planId: r.plan_id as string, measureCode: r.measure_code as string, title: m?.title ?? null,
    action: m?.action ?? null, clause: m?.clause ?? null, description: (r.description as string) ?? null,
    memberId: (r.member_id as string) ?? null, memberName: (r.member_name as string) ?? null,
    funding: (r.funding as Partial<Record<FundingSource, number>>) ?? {}, amountTotal: Number(r.amount_total ?? 0),
    status: r.status as MeasureStatus, source: r.source as string, gapCode: (r.gap_code as string) ?? null,
    copiedFromId: (r.copied_from_id as string) ?? null, version: r.version as number,
  };
}

const MEASURE_SELECT = `SELECT pm.*, m.name AS member_name FROM plan_measures pm
  LEFT JOIN members m ON m.county_code = pm.county_code AND m.id = pm.member_id`;

export async function assemblePlan(tx: Queryable, h: HouseholdRef, p: DbRow): Promise<PlanView> {
  const rows = await tx.query<DbRow>(`${MEASURE_SELECT} WHERE pm.county_code = $1 AND pm.plan_id = $2 ORDER BY pm.created_at, pm.id`, [h.countyCode, p.id]);
  const measures = rows.map(measureView);
  const bySourceFen: Record<string, number> = {};
  let totalFen = 0;
  for (const m of measures) {
    if (m.status === 'cancelled') continue;
    for (const [k, v] of Object.entries(m.funding)) bySourceFen[k] = (bySourceFen[k] ?? 0) + toFen(v ?? 0);
    totalFen += toFen(m.amountTotal);
  }
  const cadre = p.responsible_cadre_id ? (await tx.query<{ name: string }>('SELECT name FROM cadres WHERE id = $1', [p.responsible_cadre_id]))[0] : undefined;
  return {
    id: p.id as string, householdId: h.id, householdNumber: h.householdNumber, villageCode: h.villageCode, year: p.year as number,
    status: p.status as 'draft' | 'approved', incomeTarget: (p.income_target as number) ?? null,
    closeDimensions: (p.close_dimensions as Dimension[]) ?? [], responsibleCadreId: (p.responsible_cadre_id as string) ?? null,
    responsibleCadreName: cadre?.name ?? null, notes: (p.notes as string) ?? null, copiedFromId: (p.copied_from_id as string) ?? null,
    approvedAt: iso(p.approved_at), approvedByName: (p.approved_by_name as string) ?? null, approvalComment: (p.approval_comment as string) ?? null,
    version: p.version as number, createdAt: iso(p.created_at) as string, updatedAt: iso(p.updated_at) as string, measures,
    totals: {
      bySource: Object.fromEntries(Object.entries(bySourceFen).map(([k, v]) => [k, fromFen(v)])),
      total: fromFen(totalFen),
      measures: measures.filter((m) => m.status !== 'cancelled').length,
    },
  };
}

/** Loads a plan the actor may reach (through its household), or NotFound. */
export async function scopedPlan(ctx: Ctx, tx: Queryable, planId: string, forUpdate = false): Promise<{ h: HouseholdRef; p: DbRow }> {
  if (!UUID.test(planId)) throw new NotFoundError();
  const rows = await tx.query<DbRow>(`SELECT * FROM assistance_plans WHERE id = $1${forUpdate ? ' FOR UPDATE' : ''}`, [planId]);
  const p = rows[0];
  if (!p) throw new NotFoundError();
  const h = await scopedHousehold(ctx, tx, p.household_id as string);
  return { h, p };
}

function validateGoals(g: PlanGoals): void {
  if (g.incomeTarget !== undefined && g.incomeTarget !== null) {
    if (!Number.isFinite(g.incomeTarget) || g.incomeTarget < 0 || g.incomeTarget > MAX_AMOUNT) invalid('incomeTarget', g.incomeTarget, 'AMOUNT', '收入目标应为 0 至 1 亿元之间的金额');
    if (Math.abs(toFen(g.incomeTarget) - g.incomeTarget * 100) > 1e-6) invalid('incomeTarget', g.incomeTarget, 'AMOUNT', '金额最多保留两位小数');
  }
  for (const d of g.closeDimensions ?? []) {
    if (!(DIMENSION_CODES as string[]).includes(d)) invalid('closeDimensions', d, 'DIMENSION', `补齐的短板应为 ${DIMENSIONS.map((x) => `${x.dimension}（${x.title}）`).join('、')} 之一`);
  }
  if (g.notes && g.notes.length > 4000) invalid('notes', '', 'TOO_LONG', '说明不能超过 4000 个字符');
}

async function assertCadre(tx: Queryable, id: string | null | undefined): Promise<void> {
  if (id === null || id === undefined) return;
  const ok = UUID.test(id) && (await tx.query('SELECT 1 FROM cadres WHERE id = $1', [id])).length > 0;
  if (!ok) invalid('responsibleCadreId', id, 'UNKNOWN_CADRE', '帮扶责任人不存在');
}

/** Money by source: known sources, amounts ≥ 0 with at most two decimals; returns the total. */
export function validateFunding(funding: Record<string, number> | undefined): { funding: Partial<Record<FundingSource, number>>; total: number } {
  const out: Partial<Record<FundingSource, number>> = {};
  let totalFen = 0;
  for (const [k, v] of Object.entries(funding ?? {})) {
    if (!(k in FUNDING_SOURCES)) invalid(`funding.${k}`, k, 'FUNDING_SOURCE', `资金来源应为 ${Object.entries(FUNDING_SOURCES).map(([a, b]) => `${a}（${b}）`).join('、')} 之一`);
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0 || v > MAX_AMOUNT) invalid(`funding.${k}`, v, 'AMOUNT', '金额应为 0 至 1 亿元之间');
    if (Math.abs(toFen(v) - v * 100) > 1e-6) invalid(`funding.${k}`, v, 'AMOUNT', '金额最多保留两位小数');
    if (toFen(v) === 0) continue;
    out[k as FundingSource] = v;
    totalFen += toFen(v);
  }
  return { funding: out, total: fromFen(totalFen) };
}

/** A catalog code a household's plan can carry (household or person measures). */
export function assertPlanMeasureCode(code: string, field = 'measureCode'): void {
  const m = measure(code);
  if (!m) invalid(field, code, 'UNKNOWN_MEASURE', `措施编码「${code}」不在措施目录中（见 /api/catalog）`);
  if (m.recipient !== 'household' && m.recipient !== 'person') {
    invalid(field, code, 'NOT_HOUSEHOLD_MEASURE', `「${m.title}」是面向${m.recipient === 'village' ? '村' : m.recipient === 'area' ? '区域' : '经营主体'}的措施，不能列入户的帮扶计划`);
  }
}

export async function listPlans(ctx: Ctx, householdId: string): Promise<PlanView[]> {
  assertCan(ctx.actor, 'assistance.read');
  return ctx.db.transaction(async (tx) => {
    const h = await scopedHousehold(ctx, tx, householdId);
    const rows = await tx.query<DbRow>('SELECT * FROM assistance_plans WHERE county_code = $1 AND household_id = $2 ORDER BY year DESC', [h.countyCode, h.id]);
    const out: PlanView[] = [];
    for (const p of rows) out.push(await assemblePlan(tx, h, p));
    return out;
  });
}

export async function getPlan(ctx: Ctx, planId: string): Promise<PlanView & { history: EventView[] }> {
  assertCan(ctx.actor, 'assistance.read');
  return ctx.db.transaction(async (tx) => {
    const { h, p } = await scopedPlan(ctx, tx, planId);
    const history = await planHistoryTx(tx, h, planId);
    return { ...(await assemblePlan(tx, h, p)), history };
  });
}

async function planHistoryTx(tx: Queryable, h: HouseholdRef, planId: string): Promise<EventView[]> {
  const rows = await tx.query<DbRow>('SELECT * FROM assistance_events WHERE county_code = $1 AND plan_id = $2 ORDER BY at DESC, id DESC', [h.countyCode, planId]);
  return rows.map(eventView);
}

/**
 * Creates the year's plan inside a transaction. Unless `copyPrevious` is false, it starts from the
 * latest earlier plan: its goals (where the input gives none) and its measures not cancelled
 * (done and planned ones as planned, proposals still draft), each remembering where it came from.
 */
export async function createPlanTx(tx: Queryable, ctx: Ctx, h: HouseholdRef, input: PlanGoals & { year: number; copyPrevious?: boolean }): Promise<string> {
  const year = input.year;
  if (!Number.isInteger(year) || year < 2014 || year > 2100) invalid('year', year, 'YEAR', '年度应为 2014 至 2100 之间的 4 位年份');
  validateGoals(input);
  await assertCadre(tx, input.responsibleCadreId);
  const exists = await tx.query('SELECT 1 FROM assistance_plans WHERE county_code = $1 AND household_id = $2 AND year = $3', [h.countyCode, h.id, year]);
  if (exists.length) throw new ConflictError(`本户 ${year} 年的帮扶计划已存在`, { year }, 'PLAN_EXISTS');
  const prev = input.copyPrevious === false ? undefined
    : (await tx.query<DbRow>('SELECT * FROM assistance_plans WHERE county_code = $1 AND household_id = $2 AND year < $3 ORDER BY year DESC LIMIT 1', [h.countyCode, h.id, year]))[0];
  let cadre = input.responsibleCadreId ?? (prev?.responsible_cadre_id as string | undefined) ?? null;
  if (!cadre) {
    const paired = await tx.query<{ cadre_id: string }>(
      'SELECT cadre_id FROM pairings WHERE county_code = $1 AND household_id = $2 AND (to_date IS NULL OR to_date >= $3) ORDER BY from_date LIMIT 1', [h.countyCode, h.id, today()]);
    cadre = paired[0]?.cadre_id ?? null;
  }
  const id = newId();
  const goals = {
    incomeTarget: input.incomeTarget !== undefined ? input.incomeTarget : ((prev?.income_target as number) ?? null),
    closeDimensions: input.closeDimensions ?? ((prev?.close_dimensions as string[]) ?? []),
    notes: input.notes !== undefined ? input.notes : ((prev?.notes as string) ?? null),
  };
  await tx.execute(
    `INSERT INTO assistance_plans (county_code, id, household_id, year, status, income_target, close_dimensions, responsible_cadre_id, notes, copied_from_id, created_by, updated_by)
     VALUES ($1,$2,$3,$4,'draft',$5,$6,$7,$8,$9,$10,$10)`,
    [h.countyCode, id, h.id, year, goals.incomeTarget, goals.closeDimensions, cadre, goals.notes, prev?.id ?? null, ctx.actor.id],
  );
  let copied = 0;
  if (prev) {
    const rows = await tx.query<DbRow>(`SELECT * FROM plan_measures WHERE county_code = $1 AND plan_id = $2 AND status <> 'cancelled' ORDER BY created_at, id`, [h.countyCode, prev.id]);
    for (const m of rows) {
      await tx.execute(
        `INSERT INTO plan_measures (county_code, id, plan_id, household_id, measure_code, description, member_id, funding, amount_total, status, source, gap_code, copied_from_id)
         VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,'copied',$11,$12)`,
        [h.countyCode, newId(), id, h.id, m.measure_code, m.description ?? null, m.member_id ?? null, JSON.stringify(m.funding ?? {}), m.amount_total,
          m.status === 'draft' ? 'draft' : 'planned', m.gap_code ?? null, m.id],
      );
      copied++;
    }
  }
  await recordAssistanceEvent(tx, ctx, {
    countyCode: h.countyCode, householdId: h.id, entity: 'plan', entityId: id, planId: id, action: 'create',
    after: { year, ...goals, responsibleCadreId: cadre, copiedFromId: prev?.id ?? null, copiedFromYear: prev?.year ?? null, copiedMeasures: copied },
  });
  await audit(tx, ctx.actor, ctx.requestId, { action: 'plan.create', targetType: 'plan', targetId: id, countyCode: h.countyCode, details: { householdId: h.id, year, copiedFrom: prev?.id ?? null } });
  return id;
}

export async function createPlan(ctx: Ctx, householdId: string, input: PlanGoals & { year: number; copyPrevious?: boolean }): Promise<PlanView> {
  assertCan(ctx.actor, 'assistance.write');
  return ctx.db.transaction(async (tx) => {
    const h = await scopedHousehold(ctx, tx, householdId);
    assertWritable(h);
    const id = await createPlanTx(tx, ctx, h, input);
    const p = (await tx.query<DbRow>('SELECT * FROM assistance_plans WHERE county_code = $1 AND id = $2', [h.countyCode, id]))[0]!;
    return assemblePlan(tx, h, p);
  });
}

export async function updatePlan(ctx: Ctx, planId: string, input: PlanGoals & { version: number; reason?: string }): Promise<PlanView> {
  assertCan(ctx.actor, 'assistance.write');
  return ctx.db.transaction(async (tx) => {
    const { h, p } = await scopedPlan(ctx, tx, planId, true);
    assertWritable(h);
    assertVersion(p, input.version);
    validateGoals(input);
    await assertCadre(tx, input.responsibleCadreId);
    const before = {
      incomeTarget: (p.income_target as number) ?? null, closeDimensions: (p.close_dimensions as string[]) ?? [],
      responsibleCadreId: (p.responsible_cadre_id as string) ?? null, notes: (p.notes as string) ?? null,
    };
    const after = {
      incomeTarget: input.incomeTarget, closeDimensions: input.closeDimensions, responsibleCadreId: input.responsibleCadreId, notes: input.notes,
    };
    const d = changed(before, after);
    if (!d) return assemblePlan(tx, h, p);
    const next = { ...before, ...d.after };
    const reopen = p.status === 'approved';
    await tx.execute(
      `UPDATE assistance_plans SET income_target = $3, close_dimensions = $4, responsible_cadre_id = $5, notes = $6,
         status = 'draft', approved_at = CASE WHEN $7 THEN NULL ELSE approved_at END, approved_by = CASE WHEN $7 THEN NULL ELSE approved_by END,
         approved_by_name = CASE WHEN $7 THEN NULL ELSE approved_by_name END, version = version + 1, updated_at = now(), updated_by = $8
       WHERE county_code = $1 AND id = $2`,
      [h.countyCode, planId, next.incomeTarget, next.closeDimensions, next.responsibleCadreId, next.notes, reopen, ctx.actor.id],
    );
    await recordAssistanceEvent(tx, ctx, {
      countyCode: h.countyCode, householdId: h.id, entity: 'plan', entityId: planId, planId, action: reopen ? 'update_reopen' : 'update',
      before: reopen ? { ...d.before, status: 'approved' } : d.before, after: reopen ? { ...d.after, status: 'draft' } : d.after, reason: input.reason,
    });
    await audit(tx, ctx.actor, ctx.requestId, { action: 'plan.update', targetType: 'plan', targetId: planId, countyCode: h.countyCode, details: { fields: Object.keys(d.after), reopened: reopen } });
    const row = (await tx.query<DbRow>('SELECT * FROM assistance_plans WHERE county_code = $1 AND id = $2', [h.countyCode, planId]))[0]!;
    return assemblePlan(tx, h, row);
  });
}

/** Review: a draft plan with no unreviewed (draft) measures becomes approved. */
export async function approvePlan(ctx: Ctx, planId: string, input: { version: number; comment?: string | null }): Promise<PlanView> {
  assertCan(ctx.actor, 'assistance.approve');
  return ctx.db.transaction(async (tx) => {
    const { h, p } = await scopedPlan(ctx, tx, planId, true);
    assertWritable(h);
    assertVersion(p, input.version);
    if (p.status === 'approved') throw new ConflictError('该计划已审核', undefined, 'PLAN_APPROVED');
    const drafts = await tx.query<{ n: number }>(`SELECT count(*)::int AS n FROM plan_measures WHERE county_code = $1 AND plan_id = $2 AND status = 'draft'`, [h.countyCode, planId]);
    const n = drafts[0]?.n ?? 0;
    if (n > 0) throw new ConflictError(`计划中还有 ${n} 项待审（建议）措施，请先确认为「计划」或取消`, { draftMeasures: n }, 'DRAFT_MEASURES');
    const comment = input.comment?.trim() || null;
    await tx.execute(
      `UPDATE assistance_plans SET status = 'approved', approved_at = now(), approved_by = $3, approved_by_name = $4, approval_comment = $5,
         version = version + 1, updated_at = now(), updated_by = $3 WHERE county_code = $1 AND id = $2`,
      [h.countyCode, planId, ctx.actor.id, ctx.actor.displayName || ctx.actor.username, comment],
    );
    await recordAssistanceEvent(tx, ctx, { countyCode: h.countyCode, householdId: h.id, entity: 'plan', entityId: planId, planId, action: 'approve', before: { status: 'draft' }, after: { status: 'approved' }, reason: comment });
    await audit(tx, ctx.actor, ctx.requestId, { action: 'plan.approve', targetType: 'plan', targetId: planId, countyCode: h.countyCode, details: { householdId: h.id, year: p.year } });
    const row = (await tx.query<DbRow>('SELECT * FROM assistance_plans WHERE county_code = $1 AND id = $2', [h.countyCode, planId]))[0]!;
    return assemblePlan(tx, h, row);
  });
}

export async function planHistory(ctx: Ctx, planId: string): Promise<EventView[]> {
  assertCan(ctx.actor, 'assistance.read');
  return ctx.db.transaction(async (tx) => {
    const { h } = await scopedPlan(ctx, tx, planId);
    return planHistoryTx(tx, h, planId);
  });
}

// ---------------------------------------------------------------------------------------------
// Measures

export interface MeasureInput {
  measureCode: string;
  description?: string | null;
  memberId?: string | null;
  funding?: Record<string, number>;
  status?: MeasureStatus;
}

function assertStatus(s: string | undefined): void {
  if (s !== undefined && !(MEASURE_STATUSES as readonly string[]).includes(s)) {
    invalid('status', s, 'STATUS', `措施状态应为 ${MEASURE_STATUSES.map((x) => `${x}（${MEASURE_STATUS_LABELS[x]}）`).join('、')} 之一`);
  }
}

/** Inserts a measure (inside a transaction); returns its id. */
export async function insertMeasureTx(tx: Queryable, ctx: Ctx, h: HouseholdRef, planId: string, input: MeasureInput & { source: string; gapCode?: string | null }): Promise<string> {
  assertPlanMeasureCode(input.measureCode);
  assertStatus(input.status);
  if (input.description && input.description.length > 2000) invalid('description', '', 'TOO_LONG', '说明不能超过 2000 个字符');
  await assertMemberOf(tx, h, input.memberId);
  const { funding, total } = validateFunding(input.funding);
  const id = newId();
  const status = input.status ?? 'planned';
  await tx.execute(
    `INSERT INTO plan_measures (county_code, id, plan_id, household_id, measure_code, description, member_id, funding, amount_total, status, source, gap_code)
     VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12)`,
    [h.countyCode, id, planId, h.id, input.measureCode, input.description?.trim() || null, input.memberId ?? null, JSON.stringify(funding), total, status, input.source, input.gapCode ?? null],
  );
  await recordAssistanceEvent(tx, ctx, {
    countyCode: h.countyCode, householdId: h.id, entity: 'measure', entityId: id, planId, action: 'create',
    after: { measureCode: input.measureCode, description: input.description ?? null, memberId: input.memberId ?? null, funding, amountTotal: total, status, source: input.source, gapCode: input.gapCode ?? null },
  });
  return id;
}

export async function listMeasures(ctx: Ctx, planId: string): Promise<MeasureView[]> {
  assertCan(ctx.actor, 'assistance.read');
  return ctx.db.transaction(async (tx) => {
    const { h } = await scopedPlan(ctx, tx, planId);
    const rows = await tx.query<DbRow>(`${MEASURE_SELECT} WHERE pm.county_code = $1 AND pm.plan_id = $2 ORDER BY pm.created_at, pm.id`, [h.countyCode, planId]);
    return rows.map(measureView);
  });
}

export async function addMeasure(ctx: Ctx, planId: string, input: MeasureInput): Promise<MeasureView> {
  assertCan(ctx.actor, 'assistance.write');
  return ctx.db.transaction(async (tx) => {
    const { h } = await scopedPlan(ctx, tx, planId, true);
    assertWritable(h);
    const id = await insertMeasureTx(tx, ctx, h, planId, { ...input, source: 'manual' });
    await audit(tx, ctx.actor, ctx.requestId, { action: 'measure.create', targetType: 'plan', targetId: planId, countyCode: h.countyCode, details: { measureId: id, measureCode: input.measureCode } });
    return measureView((await tx.query<DbRow>(`${MEASURE_SELECT} WHERE pm.county_code = $1 AND pm.id = $2`, [h.countyCode, id]))[0]!);
  });
}

export async function updateMeasure(ctx: Ctx, planId: string, measureId: string, input: Partial<MeasureInput> & { version: number; reason?: string }): Promise<MeasureView> {
  assertCan(ctx.actor, 'assistance.write');
  return ctx.db.transaction(async (tx) => {
    const { h } = await scopedPlan(ctx, tx, planId);
    assertWritable(h);
    const rows = UUID.test(measureId) ? await tx.query<DbRow>('SELECT * FROM plan_measures WHERE county_code = $1 AND plan_id = $2 AND id = $3 FOR UPDATE', [h.countyCode, planId, measureId]) : [];
    const row = rows[0];
    if (!row) throw new NotFoundError();
    assertVersion(row, input.version);
    if (input.measureCode !== undefined) assertPlanMeasureCode(input.measureCode);
    assertStatus(input.status);
    if (input.memberId !== undefined) await assertMemberOf(tx, h, input.memberId);
    const f = input.funding !== undefined ? validateFunding(input.funding) : null;
    const before = {
      measureCode: row.measure_code, description: row.description ?? null, memberId: row.member_id ?? null, funding: row.funding ?? {},
      amountTotal: Number(row.amount_total), status: row.status,
    };
    const after = {
      measureCode: input.measureCode, description: input.description === undefined ? undefined : input.description?.trim() || null,
      memberId: input.memberId, funding: f?.funding, amountTotal: f?.total, status: input.status,
    };
    const d = changed(before, after);
    if (d) {
      const next = { ...before, ...d.after };
      await tx.execute(
        `UPDATE plan_measures SET measure_code = $3, description = $4, member_id = $5, funding = $6, amount_total = $7, status = $8, version = version + 1, updated_at = now()
          WHERE county_code = $1 AND id = $2`,
        [h.countyCode, measureId, next.measureCode, next.description, next.memberId, JSON.stringify(next.funding), next.amountTotal, next.status],
      );
      await recordAssistanceEvent(tx, ctx, { countyCode: h.countyCode, householdId: h.id, entity: 'measure', entityId: measureId, planId, action: 'update', before: d.before, after: d.after, reason: input.reason });
      await audit(tx, ctx.actor, ctx.requestId, { action: 'measure.update', targetType: 'plan', targetId: planId, countyCode: h.countyCode, details: { measureId, fields: Object.keys(d.after) } });
    }
    return measureView((await tx.query<DbRow>(`${MEASURE_SELECT} WHERE pm.county_code = $1 AND pm.id = $2`, [h.countyCode, measureId]))[0]!);
  });
}
