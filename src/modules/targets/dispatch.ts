import { audit } from '../../core/audit.js';
import type { Ctx } from '../../core/context.js';
import type { Queryable } from '../../core/db.js';
import { ConflictError, NotFoundError, ValidationError } from '../../core/errors.js';
import { newId } from '../../core/ids.js';
import { targetById } from '../../domain/targets/catalog.js';
import { daysOverdue, isOverdue, parseDay } from '../../domain/targets/dispatch.js';
import { entryLevelOf } from '../../domain/targets/entry.js';
import { assertCan } from '../access/policy.js';
import { actorCovers, inSubtree, scopeSql, subtreeRange } from '../access/scope.js';
import { chinaDay, todayCn } from '../../domain/dates.js';

/**
 * 调度 (seed 五(一)): the working groups (专责工作组, with their member units) and their task lists
 * (owner, deadline, progress, done or overdue). The dispatch meetings at the seed's cadence are in
 * dispatch-cadence.ts. Writes carry the record's version (a stale one answers 409) and are audited
 * in the same transaction.
 */

export function bad(field: string, value: unknown, reason: string): never {
  throw new ValidationError(`${field}「${String(value)}」：${reason}`, { field, value, reason });
}

export const today = (): string => todayCn();
/** A date column's day as written; a timestamp's day in Lanzhou (UTC+8). */
export const day = (v: Date | string | null) => (v === null ? null : typeof v === 'string' ? v.slice(0, 10) : chinaDay(v));
const iso = (v: Date | string | null) => (v === null ? null : new Date(v).toISOString());

export function checkDay(field: string, v: string): void {
  try {
    parseDay(v);
  } catch (e) {
    bad(field, v, (e as Error).message);
  }
}

export async function checkRegion(ctx: Ctx, code: string): Promise<void> {
  if (!/^\d{12}$/.test(code) || entryLevelOf(code) === null) bad('regionCode', code, '应为市、县、乡镇或村的 12 位区划代码');
  if (!actorCovers(ctx.actor, code)) throw new NotFoundError('区划不存在或不在本人辖区内');
  const r = await ctx.db.query('SELECT 1 FROM regions WHERE code = $1', [code]);
  if (!r.length) bad('regionCode', code, '区划不存在');
}

export function countyOf(region: string): string | null {
  return entryLevelOf(region) === 'city' ? null : region.slice(0, 6);
}

const isUuid = (id: string) => /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id);

function stale(version: number): never {
  throw new ConflictError('该记录已被他人修改，请刷新后重试', { version }, 'STALE_VERSION');
}

// ── working groups ────────────────────────────────────────────────────────────────────────

export interface DispatchGroup {
  id: string; name: string; lead: string; regionCode: string; regionName: string | null; members: string[]; version: number;
  openTasks: number; overdueTasks: number;
}

function cleanMembers(members: readonly string[] | undefined): string[] {
  const out: string[] = [];
  for (const m of members ?? []) {
    const v = m.trim();
    if (v && !out.includes(v)) out.push(v);
  }
  if (out.length > 100) bad('members', out.length, '成员最多 100 个');
  return out;
}

/** The groups whose region is in the actor's scope or above it (a city group directs the counties). */
export async function listGroups(ctx: Ctx, opts: { today?: string } = {}): Promise<DispatchGroup[]> {
  assertCan(ctx.actor, 'dispatch.read');
  const params: unknown[] = [opts.today ?? today()];
  const taskScope = scopeSql(ctx.actor, 't.region_code', params);
  const rows = await ctx.db.query<{ id: string; name: string; lead: string; region_code: string; region_name: string | null; members: string[]; version: number; open: number; overdue: number }>(
    `SELECT g.id, g.name, g.lead, g.region_code, r.name AS region_name, g.members, g.version,
            count(t.id) FILTER (WHERE t.done_on IS NULL)::int AS open,
            count(t.id) FILTER (WHERE t.done_on IS NULL AND t.deadline < $1::date)::int AS overdue
       FROM dispatch_groups g LEFT JOIN regions r ON r.code = g.region_code
       LEFT JOIN dispatch_tasks t ON t.group_id = g.id AND ${taskScope}
      GROUP BY g.id, r.name ORDER BY g.name`, params);
  return rows.filter((r) => actorCovers(ctx.actor, r.region_code) || inSubtree(r.region_code, ctx.actor.regionCode))
    .map((r) => ({
      id: r.id, name: r.name, lead: r.lead, regionCode: r.region_code, regionName: r.region_name, members: r.members, version: r.version,
      openTasks: r.open, overdueTasks: r.overdue,
    }));
}

