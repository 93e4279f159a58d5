import { audit } from '../../core/audit.js';
import type { Ctx } from '../../core/context.js';
import type { Db, Queryable } from '../../core/db.js';
import { ConflictError, NotFoundError, ValidationError } from '../../core/errors.js';
import { newId } from '../../core/ids.js';
import { maskName } from '../../domain/mask.js';
import { addDays, daysShown, PROPOSAL_TYPE_LABELS, stepsOf, type ProposalType } from '../../domain/review/workflows.js';
import { assertCan } from '../access/policy.js';
import { actorCovers, scopeSql } from '../access/scope.js';
import { todayCn } from './cycles.js';
import { assertSigner, loadProposal, recordStep, type Proposal } from './proposals.js';

/**
 * 公示 and 公告. A notice step is done by posting a notice for one or more proposals at that step
 * (a village posts for its village, a township for its township, the county announces for the
 * county) and closing it once it has been on display for its minimum days with no objection. An
 * objection, from the public page or recorded by a cadre, takes its proposal off the notice and
 * back to the first step for re-check. What the public sees is frozen at posting and carries no
 * ID number, phone, bank account or health data; names are masked.
 */

export interface NoticeRow {
  proposalNumber: string;
  village: string;
  villageCode: string;
  headName: string;
  memberCount: number;
  reason: string;
  /** Set when an objection took the proposal off this notice. */
  withdrawn?: boolean;
}

export interface NoticeBody {
  intro: string;
  rows: NoticeRow[];
  objectionsTo: string;
}

export interface Notice {
  id: string;
  countyCode: string;
  cycleId: string;
  kind: 'notice' | 'announcement';
  type: ProposalType;
  stepKey: string;
  regionCode: string;
  regionName: string;
  title: string;
  body: NoticeBody;
  startsOn: string;
  minDays: number;
  endsOn: string;
  status: 'posted' | 'closed';
  postedByName: string;
  postedAt: string;
  closedAt: string | null;
}

const SELECT = `n.id, n.county_code AS "countyCode", n.cycle_id AS "cycleId", n.kind, n.type, n.step_key AS "stepKey", n.region_code AS "regionCode",
  coalesce(r.name, n.region_code) AS "regionName", n.title, n.body, n.starts_on AS "startsOn", n.min_days AS "minDays", n.ends_on AS "endsOn",
  n.status, n.posted_by_name AS "postedByName", n.posted_at AS "postedAt", n.closed_at AS "closedAt"`;

/** The significant prefix of a notice's region (county 6, township 9, village 12 digits). */
const NOTICE_PREFIX = `(CASE WHEN n.region_code LIKE '%000000' THEN left(n.region_code, 6) WHEN n.region_code LIKE '%000' THEN left(n.region_code, 9) ELSE n.region_code END)`;

/** The region that posts a notice for this step: the village, its township, or its county. */
function postingRegion(villageCode: string, roles: readonly string[]): string {
  if (roles.includes('county')) return villageCode.slice(0, 6).padEnd(12, '0');
  if (roles.includes('township')) return villageCode.slice(0, 9).padEnd(12, '0');
  return villageCode;
}

export interface PostNoticeInput {
  proposalIds: string[];
  /** The first day on display; today or later (default today). */
  startsOn?: string;
  /** Who takes objections (a phone of the village committee or the township office). */
  objectionsTo?: string;
}

