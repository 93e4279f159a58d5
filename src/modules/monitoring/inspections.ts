import { audit } from '../../core/audit.js';
import type { Ctx } from '../../core/context.js';
import { ConflictError, NotFoundError, ValidationError } from '../../core/errors.js';
import { newId } from '../../core/ids.js';
import { CLUE_KINDS, type ClueKind } from '../../domain/monitoring/risk.js';
import { assertCan } from '../access/policy.js';
import { actorCovers, scopeSql, subtreeRange } from '../access/scope.js';
import { actorCadreIds, assertWritable, scopedHousehold } from '../assistance/common.js';
import { createPlanTx, insertMeasureTx } from '../assistance/plans.js';
import { handleWarningTx, today } from './service.js';

/**
 * 回头看: each cycle a sample of exited households is drawn (deterministic for the cycle, so
 * re-sampling adds nothing twice), each assigned to a cadre (the given one, or the household's
 * paired helper), who records the visit and findings; a visit that finds risk opens a clue.
 * 回头帮: a measure for a household at risk goes into that year's plan (一户一策) through the
 * assistance service, and may answer a warning.
 */

type Row = Record<string, unknown>;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const CYCLE = /^\d{4}(Q[1-4])?$/;

function invalid(field: string, value: unknown, code: string, message: string): never {
  throw new ValidationError(message, { errors: [{ field, value: value == null ? '' : String(value), code, message }] });
}

export interface SampleInput {
  cycle: string;
  region?: string;
  /** Share of the exited households to draw (0–1], or a count. */
  ratio?: number;
  count?: number;
  cadreId?: string;
}