export async function createGroup(ctx: Ctx, input: { name: string; lead: string; regionCode: string; members?: string[] }): Promise<DispatchGroup> {
  assertCan(ctx.actor, 'dispatch.write');
  const name = input.name.trim();
  const lead = input.lead.trim();
  if (!name) bad('name', input.name, '请填写工作组名称');
  if (!lead) bad('lead', input.lead, '请填写牵头负责人');
  const members = cleanMembers(input.members);
  await checkRegion(ctx, input.regionCode);
  const id = newId();
  await ctx.db.transaction(async (tx) => {
    const dup = await tx.query('SELECT 1 FROM dispatch_groups WHERE name = $1', [name]);
    if (dup.length) throw new ConflictError(`工作组「${name}」已存在`, { field: 'name', value: name }, 'DUPLICATE');
    await tx.execute('INSERT INTO dispatch_groups (id, name, lead, region_code, members) VALUES ($1, $2, $3, $4, $5)', [id, name, lead, input.regionCode, members]);
    await audit(tx, ctx.actor, ctx.requestId, { action: 'dispatch.group_create', targetType: 'dispatch_group', targetId: id, details: { name, lead, region: input.regionCode, members } });
  });
  const rows = await ctx.db.query<{ name: string }>('SELECT name FROM regions WHERE code = $1', [input.regionCode]);
  return { id, name, lead, regionCode: input.regionCode, regionName: rows[0]?.name ?? null, members, version: 1, openTasks: 0, overdueTasks: 0 };
}

/** Change a group's lead or members (the office whose region runs the group, or one above it). */
export async function updateGroup(ctx: Ctx, id: string, input: { version: number; lead?: string; members?: string[] }): Promise<DispatchGroup> {
  assertCan(ctx.actor, 'dispatch.write');
  if (!isUuid(id)) throw new NotFoundError();
  const lead = input.lead?.trim();
  if (input.lead !== undefined && !lead) bad('lead', input.lead, '请填写牵头负责人');
  const members = input.members === undefined ? undefined : cleanMembers(input.members);
  await ctx.db.transaction(async (tx) => {
    const rows = await tx.query<{ region_code: string; version: number; lead: string; members: string[] }>(
      'SELECT region_code, version, lead, members FROM dispatch_groups WHERE id = $1 FOR UPDATE', [id]);
    const cur = rows[0];
    if (!cur || !actorCovers(ctx.actor, cur.region_code)) throw new NotFoundError();
    if (cur.version !== input.version) stale(cur.version);
    await tx.execute('UPDATE dispatch_groups SET lead = $2, members = $3, version = version + 1 WHERE id = $1', [id, lead ?? cur.lead, members ?? cur.members]);
    await audit(tx, ctx.actor, ctx.requestId, {
      action: 'dispatch.group_update', targetType: 'dispatch_group', targetId: id,
      details: { before: { lead: cur.lead, members: cur.members }, after: { lead: lead ?? cur.lead, members: members ?? cur.members } },
    });
  });
  const all = await listGroups(ctx);
  return all.find((g) => g.id === id)!;
}

// ── tasks ─────────────────────────────────────────────────────────────────────────────────

export type TaskStatus = 'open' | 'overdue' | 'done';

export interface DispatchTask {
  id: string; groupId: string | null; groupName: string | null; regionCode: string; regionName: string | null; title: string; owner: string;
  deadline: string; targetId: string | null; doneOn: string | null; doneNote: string | null; overdue: boolean; overdueDays: number;
  status: TaskStatus; progress: number; progressNote: string | null; progressAt: string | null; createdBy: string; version: number;
}

interface TaskRow {
  id: string; group_id: string | null; group_name: string | null; region_code: string; region_name: string | null; title: string; owner: string;
  deadline: Date | string; target_id: string | null; done_on: Date | string | null; done_note: string | null; progress: number;
  progress_note: string | null; progress_at: Date | string | null; created_by: string; version: number;
}

const TASK_SELECT = `SELECT t.*, g.name AS group_name, r.name AS region_name FROM dispatch_tasks t
  LEFT JOIN dispatch_groups g ON g.id = t.group_id LEFT JOIN regions r ON r.code = t.region_code`;

