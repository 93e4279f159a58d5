import { audit } from '../../core/audit.js';
import type { Ctx } from '../../core/context.js';
import type { Queryable } from '../../core/db.js';
import { ConflictError, NotFoundError, ValidationError } from '../../core/errors.js';
import { newId } from '../../core/ids.js';
import { normalizeIdNumber } from '../../domain/idnumber.js';
import { assertCan, can } from '../access/policy.js';
import { scopeSql } from '../access/scope.js';
import { createProposalTx, getProposalTx, type ProposalView } from '../review/proposals.js';
import { maskEvidence, maskId, regionFilter } from './service.js';

/**
 * 识别候选: a person a confirmed DIBAO_NOT_REGISTERED finding shows on 低保 class 一/二 but not in
 * the registry. An identify proposal needs a whole household (members, cause, category), which a
 * department row does not give, so the confirmation makes a candidate for the village the cadre
 * names; the village cadre sees it (scoped by that village), assesses the family and starts the
 * identify proposal from it with the household's details, the person among its members. The
 * candidate then links to that proposal.
 */

export interface Candidate {
  id: string;
  countyCode: string;
  findingId: string;
  idNumber: string;
  name: string | null;
  villageCode: string;
  /** The village's name (regions). */
  villageName: string | null;
  code: string;
  year: number | null;
  evidence: unknown;
  reason: string;
  status: 'open' | 'proposed' | 'closed';
  proposalId: string | null;
  proposalNumber: string | null;
  proposedByName: string | null;
  proposedAt: string | null;
  closedReason: string | null;
  closedByName: string | null;
  closedAt: string | null;
  createdByName: string;
  createdAt: string;
  version: number;
}

const SELECT = `c.id, c.county_code AS "countyCode", c.finding_id AS "findingId", c.id_number AS "idNumber", c.name, c.village_code AS "villageCode",
  (SELECT r.name FROM regions r WHERE r.code = c.village_code) AS "villageName",
  c.code, c.year, c.evidence, c.reason, c.status, c.proposal_id AS "proposalId", c.proposal_number AS "proposalNumber",
  c.proposed_by_name AS "proposedByName", c.proposed_at AS "proposedAt", c.closed_reason AS "closedReason", c.closed_by_name AS "closedByName",
  c.closed_at AS "closedAt", c.created_by_name AS "createdByName", c.created_at AS "createdAt", c.version`;

/**
 * Called by the confirmation, in its transaction: a candidate for the finding's person in `village`,
 * or the open (or proposed) candidate the same person already has in that county.
 */
export async function openCandidate(ctx: Ctx, tx: Queryable, f: { id: string; idNumber: string; name: string | null; code: string; year: number | null; evidence: unknown },
  village: string, reason: string): Promise<{ id: string; created: boolean }> {
  const county = village.slice(0, 6);
  const existing = await tx.query<{ id: string }>(
    `SELECT id FROM comparison_candidates WHERE county_code = $1 AND id_number = $2 AND status IN ('open', 'proposed') ORDER BY created_at LIMIT 1`, [county, f.idNumber],
  );
  if (existing[0]) return { id: existing[0].id, created: false };
  const id = newId();
  await tx.execute(
    `INSERT INTO comparison_candidates (county_code, id, finding_id, id_number, name, village_code, code, year, evidence, reason, created_by, created_by_name)
     VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12)`,
    [county, id, f.id, f.idNumber, f.name, village, f.code, f.year, JSON.stringify(f.evidence ?? null), reason, ctx.actor.id, ctx.actor.displayName || ctx.actor.username],
  );
  await audit(tx, ctx.actor, ctx.requestId, {
    action: 'comparison.candidate', targetType: 'comparison_candidate', targetId: id, countyCode: county,
    details: { findingId: f.id, code: f.code, villageCode: village, idNumber: maskId(f.idNumber) },
  });
  return { id, created: true };
}

export interface CandidateQuery {
  status?: 'open' | 'proposed' | 'closed';
  region?: string;
  page?: number;
  pageSize?: number;
  unmasked?: boolean;
}

