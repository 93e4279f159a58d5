import { audit } from '../../core/audit.js';
import type { Ctx } from '../../core/context.js';
import { ConflictError, NotFoundError, ValidationError } from '../../core/errors.js';
import { newId } from '../../core/ids.js';
import { assertCan } from '../access/policy.js';
import { actorCovers, scopeSql, subtreeRange } from '../access/scope.js';
import { todayCn } from '../../domain/dates.js';

/**
 * Review cycles (seed 三(七): dynamic management every quarter). The city office opens a quarter
 * and sets its deadlines per level; proposals are made inside the open cycle; the cycle closes
 * once every proposal in it is decided, and closing freezes each household's status into
 * review_snapshots, which that period's statistics read.
 */

export interface Cycle {
  id: string;
  year: number;
  quarter: number;
  title: string;
  status: 'open' | 'closed';
  villageDeadline: string;
  townshipDeadline: string;
  countyDeadline: string;
  note: string | null;
  openedByName: string;
  openedAt: string;
  closedByName: string | null;
  closedAt: string | null;
  snapshotRows: number | null;
  version: number;
}

const CYCLE_SELECT = `id, year, quarter, title, status, village_deadline AS "villageDeadline", township_deadline AS "townshipDeadline",
  county_deadline AS "countyDeadline", note, opened_by_name AS "openedByName", opened_at AS "openedAt", closed_by_name AS "closedByName",
  closed_at AS "closedAt", snapshot_rows AS "snapshotRows", version`;

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** Today in China, 'YYYY-MM-DD': notices and deadlines run on local days (domain/dates.ts). */
export { todayCn };

export interface OpenCycleInput {
  year: number;
  quarter: number;
  villageDeadline: string;
  townshipDeadline: string;
  countyDeadline: string;
  note?: string;
}

function quarterBounds(year: number, quarter: number): { from: string; to: string } {
  const m = (quarter - 1) * 3 + 1;
  const from = `${year}-${String(m).padStart(2, '0')}-01`;
  const end = new Date(Date.UTC(year, m + 2, 0));
  return { from, to: end.toISOString().slice(0, 10) };
}

export async function openCycle(ctx: Ctx, input: OpenCycleInput): Promise<Cycle> {
  assertCan(ctx.actor, 'review.cycles');
  const errors: { field: string; value: unknown; code: string; message: string }[] = [];
  if (!Number.isInteger(input.year) || input.year < 2014 || input.year > 2100) errors.push({ field: 'year', value: input.year, code: 'INVALID', message: '年度应在 2014–2100 之间' });
  if (![1, 2, 3, 4].includes(input.quarter)) errors.push({ field: 'quarter', value: input.quarter, code: 'INVALID', message: '季度应为 1–4' });
  for (const f of ['villageDeadline', 'townshipDeadline', 'countyDeadline'] as const) {
    if (!DAY.test(input[f] ?? '') || Number.isNaN(Date.parse(input[f]))) errors.push({ field: f, value: input[f], code: 'INVALID_DATE', message: '日期格式应为 YYYY-MM-DD' });
  }
  if (!errors.length) {
    if (!(input.villageDeadline <= input.townshipDeadline && input.townshipDeadline <= input.countyDeadline)) {
      errors.push({ field: 'townshipDeadline', value: input.townshipDeadline, code: 'ORDER', message: '截止日期应依次为：村级 ≤ 乡镇 ≤ 县级' });
    }
    const { from } = quarterBounds(input.year, input.quarter);
    if (input.villageDeadline < from) errors.push({ field: 'villageDeadline', value: input.villageDeadline, code: 'BEFORE_QUARTER', message: `截止日期不能早于本季度开始（${from}）` });
  }
  if (errors.length) throw new ValidationError('开启动态管理周期的参数有误：' + errors.map((e) => e.message).join('；'), { errors });
  return ctx.db.transaction(async (tx) => {
    const open = await tx.query<{ title: string }>(`SELECT title FROM review_cycles WHERE status = 'open' FOR UPDATE`);
    if (open[0]) throw new ConflictError(`「${open[0].title}」尚未关闭，不能同时开启两个周期`, undefined, 'CYCLE_OPEN');
    const dup = await tx.query('SELECT 1 FROM review_cycles WHERE year = $1 AND quarter = $2', [input.year, input.quarter]);
    if (dup.length) throw new ConflictError(`${input.year} 年第 ${input.quarter} 季度的周期已存在`, undefined, 'CYCLE_EXISTS');
    const id = newId();
    const title = `${input.year}年第${'一二三四'[input.quarter - 1]}季度动态管理`;
    await tx.execute(
      `INSERT INTO review_cycles (id, year, quarter, title, village_deadline, township_deadline, county_deadline, note, opened_by, opened_by_name)
       VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10)`,
      [id, input.year, input.quarter, title, input.villageDeadline, input.townshipDeadline, input.countyDeadline, input.note ?? null, ctx.actor.id, ctx.actor.displayName],
    );
    await audit(tx, ctx.actor, ctx.requestId, { action: 'review.cycle_open', targetType: 'review_cycle', targetId: id, details: { ...input } });
    return (await tx.query<Cycle>(`SELECT ${CYCLE_SELECT} FROM review_cycles WHERE id = $1`, [id]))[0]!;
  });
}