const toTask = (r: TaskRow, now: string): DispatchTask => {
  const deadline = day(r.deadline)!;
  const doneOn = day(r.done_on);
  const overdue = isOverdue({ deadline, doneOn }, now);
  return {
    id: r.id, groupId: r.group_id, groupName: r.group_name, regionCode: r.region_code, regionName: r.region_name, title: r.title, owner: r.owner,
    deadline, targetId: r.target_id, doneOn, doneNote: r.done_note, overdue, overdueDays: daysOverdue({ deadline, doneOn }, now),
    status: doneOn !== null ? 'done' : overdue ? 'overdue' : 'open', progress: r.progress, progressNote: r.progress_note,
    progressAt: iso(r.progress_at), createdBy: r.created_by, version: r.version,
  };
};

export interface TaskFilter { region?: string; groupId?: string; status?: TaskStatus; overdue?: boolean; open?: boolean; today?: string }

export async function listTasks(ctx: Ctx, f: TaskFilter = {}): Promise<DispatchTask[]> {
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
  const overdue = f.overdue || f.status === 'overdue';
  if (f.open || overdue || f.status === 'open') where.push('t.done_on IS NULL');
  if (f.status === 'done') where.push('t.done_on IS NOT NULL');
  if (overdue) { params.push(now); where.push(`t.deadline < $${params.length}::date`); }
  if (f.status === 'open') { params.push(now); where.push(`t.deadline >= $${params.length}::date`); }
  const rows = await ctx.db.query<TaskRow>(`${TASK_SELECT} WHERE ${where.join(' AND ')} ORDER BY t.done_on IS NOT NULL, t.deadline, t.id LIMIT 2000`, params);
  return rows.map((r) => toTask(r, now));
}

export interface TaskProgress { id: string; percent: number; note: string; recordedBy: string; recordedAt: string }

/** One task of the actor's scope with its progress history, newest first. */
export async function getTask(ctx: Ctx, id: string): Promise<DispatchTask & { history: TaskProgress[] }> {
  assertCan(ctx.actor, 'dispatch.read');
  const task = await taskInScope(ctx, ctx.db, id, false);
  const rows = await ctx.db.query<{ id: string; percent: number; note: string; recorded_by: string; recorded_at: Date | string }>(
    'SELECT id, percent, note, recorded_by, recorded_at FROM dispatch_task_progress WHERE task_id = $1 ORDER BY recorded_at DESC, id DESC', [id]);
  return { ...toTask(task, today()), history: rows.map((r) => ({ id: r.id, percent: r.percent, note: r.note, recordedBy: r.recorded_by, recordedAt: iso(r.recorded_at)! })) };
}

async function taskInScope(ctx: Ctx, q: Queryable, id: string, lock: boolean): Promise<TaskRow> {
  if (!isUuid(id)) throw new NotFoundError();
  const params: unknown[] = [id];
  const rows = await q.query<TaskRow>(`${TASK_SELECT} WHERE t.id = $1 AND ${scopeSql(ctx.actor, 't.region_code', params)}${lock ? ' FOR UPDATE OF t' : ''}`, params);
  if (!rows[0]) throw new NotFoundError();
  return rows[0];
}

