import { audit } from '../../core/audit.js';
import type { Ctx } from '../../core/context.js';
import { ConflictError, NotFoundError, ValidationError } from '../../core/errors.js';
import { newId } from '../../core/ids.js';
import { targetById } from '../../domain/targets/catalog.js';
import { DISPATCH_CADENCE, isOverdue, missingPeriods, parseDay, periodOf, type Cadence } from '../../domain/targets/dispatch.js';
import { entryLevelOf } from '../../domain/targets/entry.js';
import { assertCan } from '../access/policy.js';
import { actorCovers, inSubtree, scopeSql, subtreeRange } from '../access/scope.js';

/**
 * 调度 (seed 五(一)): the working groups, their task lists (owner, deadline, done or overdue), and
 * the dispatch meetings each office holds at the seed's cadence (city monthly, county weekly,
 * township and village daily), with the periods that had none. Writes are audited.
 */

function bad(field: string, value: unknown, reason: string): never {
  throw new ValidationError(`${field}「${String(value)}」：${reason}`, { field, value, reason });
}

const today = () => new Date().toISOString().slice(0, 10);
const day = (v: Date | string | null) => (v === null ? null : typeof v === 'string' ? v.slice(0, 10) : v.toISOString().slice(0, 10));

function checkDay(field: string, v: string): void {
  try {
    parseDay(v);
  } catch (e) {
    bad(field, v, (e as Error).message);
  }
}

async function checkRegion(ctx: Ctx, code: string): Promise<void> {
  if (!/^\d{12}$/.test(code) || entryLevelOf(code) === null) bad('regionCode', code, '应为市、县、乡镇或村的 12 位区划代码');
  if (!actorCovers(ctx.actor, code)) throw new NotFoundError('区划不存在或不在本人辖区内');
  const r = await ctx.db.query('SELECT 1 FROM regions WHERE code = $1', [code]);
  if (!r.length) bad('regionCode', code, '区划不存在');
}

export interface DispatchGroup { id: string; name: string; lead: string; regionCode: string; openTasks: number; overdueTasks: number }

/** The groups whose region is in the actor's scope or above it (a city group directs the counties). */
export async function listGroups(ctx: Ctx, opts: { today?: string } = {}): Promise<DispatchGroup[]> {
  assertCan(ctx.actor, 'dispatch.read');
  const params: unknown[] = [opts.today ?? today()];
  const taskScope = scopeSql(ctx.actor, 't.region_code', params);
  const rows = await ctx.db.query<{ id: string; name: string; lead: string; region_code: string; open: number; overdue: number }>(
    `SELECT g.id, g.name, g.lead, g.region_code,
            count(t.id) FILTER (WHERE t.done_on IS NULL)::int AS open,
            count(t.id) FILTER (WHERE t.done_on IS NULL AND t.deadline < $1::date)::int AS overdue
       FROM dispatch_groups g LEFT JOIN dispatch_tasks t ON t.group_id = g.id AND ${taskScope}
      GROUP BY g.id ORDER BY g.name`, params);
  return rows.filter((r) => actorCovers(ctx.actor, r.region_code) || inSubtree(r.region_code, ctx.actor.regionCode))
    .map((r) => ({ id: r.id, name: r.name, lead: r.lead, regionCode: r.region_code, openTasks: r.open, overdueTasks: r.overdue }));
}

export async function createGroup(ctx: Ctx, input: { name: string; lead: string; regionCode: string }): Promise<DispatchGroup> {
  assertCan(ctx.actor, 'dispatch.write');
  const name = input.name.trim();
  const lead = input.lead.trim();
  if (!name) bad('name', input.name, '请填写工作组名称');
  if (!lead) bad('lead', input.lead, '请填写牵头负责人');
  await checkRegion(ctx, input.regionCode);
  const id = newId();
  await ctx.db.transaction(async (tx) => {
    const dup = await tx.query('SELECT 1 FROM dispatch_groups WHERE name = $1', [name]);
    if (dup.length) throw new ConflictError(`工作组「${name}」已存在`, { field: 'name', value: name }, 'DUPLICATE');
    await tx.execute('INSERT INTO dispatch_groups (id, name, lead, region_code) VALUES ($1, $2, $3, $4)', [id, name, lead, input.regionCode]);
    await audit(tx, ctx.actor, ctx.requestId, { action: 'dispatch.group_create', targetType: 'dispatch_group', targetId: id, details: { name, lead, region: input.regionCode } });
  });
  return { id, name, lead, regionCode: input.regionCode, openTasks: 0, overdueTasks: 0 };
}