export async function postNotice(ctx: Ctx, input: PostNoticeInput): Promise<Notice> {
  assertCan(ctx.actor, 'review.sign');
  const ids = [...new Set(input.proposalIds ?? [])];
  if (ids.length === 0) throw new ValidationError('请选择要公示的申报', { errors: [{ field: 'proposalIds', value: '', code: 'REQUIRED', message: '必填' }] });
  if (ids.length > 500) throw new ValidationError('一次最多公示 500 户', { errors: [{ field: 'proposalIds', value: ids.length, code: 'TOO_MANY', message: '最多 500 户' }] });
  const today = todayCn();
  const startsOn = input.startsOn ?? today;
  if (!/^\d{4}-\d{2}-\d{2}$/.test(startsOn) || Number.isNaN(Date.parse(startsOn)) || startsOn < today) {
    throw new ValidationError('公示开始日期应为今天或以后（YYYY-MM-DD），不能倒签', { errors: [{ field: 'startsOn', value: startsOn, code: 'INVALID_DATE', message: '不能早于今天' }] });
  }
  return ctx.db.transaction(async (tx) => {
    const proposals: Proposal[] = [];
    for (const id of ids) proposals.push(await loadProposal(ctx, tx, id, true));
    const first = proposals[0]!;
    const step = stepsOf(first.type)[first.step];
    for (const p of proposals) {
      const s = stepsOf(p.type)[p.step];
      const okState = p.state === 'in_progress' || (p.state === 'approved' && s?.kind === 'announce');
      if (!okState || !s || (s.kind !== 'notice' && s.kind !== 'announce')) {
        throw new ConflictError(`申报 ${p.number} 当前不在公示（公告）环节`, { number: p.number }, 'NOT_NOTICE_STEP');
      }
      if (p.type !== first.type || s.key !== step!.key) throw new ConflictError('同一公示只能包含同一类型、同一环节的申报', { number: p.number }, 'MIXED_NOTICE');
      if (p.noticeId) throw new ConflictError(`申报 ${p.number} 已在公示中`, { number: p.number }, 'ALREADY_NOTICED');
      assertSigner(ctx, s, p.villageCode);
    }
    const region = postingRegion(first.villageCode, step!.roles);
    for (const p of proposals) {
      if (postingRegion(p.villageCode, step!.roles) !== region) throw new ConflictError('同一公示只能包含同一村（乡镇、县）的申报', { number: p.number }, 'MIXED_REGION');
    }
    const regionName = (await tx.query<{ name: string }>('SELECT name FROM regions WHERE code = $1', [region]))[0]?.name ?? region;
    const villages = new Map((await tx.query<{ code: string; name: string }>('SELECT code, name FROM regions WHERE code = ANY($1::text[])',
      [[...new Set(proposals.map((p) => p.villageCode))]])).map((r) => [r.code, r.name]));
    const cycle = (await tx.query<{ title: string; status: string }>('SELECT title, status FROM review_cycles WHERE id = $1', [first.cycleId]))[0]!;
    const kind = step!.kind === 'announce' ? 'announcement' : 'notice';
    const label = PROPOSAL_TYPE_LABELS[first.type];
    const title = `${regionName}${cycle.title}${label}${kind === 'announcement' ? '公告' : step!.label.includes('公示') ? step!.label.replace(/^村内|^乡镇/, '') : '公示'}`;
    const minDays = step!.minDays ?? 7;
    const body: NoticeBody = {
      intro: kind === 'announcement'
        ? `经县级审定，以下 ${proposals.length} 户${label}事项予以公告。`
        : `经${step!.roles.includes('township') ? '乡镇审核' : '村民主评议'}，以下 ${proposals.length} 户拟${label}，现予公示，公示期 ${minDays} 天（${startsOn} 至 ${addDays(startsOn, minDays - 1)}）。如有异议，请在公示期内向${input.objectionsTo?.trim() || '村委会或乡镇人民政府'}反映，或在本页提交。`,
      rows: proposals.map((p) => ({
        proposalNumber: p.number, village: villages.get(p.villageCode) ?? p.villageCode, villageCode: p.villageCode,
        headName: maskName(p.headName), memberCount: p.memberCount, reason: publicReason(p),
      })),
      objectionsTo: input.objectionsTo?.trim() || '村委会或乡镇人民政府',
    };
    const id = newId();
    const county = first.countyCode;
    await tx.execute(
      `INSERT INTO review_notices (county_code, id, cycle_id, kind, type, step_key, region_code, title, body, starts_on, min_days, ends_on, posted_by, posted_by_name)
       VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14)`,
      [county, id, first.cycleId, kind, first.type, step!.key, region, title, JSON.stringify(body), startsOn, minDays, addDays(startsOn, minDays - 1), ctx.actor.id, ctx.actor.displayName],
    );
    for (const p of proposals) {
      if (kind === 'announcement') {
        // The announcement finishes the proposal; the notice stays on the public page for its days.
        await tx.execute(`UPDATE review_proposals SET state = 'done', step = step + 1, notice_id = $3, version = version + 1, updated_at = now() WHERE county_code = $1 AND id = $2`, [p.countyCode, p.id, id]);
      } else {
        await tx.execute(`UPDATE review_proposals SET notice_id = $3, version = version + 1, updated_at = now() WHERE county_code = $1 AND id = $2`, [p.countyCode, p.id, id]);
      }
      await recordStep(ctx, tx, p, { index: p.step, key: step!.key }, kind === 'announcement' ? 'announce' : 'post_notice', title, { noticeId: id, startsOn, minDays });
    }
    await audit(tx, ctx.actor, ctx.requestId, { action: kind === 'announcement' ? 'review.announce' : 'review.notice_post', targetType: 'review_notice', targetId: id, countyCode: county, details: { proposals: proposals.map((p) => p.number), startsOn, minDays } });
    return getNoticeTx(tx, id);
  });
}