export async function listCycles(ctx: Ctx): Promise<(Cycle & { counts: Record<string, number> })[]> {
  assertCan(ctx.actor, 'review.read');
  const cycles = await ctx.db.query<Cycle>(`SELECT ${CYCLE_SELECT} FROM review_cycles ORDER BY year DESC, quarter DESC`);
  const params: unknown[] = [];
  const scope = scopeSql(ctx.actor, 'village_code', params);
  const counts = await ctx.db.query<{ cycle_id: string; state: string; n: number }>(
    `SELECT cycle_id, state, count(*)::int AS n FROM review_proposals WHERE ${scope} GROUP BY cycle_id, state`, params,
  );
  return cycles.map((c) => ({
    ...c,
    counts: Object.fromEntries(counts.filter((x) => x.cycle_id === c.id).map((x) => [x.state, x.n])),
  }));
}

export async function getCycle(ctx: Ctx, id: string): Promise<Cycle> {
  assertCan(ctx.actor, 'review.read');
  if (!/^[0-9a-f-]{36}$/i.test(id)) throw new NotFoundError('周期不存在');
  const c = (await ctx.db.query<Cycle>(`SELECT ${CYCLE_SELECT} FROM review_cycles WHERE id = $1`, [id]))[0];
  if (!c) throw new NotFoundError('周期不存在');
  return c;
}

export async function currentCycle(ctx: Ctx): Promise<Cycle | null> {
  assertCan(ctx.actor, 'review.read');
  return (await ctx.db.query<Cycle>(`SELECT ${CYCLE_SELECT} FROM review_cycles WHERE status = 'open'`))[0] ?? null;
}

/**
 * Closes a cycle once every proposal in it is decided (approved, done, rejected or withdrawn), and
 * freezes each household's status, monitoring flag, size and latest per-capita income up to the
 * cycle's year into review_snapshots, in the same transaction.
 */