export interface DispatchTask {
  id: string; groupId: string | null; groupName: string | null; regionCode: string; regionName: string | null; title: string; owner: string;
  deadline: string; targetId: string | null; doneOn: string | null; doneNote: string | null; overdue: boolean; version: number;
}

interface TaskRow {
  id: string; group_id: string | null; group_name: string | null; region_code: string; region_name: string | null; title: string; owner: string;
  deadline: Date | string; target_id: string | null; done_on: Date | string | null; done_note: string | null; version: number;
}

const TASK_SELECT = `SELECT t.*, g.name AS group_name, r.name AS region_name FROM dispatch_tasks t
  LEFT JOIN dispatch_groups g ON g.id = t.group_id LEFT JOIN regions r ON r.code = t.region_code`;

const toTask = (r: TaskRow, now: string): DispatchTask => {
  const deadline = day(r.deadline)!;
  const doneOn = day(r.done_on);
  return {
    id: r.id, groupId: r.group_id, groupName: r.group_name, regionCode: r.region_code, regionName: r.region_name, title: r.title, owner: r.owner,
    deadline, targetId: r.target_id, doneOn, doneNote: r.done_note, overdue: isOverdue({ deadline, doneOn }, now), version: r.version,
  };
};

export async function listTasks(ctx: Ctx, f: { region?: string; groupId?: string; overdue?: boolean; open?: boolean; today?: string } = {}): Promise<DispatchTask[]> {
  assertCan(ctx.actor, 'dispatch.read');
  const now = f.today ?? today();
  const params: unknown[] = [];
  const where = [scopeSql(ctx.actor, 't.region_code', params)];
  if (f.region) {
    if (!actorCovers(ctx.actor, f.region)) throw new NotFoundError('区划不存在或不在本人辖区内');
    const { lo, hi } = subtreeRange(f.region);
    params.push(lo, hi);
    where.push(`t.region_code BETWEEN $${params.length - 1} AND $${params.length}`);
  }
  if (f.groupId) { params.push(f.groupId); where.push(`t.group_id = $${params.length}::uuid`); }
  if (f.open || f.overdue) where.push('t.done_on IS NULL');
  if (f.overdue) { params.push(now); where.push(`t.deadline < $${params.length}::date`); }
  const rows = await ctx.db.query<TaskRow>(`${TASK_SELECT} WHERE ${where.join(' AND ')} ORDER BY t.done_on IS NOT NULL, t.deadline, t.id LIMIT 2000`, params);
  return rows.map((r) => toTask(r, now));
}