/**
 * A reason fit for a public notice: the proposal's type and the cause category only. The free-text
 * reason cadres write may name illnesses or accounts, so it is never published.
 */
function publicReason(p: Proposal): string {
  const payload = p.payload as { monitoringCategory?: string; household?: { mainCause?: string } } | null;
  if (p.type === 'monitor_enter') return `拟纳入监测（${payload?.monitoringCategory ?? ''}）`;
  if (p.type === 'identify') return `拟识别为贫困户（主要致贫原因：${payload?.household?.mainCause ?? '—'}）`;
  return `拟${PROPOSAL_TYPE_LABELS[p.type]}`;
}

async function getNoticeTx(tx: Queryable, id: string): Promise<Notice> {
  if (!/^[0-9a-f-]{36}$/i.test(id)) throw new NotFoundError('公示不存在');
  const n = (await tx.query<Notice>(`SELECT ${SELECT} FROM review_notices n LEFT JOIN regions r ON r.code = n.region_code WHERE n.id = $1`, [id]))[0];
  if (!n) throw new NotFoundError('公示不存在');
  return n;
}

/**
 * Closes a notice once it has been shown for its minimum days: every proposal still on it (no
 * objection took it off) moves to its next step.
 */
export async function closeNotice(ctx: Ctx, id: string): Promise<Notice & { advanced: string[] }> {
  assertCan(ctx.actor, 'review.sign');
  return ctx.db.transaction(async (tx) => {
    const n = await getNoticeTx(tx, id);
    if (!actorCovers(ctx.actor, n.regionCode)) throw new NotFoundError('公示不存在或不在您的辖区内');
    if (n.kind === 'announcement') throw new ConflictError('公告发布即生效，无需结束', undefined, 'ANNOUNCEMENT');
    if (n.status === 'closed') throw new ConflictError('该公示已结束', undefined, 'NOTICE_CLOSED');
    const today = todayCn();
    const shown = daysShown(n.startsOn, today);
    if (shown < n.minDays) {
      throw new ConflictError(`公示期不足：须公示满 ${n.minDays} 天，已公示 ${Math.max(0, shown)} 天，${addDays(n.startsOn, n.minDays)} 起方可结束`,
        { minDays: n.minDays, shown: Math.max(0, shown), earliest: addDays(n.startsOn, n.minDays) }, 'NOTICE_TOO_SHORT');
    }
    const proposals = await tx.query<{ id: string }>(`SELECT id FROM review_proposals WHERE notice_id = $1 AND state = 'in_progress'`, [id]);
    const advanced: string[] = [];
    for (const { id: pid } of proposals) {
      const p = await loadProposal(ctx, tx, pid, true);
      const step = stepsOf(p.type)[p.step]!;
      assertSigner(ctx, step, p.villageCode);
      await tx.execute(`UPDATE review_proposals SET step = step + 1, notice_id = NULL, version = version + 1, updated_at = now() WHERE county_code = $1 AND id = $2`, [p.countyCode, p.id]);
      await recordStep(ctx, tx, p, { index: p.step, key: step.key }, 'close_notice', `公示 ${n.minDays} 天期满无异议`, { noticeId: id, startsOn: n.startsOn, closedOn: today });
      advanced.push(p.number);
    }
    await tx.execute(`UPDATE review_notices SET status = 'closed', closed_at = now() WHERE county_code = $1 AND id = $2`, [n.countyCode, id]);
    await audit(tx, ctx.actor, ctx.requestId, { action: 'review.notice_close', targetType: 'review_notice', targetId: id, countyCode: n.countyCode, details: { advanced } });
    return { ...(await getNoticeTx(tx, id)), advanced };
  });
}

export interface ObjectionInput {
  proposalNumber: string;
  content: string;
  contact?: string;
}

/**
 * An objection to a posted notice. It takes the proposal off the notice and back to the first step
 * for re-check; the proposal cannot pass that step again until the objection is resolved.
 */
