import { audit } from '../../core/audit.js';
import type { Ctx } from '../../core/context.js';
import type { Queryable } from '../../core/db.js';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../../core/errors.js';
import { newId } from '../../core/ids.js';
import {
  addDays, CLUE_SOURCES, MONITOR_DECISION_DAYS, MONITORING_CATEGORIES, PROPOSAL_TYPE_LABELS, PROPOSAL_TYPES, REQUIRED_STATUS, stepsOf,
  type ProposalType, type SignerRole, type StepDef,
} from '../../domain/review/workflows.js';
import { maskAccount, maskIdNumber, maskPhone } from '../../domain/mask.js';
import { assertCan } from '../access/policy.js';
import { actorCovers, scopeSql, subtreeRange } from '../access/scope.js';
import { applyDecision, householdFacts, insertHousehold, validateNewHousehold, type DecidedChange } from '../registry/service.js';
import { decisionChecks, type DecisionCheck } from './checks.js';
import { todayCn } from './cycles.js';

/**
 * Proposals (申报) inside a review cycle, each walking its type's procedure (domain/review/
 * workflows.ts) one step at a time. Every step is signed by a user of the step's role whose scope
 * covers the household's village, and recorded in review_steps; the county decision changes the
 * household through the registry (applyDecision / insertHousehold) in the same transaction, and
 * the change event names the proposal.
 */

export interface Proposal {
  id: string;
  countyCode: string;
  number: string;
  cycleId: string;
  type: ProposalType;
  typeLabel: string;
  householdId: string | null;
  householdNumber: string;
  villageCode: string;
  headName: string;
  memberCount: number;
  reason: string;
  payload: unknown;
  statusBefore: string | null;
  clueSource: string | null;
  firstClueOn: string | null;
  step: number;
  state: 'in_progress' | 'approved' | 'done' | 'rejected' | 'withdrawn';
  rechecks: number;
  noticeId: string | null;
  decidedAt: string | null;
  decidedByName: string | null;
  checks: DecisionCheck | null;
  createdByName: string;
  createdAt: string;
  updatedAt: string;
  version: number;
}

export interface ProposalView extends Proposal {
  currentStep: (StepDef & { index: number }) | null;
  steps: (StepDef & { index: number })[];
  /** Monitoring: the last day the county decision is due (first clue + 15 days). */
  decisionDue: string | null;
  overdue: boolean;
  /** The deadline of the current step from the cycle (village, township or county). */
  stepDeadline: string | null;
}

const SELECT = `p.id, p.county_code AS "countyCode", p.number, p.cycle_id AS "cycleId", p.type, p.household_id AS "householdId",
  p.household_number AS "householdNumber", p.village_code AS "villageCode", p.head_name AS "headName", p.member_count AS "memberCount",
  p.reason, p.payload, p.status_before AS "statusBefore", p.clue_source AS "clueSource", p.first_clue_on AS "firstClueOn", p.step,
  p.state, p.rechecks, p.notice_id AS "noticeId", p.decided_at AS "decidedAt", p.decided_by_name AS "decidedByName", p.checks,
  p.created_by_name AS "createdByName", p.created_at AS "createdAt", p.updated_at AS "updatedAt", p.version`;

interface CycleDeadlines { status: string; year: number; quarter: number; village_deadline: string; township_deadline: string; county_deadline: string }

export function view(p: Proposal, cycle: CycleDeadlines | undefined, today = todayCn()): ProposalView {
  const steps = stepsOf(p.type).map((s, index) => ({ ...s, index }));
  const cur = p.state === 'in_progress' || p.state === 'approved' ? steps[p.step] ?? null : null;
  const decisionDue = p.firstClueOn && (p.type === 'monitor_enter') ? addDays(p.firstClueOn, MONITOR_DECISION_DAYS) : null;
  let stepDeadline: string | null = null;
  if (cur && cycle) {
    const level = cur.roles.includes('county') ? 'county' : cur.roles.includes('township') ? 'township' : 'village';
    stepDeadline = level === 'county' ? cycle.county_deadline : level === 'township' ? cycle.township_deadline : cycle.village_deadline;
  }
  const undecided = p.state === 'in_progress';
  const overdue = undecided && ((decisionDue !== null && today > decisionDue) || (stepDeadline !== null && today > stepDeadline));
  return { ...p, typeLabel: PROPOSAL_TYPE_LABELS[p.type], currentStep: cur, steps, decisionDue, overdue, stepDeadline };
}