export async function closeCycle(ctx: Ctx, id: string, version: number): Promise<Cycle> {
  assertCan(ctx.actor, 'review.cycles');
  return ctx.db.transaction(async (tx) => {
    const c = (await tx.query<Cycle>(`SELECT ${CYCLE_SELECT} FROM review_cycles WHERE id = $1 FOR UPDATE`, [id]))[0];
    if (!c) throw new NotFoundError('周期不存在');
    if (c.version !== version) throw new ConflictError('该周期已被他人修改，请刷新后重试', { currentVersion: c.version, yourVersion: version }, 'STALE_VERSION');
    if (c.status === 'closed') throw new ConflictError('该周期已关闭', undefined, 'CYCLE_CLOSED');
    const pending = await tx.query<{ number: string; step: number; type: string }>(
      `SELECT number, step, type FROM review_proposals WHERE cycle_id = $1 AND state = 'in_progress' ORDER BY number LIMIT 50`, [id],
    );
    if (pending.length) {
      throw new ConflictError(`还有 ${pending.length}${pending.length === 50 ? '+' : ''} 件申报未完成审定，不能关闭周期：${pending.slice(0, 10).map((p) => p.number).join('、')}`,
        { pending }, 'PROPOSALS_PENDING');
    }
    const n = await tx.execute(
      `INSERT INTO review_snapshots (county_code, cycle_id, household_id, household_number, village_code, poverty_status, category,
         monitoring_category, monitored, member_count, per_capita_net)
       SELECT h.county_code, $1, h.id, h.household_number, h.village_code, h.poverty_status, h.category, h.monitoring_category,
         (h.monitoring_category IS NOT NULL AND h.monitoring_eliminated_at IS NULL),
         (SELECT count(*)::int FROM members m WHERE m.county_code = h.county_code AND m.household_id = h.id AND m.left_at IS NULL),
         (SELECT i.per_capita_net FROM household_incomes i WHERE i.county_code = h.county_code AND i.household_id = h.id AND i.year <= $2
           ORDER BY i.year DESC LIMIT 1)
       FROM households h`,
      [id, c.year],
    );
    await tx.execute(
      `UPDATE review_cycles SET status = 'closed', closed_by = $2, closed_by_name = $3, closed_at = now(), snapshot_rows = $4, version = version + 1 WHERE id = $1`,
      [id, ctx.actor.id, ctx.actor.displayName, n],
    );
    await audit(tx, ctx.actor, ctx.requestId, { action: 'review.cycle_close', targetType: 'review_cycle', targetId: id, details: { snapshotRows: n } });
    return (await tx.query<Cycle>(`SELECT ${CYCLE_SELECT} FROM review_cycles WHERE id = $1`, [id]))[0]!;
  });
}

export interface SnapshotSummaryRow {
  code: string;
  households: number;
  people: number;
  byStatus: Record<string, { households: number; people: number }>;
  monitoredHouseholds: number;
}

/**
 * The frozen statistics of a closed cycle for a region (within the actor's scope): households and
 * people by status, per child region (villages under a township, and so on).
 */
export async function snapshotSummary(ctx: Ctx, cycleId: string, region?: string): Promise<{ cycle: Cycle; region: string; total: SnapshotSummaryRow; children: SnapshotSummaryRow[] }> {
  const cycle = await getCycle(ctx, cycleId);
  if (cycle.status !== 'closed') throw new ConflictError('该周期尚未关闭，还没有冻结的统计', undefined, 'CYCLE_NOT_CLOSED');
  const root = region ?? ctx.actor.regionCode;
  if (!/^\d{12}$/.test(root) || !actorCovers(ctx.actor, root)) throw new NotFoundError('区划不存在或不在您的辖区内');
  const { lo, hi } = subtreeRange(root);
  // Child level: the next 3 (or 2) significant digits of the code.
  const sig = root.replace(/0+$/, '').length;
  const childLen = sig <= 2 ? 4 : sig <= 4 ? 6 : sig <= 6 ? 9 : 12;
  const rows = await ctx.db.query<{ child: string; status: string; households: number; people: number; monitored: number }>(
    `SELECT rpad(left(village_code, ${childLen}), 12, '0') AS child, poverty_status AS status, count(*)::int AS households,
            coalesce(sum(member_count), 0)::int AS people, count(*) FILTER (WHERE monitored)::int AS monitored
       FROM review_snapshots WHERE cycle_id = $1 AND village_code BETWEEN $2 AND $3 GROUP BY 1, 2 ORDER BY 1, 2`,
    [cycleId, lo, hi],
  );
  const make = (code: string): SnapshotSummaryRow => ({ code, households: 0, people: 0, byStatus: {}, monitoredHouseholds: 0 });
  const total = make(root);
  const children = new Map<string, SnapshotSummaryRow>();
  for (const r of rows) {
    const c = children.get(r.child) ?? make(r.child);
    children.set(r.child, c);
    for (const t of [c, total]) {
      t.households += r.households;
      t.people += r.people;
      t.monitoredHouseholds += r.monitored;
      const s = (t.byStatus[r.status] ??= { households: 0, people: 0 });
      s.households += r.households;
      s.people += r.people;
    }
  }
  return { cycle, region: root, total, children: [...children.values()] };
}