export async function lodgeObjection(ctx: Ctx | { db: Db; public: true }, noticeId: string, input: ObjectionInput): Promise<{ id: string; status: 'open' }> {
  const content = (input.content ?? '').trim();
  const errors: { field: string; value: unknown; code: string; message: string }[] = [];
  if (content.length < 5) errors.push({ field: 'content', value: content, code: 'REQUIRED', message: '请写明异议内容（至少 5 个字）' });
  if (content.length > 2000) errors.push({ field: 'content', value: content.slice(0, 20) + '…', code: 'TOO_LONG', message: '异议内容不超过 2000 字' });
  if ((input.contact ?? '').length > 100) errors.push({ field: 'contact', value: '', code: 'TOO_LONG', message: '联系方式不超过 100 字' });
  if (errors.length) throw new ValidationError(errors.map((e) => e.message).join('；'), { errors });
  const isPublic = 'public' in ctx;
  if (!isPublic) assertCan(ctx.actor, 'review.sign');
  const db = ctx.db;
  return db.transaction(async (tx) => {
    const n = await getNoticeTx(tx, noticeId);
    if (n.kind !== 'notice' || n.status !== 'posted') throw new ConflictError('该公示已结束，不再受理异议', undefined, 'NOTICE_CLOSED');
    const today = todayCn();
    if (today < n.startsOn) throw new ConflictError('该公示尚未开始', undefined, 'NOTICE_NOT_STARTED');
    const p = (await tx.query<{ id: string; county_code: string; village_code: string; step: number; type: ProposalType; number: string }>(
      `SELECT id, county_code, village_code, step, type, number FROM review_proposals WHERE notice_id = $1 AND number = $2 AND state = 'in_progress' FOR UPDATE`,
      [noticeId, (input.proposalNumber ?? '').trim()],
    ))[0];
    if (!p) throw new NotFoundError(`公示中没有编号为 ${input.proposalNumber} 的申报（或已因异议撤下复核）`);
    if (!isPublic && !actorCovers(ctx.actor, p.village_code)) throw new NotFoundError('公示不存在或不在您的辖区内');
    const id = newId();
    await tx.execute(
      `INSERT INTO review_objections (county_code, id, notice_id, proposal_id, channel, content, contact) VALUES ($1,$2,$3,$4,$5,$6,$7)`,
      [p.county_code, id, noticeId, p.id, isPublic ? 'public' : 'cadre', content, input.contact?.trim() || null],
    );
    await tx.execute(`UPDATE review_proposals SET step = 0, rechecks = rechecks + 1, notice_id = NULL, version = version + 1, updated_at = now() WHERE county_code = $1 AND id = $2`, [p.county_code, p.id]);
    const body = n.body;
    for (const r of body.rows) if (r.proposalNumber === p.number) r.withdrawn = true;
    await tx.execute(`UPDATE review_notices SET body = $3 WHERE county_code = $1 AND id = $2`, [n.countyCode, noticeId, JSON.stringify(body)]);
    const actor = isPublic ? { id: null, username: 'public', displayName: '公众（公示页）', role: 'system' as const, regionCode: '000000000000' } : ctx.actor;
    const stepCtx: Ctx = isPublic ? { db, actor, requestId: 'public-' + id } : ctx;
    await recordStep(stepCtx, tx, { id: p.id, countyCode: p.county_code }, { index: p.step, key: stepsOf(p.type)[p.step]!.key }, 'objection', '收到异议，退回复核', { objectionId: id, noticeId });
    await audit(tx, actor, stepCtx.requestId, { action: 'review.objection', targetType: 'review_proposal', targetId: p.id, countyCode: p.county_code, details: { number: p.number, noticeId, channel: isPublic ? 'public' : 'cadre' } });
    return { id, status: 'open' as const };
  });
}

/** The village re-check resolves an objection: dismissed (the proposal goes on) or upheld (withdrawn). */
export async function resolveObjection(ctx: Ctx, objectionId: string, input: { outcome: 'dismissed' | 'upheld'; resolution: string }): Promise<{ id: string; status: string }> {
  assertCan(ctx.actor, 'review.sign');
  const resolution = (input.resolution ?? '').trim();
  if (resolution.length < 4) throw new ValidationError('请写明复核结论（至少 4 个字）', { errors: [{ field: 'resolution', value: resolution, code: 'REQUIRED', message: '必填' }] });
  if (input.outcome !== 'dismissed' && input.outcome !== 'upheld') throw new ValidationError('复核结果应为 dismissed（异议不成立）或 upheld（异议成立）', { errors: [{ field: 'outcome', value: input.outcome, code: 'INVALID', message: '无效' }] });
  if (!/^[0-9a-f-]{36}$/i.test(objectionId)) throw new NotFoundError('异议不存在');
  return ctx.db.transaction(async (tx) => {
    const o = (await tx.query<{ county_code: string; proposal_id: string; status: string }>('SELECT county_code, proposal_id, status FROM review_objections WHERE id = $1 FOR UPDATE', [objectionId]))[0];
    if (!o) throw new NotFoundError('异议不存在');
    const p = await loadProposal(ctx, tx, o.proposal_id, true);
    if (o.status !== 'open') throw new ConflictError('该异议已办结', undefined, 'OBJECTION_RESOLVED');
    const step = stepsOf(p.type)[p.step]!;
    // The re-check is the first step's signer (the village, or whoever does the first step).
    assertSigner(ctx, step, p.villageCode);
    await tx.execute(`UPDATE review_objections SET status = $3, resolution = $4, resolved_by_name = $5, resolved_at = now() WHERE county_code = $1 AND id = $2`,
      [o.county_code, objectionId, input.outcome, resolution, ctx.actor.displayName]);
    await recordStep(ctx, tx, p, { index: p.step, key: step.key }, 'objection_resolved', resolution, { objectionId, outcome: input.outcome });
    if (input.outcome === 'upheld') {
      await tx.execute(`UPDATE review_proposals SET state = 'withdrawn', version = version + 1, updated_at = now() WHERE county_code = $1 AND id = $2`, [p.countyCode, p.id]);
      await recordStep(ctx, tx, p, { index: p.step, key: step.key }, 'withdraw', '异议成立，申报撤回');
    } else {
      await tx.execute(`UPDATE review_proposals SET version = version + 1, updated_at = now() WHERE county_code = $1 AND id = $2`, [p.countyCode, p.id]);
    }
    await audit(tx, ctx.actor, ctx.requestId, { action: 'review.objection_resolve', targetType: 'review_objection', targetId: objectionId, countyCode: o.county_code, details: { outcome: input.outcome, number: p.number } });
    return { id: objectionId, status: input.outcome };
  });
}