export async function loadProposal(ctx: Ctx, tx: Queryable, id: string, forUpdate = false): Promise<Proposal> {
  if (!/^[0-9a-f-]{36}$/i.test(id)) throw new NotFoundError('申报不存在');
  const p = (await tx.query<Proposal>(`SELECT ${SELECT} FROM review_proposals p WHERE p.id = $1${forUpdate ? ' FOR UPDATE' : ''}`, [id]))[0];
  if (!p || !actorCovers(ctx.actor, p.villageCode)) throw new NotFoundError('申报不存在或不在您的辖区内');
  return p;
}

async function cycleOf(tx: Queryable, cycleId: string): Promise<CycleDeadlines | undefined> {
  return (await tx.query<CycleDeadlines>(
    'SELECT status, year, quarter, village_deadline, township_deadline, county_deadline FROM review_cycles WHERE id = $1', [cycleId],
  ))[0];
}

export async function recordStep(ctx: Ctx, tx: Queryable, p: { id: string; countyCode: string }, step: { index: number; key: string }, action: string, comment?: string | null, evidence?: unknown): Promise<void> {
  await tx.execute(
    `INSERT INTO review_steps (county_code, id, proposal_id, step_index, step_key, action, user_id, username, display_name, role, region_code, comment, evidence)
     VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13)`,
    [p.countyCode, newId(), p.id, step.index, step.key, action, ctx.actor.id, ctx.actor.username, ctx.actor.displayName, ctx.actor.role,
      ctx.actor.regionCode, comment ?? null, evidence === undefined ? null : JSON.stringify(evidence)],
  );
}

/**
 * The actor may sign this step: the step's role (a city user or the command line signs no step),
 * and the household's village inside the actor's scope. The role names the level, so a township
 * user cannot sign a village step and a village user cannot decide.
 */
export function assertSigner(ctx: Ctx, step: StepDef, villageCode: string): void {
  if (!(step.roles as readonly string[]).includes(ctx.actor.role)) {
    const want = step.roles.map((r) => ROLE_NAMES[r]).join('或');
    throw new ForbiddenError(`「${step.label}」须由${want}签署，当前角色不能办理`, { step: step.key, roles: step.roles, role: ctx.actor.role }, 'WRONG_ROLE');
  }
  if (!actorCovers(ctx.actor, villageCode)) throw new ForbiddenError('该户不在您的辖区内，不能办理', { step: step.key }, 'WRONG_LEVEL');
}

const ROLE_NAMES: Record<SignerRole, string> = { village: '村级干部', township: '乡镇', county: '县级扶贫部门', helper: '帮扶责任人' };

// ---------------------------------------------------------------------------------------------
// Create

export interface CreateProposalInput {
  type: ProposalType;
  householdId?: string;
  householdNumber?: string;
  reason: string;
  /** identify: { household, members, income } as the registry's create takes it. */
  household?: { household: Record<string, unknown>; members: Record<string, unknown>[]; income?: Record<string, unknown> | null };
  monitoringCategory?: string;
  clueSource?: string;
  firstClueOn?: string;
}

export async function createProposal(ctx: Ctx, input: CreateProposalInput): Promise<ProposalView> {
  assertCan(ctx.actor, 'review.propose');
  checkProposalInput(input);
  return ctx.db.transaction(async (tx) => (await createProposalTx(ctx, tx, input)).proposal);
}

/** The input's own checks (no database): type, reason, and the monitoring fields. Returns the trimmed reason. */
function checkProposalInput(input: CreateProposalInput): string {
  if (!PROPOSAL_TYPES.includes(input.type)) throw new ValidationError(`申报类型无效：${String(input.type)}`, { errors: [{ field: 'type', value: input.type, code: 'INVALID', message: '申报类型无效' }] });
  const reason = (input.reason ?? '').trim();
  const errors: { field: string; value: unknown; code: string; message: string }[] = [];
  if (reason.length < 4) errors.push({ field: 'reason', value: reason, code: 'REQUIRED', message: '请写明申报理由（至少 4 个字）' });
  if (input.type === 'monitor_enter') {
    if (!MONITORING_CATEGORIES.includes((input.monitoringCategory ?? '') as (typeof MONITORING_CATEGORIES)[number])) {
      errors.push({ field: 'monitoringCategory', value: input.monitoringCategory ?? '', code: 'INVALID', message: `监测对象类别应为：${MONITORING_CATEGORIES.join('、')}` });
    }
    if (!CLUE_SOURCES.includes((input.clueSource ?? '') as (typeof CLUE_SOURCES)[number])) {
      errors.push({ field: 'clueSource', value: input.clueSource ?? '', code: 'INVALID', message: `线索来源应为：${CLUE_SOURCES.join('、')}` });
    }
    if (!/^\d{4}-\d{2}-\d{2}$/.test(input.firstClueOn ?? '') || (input.firstClueOn ?? '') > todayCn()) {
      errors.push({ field: 'firstClueOn', value: input.firstClueOn ?? '', code: 'INVALID_DATE', message: '首次发现线索日期应为 YYYY-MM-DD，且不晚于今天' });
    }
  }
  if (errors.length) throw new ValidationError('申报信息有误：' + errors.map((e) => e.message).join('；'), { errors });
  return reason;
}