export async function sampleInspections(ctx: Ctx, input: SampleInput): Promise<{ cycle: string; exited: number; sampled: number; alreadySampled: number; unassigned: number }> {
  assertCan(ctx.actor, 'monitoring.inspect');
  if (!CYCLE.test(input.cycle ?? '')) invalid('cycle', input.cycle, 'CYCLE', '周期应为年度（如 2020）或季度（如 2020Q3）');
  if (input.ratio !== undefined && (!(input.ratio > 0) || input.ratio > 1)) invalid('ratio', input.ratio, 'RATIO', '抽样比例应在 0 到 1 之间');
  if (input.count !== undefined && (!Number.isInteger(input.count) || input.count < 1 || input.count > 100000)) invalid('count', input.count, 'COUNT', '抽样户数应为 1 至 100000 的整数');
  if (input.ratio === undefined && input.count === undefined) invalid('ratio', '', 'REQUIRED', '须给出抽样比例（ratio）或户数（count）');
  const params: unknown[] = [];
  let where = scopeSql(ctx.actor, 'h.village_code', params);
  if (input.region) {
    if (!/^\d{12}$/.test(input.region) || !actorCovers(ctx.actor, input.region)) throw new NotFoundError('区划不存在或不在辖区内');
    const { lo, hi } = subtreeRange(input.region);
    params.push(lo, hi);
    where += ` AND h.village_code BETWEEN $${params.length - 1} AND $${params.length}`;
  }
  return ctx.db.transaction(async (tx) => {
    if (input.cadreId) {
      if (!UUID.test(input.cadreId) || !(await tx.query('SELECT 1 FROM cadres WHERE id = $1', [input.cadreId])).length) invalid('cadreId', input.cadreId, 'CADRE', '帮扶干部不存在');
    }
    const exited = (await tx.query<{ n: number }>(`SELECT count(*)::int AS n FROM households h WHERE ${where} AND h.poverty_status = '已脱贫'`, params))[0]!.n;
    const want = input.count ?? Math.max(1, Math.ceil(exited * (input.ratio ?? 0)));
    const already = (await tx.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM inspection_tasks t JOIN households h ON h.county_code = t.county_code AND h.id = t.household_id WHERE ${where} AND t.cycle = $${params.length + 1}`,
      [...params, input.cycle]))[0]!.n;
    const take = Math.max(0, want - already);
    const p = [...params, input.cycle, take, input.cadreId ?? null, ctx.actor.username, today()];
    const n = p.length;
    const inserted = await tx.query<{ cadre_id: string | null }>(
      `INSERT INTO inspection_tasks (county_code, id, cycle, household_id, village_code, cadre_id, assigned_by)
       SELECT h.county_code, tuopin_uuidv7(), $${n - 4}, h.id, h.village_code,
              COALESCE($${n - 2}::uuid, (SELECT pr.cadre_id FROM pairings pr WHERE pr.county_code = h.county_code AND pr.household_id = h.id
                                          AND pr.from_date <= $${n}::date AND (pr.to_date IS NULL OR pr.to_date >= $${n}::date) ORDER BY pr.from_date LIMIT 1)),
              $${n - 1}
         FROM households h
        WHERE ${where} AND h.poverty_status = '已脱贫'
          AND NOT EXISTS (SELECT 1 FROM inspection_tasks t WHERE t.county_code = h.county_code AND t.cycle = $${n - 4} AND t.household_id = h.id)
        ORDER BY md5(h.id::text || $${n - 4}) LIMIT $${n - 3}
       RETURNING cadre_id`, p);
    await audit(tx, ctx.actor, ctx.requestId, { action: 'monitoring.inspect.sample', targetType: 'region', targetId: input.region ?? ctx.actor.regionCode, details: { cycle: input.cycle, sampled: inserted.length, exited } });
    return { cycle: input.cycle, exited, sampled: inserted.length, alreadySampled: already, unassigned: inserted.filter((r) => r.cadre_id === null).length };
  });
}

export async function listInspections(ctx: Ctx, q: { cycle?: string; status?: string; region?: string; page?: number; pageSize?: number }): Promise<{ total: number; items: Row[] }> {
  assertCan(ctx.actor, 'monitoring.read');
  const params: unknown[] = [];
  const conds: string[] = [];
  if (ctx.actor.role === 'helper') {
    const ids = await actorCadreIds(ctx.db, ctx.actor);
    params.push(ids);
    conds.push(`t.cadre_id = ANY($${params.length}::uuid[])`);
  } else conds.push(scopeSql(ctx.actor, 't.village_code', params));
  if (q.region) {
    if (!/^\d{12}$/.test(q.region) || !actorCovers(ctx.actor, q.region)) throw new NotFoundError('区划不存在或不在辖区内');
    const { lo, hi } = subtreeRange(q.region);
    params.push(lo, hi);
    conds.push(`t.village_code BETWEEN $${params.length - 1} AND $${params.length}`);
  }
  if (q.cycle) { params.push(q.cycle); conds.push(`t.cycle = $${params.length}`); }
  if (q.status) { params.push(q.status); conds.push(`t.status = $${params.length}`); }
  const where = conds.join(' AND ');
  const total = (await ctx.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM inspection_tasks t WHERE ${where}`, params))[0]!.n;
  const pageSize = q.pageSize ?? 50;
  const items = await ctx.db.query<Row>(
    `SELECT t.id, t.cycle, t.household_id AS "householdId", h.household_number AS "householdNumber", t.village_code AS "villageCode", r.name AS "villageName",
            t.cadre_id AS "cadreId", c.name AS "cadreName", t.status, t.findings, t.risk_found AS "riskFound", t.risk_kind AS "riskKind", t.clue_id AS "clueId",
            t.visited_on AS "visitedOn", t.recorded_by AS "recordedBy", t.version
       FROM inspection_tasks t JOIN households h ON h.county_code = t.county_code AND h.id = t.household_id
       LEFT JOIN cadres c ON c.id = t.cadre_id LEFT JOIN regions r ON r.code = t.village_code
      WHERE ${where} ORDER BY t.cycle DESC, t.status, h.household_number LIMIT ${pageSize} OFFSET ${((q.page ?? 1) - 1) * pageSize}`, params);
  return { total, items };
}

export interface RecordInput {
  visitedOn: string;
  findings: string;
  riskFound: boolean;
  riskKind?: ClueKind;
  version: number;
}

/** The visit's findings; risk found opens a cadre-visit clue dated the visit. */
export async function recordInspection(ctx: Ctx, id: string, input: RecordInput): Promise<{ status: string; clueId: string | null }> {
  assertCan(ctx.actor, 'monitoring.write');
  if (!UUID.test(id)) throw new NotFoundError();
  if (!/^\d{4}-\d{2}-\d{2}$/.test(input.visitedOn ?? '') || input.visitedOn > today()) invalid('visitedOn', input.visitedOn, 'DATE', '走访日期应为不晚于今天的 YYYY-MM-DD');
  if (!input.findings || input.findings.trim().length < 4 || input.findings.length > 2000) invalid('findings', input.findings, 'TEXT', '核查情况应为 4 至 2000 个字');
  if (input.riskFound && !(input.riskKind && input.riskKind in CLUE_KINDS)) invalid('riskKind', input.riskKind, 'KIND', `发现风险时须注明风险类别：${Object.keys(CLUE_KINDS).join('、')}`);
  return ctx.db.transaction(async (tx) => {
    const t = (await tx.query<Row>('SELECT * FROM inspection_tasks WHERE id = $1 FOR UPDATE', [id]))[0];
    if (!t) throw new NotFoundError();
    if (ctx.actor.role === 'helper') {
      const ids = await actorCadreIds(tx, ctx.actor);
      if (!ids.includes(t.cadre_id as string)) throw new NotFoundError();
    } else if (!actorCovers(ctx.actor, t.village_code as string)) throw new NotFoundError();
    if (t.version !== input.version) throw new ConflictError('该任务已被他人修改，请刷新后重试', { currentVersion: t.version }, 'STALE_VERSION');
    if (t.status === 'done') throw new ConflictError('该回头看任务已记录结果', undefined, 'ALREADY_DONE');
    let clueId: string | null = null;
    if (input.riskFound) {
      clueId = newId();
      await tx.execute(
        `INSERT INTO monitoring_clues (county_code, id, household_id, village_code, source, kind, description, facts, first_seen, created_by, created_by_name)
         VALUES ($1,$2,$3,$4,'cadre_visit',$5,$6,'{}'::jsonb,$7,$8,$9)`,
        [t.county_code, clueId, t.household_id, t.village_code, input.riskKind, `回头看（${t.cycle}）：${input.findings.trim()}`, input.visitedOn, ctx.actor.id, ctx.actor.displayName || ctx.actor.username]);
    }
    await tx.execute(
      `UPDATE inspection_tasks SET status = 'done', findings = $3, risk_found = $4, risk_kind = $5, clue_id = $6, visited_on = $7, recorded_by = $8, version = version + 1
        WHERE county_code = $1 AND id = $2`,
      [t.county_code, id, input.findings.trim(), input.riskFound, input.riskFound ? input.riskKind : null, clueId, input.visitedOn, ctx.actor.username]);
    await audit(tx, ctx.actor, ctx.requestId, { action: 'monitoring.inspect.record', targetType: 'household', targetId: t.household_id as string, countyCode: t.county_code as string, details: { taskId: id, cycle: t.cycle, riskFound: input.riskFound, clueId } });
    return { status: 'done', clueId };
  });
}

export interface FollowUpInput {
  measureCode: string;
  description: string;
  year?: number;
  warningId?: string;
  funding?: Record<string, number>;
}

/** 回头帮: a measure into the household's plan of the year (created, copied from last year, when there is none). */
export async function addFollowUp(ctx: Ctx, householdId: string, input: FollowUpInput): Promise<{ planId: string; measureId: string; warningHandled: boolean }> {
  assertCan(ctx.actor, 'monitoring.write');
  assertCan(ctx.actor, 'assistance.write');
  const year = input.year ?? Number(today().slice(0, 4));
  if (!input.description || input.description.trim().length < 4) invalid('description', input.description, 'TEXT', '须说明回头帮措施的内容（至少4个字）');
  return ctx.db.transaction(async (tx) => {
    const h = await scopedHousehold(ctx, tx, householdId);
    assertWritable(h);
    const plan = (await tx.query<Row>('SELECT id FROM assistance_plans WHERE county_code = $1 AND household_id = $2 AND year = $3', [h.countyCode, h.id, year]))[0];
    const planId = plan ? (plan.id as string) : await createPlanTx(tx, ctx, h, { year });
    const measureId = await insertMeasureTx(tx, ctx, h, planId, {
      measureCode: input.measureCode, description: `回头帮：${input.description.trim()}`, status: 'planned', source: 'huitoubang', funding: input.funding,
    });
    if (input.warningId) await handleWarningTx(tx, ctx, h.countyCode, h.id, input.warningId, `回头帮措施已列入${year}年帮扶计划（${input.measureCode}）`);
    await audit(tx, ctx.actor, ctx.requestId, { action: 'monitoring.followup', targetType: 'household', targetId: h.id, countyCode: h.countyCode, details: { planId, measureId, measureCode: input.measureCode, warningId: input.warningId ?? null } });
    return { planId, measureId, warningHandled: !!input.warningId };
  });
}