/** Notices within the actor's scope (the working list: posted ones first). */
export async function listNotices(ctx: Ctx, q: { cycleId?: string; status?: string }): Promise<Notice[]> {
  assertCan(ctx.actor, 'review.read');
  const params: unknown[] = [];
  // In scope: notices posted inside the actor's subtree, and those of the township or county above
  // the actor that may list the actor's villages.
  params.push(ctx.actor.regionCode);
  const where = [`(${scopeSql(ctx.actor, 'n.region_code', params)} OR $1 LIKE ${NOTICE_PREFIX} || '%')`];
  if (q.cycleId) { params.push(q.cycleId); where.push(`n.cycle_id = $${params.length}`); }
  if (q.status) { params.push(q.status); where.push(`n.status = $${params.length}`); }
  const rows = await ctx.db.query<Notice>(`SELECT ${SELECT} FROM review_notices n LEFT JOIN regions r ON r.code = n.region_code
     WHERE ${where.join(' AND ')} ORDER BY n.status DESC, n.starts_on DESC, n.posted_at DESC LIMIT 500`, params);
  return rows;
}

// ---------------------------------------------------------------------------------------------
// Public

export interface PublicNotice {
  id: string;
  kind: 'notice' | 'announcement';
  typeLabel: string;
  regionName: string;
  title: string;
  startsOn: string;
  endsOn: string;
  minDays: number;
  status: 'posted' | 'closed';
  open: boolean;
  body: NoticeBody;
  postedAt: string;
}

function toPublic(n: Notice, today: string): PublicNotice {
  return {
    id: n.id, kind: n.kind, typeLabel: PROPOSAL_TYPE_LABELS[n.type], regionName: n.regionName, title: n.title, startsOn: n.startsOn,
    endsOn: n.endsOn, minDays: n.minDays, status: n.status, open: n.kind === 'notice' && n.status === 'posted' && today >= n.startsOn,
    body: { ...n.body, rows: n.body.rows.map(({ proposalNumber, village, headName, memberCount, reason, withdrawn }) => ({ proposalNumber, village, villageCode: '', headName, memberCount, reason, withdrawn })) },
    postedAt: n.postedAt,
  };
}

/** The public page: notices and announcements of the last 90 days (and any still posted), no login. */
export async function publicNotices(db: Db, q: { region?: string } = {}): Promise<PublicNotice[]> {
  const today = todayCn();
  const params: unknown[] = [addDays(today, -90)];
  let where = `(n.starts_on >= $1 OR n.status = 'posted')`;
  if (q.region && /^\d{6,12}$/.test(q.region)) {
    params.push(q.region.replace(/0+$/, '') + '%');
    where += ` AND n.region_code LIKE $${params.length}`;
  }
  const rows = await db.query<Notice>(`SELECT ${SELECT} FROM review_notices n LEFT JOIN regions r ON r.code = n.region_code WHERE ${where}
     ORDER BY n.starts_on DESC, n.posted_at DESC LIMIT 200`, params);
  return rows.map((n) => toPublic(n, today));
}

export async function publicNotice(db: Db, id: string): Promise<PublicNotice> {
  return db.transaction(async (tx) => toPublic(await getNoticeTx(tx, id), todayCn()));
}