export interface CreateProposalOptions {
  /**
   * A household that already has a proposal in progress: 'fail' (the default, 409 PROPOSAL_OPEN)
   * or 'link' (return that proposal with created = false, change nothing).
   */
  ifOpen?: 'fail' | 'link';
  /** Where the proposal comes from (e.g. a confirmed comparison finding), kept in the audit row. */
  source?: Record<string, unknown>;
}

/**
 * Makes a proposal inside the caller's transaction: the workflow's rules (an open cycle, the
 * household in the actor's scope and in a status the type allows, one proposal in progress per
 * household, a number per county and cycle), the submit step and the audit row. The caller checks
 * the actor's permission (createProposal checks 'review.propose'; other modules check their own
 * and say why when the actor may not propose). Throws an AppError, before writing anything, when a
 * rule refuses.
 */
export async function createProposalTx(ctx: Ctx, tx: Queryable, input: CreateProposalInput, opts: CreateProposalOptions = {}): Promise<{ proposal: ProposalView; created: boolean }> {
  const reason = checkProposalInput(input);
  const monitoring = input.type === 'monitor_enter';
  const cycle = (await tx.query<{ id: string; year: number; quarter: number }>(`SELECT id, year, quarter FROM review_cycles WHERE status = 'open'`))[0];
  if (!cycle) throw new ConflictError('当前没有开启的动态管理周期，请等待市级开启本季度周期', undefined, 'NO_OPEN_CYCLE');
  let householdId: string | null = null;
  let householdNumber: string;
  let villageCode: string;
  let headName: string;
  let memberCount: number;
  let statusBefore: string | null = null;
  let payload: unknown = null;
  if (input.type === 'identify') {
    if (!input.household) throw new ValidationError('识别申报须填写申请户的户信息和家庭成员', { errors: [{ field: 'household', value: '', code: 'REQUIRED', message: '必填' }] });
    const valid = validateNewHousehold(input.household);
    if (valid.household.povertyStatus !== '未脱贫') throw new ValidationError('新识别户的脱贫属性应为「未脱贫」', { errors: [{ field: 'household.povertyStatus', value: valid.household.povertyStatus, code: 'INVALID', message: '应为「未脱贫」' }] });
    villageCode = valid.household.villageCode;
    if (!actorCovers(ctx.actor, villageCode)) throw new NotFoundError('该村不在您的辖区内');
    householdNumber = valid.household.householdNumber;
    if ((await tx.query('SELECT 1 FROM household_keys WHERE household_number = $1', [householdNumber])).length) {
      throw new ConflictError(`户编号 ${householdNumber} 已存在`, { field: 'householdNumber' }, 'DUPLICATE_HOUSEHOLD');
    }
    const ids = valid.members.map((m) => m.idNumber);
    const taken = await tx.query<{ id_number: string }>('SELECT id_number FROM person_keys WHERE id_number = ANY($1::text[])', [ids]);
    if (taken.length) {
      throw new ConflictError(`证件号码已在其他户登记：${taken.map((t) => t.id_number.slice(0, 6) + '********' + t.id_number.slice(14)).join('、')}`, { count: taken.length }, 'PERSON_IN_OTHER_HOUSEHOLD');
    }
    headName = valid.members.find((m) => m.relation === '户主')?.name ?? '';
    memberCount = valid.members.length;
    payload = input.household;
  } else {
    const id = input.householdId ?? (input.householdNumber ? await householdIdByNumber(ctx, tx, input.householdNumber) : null);
    if (!id) throw new ValidationError('请指定申报的户（householdId 或 householdNumber）', { errors: [{ field: 'householdNumber', value: '', code: 'REQUIRED', message: '必填' }] });
    const h = await householdFacts(ctx, tx, id);
    householdId = h.id;
    householdNumber = h.householdNumber;
    villageCode = h.villageCode;
    headName = h.headName;
    memberCount = h.memberCount;
    statusBefore = h.povertyStatus;
    // One proposal in progress per household: two makers at once (a cadre, a confirmed finding) wait for each other.
    await tx.execute('SELECT pg_advisory_xact_lock(7420301, hashtext($1))', [h.id]);
    const open = await tx.query<{ id: string; number: string }>(
      `SELECT id, number FROM review_proposals WHERE county_code = $1 AND household_id = $2 AND state = 'in_progress'`, [h.countyCode, id],
    );
    if (open[0] && opts.ifOpen === 'link') return { proposal: await getProposalTx(ctx, tx, open[0].id), created: false };
    const allowed = REQUIRED_STATUS[input.type]!;
    if (!allowed.includes(h.povertyStatus)) {
      throw new ConflictError(`该户当前为「${h.povertyStatus}」，不能申报${PROPOSAL_TYPE_LABELS[input.type]}（须为：${allowed.join('、')}）`, { status: h.povertyStatus }, 'WRONG_STATUS');
    }
    const monitored = h.monitoringCategory !== null && h.monitoringEliminatedAt === null;
    if (input.type === 'monitor_enter' && monitored) throw new ConflictError(`该户已是监测对象（${h.monitoringCategory}）`, undefined, 'ALREADY_MONITORED');
    if (input.type === 'risk_eliminated' && !monitored) throw new ConflictError('该户不是在监测的对象，不能申报风险消除', undefined, 'NOT_MONITORED');
    if (open[0]) throw new ConflictError(`该户已有办理中的申报 ${open[0].number}，请先办结`, { proposalNumber: open[0].number }, 'PROPOSAL_OPEN');
    if (monitoring) payload = { monitoringCategory: input.monitoringCategory };
  }
  const county = villageCode.slice(0, 6);
  // One numberer per county and cycle at a time, so two cadres submitting at once get two numbers.
  await tx.execute('SELECT pg_advisory_xact_lock(7420300, hashtext($1))', [county + cycle.id]);
  const seq = (await tx.query<{ n: number }>(
    `SELECT count(*)::int + 1 AS n FROM review_proposals WHERE county_code = $1 AND cycle_id = $2`, [county, cycle.id],
  ))[0]!.n;
  const number = `SQ${county}-${cycle.year}Q${cycle.quarter}-${String(seq).padStart(5, '0')}`;
  const id = newId();
  await tx.execute(
    `INSERT INTO review_proposals (county_code, id, number, cycle_id, type, household_id, household_number, village_code, head_name, member_count,
       reason, payload, status_before, clue_source, first_clue_on, created_by, created_by_name)
     VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,$17)`,
    [county, id, number, cycle.id, input.type, householdId, householdNumber, villageCode, headName, memberCount, reason,
      payload === null ? null : JSON.stringify(payload), statusBefore, monitoring ? input.clueSource : null, monitoring ? input.firstClueOn : null,
      ctx.actor.id, ctx.actor.displayName],
  );
  await recordStep(ctx, tx, { id, countyCode: county }, { index: 0, key: 'submit' }, 'submit', reason, opts.source);
  await audit(tx, ctx.actor, ctx.requestId, {
    action: 'review.propose', targetType: 'review_proposal', targetId: id, countyCode: county,
    details: { number, type: input.type, householdNumber, ...(opts.source ? { source: opts.source } : {}) },
  });
  return { proposal: await getProposalTx(ctx, tx, id), created: true };
}

