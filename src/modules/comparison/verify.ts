import { audit } from '../../core/audit.js';
import type { Ctx } from '../../core/context.js';
import type { Queryable } from '../../core/db.js';
import { AppError, ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../../core/errors.js';
import { PROPOSAL_TYPE_LABELS } from '../../domain/review/workflows.js';
import { assertCan, can } from '../access/policy.js';
import { countyProbeSql } from '../access/county-probe.js';
import { actorCovers, scopeSql, significantPrefix } from '../access/scope.js';
import { getRegion } from '../regions/service.js';
import { createProposalTx } from '../review/proposals.js';
import { openCandidate } from './candidates.js';
import { ROUTE_SQL } from './compare.js';
import { OUTSIDE_COUNTY } from './rules.js';
import { isKind, KIND_SPECS } from './kinds.js';
import { FINDING_SELECT, maskEvidence, maskId, type Finding, type OpenState } from './service.js';

/**
 * Verification (issue 6 item 4): a cadre of the household's village, township or county confirms or
 * dismisses an open finding with a reason, and a confirmation opens, in the same transaction, what
 * the rule says it opens:
 *
 * - removal-proposal: a 'remove' proposal (剔除) in the open review cycle, made through the review
 *   workflow's own rules (createProposalTx) by the confirming cadre, its reason citing the finding.
 *   The household already has a proposal in progress: the finding links to it. No cycle is open: the
 *   finding is 'pending' and "open now" (openFindingNow) makes it once a cycle is open. The workflow
 *   refuses otherwise (e.g. the household was removed meanwhile): 'blocked', with the reason.
 *   Every role that may confirm (comparison.verify) may also propose (review.propose), so the
 *   confirmer is the proposal's maker; were a role ever to confirm without 'review.propose', the
 *   confirmation still succeeds, nothing is made in its name, and the finding is 'blocked' saying so
 *   (a village cadre then opens it with "open now").
 * - identification-candidate (DIBAO_NOT_REGISTERED): a candidate for the village the cadre names
 *   (candidates.ts), from which the village starts an identify proposal.
 * - monitoring-warning: nothing here; the monitoring scan raises the warning from the confirmed
 *   finding (confirmedRiskFindings) and the finding says so ('scan').
 */

export interface VerifyInput {
  decision: 'confirm' | 'dismiss';
  reason: string;
  version?: number;
  /** DIBAO_NOT_REGISTERED: the 12-digit village where the person lives (a village cadre: their own). */
  villageCode?: string;
}

async function loadForUpdate(ctx: Ctx, tx: Queryable, id: string): Promise<Finding & { rawIdNumber: string; rawEvidence: unknown }> {
  if (!/^[0-9a-f-]{36}$/i.test(id)) throw new NotFoundError();
  const params: unknown[] = [id];
  const scope = scopeSql(ctx.actor, ROUTE_SQL('f'), params);
  // Through the primary key (findings have no index on id alone): a caller within one county looks
  // there; anyone else in every county with findings (an outsider's finding has county 000000 and
  // is routed to the city, so a city's caller may see it).
  const prefix = significantPrefix(ctx.actor.regionCode);
  const counties = countyProbeSql('comparison_findings', prefix.length >= 6 ? prefix : '', params);
  const f = (await tx.query<Finding>(
    `SELECT ${FINDING_SELECT} FROM comparison_findings f WHERE f.county_code IN (${counties}) AND f.id = $1 AND ${scope} FOR UPDATE`, params))[0];
  if (!f) throw new NotFoundError();
  return { ...f, rawIdNumber: f.idNumber, rawEvidence: f.evidence };
}

async function reread(tx: Queryable, f: { countyCode: string; id: string }): Promise<Finding> {
  const [after] = await tx.query<Finding>(`SELECT ${FINDING_SELECT} FROM comparison_findings f WHERE f.county_code = $1 AND f.id = $2`, [f.countyCode, f.id]);
  after!.idNumber = maskId(after!.idNumber);
  after!.evidence = maskEvidence(after!.evidence);
  return after!;
}

export interface Opened {
  state: OpenState;
  proposalId?: string | null;
  proposalNumber?: string | null;
  candidateId?: string | null;
  note?: string | null;
}

async function recordOpened(tx: Queryable, f: { countyCode: string; id: string }, o: Opened): Promise<void> {
  await tx.execute(
    `UPDATE comparison_findings SET open_state = $3, opened_proposal_id = $4, opened_proposal_number = $5, candidate_id = $6, open_note = $7,
            opened_at = CASE WHEN $3 IN ('created', 'linked', 'candidate') THEN now() ELSE NULL END, updated_at = now()
      WHERE county_code = $1 AND id = $2`,
    [f.countyCode, f.id, o.state, o.proposalId ?? null, o.proposalNumber ?? null, o.candidateId ?? null, o.note ?? null],
  );
}

export async function verifyFinding(ctx: Ctx, id: string, input: VerifyInput): Promise<Finding> {
  // The city office verifies only the findings routed to it (people from outside Lanzhou).
  const outsideOnly = !can(ctx.actor, 'comparison.verify') && can(ctx.actor, 'comparison.verify-outside');
  if (!outsideOnly) assertCan(ctx.actor, 'comparison.verify');
  const reason = input.reason.trim();
  if (reason.length < 2) throw new ValidationError('请填写核实意见（原因）', { column: 'reason' }, 'REASON_REQUIRED');
  return ctx.db.transaction(async (tx) => {
    const f = await loadForUpdate(ctx, tx, id);
    if (outsideOnly && f.countyCode !== OUTSIDE_COUNTY) {
      throw new ForbiddenError('市级只核实户籍不在兰州市的人员的线索；其他线索由所在村、乡镇、县区核实', { countyCode: f.countyCode }, 'VERIFIED_LOCALLY');
    }
    if (input.version !== undefined && input.version !== f.version) throw new ConflictError('该线索已被他人更新，请刷新后重试', { version: f.version }, 'STALE_VERSION');
    if (f.status !== 'open') throw new ConflictError(`该线索状态为「${f.status}」，只能核实待核实（open）的线索`, { status: f.status }, 'NOT_OPEN');
    const confirm = input.decision === 'confirm';
    // A candidate needs its village before anything is written (a bad one refuses the confirmation).
    const village = confirm && f.opens === 'identification-candidate' ? await candidateVillage(ctx, tx, input.villageCode) : null;
    await tx.execute(
      `UPDATE comparison_findings SET status = $3, verified_by = $4, verified_by_name = $5, verified_at = now(), reason = $6,
              version = version + 1, updated_at = now() WHERE county_code = $1 AND id = $2`,
      [f.countyCode, f.id, confirm ? 'confirmed' : 'dismissed', ctx.actor.id, ctx.actor.displayName || ctx.actor.username, reason],
    );
    let opened: Opened | null = null;
    if (confirm) {
      if (f.opens === 'removal-proposal') opened = await openRemoval(ctx, tx, f, reason, ctx.actor.displayName || ctx.actor.username);
      else if (f.opens === 'identification-candidate') {
        const c = await openCandidate(ctx, tx, { ...f, idNumber: f.rawIdNumber, evidence: f.rawEvidence }, village!, reason);
        opened = { state: 'candidate', candidateId: c.id, note: c.created ? null : '同一人已有识别候选，已关联' };
      } else opened = { state: 'scan', note: '监测扫描据此生成风险预警' };
      await recordOpened(tx, f, opened);
    }
    await audit(tx, ctx.actor, ctx.requestId, {
      action: `comparison.${input.decision}`, targetType: 'comparison_finding', targetId: f.id, countyCode: f.countyCode,
      details: { code: f.code, householdNumber: f.householdNumber, reason, opens: confirm ? f.opens : null, ...(opened ? { opened } : {}) },
    });
    return reread(tx, f);
  });
}

/**
 * "Open now": a confirmed exclusion finding whose proposal is pending (no open cycle then) or was
 * blocked makes its proposal now. Idempotent: a finding whose proposal was made or linked is
 * returned as it is. When the workflow still refuses, nothing changes and the answer says why
 * (409 with the workflow's code, e.g. NO_OPEN_CYCLE).
 */
export async function openFindingNow(ctx: Ctx, id: string): Promise<Finding> {
  assertCan(ctx.actor, 'comparison.verify');
  return ctx.db.transaction(async (tx) => {
    const f = await loadForUpdate(ctx, tx, id);
    if (f.status !== 'confirmed' || f.opens !== 'removal-proposal') {
      throw new ConflictError('只有已确认属实、应生成剔除申报的线索可以立即申报', { status: f.status, opens: f.opens }, 'NOTHING_TO_OPEN');
    }
    if (f.openState === 'created' || f.openState === 'linked') return reread(tx, f);
    const opened = await openRemoval(ctx, tx, f, f.reason ?? '', f.verifiedByName ?? '');
    if (opened.state !== 'created' && opened.state !== 'linked') {
      throw new ConflictError(opened.note ?? '暂不能生成剔除申报', { openState: opened.state }, opened.code ?? 'NOT_OPENED');
    }
    await recordOpened(tx, f, opened);
    await audit(tx, ctx.actor, ctx.requestId, {
      action: 'comparison.open', targetType: 'comparison_finding', targetId: f.id, countyCode: f.countyCode,
      details: { code: f.code, householdNumber: f.householdNumber, before: f.openState, opened },
    });
    return reread(tx, f);
  });
}

export interface OpenPendingResult {
  /** Pending findings in the caller's scope when the call began (at most OPEN_PENDING_LIMIT handled). */
  pending: number;
  opened: { id: string; proposalNumber: string | null; state: OpenState }[];
  /** Findings that still could not be opened, each with the workflow's code and message. */
  refused: { id: string; code: string; message: string }[];
}

const OPEN_PENDING_LIMIT = 500;

/**
 * 「全部立即申报」: every confirmed exclusion finding in the caller's scope still pending (confirmed
 * while no cycle was open) is opened as by `openFindingNow`, each in its own transaction, so one
 * refusal (no open cycle, a household already removed …) leaves the others opened and is listed
 * with its reason. Up to OPEN_PENDING_LIMIT per call; calling again handles the rest.
 */
export async function openPendingFindings(ctx: Ctx): Promise<OpenPendingResult> {
  assertCan(ctx.actor, 'comparison.verify');
  const params: unknown[] = [];
  const scope = scopeSql(ctx.actor, ROUTE_SQL('f'), params);
  const rows = await ctx.db.query<{ id: string }>(
    `SELECT f.id FROM comparison_findings f
      WHERE f.status = 'confirmed' AND f.opens = 'removal-proposal' AND f.open_state = 'pending' AND ${scope}
      ORDER BY f.verified_at, f.id LIMIT ${OPEN_PENDING_LIMIT}`, params,
  );
  const out: OpenPendingResult = { pending: rows.length, opened: [], refused: [] };
  for (const { id } of rows) {
    try {
      const f = await openFindingNow(ctx, id);
      out.opened.push({ id, proposalNumber: f.openedProposalNumber, state: f.openState as OpenState });
    } catch (e) {
      if (!(e instanceof AppError)) throw e;
      out.refused.push({ id, code: e.code, message: e.message });
    }
  }
  return out;
}

/**
 * Makes (or links) the removal proposal inside the caller's transaction. A refusal by the workflow
 * rolls back to a savepoint and is returned as 'pending' (no open cycle) or 'blocked' (the rest),
 * with the workflow's message and code.
 */
async function openRemoval(ctx: Ctx, tx: Queryable, f: Finding & { rawIdNumber: string; rawEvidence: unknown }, confirmReason: string, confirmer: string): Promise<Opened & { code?: string }> {
  if (!can(ctx.actor, 'review.propose')) {
    return { state: 'blocked', code: 'CANNOT_PROPOSE', note: '核实人的角色不能提出申报（review.propose），请由村、乡镇或县级干部「立即申报」' };
  }
  if (!f.householdId) return { state: 'blocked', code: 'NO_HOUSEHOLD', note: '该线索没有对应的在册户，不能申报剔除' };
  const text = await removalReason(tx, f, confirmReason, confirmer);
  await tx.execute('SAVEPOINT comparison_open');
  try {
    const { proposal, created } = await createProposalTx(ctx, tx, { type: 'remove', householdId: f.householdId, reason: text }, {
      ifOpen: 'link',
      source: { kind: 'comparison_finding', findingId: f.id, code: f.code, ruleKey: f.ruleKey, datasetId: f.lastDatasetId },
    });
    await tx.execute('RELEASE SAVEPOINT comparison_open');
    return created
      ? { state: 'created', proposalId: proposal.id, proposalNumber: proposal.number }
      : {
        state: 'linked', proposalId: proposal.id, proposalNumber: proposal.number,
        note: `该户已有办理中的申报 ${proposal.number}（${PROPOSAL_TYPE_LABELS[proposal.type]}），线索已关联到该申报`,
      };
  } catch (e) {
    if (!(e instanceof AppError)) throw e;
    await tx.execute('ROLLBACK TO SAVEPOINT comparison_open');
    const pending = e.code === 'NO_OPEN_CYCLE';
    return { state: pending ? 'pending' : 'blocked', code: e.code, note: pending ? `待开启：没有开启的动态管理周期（${e.code}）` : `${e.message}（${e.code}）` };
  }
}

/** The removal proposal's reason: the finding's code and rule, the department row it rests on, and the cadre's confirmation. */
async function removalReason(tx: Queryable, f: Finding & { rawIdNumber: string; rawEvidence: unknown }, confirmReason: string, confirmer: string): Promise<string> {
  const d = (await tx.query<{ kind: string; year: number | null; file_name: string; uploaded_at: string | Date }>(
    'SELECT kind, year, file_name, uploaded_at FROM comparison_datasets WHERE id = $1', [f.lastDatasetId],
  ))[0];
  const rule = (f.rule ?? {}) as { id?: string; title?: string; params?: Record<string, unknown>; source?: string; effectiveFrom?: string | null };
  const params = Object.entries(rule.params ?? {}).map(([k, v]) => `${k}=${Array.isArray(v) ? v.join('/') : String(v)}`).join('，');
  const ev = (Array.isArray(f.rawEvidence) ? f.rawEvidence[0] : f.rawEvidence) as Record<string, unknown> | null;
  const row = ev && typeof ev['行号'] === 'number' ? `第 ${ev['行号']} 行` : '';
  const pairs = ev ? Object.entries(ev).filter(([k, v]) => !['证件号码', '姓名', '行号', '结算记录'].includes(k) && v !== null && v !== '').map(([k, v]) => `${k} ${String(v)}`) : [];
  const dept = d && isKind(d.kind) ? KIND_SPECS[d.kind].department : d?.kind ?? '部门';
  const day = d ? (d.uploaded_at instanceof Date ? d.uploaded_at.toISOString() : String(d.uploaded_at)).slice(0, 10) : '';
  const text = [
    `数据比对线索核实属实，申报剔除。`,
    `线索 ${f.code}「${rule.title ?? f.code}」（规则参数：${params || '无'}；依据：${rule.source ?? '—'}${rule.effectiveFrom ? `，参数自 ${rule.effectiveFrom} 起` : ''}）。`,
    `证据：${dept}数据（${d?.year ?? f.year ?? ''} 年，文件「${d?.file_name ?? ''}」${row ? `${row}` : ''}，${day} 比对）：成员 ${f.name ?? ''}（${maskId(f.rawIdNumber)}）${pairs.slice(0, 8).join('，')}。`,
    `核实意见（${confirmer}）：${confirmReason.replace(/[。.]$/, '')}。`,
    `线索编号 ${f.id}。`,
  ].join('');
  return text.length > 1900 ? text.slice(0, 1899) + '…' : text;
}

/** The candidate's village: 12 digits, a village in the regions table, inside the confirmer's scope (a village cadre: their own by default). */
async function candidateVillage(ctx: Ctx, tx: Queryable, raw: string | undefined): Promise<string> {
  const code = (raw ?? '').trim() || (ctx.actor.role === 'village' ? ctx.actor.regionCode : '');
  const bad = (message: string, errCode: string): never => {
    throw new ValidationError(message, { errors: [{ field: 'villageCode', value: code, code: errCode, message }] }, 'VILLAGE_REQUIRED');
  };
  if (!code) bad('确认「低保对象未纳入建档立卡」须指定此人所在的村（villageCode，12 位区划代码），以便村级评议是否纳入', 'REQUIRED');
  if (!/^\d{12}$/.test(code)) bad(`村的区划代码应为 12 位数字：${code}`, 'INVALID');
  const region = await getRegion(tx, code);
  if (!region || region.level !== 'village' || !actorCovers(ctx.actor, code)) bad(`区划 ${code} 不是您辖区内的村`, 'NOT_A_VILLAGE_IN_SCOPE');
  return code;
}