export async function createTask(ctx: Ctx, input: { groupId?: string | null; regionCode: string; title: string; owner: string; deadline: string; targetId?: string | null }): Promise<DispatchTask> {
  assertCan(ctx.actor, 'dispatch.write');
  const title = input.title.trim();
  const owner = input.owner.trim();
  if (!title) bad('title', input.title, '请填写任务内容');
  if (!owner) bad('owner', input.owner, '请填写责任人');
  checkDay('deadline', input.deadline);
  if (input.targetId && !targetById(input.targetId)) bad('targetId', input.targetId, '目标不存在');
  await checkRegion(ctx, input.regionCode);
  const id = newId();
  return ctx.db.transaction(async (tx) => {
    if (input.groupId) {
      // The task lies in the group's region (a city group's tasks go to any county of the city).
      const g = await tx.query<{ region_code: string }>('SELECT region_code FROM dispatch_groups WHERE id = $1::uuid', [input.groupId]);
      if (!g[0] || !inSubtree(g[0].region_code, input.regionCode)) bad('groupId', input.groupId, '工作组不存在或任务区划不在该工作组范围内');
    }
    await tx.execute(
      `INSERT INTO dispatch_tasks (id, group_id, region_code, title, owner, deadline, target_id, created_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [id, input.groupId ?? null, input.regionCode, title, owner, input.deadline, input.targetId ?? null, ctx.actor.username]);
    await audit(tx, ctx.actor, ctx.requestId, {
      action: 'dispatch.task_create', targetType: 'dispatch_task', targetId: id, countyCode: countyOf(input.regionCode),
      details: { title, owner, deadline: input.deadline, region: input.regionCode, groupId: input.groupId ?? null },
    });
    const rows = await tx.query<TaskRow>(`${TASK_SELECT} WHERE t.id = $1`, [id]);
    return toTask(rows[0]!, today());
  });
}

export async function completeTask(ctx: Ctx, id: string, input: { version: number; doneOn?: string; note?: string }): Promise<DispatchTask> {
  assertCan(ctx.actor, 'dispatch.write');
  if (!/^[0-9a-f-]{36}$/i.test(id)) throw new NotFoundError();
  const doneOn = input.doneOn ?? today();
  checkDay('doneOn', doneOn);
  return ctx.db.transaction(async (tx) => {
    const params: unknown[] = [id];
    const rows = await tx.query<TaskRow>(`${TASK_SELECT} WHERE t.id = $1 AND ${scopeSql(ctx.actor, 't.region_code', params)} FOR UPDATE OF t`, params);
    const cur = rows[0];
    if (!cur) throw new NotFoundError();
    if (cur.version !== input.version) throw new ConflictError('该任务已被他人更新，请刷新后重试', { version: cur.version }, 'STALE_VERSION');
    if (cur.done_on !== null) throw new ConflictError('该任务已完成', { doneOn: day(cur.done_on) }, 'ALREADY_DONE');
    await tx.execute('UPDATE dispatch_tasks SET done_on = $2, done_note = $3, version = version + 1, updated_at = now() WHERE id = $1', [id, doneOn, input.note?.trim() || null]);
    await audit(tx, ctx.actor, ctx.requestId, {
      action: 'dispatch.task_done', targetType: 'dispatch_task', targetId: id, countyCode: countyOf(cur.region_code),
      details: { doneOn, deadline: day(cur.deadline), late: parseDay(doneOn) > parseDay(day(cur.deadline)!) },
    });
    const after = await tx.query<TaskRow>(`${TASK_SELECT} WHERE t.id = $1`, [id]);
    return toTask(after[0]!, today());
  });
}

export interface DispatchReport { id: string; regionCode: string; regionName: string | null; heldOn: string; period: string; chair: string; summary: string; reportedBy: string }

/** Record a dispatch meeting of an office in the actor's scope, at most one per region and cadence period. */
export async function addReport(ctx: Ctx, input: { regionCode: string; heldOn: string; chair: string; summary: string }): Promise<DispatchReport> {
  assertCan(ctx.actor, 'dispatch.write');
  await checkRegion(ctx, input.regionCode);
  checkDay('heldOn', input.heldOn);
  if (parseDay(input.heldOn) > parseDay(today())) bad('heldOn', input.heldOn, '调度日期不能晚于今天');
  const chair = input.chair.trim();
  const summary = input.summary.trim();
  if (!chair) bad('chair', input.chair, '请填写主持调度的负责人');
  if (summary.length < 2) bad('summary', input.summary, '请填写调度内容');
  const cadence = DISPATCH_CADENCE[entryLevelOf(input.regionCode)!];
  const period = periodOf(cadence, input.heldOn);
  const id = newId();
  return ctx.db.transaction(async (tx) => {
    await tx.execute('SELECT pg_advisory_xact_lock(7420002)');
    const dup = await tx.query('SELECT 1 FROM dispatch_reports WHERE region_code = $1 AND period = $2', [input.regionCode, period]);
    if (dup.length) throw new ConflictError(`该区划 ${period} 的调度已记录`, { field: 'heldOn', value: input.heldOn, period }, 'DUPLICATE');
    await tx.execute(
      'INSERT INTO dispatch_reports (id, region_code, held_on, period, chair, summary, reported_by) VALUES ($1, $2, $3, $4, $5, $6, $7)',
      [id, input.regionCode, input.heldOn, period, chair, summary, ctx.actor.username]);
    await audit(tx, ctx.actor, ctx.requestId, {
      action: 'dispatch.report', targetType: 'dispatch_report', targetId: id, countyCode: countyOf(input.regionCode),
      details: { region: input.regionCode, heldOn: input.heldOn, period, chair },
    });
    const rows = await tx.query<{ name: string }>('SELECT name FROM regions WHERE code = $1', [input.regionCode]);
    return { id, regionCode: input.regionCode, regionName: rows[0]?.name ?? null, heldOn: input.heldOn, period, chair, summary, reportedBy: ctx.actor.username };
  });
}

export interface CadenceRow { regionCode: string; regionName: string | null; level: string; cadence: Cadence; held: number; expected: number; missing: string[]; lastHeldOn: string | null }

/**
 * For each region of the actor's scope that has held or owes dispatch meetings (the actor's own
 * region and the regions below it down to `depth` levels, default the next one), the periods of
 * [from, to] with a meeting and the ones without.
 */
export async function cadenceStatus(ctx: Ctx, input: { region?: string; from: string; to: string; today?: string }): Promise<CadenceRow[]> {
  assertCan(ctx.actor, 'dispatch.read');
  checkDay('from', input.from);
  checkDay('to', input.to);
  if (parseDay(input.to) < parseDay(input.from)) bad('to', input.to, '结束日期早于开始日期');
  if (parseDay(input.to) - parseDay(input.from) > 366 * 86_400_000) bad('to', input.to, '时间范围不能超过一年');
  const root = input.region ?? ctx.actor.regionCode;
  if (!actorCovers(ctx.actor, root)) throw new NotFoundError('区划不存在或不在本人辖区内');
  const now = input.today ?? today();
  const { lo, hi } = subtreeRange(root);
  const regions = await ctx.db.query<{ code: string; name: string; parent_code: string | null }>(
    `SELECT code, name, parent_code FROM regions WHERE (code = $1 OR parent_code = $1) AND code BETWEEN $2 AND $3
        AND (effective_to IS NULL OR effective_to > CURRENT_DATE) ORDER BY code`, [root, lo, hi]);
  const reports = await ctx.db.query<{ region_code: string; held_on: Date | string }>(
    `SELECT region_code, held_on FROM dispatch_reports WHERE region_code = ANY($1::text[]) AND held_on BETWEEN $2::date AND $3::date`,
    [regions.map((r) => r.code), input.from, input.to]);
  const byRegion = new Map<string, string[]>();
  for (const r of reports) byRegion.set(r.region_code, [...(byRegion.get(r.region_code) ?? []), day(r.held_on)!]);
  const out: CadenceRow[] = [];
  for (const r of regions) {
    const level = entryLevelOf(r.code);
    if (level === null) continue;
    const cadence = DISPATCH_CADENCE[level];
    const held = byRegion.get(r.code) ?? [];
    const missing = missingPeriods(cadence, held, input.from, input.to, now);
    const heldPeriods = new Set(held.map((d) => periodOf(cadence, d)));
    out.push({
      regionCode: r.code, regionName: r.name, level, cadence, held: heldPeriods.size, expected: heldPeriods.size + missing.length, missing,
      lastHeldOn: held.length ? held.sort().at(-1)! : null,
    });
  }
  return out;
}

function countyOf(region: string): string | null {
  return entryLevelOf(region) === 'city' ? null : region.slice(0, 6);
}