async function householdIdByNumber(ctx: Ctx, tx: Queryable, householdNumber: string): Promise<string> {
  const r = await tx.query<{ household_id: string }>('SELECT household_id FROM household_keys WHERE household_number = $1', [householdNumber.trim()]);
  if (!r[0]) throw new NotFoundError(`户编号 ${householdNumber} 不存在或不在您的辖区内`);
  return r[0].household_id;
}

// ---------------------------------------------------------------------------------------------
// Read

function maskPayload(payload: unknown): unknown {
  const p = payload as { household?: Record<string, unknown>; members?: Record<string, unknown>[] };
  const str = (v: unknown) => (typeof v === 'string' ? v : null);
  return {
    ...p,
    household: p.household && {
      ...p.household,
      phone: str(p.household.phone) && maskPhone(str(p.household.phone)!),
      bankAccount: str(p.household.bankAccount) && maskAccount(str(p.household.bankAccount)!),
    },
    members: (p.members ?? []).map((m) => ({ ...m, idNumber: str(m.idNumber) && maskIdNumber(str(m.idNumber)!) })),
  };
}

export async function getProposalTx(ctx: Ctx, tx: Queryable, id: string): Promise<ProposalView> {
  const p = await loadProposal(ctx, tx, id);
  return view(p, await cycleOf(tx, p.cycleId));
}