/** Candidates in the actor's scope (by their village); ID numbers masked unless asked for and allowed (audited). */
export async function listCandidates(ctx: Ctx, q: CandidateQuery): Promise<{ items: Candidate[]; total: number; page: number; pageSize: number; masked: boolean }> {
  assertCan(ctx.actor, 'comparison.read');
  const page = q.page ?? 1;
  const pageSize = Math.min(q.pageSize ?? 50, 200);
  const params: unknown[] = [];
  const where = [scopeSql(ctx.actor, 'c.village_code', params), regionFilter(ctx, q.region, 'c.village_code', params)];
  if (q.status) {
    params.push(q.status);
    where.push(`c.status = $${params.length}`);
  }
  const w = where.join(' AND ');
  const [{ n }] = (await ctx.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM comparison_candidates c WHERE ${w}`, params)) as [{ n: number }];
  const items = await ctx.db.query<Candidate>(
    `SELECT ${SELECT} FROM comparison_candidates c WHERE ${w} ORDER BY c.status, c.created_at DESC, c.id LIMIT ${pageSize} OFFSET ${(page - 1) * pageSize}`, params,
  );
  if (q.unmasked) assertCan(ctx.actor, 'pii.unmask');
  if (q.unmasked && can(ctx.actor, 'pii.unmask')) {
    await ctx.db.transaction((tx) => audit(tx, ctx.actor, ctx.requestId, {
      action: 'comparison.candidates_unmasked', targetType: 'comparison_candidate', targetId: null, details: { filter: q, ids: items.map((i) => i.id) },
    }));
    return { items, total: n, page, pageSize, masked: false };
  }
  for (const i of items) {
    i.idNumber = maskId(i.idNumber);
    i.evidence = maskEvidence(i.evidence);
  }
  return { items, total: n, page, pageSize, masked: true };
}

/** The candidate, locked for this transaction, if the caller's scope covers its village (else 404). */
async function candidateForUpdate(ctx: Ctx, tx: Queryable, id: string): Promise<Candidate> {
  if (!/^[0-9a-f-]{36}$/i.test(id)) throw new NotFoundError('识别候选不存在');
  const params: unknown[] = [id];
  const scope = scopeSql(ctx.actor, 'c.village_code', params);
  const c = (await tx.query<Candidate>(`SELECT ${SELECT} FROM comparison_candidates c WHERE c.id = $1 AND ${scope} FOR UPDATE`, params))[0];
  if (!c) throw new NotFoundError('识别候选不存在或不在您的辖区内');
  return c;
}

export interface ProposeFromCandidateInput {
  reason: string;
  /** The household as the identify proposal takes it; the candidate is one of its members (its ID number as listed, masked or in full). */
  household: { household: Record<string, unknown>; members: Record<string, unknown>[]; income?: Record<string, unknown> | null };
}

/**
 * Starts the identify proposal from a candidate (the village cadre, or township or county): the
 * household in the candidate's village with the candidate among its members; the list shows the
 * candidate's ID number masked, so a member whose ID number is that masked form is the candidate and
 * gets the full number here. The candidate links to the proposal (same transaction, audited). A
 * candidate whose proposal is in progress or decided answers 409; one whose proposal was withdrawn
 * or rejected may start another.
 */
export async function proposeFromCandidate(ctx: Ctx, id: string, input: ProposeFromCandidateInput): Promise<{ candidate: Candidate; proposal: ProposalView }> {
  assertCan(ctx.actor, 'review.propose');
  return ctx.db.transaction(async (tx) => {
    const c = await candidateForUpdate(ctx, tx, id);
    if (c.status === 'closed') throw new ConflictError(`该候选已关闭（不予识别：${c.closedReason ?? ''}）`, { status: c.status }, 'CANDIDATE_NOT_OPEN');
    if (c.status === 'proposed' && c.proposalId) {
      const p = await getProposalTx(ctx, tx, c.proposalId);
      if (p.state !== 'withdrawn' && p.state !== 'rejected') {
        throw new ConflictError(`该候选人已提出识别申报 ${p.number}`, { proposalId: p.id, proposalNumber: p.number }, 'CANDIDATE_PROPOSED');
      }
    }
    const h = input.household;
    const village = String(h?.household?.villageCode ?? '').trim();
    if (village !== c.villageCode) {
      throw new ValidationError(`识别申报的村应为候选人所在的村 ${c.villageCode}`, {
        errors: [{ field: 'household.villageCode', value: village, code: 'CANDIDATE_VILLAGE', message: `应为 ${c.villageCode}` }],
      });
    }
    const masked = maskId(c.idNumber);
    let found = false;
    const members = (h.members ?? []).map((m) => {
      const raw = String(m.idNumber ?? '').trim();
      if (raw === masked || normalizeIdNumber(raw) === c.idNumber) {
        found = true;
        return { ...m, idNumber: c.idNumber };
      }
      return m;
    });
    if (!found) {
      throw new ValidationError(`识别申报的家庭成员须包含候选人 ${c.name ?? ''}（${masked}）`, {
        errors: [{ field: 'members', value: masked, code: 'CANDIDATE_NOT_MEMBER', message: '须包含候选人' }],
      });
    }
    const reason = `${input.reason.trim()}（来源：数据比对识别候选，线索 ${c.code}${c.year ? ` ${c.year} 年` : ''}，线索编号 ${c.findingId}）`;
    const { proposal } = await createProposalTx(ctx, tx, { type: 'identify', reason: input.reason.trim().length >= 4 ? reason : input.reason, household: { ...h, members } }, {
      source: { kind: 'comparison_candidate', candidateId: c.id, findingId: c.findingId, code: c.code },
    });
    await tx.execute(
      `UPDATE comparison_candidates SET status = 'proposed', proposal_id = $3, proposal_number = $4, proposed_by_name = $5, proposed_at = now(),
              version = version + 1, updated_at = now() WHERE county_code = $1 AND id = $2`,
      [c.countyCode, c.id, proposal.id, proposal.number, ctx.actor.displayName || ctx.actor.username],
    );
    await audit(tx, ctx.actor, ctx.requestId, {
      action: 'comparison.candidate_propose', targetType: 'comparison_candidate', targetId: c.id, countyCode: c.countyCode,
      details: { proposalId: proposal.id, proposalNumber: proposal.number, findingId: c.findingId },
    });
    const after = (await tx.query<Candidate>(`SELECT ${SELECT} FROM comparison_candidates c WHERE c.county_code = $1 AND c.id = $2`, [c.countyCode, c.id]))[0]!;
    after.idNumber = masked;
    after.evidence = maskEvidence(after.evidence);
    return { candidate: after, proposal };
  });
}

export interface CloseCandidateInput {
  reason: string;
  version: number;
}

/**
 * The village (or township, county) assessed an open candidate and found no case for
 * identification (income above the line, already registered elsewhere, moved away …): the
 * candidate is closed with that reason, in one audited write. A stale version answers 409 and
 * changes nothing; a candidate already proposed or closed cannot be closed. A later finding about
 * the same person makes a new candidate (new evidence is assessed again).
 */
export async function closeCandidate(ctx: Ctx, id: string, input: CloseCandidateInput): Promise<Candidate> {
  assertCan(ctx.actor, 'review.propose');
  const reason = (input.reason ?? '').trim();
  if (reason.length < 4) {
    throw new ValidationError('请写明不予识别的理由（至少 4 个字）', { errors: [{ field: 'reason', value: reason, code: 'REQUIRED', message: '至少 4 个字' }] }, 'REASON_REQUIRED');
  }
  return ctx.db.transaction(async (tx) => {
    const c = await candidateForUpdate(ctx, tx, id);
    if (c.version !== input.version) throw new ConflictError('该候选已被他人处理，请刷新后重试', { version: c.version }, 'STALE_VERSION');
    if (c.status !== 'open') {
      throw new ConflictError(c.status === 'proposed' ? `该候选人已提出识别申报 ${c.proposalNumber ?? ''}，请在申报中办理` : '该候选已关闭', { status: c.status }, 'CANDIDATE_NOT_OPEN');
    }
    const by = ctx.actor.displayName || ctx.actor.username;
    await tx.execute(
      `UPDATE comparison_candidates SET status = 'closed', closed_reason = $3, closed_by_name = $4, closed_at = now(), version = version + 1, updated_at = now()
        WHERE county_code = $1 AND id = $2`, [c.countyCode, c.id, reason, by],
    );
    await audit(tx, ctx.actor, ctx.requestId, {
      action: 'comparison.candidate_close', targetType: 'comparison_candidate', targetId: c.id, countyCode: c.countyCode,
      details: { findingId: c.findingId, reason },
    });
    const after = (await tx.query<Candidate>(`SELECT ${SELECT} FROM comparison_candidates c WHERE c.county_code = $1 AND c.id = $2`, [c.countyCode, c.id]))[0]!;
    after.idNumber = maskId(after.idNumber);
    after.evidence = maskEvidence(after.evidence);
    return after;
  });
}