async function checkGroup(q: Queryable, groupId: string, regionCode: string): Promise<void> {
  // The task lies in the group's region (a city group's tasks go to any county of the city).
  const g = await q.query<{ region_code: string }>('SELECT region_code FROM dispatch_groups WHERE id = $1::uuid', [groupId]);
  if (!g[0] || !inSubtree(g[0].region_code, regionCode)) bad('groupId', groupId, '工作组不存在或任务区划不在该工作组范围内');
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
    if (input.groupId) await checkGroup(tx, input.groupId, input.regionCode);
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

/** Edit an open task: its content, owner, deadline or group (the region stays). */
export async function updateTask(ctx: Ctx, id: string, input: { version: number; title?: string; owner?: string; deadline?: string; groupId?: string | null; targetId?: string | null }): Promise<DispatchTask> {
  assertCan(ctx.actor, 'dispatch.write');
  const title = input.title?.trim();
  const owner = input.owner?.trim();
  if (input.title !== undefined && !title) bad('title', input.title, '请填写任务内容');
  if (input.owner !== undefined && !owner) bad('owner', input.owner, '请填写责任人');
  if (input.deadline !== undefined) checkDay('deadline', input.deadline);
  if (input.targetId && !targetById(input.targetId)) bad('targetId', input.targetId, '目标不存在');
  return ctx.db.transaction(async (tx) => {
    const cur = await taskInScope(ctx, tx, id, true);
    if (cur.version !== input.version) stale(cur.version);
    if (cur.done_on !== null) throw new ConflictError('该任务已完成，不能再修改', { doneOn: day(cur.done_on) }, 'ALREADY_DONE');
    if (input.groupId) await checkGroup(tx, input.groupId, cur.region_code);
    const before = { title: cur.title, owner: cur.owner, deadline: day(cur.deadline), groupId: cur.group_id, targetId: cur.target_id };
    const after = {
      title: title ?? cur.title, owner: owner ?? cur.owner, deadline: input.deadline ?? day(cur.deadline),
      groupId: input.groupId === undefined ? cur.group_id : input.groupId, targetId: input.targetId === undefined ? cur.target_id : input.targetId,
    };
    await tx.execute(
      `UPDATE dispatch_tasks SET title = $2, owner = $3, deadline = $4, group_id = $5, target_id = $6, version = version + 1, updated_at = now() WHERE id = $1`,
      [id, after.title, after.owner, after.deadline, after.groupId, after.targetId]);
    await audit(tx, ctx.actor, ctx.requestId, {
      action: 'dispatch.task_update', targetType: 'dispatch_task', targetId: id, countyCode: countyOf(cur.region_code), details: { before, after },
    });
    const rows = await tx.query<TaskRow>(`${TASK_SELECT} WHERE t.id = $1`, [id]);
    return toTask(rows[0]!, today());
  });
}

/** Record how far an open task has got (0–100 %) and what was done; kept as history. */
export async function recordProgress(ctx: Ctx, id: string, input: { version: number; percent: number; note: string }): Promise<DispatchTask> {
  assertCan(ctx.actor, 'dispatch.write');
  if (!Number.isInteger(input.percent) || input.percent < 0 || input.percent > 100) bad('percent', input.percent, '进度应为 0–100 的整数');
  const note = input.note.trim();
  if (note.length < 2) bad('note', input.note, '请填写进展情况');
  return ctx.db.transaction(async (tx) => {
    const cur = await taskInScope(ctx, tx, id, true);
    if (cur.version !== input.version) stale(cur.version);
    if (cur.done_on !== null) throw new ConflictError('该任务已完成', { doneOn: day(cur.done_on) }, 'ALREADY_DONE');
    await tx.execute('INSERT INTO dispatch_task_progress (id, task_id, percent, note, recorded_by) VALUES ($1, $2, $3, $4, $5)',
      [newId(), id, input.percent, note, ctx.actor.username]);
    await tx.execute('UPDATE dispatch_tasks SET progress = $2, progress_note = $3, progress_at = now(), version = version + 1, updated_at = now() WHERE id = $1',
      [id, input.percent, note]);
    await audit(tx, ctx.actor, ctx.requestId, {
      action: 'dispatch.task_progress', targetType: 'dispatch_task', targetId: id, countyCode: countyOf(cur.region_code),
      details: { before: cur.progress, after: input.percent, note },
    });
    const rows = await tx.query<TaskRow>(`${TASK_SELECT} WHERE t.id = $1`, [id]);
    return toTask(rows[0]!, today());
  });
}

export async function completeTask(ctx: Ctx, id: string, input: { version: number; doneOn?: string; note?: string }): Promise<DispatchTask> {
  assertCan(ctx.actor, 'dispatch.write');
  const doneOn = input.doneOn ?? today();
  checkDay('doneOn', doneOn);
  return ctx.db.transaction(async (tx) => {
    const cur = await taskInScope(ctx, tx, id, true);
    if (cur.version !== input.version) stale(cur.version);
    if (cur.done_on !== null) throw new ConflictError('该任务已完成', { doneOn: day(cur.done_on) }, 'ALREADY_DONE');
    await tx.execute('UPDATE dispatch_tasks SET done_on = $2, done_note = $3, progress = 100, version = version + 1, updated_at = now() WHERE id = $1', [id, doneOn, input.note?.trim() || null]);
    await audit(tx, ctx.actor, ctx.requestId, {
      action: 'dispatch.task_done', targetType: 'dispatch_task', targetId: id, countyCode: countyOf(cur.region_code),
      details: { doneOn, deadline: day(cur.deadline), late: parseDay(doneOn) > parseDay(day(cur.deadline)!) },
    });
    const after = await tx.query<TaskRow>(`${TASK_SELECT} WHERE t.id = $1`, [id]);
    return toTask(after[0]!, today());
  });
}