export interface ProposalDetail extends ProposalView {
  history: { stepIndex: number; stepKey: string; action: string; username: string; displayName: string; role: string; comment: string | null; evidence: Record<string, unknown> | null; at: string }[];
  objections: { id: string; noticeId: string; channel: string; content: string; status: string; resolution: string | null; resolvedByName: string | null; createdAt: string }[];
}

export async function getProposal(ctx: Ctx, id: string): Promise<ProposalDetail> {
  assertCan(ctx.actor, 'review.read');
  return ctx.db.transaction(async (tx) => {
    const v = await getProposalTx(ctx, tx, id);
    const history = await tx.query<ProposalDetail['history'][number]>(
      `SELECT step_index AS "stepIndex", step_key AS "stepKey", action, username, display_name AS "displayName", role, comment, evidence, at
         FROM review_steps WHERE county_code = $1 AND proposal_id = $2 ORDER BY at, id`, [v.countyCode, id],
    );
    const objections = await tx.query<ProposalDetail['objections'][number]>(
      `SELECT id, notice_id AS "noticeId", channel, content, status, resolution, resolved_by_name AS "resolvedByName", created_at AS "createdAt"
         FROM review_objections WHERE county_code = $1 AND proposal_id = $2 ORDER BY created_at`, [v.countyCode, id],
    );
    // The identification payload carries ID numbers, phones and a bank account: shown masked here
    // (the household's own page unmasks, audited, once it exists).
    if (v.payload && v.type === 'identify') v.payload = maskPayload(v.payload);
    return { ...v, history, objections };
  });
}

export interface ProposalQuery {
  cycleId?: string;
  type?: ProposalType;
  state?: string;
  region?: string;
  householdId?: string;
  /** Only proposals whose current step the caller can act on. */
  inbox?: boolean;
  overdue?: boolean;
  page?: number;
  pageSize?: number;
}

export async function listProposals(ctx: Ctx, q: ProposalQuery): Promise<{ items: ProposalView[]; total: number; page: number; pageSize: number }> {
  assertCan(ctx.actor, 'review.read');
  const params: unknown[] = [];
  const where = [scopeSql(ctx.actor, 'p.village_code', params)];
  if (q.region) {
    if (!/^\d{12}$/.test(q.region) || !actorCovers(ctx.actor, q.region)) throw new NotFoundError('区划不存在或不在您的辖区内');
    const { lo, hi } = subtreeRange(q.region);
    params.push(lo, hi);
    where.push(`p.village_code BETWEEN $${params.length - 1} AND $${params.length}`);
  }
  const eq = (col: string, v: unknown) => {
    if (v === undefined || v === '') return;
    params.push(v);
    where.push(`${col} = $${params.length}`);
  };
  eq('p.cycle_id', q.cycleId);
  eq('p.type', q.type);
  eq('p.state', q.state);
  eq('p.household_id', q.householdId);
  const today = todayCn();
  // Inbox and overdue are decided in SQL, from the workflows' steps as a VALUES table (type, step,
  // roles, level), so a city-wide list pages in the database instead of reading every proposal.
  if (q.inbox) {
    params.push(ctx.actor.role);
    where.push(`p.state IN ('in_progress', 'approved') AND $${params.length} = ANY(st.roles)`);
  }
  if (q.overdue) {
    params.push(today);
    const t = `$${params.length}::date`;
    where.push(`p.state = 'in_progress' AND (
      (p.type = 'monitor_enter' AND p.first_clue_on IS NOT NULL AND ${t} > p.first_clue_on + ${MONITOR_DECISION_DAYS})
      OR ${t} > CASE st.level WHEN 'county' THEN c.county_deadline WHEN 'township' THEN c.township_deadline ELSE c.village_deadline END)`);
  }
  const page = Math.max(1, q.page ?? 1);
  const pageSize = Math.min(Math.max(1, q.pageSize ?? 50), 200);
  params.push(pageSize, (page - 1) * pageSize);
  const rows = await ctx.db.query<Proposal & { c_status: string; c_year: number; c_quarter: number; c_v: string; c_t: string; c_c: string; total: number }>(
    `WITH st (type, step, roles, level) AS (VALUES ${STEP_VALUES})
     SELECT ${SELECT}, c.status AS c_status, c.year AS c_year, c.quarter AS c_quarter, c.village_deadline AS c_v, c.township_deadline AS c_t, c.county_deadline AS c_c,
            count(*) OVER ()::int AS total
       FROM review_proposals p JOIN review_cycles c ON c.id = p.cycle_id
       LEFT JOIN st ON st.type = p.type AND st.step = p.step
      WHERE ${where.join(' AND ')} ORDER BY p.created_at DESC, p.number
      LIMIT $${params.length - 1} OFFSET $${params.length}`, params,
  );
  let total = rows[0]?.total ?? 0;
  if (!rows.length && page > 1) {
    // Past the last page: the count still says how many there are.
    total = (await ctx.db.query<{ n: number }>(
      `WITH st (type, step, roles, level) AS (VALUES ${STEP_VALUES})
       SELECT count(*)::int AS n FROM review_proposals p JOIN review_cycles c ON c.id = p.cycle_id
         LEFT JOIN st ON st.type = p.type AND st.step = p.step WHERE ${where.join(' AND ')}`, params.slice(0, -2),
    ))[0]!.n;
  }
  const items = rows.map(({ c_status, c_year, c_quarter, c_v, c_t, c_c, total: _n, ...p }) =>
    view(p, { status: c_status, year: c_year, quarter: c_quarter, village_deadline: c_v, township_deadline: c_t, county_deadline: c_c }, today));
  return { items, total, page, pageSize };
}

/** Every workflow step as SQL VALUES rows (type, step index, signer roles, deadline level); constants only. */
const STEP_VALUES = PROPOSAL_TYPES.flatMap((type) => stepsOf(type).map((s, i) => {
  const level = s.roles.includes('county') ? 'county' : s.roles.includes('township') ? 'township' : 'village';
  return `('${type}', ${i}, ARRAY[${s.roles.map((r) => `'${r}'`).join(', ')}]::text[], '${level}')`;
})).join(', ');

// ---------------------------------------------------------------------------------------------
// Act on a sign or decide step

export interface ActInput {
  action: 'approve' | 'send_back' | 'reject' | 'withdraw';
  version: number;
  comment?: string;
  /** The records the step asks for, by name (e.g. { 民主评议记录: '2019-03-02 村民代表会议，到会 37 人，同意 35 人' }). */
  evidence?: Record<string, string>;
}

export async function actOnProposal(ctx: Ctx, id: string, input: ActInput): Promise<ProposalView> {
  assertCan(ctx.actor, 'review.sign');
  return ctx.db.transaction(async (tx) => {
    const p = await loadProposal(ctx, tx, id, true);
    if (p.version !== input.version) throw new ConflictError('该申报已被他人办理，请刷新后重试', { currentVersion: p.version, yourVersion: input.version }, 'STALE_VERSION');
    if (p.state !== 'in_progress') throw new ConflictError(`该申报已${STATE_LABELS[p.state]}，不能再办理`, { state: p.state }, 'PROPOSAL_FINISHED');
    const steps = stepsOf(p.type);
    const step = steps[p.step]!;
    const comment = (input.comment ?? '').trim();
    if (input.action === 'withdraw') {
      // The village (or above) that made it may withdraw it before the decision.
      if (!['village', 'township', 'county'].includes(ctx.actor.role)) throw new ForbiddenError('只有村、乡镇或县级可以撤回申报', undefined, 'WRONG_ROLE');
      if (comment.length < 2) throw new ValidationError('撤回须说明原因', { errors: [{ field: 'comment', value: comment, code: 'REQUIRED', message: '必填' }] });
      await finish(ctx, tx, p, 'withdrawn');
      await recordStep(ctx, tx, p, { index: p.step, key: step.key }, 'withdraw', comment);
      return getProposalTx(ctx, tx, id);
    }
    if (step.kind === 'notice' || step.kind === 'announce') {
      throw new ConflictError(`当前环节为「${step.label}」，请通过公示（公告）办理`, { step: step.key }, 'NOTICE_STEP');
    }
    assertSigner(ctx, step, p.villageCode);
    if (input.action === 'send_back') {
      if (p.step === 0) throw new ConflictError('已在第一个环节，无需退回', undefined, 'AT_FIRST_STEP');
      if (comment.length < 2) throw new ValidationError('退回须写明原因', { errors: [{ field: 'comment', value: comment, code: 'REQUIRED', message: '必填' }] });
      await tx.execute(`UPDATE review_proposals SET step = 0, rechecks = rechecks + 1, notice_id = NULL, version = version + 1, updated_at = now() WHERE county_code = $1 AND id = $2`, [p.countyCode, p.id]);
      await recordStep(ctx, tx, p, { index: p.step, key: step.key }, 'send_back', comment);
      await audit(tx, ctx.actor, ctx.requestId, { action: 'review.send_back', targetType: 'review_proposal', targetId: p.id, countyCode: p.countyCode, details: { number: p.number, step: step.key } });
      return getProposalTx(ctx, tx, id);
    }
    if (input.action === 'reject') {
      if (step.kind !== 'decide') throw new ConflictError('只有县级审定环节可以作出不予批准的决定；其他环节请退回', undefined, 'NOT_DECISION');
      if (comment.length < 2) throw new ValidationError('不予批准须写明理由', { errors: [{ field: 'comment', value: comment, code: 'REQUIRED', message: '必填' }] });
      await tx.execute(`UPDATE review_proposals SET state = 'rejected', decided_at = now(), decided_by_name = $3, version = version + 1, updated_at = now() WHERE county_code = $1 AND id = $2`,
        [p.countyCode, p.id, ctx.actor.displayName]);
      await recordStep(ctx, tx, p, { index: p.step, key: step.key }, 'decide_no', comment);
      await audit(tx, ctx.actor, ctx.requestId, { action: 'review.decide', targetType: 'review_proposal', targetId: p.id, countyCode: p.countyCode, details: { number: p.number, decision: 'rejected' } });
      return getProposalTx(ctx, tx, id);
    }
    // approve
    const missing = (step.evidence ?? []).filter((k) => !(input.evidence?.[k] ?? '').trim());
    if (missing.length) {
      throw new ValidationError(`「${step.label}」须填写：${missing.join('、')}`, { errors: missing.map((k) => ({ field: `evidence.${k}`, value: '', code: 'REQUIRED', message: '必填' })) }, 'EVIDENCE_REQUIRED');
    }
    const openObjections = await tx.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM review_objections WHERE county_code = $1 AND proposal_id = $2 AND status = 'open'`, [p.countyCode, p.id],
    );
    if (openObjections[0]!.n > 0) {
      throw new ConflictError(`该申报有 ${openObjections[0]!.n} 条异议尚未复核办结，请先处理异议`, undefined, 'OBJECTION_OPEN');
    }
    if (step.kind === 'decide') {
      const cycle = (await cycleOf(tx, p.cycleId))!;
      const checks = await decisionChecks(ctx, tx, p, cycle.year);
      if (checks && !checks.pass) {
        throw new ConflictError(`不符合${PROPOSAL_TYPE_LABELS[p.type]}条件：${checks.reasons.join('；')}`, { checks }, 'CHECK_FAILED');
      }
      const today = todayCn();
      const due = p.type === 'monitor_enter' && p.firstClueOn ? addDays(p.firstClueOn, MONITOR_DECISION_DAYS) : null;
      const overdue = due !== null && today > due;
      const householdId = await applyProposal(ctx, tx, p, cycle.year, today);
      const finished = p.step + 1 >= steps.length;
      await tx.execute(
        `UPDATE review_proposals SET state = $3, step = step + 1, household_id = $4, decided_at = now(), decided_by_name = $5, checks = $6,
           version = version + 1, updated_at = now() WHERE county_code = $1 AND id = $2`,
        [p.countyCode, p.id, finished ? 'done' : 'approved', householdId, ctx.actor.displayName, checks ? JSON.stringify(checks) : null],
      );
      await recordStep(ctx, tx, p, { index: p.step, key: step.key }, 'decide_yes', comment || null, { ...(input.evidence ?? {}), ...(overdue ? { overdue: `超过首次发现线索后 ${MONITOR_DECISION_DAYS} 天（应于 ${due} 前审定）` } : {}) });
      await audit(tx, ctx.actor, ctx.requestId, { action: 'review.decide', targetType: 'review_proposal', targetId: p.id, countyCode: p.countyCode, details: { number: p.number, decision: 'approved', overdue } });
      return getProposalTx(ctx, tx, id);
    }
    await tx.execute(`UPDATE review_proposals SET step = step + 1, version = version + 1, updated_at = now() WHERE county_code = $1 AND id = $2`, [p.countyCode, p.id]);
    await recordStep(ctx, tx, p, { index: p.step, key: step.key }, 'approve', comment || null, input.evidence ?? null);
    await audit(tx, ctx.actor, ctx.requestId, { action: 'review.sign', targetType: 'review_proposal', targetId: p.id, countyCode: p.countyCode, details: { number: p.number, step: step.key } });
    return getProposalTx(ctx, tx, id);
  });
}

const STATE_LABELS: Record<Proposal['state'], string> = { in_progress: '在办', approved: '审定通过', done: '办结', rejected: '不予批准', withdrawn: '撤回' };

async function finish(ctx: Ctx, tx: Queryable, p: Proposal, state: 'withdrawn'): Promise<void> {
  await tx.execute(`UPDATE review_proposals SET state = $3, notice_id = NULL, version = version + 1, updated_at = now() WHERE county_code = $1 AND id = $2`, [p.countyCode, p.id, state]);
  await tx.execute(`UPDATE review_objections SET status = 'upheld', resolution = coalesce(resolution, '申报已撤回'), resolved_by_name = $3, resolved_at = now()
                     WHERE county_code = $1 AND proposal_id = $2 AND status = 'open'`, [p.countyCode, p.id, ctx.actor.displayName]);
  await audit(tx, ctx.actor, ctx.requestId, { action: 'review.withdraw', targetType: 'review_proposal', targetId: p.id, countyCode: p.countyCode, details: { number: p.number } });
}

/** The county decision's effect on the registry. Returns the household's id (new for an identification). */
async function applyProposal(ctx: Ctx, tx: Queryable, p: Proposal, year: number, today: string): Promise<string> {
  const proposal = { id: p.id, number: p.number, type: p.type };
  const reason = `${PROPOSAL_TYPE_LABELS[p.type]}：申报 ${p.number} 经县级审定`;
  if (p.type === 'identify') {
    const valid = validateNewHousehold(p.payload as Parameters<typeof validateNewHousehold>[0]);
    const h = await insertHousehold(ctx, tx, valid, { source: 'review', reason, proposal });
    return h.id;
  }
  const change = (type: Exclude<ProposalType, 'identify'>): DecidedChange => {
    switch (type) {
      case 'exit': return { povertyStatus: '已脱贫', exitYear: year };
      case 'return': return { povertyStatus: '返贫' };
      case 'remove': return { povertyStatus: '已剔除', removedReason: p.reason };
      case 'monitor_enter': return { monitoringCategory: (p.payload as { monitoringCategory: string }).monitoringCategory, monitoringIdentifiedAt: today, monitoringEliminatedAt: null };
      case 'risk_eliminated': return { monitoringEliminatedAt: today };
    }
  };
  await applyDecision(ctx, tx, p.householdId!, change(p.type), { reason, proposal });
  return p.householdId!;
}

/** A household's proposals across cycles (its timeline of dynamic management). */
export async function householdProposals(ctx: Ctx, householdId: string): Promise<(ProposalView & { cycleTitle: string; history: ProposalDetail['history'] })[]> {
  assertCan(ctx.actor, 'review.read');
  if (!/^[0-9a-f-]{36}$/i.test(householdId)) throw new NotFoundError();
  return ctx.db.transaction(async (tx) => {
    await householdFacts(ctx, tx, householdId);
    const rows = await tx.query<Proposal & { cycle_title: string }>(
      `SELECT ${SELECT}, c.title AS cycle_title FROM review_proposals p JOIN review_cycles c ON c.id = p.cycle_id
        WHERE p.household_id = $1 ORDER BY c.year, c.quarter, p.created_at`, [householdId],
    );
    const out = [];
    for (const { cycle_title, ...p } of rows) {
      const history = await tx.query<ProposalDetail['history'][number]>(
        `SELECT step_index AS "stepIndex", step_key AS "stepKey", action, username, display_name AS "displayName", role, comment, evidence, at
           FROM review_steps WHERE county_code = $1 AND proposal_id = $2 ORDER BY at, id`, [p.countyCode, p.id],
      );
      out.push({ ...view(p, await cycleOf(tx, p.cycleId)), cycleTitle: cycle_title, history, payload: null });
    }
    return out;
  });
}
