import { audit } from '../../core/audit.js';
import type { Ctx } from '../../core/context.js';
import type { Queryable } from '../../core/db.js';
import { NotFoundError, ValidationError } from '../../core/errors.js';
import { assertCan, can } from '../access/policy.js';
import { actorCovers, inSubtree, scopeSql, significantPrefix, subtreeRange } from '../access/scope.js';
import { ROUTE_SQL } from './compare.js';
import { checkParams, effectiveRules, FINDING_CODES, RULES, type FindingCode } from './rules.js';
import { todayCn } from '../../domain/dates.js';

/**
 * Findings and datasets: reading (scoped to the actor's regions, "not found" and "not allowed"
 * alike) and the summary by kind and region; verification by the cadres of the household's
 * village, township or county, and what it opens, are in verify.ts. A finding is routed by its household's village; a person outside the
 * registry by the county of the ID number (or the city office when outside Lanzhou).
 */

export const STATUSES = ['open', 'confirmed', 'dismissed', 'closed'] as const;
export type FindingStatus = (typeof STATUSES)[number];

export interface Finding {
  id: string;
  countyCode: string;
  kind: string;
  code: string;
  ruleKey: string;
  year: number | null;
  idNumber: string;
  name: string | null;
  householdId: string | null;
  householdNumber: string | null;
  memberId: string | null;
  villageCode: string | null;
  rule: unknown;
  evidence: unknown;
  status: FindingStatus;
  opens: string;
  verifiedByName: string | null;
  verifiedAt: string | null;
  reason: string | null;
  datasetId: string;
  firstDatasetId: string;
  lastDatasetId: string;
  closedByDatasetId: string | null;
  /** What the confirmation opened (verify.ts): created, linked, pending, blocked, candidate, scan; null before. */
  openState: OpenState | null;
  openedProposalId: string | null;
  openedProposalNumber: string | null;
  candidateId: string | null;
  /** Why the proposal is pending or blocked, or which in-progress proposal it was linked to. */
  openNote: string | null;
  openedAt: string | null;
  /** The identification candidate it opened, with the identify proposal started from it. */
  candidate: { status: string; villageCode: string; proposalId: string | null; proposalNumber: string | null } | null;
  version: number;
  updatedAt: string;
}

export const OPEN_STATES = ['created', 'linked', 'pending', 'blocked', 'candidate', 'scan'] as const;
export type OpenState = (typeof OPEN_STATES)[number];

export const FINDING_SELECT = `f.id, f.county_code AS "countyCode", f.kind, f.code, f.rule_key AS "ruleKey", f.year, f.id_number AS "idNumber", f.name,
  f.household_id AS "householdId", f.household_number AS "householdNumber", f.member_id AS "memberId", f.village_code AS "villageCode",
  COALESCE(f.rule, (SELECT d.rules -> f.code FROM comparison_datasets d WHERE d.id = f.last_dataset_id)) AS rule, f.evidence, f.status, f.opens, f.verified_by_name AS "verifiedByName", f.verified_at AS "verifiedAt", f.reason,
  f.dataset_id AS "datasetId", f.first_dataset_id AS "firstDatasetId", f.last_dataset_id AS "lastDatasetId",
  f.closed_by_dataset_id AS "closedByDatasetId", f.open_state AS "openState", f.opened_proposal_id AS "openedProposalId",
  f.opened_proposal_number AS "openedProposalNumber", f.candidate_id AS "candidateId", f.open_note AS "openNote", f.opened_at AS "openedAt",
  (SELECT jsonb_build_object('status', c.status, 'villageCode', c.village_code, 'proposalId', c.proposal_id, 'proposalNumber', c.proposal_number)
     FROM comparison_candidates c WHERE c.id = f.candidate_id) AS candidate,
  f.version, f.updated_at AS "updatedAt"`;

export function maskId(id: string): string {
  return id.length === 18 ? `${id.slice(0, 6)}********${id.slice(14)}` : '******';
}

export function maskEvidence(e: unknown): unknown {
  if (Array.isArray(e)) return e.map(maskEvidence);
  if (e && typeof e === 'object') {
    return Object.fromEntries(Object.entries(e as Record<string, unknown>).map(([k, v]) => [k, k === '证件号码' && typeof v === 'string' ? maskId(v) : maskEvidence(v)]));
  }
  return e;
}

export interface FindingQuery {
  kind?: string;
  code?: string;
  region?: string;
  status?: string;
  datasetId?: string;
  householdNumber?: string;
  page?: number;
  pageSize?: number;
  unmasked?: boolean;
}

/** A region filter must lie within the actor's scope; otherwise it is "not found". */
export function regionFilter(ctx: Ctx, region: string | undefined, column: string, params: unknown[]): string {
  if (!region) return 'TRUE';
  if (!/^\d{12}$/.test(region) || !actorCovers(ctx.actor, region)) throw new NotFoundError('区划不存在或不在您的辖区内');
  const { lo, hi } = subtreeRange(region);
  params.push(lo, hi);
  return `${column} BETWEEN $${params.length - 1} AND $${params.length}`;
}

export async function listFindings(ctx: Ctx, q: FindingQuery): Promise<{ items: Finding[]; total: number; page: number; pageSize: number; masked: boolean }> {
  assertCan(ctx.actor, 'comparison.read');
  const page = q.page ?? 1;
  const pageSize = Math.min(q.pageSize ?? 50, 1000);
  const params: unknown[] = [];
  const route = ROUTE_SQL('f');
  const where = [scopeSql(ctx.actor, route, params), regionFilter(ctx, q.region, route, params)];
  const eq = (col: string, v: string | undefined) => {
    if (v === undefined || v === '') return;
    params.push(v);
    where.push(`${col} = $${params.length}`);
  };
  eq('f.kind', q.kind);
  eq('f.code', q.code);
  eq('f.status', q.status);
  eq('f.last_dataset_id', q.datasetId);
  eq('f.household_number', q.householdNumber);
  const w = where.join(' AND ');
  const [{ n }] = (await ctx.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM comparison_findings f WHERE ${w}`, params)) as [{ n: number }];
  const items = await ctx.db.query<Finding>(
    `SELECT ${FINDING_SELECT} FROM comparison_findings f WHERE ${w} ORDER BY f.county_code, f.code, f.id_number, f.rule_key
      LIMIT ${pageSize} OFFSET ${(page - 1) * pageSize}`, params,
  );
  const unmasked = !!q.unmasked && can(ctx.actor, 'pii.unmask');
  if (q.unmasked && !unmasked) assertCan(ctx.actor, 'pii.unmask');
  if (unmasked) {
    await ctx.db.transaction((tx) => audit(tx, ctx.actor, ctx.requestId, {
      action: 'comparison.findings_unmasked', targetType: 'comparison_finding', targetId: null,
      details: { filter: { ...q, unmasked: true }, ids: items.map((i) => i.id) },
    }));
  } else {
    for (const i of items) {
      i.idNumber = maskId(i.idNumber);
      i.evidence = maskEvidence(i.evidence);
    }
  }
  return { items, total: n, page, pageSize, masked: !unmasked };
}

/** Every finding a dataset showed, unmasked (the CLI, run by the operator as the system actor). */
export async function datasetFindings(ctx: Ctx, datasetId: string): Promise<Finding[]> {
  assertCan(ctx.actor, 'comparison.read');
  assertCan(ctx.actor, 'pii.unmask');
  const params: unknown[] = [datasetId];
  const scope = scopeSql(ctx.actor, ROUTE_SQL('f'), params);
  return ctx.db.query<Finding>(
    `SELECT ${FINDING_SELECT} FROM comparison_findings f WHERE f.last_dataset_id = $1 AND ${scope} ORDER BY f.id_number, f.code, f.rule_key`, params,
  );
}

export interface SummaryRow {
  kind: string;
  code: string;
  region: string;
  open: number;
  confirmed: number;
  dismissed: number;
  closed: number;
  total: number;
}

/** Counts by kind, code and region one level below `region` (or the actor's scope), by status. */
export async function findingSummary(ctx: Ctx, q: { region?: string; kind?: string }): Promise<{ region: string; level: number; items: SummaryRow[] }> {
  assertCan(ctx.actor, 'comparison.read');
  const root = q.region ?? (ctx.actor.role === 'system' ? '620100000000' : ctx.actor.regionCode);
  const prefix = significantPrefix(root).length;
  const level = prefix <= 4 ? 6 : prefix <= 6 ? 9 : 12;
  const params: unknown[] = [];
  const route = ROUTE_SQL('f');
  const where = [scopeSql(ctx.actor, route, params), regionFilter(ctx, q.region, route, params)];
  if (q.kind) {
    params.push(q.kind);
    where.push(`f.kind = $${params.length}`);
  }
  const items = await ctx.db.query<SummaryRow>(
    `SELECT f.kind, f.code, rpad(left(${route}, ${level}), 12, '0') AS region,
            count(*) FILTER (WHERE f.status = 'open')::int AS open, count(*) FILTER (WHERE f.status = 'confirmed')::int AS confirmed,
            count(*) FILTER (WHERE f.status = 'dismissed')::int AS dismissed, count(*) FILTER (WHERE f.status = 'closed')::int AS closed,
            count(*)::int AS total
       FROM comparison_findings f WHERE ${where.join(' AND ')} GROUP BY 1, 2, 3 ORDER BY 1, 2, 3`, params,
  );
  return { region: root, level, items };
}

export interface DatasetRow {
  id: string;
  kind: string;
  year: number;
  purpose: string;
  authorisation: string;
  fileName: string;
  fileHash: string;
  uploader: string;
  scopeCode: string;
  uploadedAt: string;
  rowsTotal: number;
  rowsAccepted: number;
  rowsRejected: number;
  rowsMatched: number;
  findingsNew: number;
  findingsSeen: number;
  findingsClosed: number;
  summary: unknown;
  columns?: unknown;
  rejected?: unknown;
  issues?: unknown;
}

const DATASET_SELECT = `d.id, d.kind, d.year, d.purpose, d.authorisation, d.file_name AS "fileName", d.file_hash AS "fileHash", d.uploader,
  d.scope_code AS "scopeCode", d.uploaded_at AS "uploadedAt", d.rows_total AS "rowsTotal", d.rows_accepted AS "rowsAccepted",
  d.rows_rejected AS "rowsRejected", d.rows_matched AS "rowsMatched", d.findings_new AS "findingsNew", d.findings_seen AS "findingsSeen",
  d.findings_closed AS "findingsClosed", d.summary`;

/**
 * Datasets the actor may see: a department user its own uploads; others the datasets uploaded
 * within their scope or covering it (a city-wide file covers every county).
 */
function datasetScope(ctx: Ctx, params: unknown[]): string {
  if (ctx.actor.role === 'system') return 'TRUE';
  if (ctx.actor.role === 'department') {
    params.push(ctx.actor.id);
    return `d.uploaded_by = $${params.length}`;
  }
  const within = scopeSql(ctx.actor, 'd.scope_code', params);
  params.push(ctx.actor.regionCode);
  // the dataset's scope covers the actor's region: the actor's code starts with its significant prefix
  const covers = `$${params.length} LIKE rtrim(d.scope_code, '0') || '%'`;
  return `(${within} OR ${covers})`;
}

export async function listDatasets(ctx: Ctx, q: { kind?: string; page?: number; pageSize?: number }): Promise<{ items: DatasetRow[]; total: number }> {
  assertCan(ctx.actor, 'comparison.datasets');
  const params: unknown[] = [];
  const where = [datasetScope(ctx, params)];
  if (q.kind) {
    params.push(q.kind);
    where.push(`d.kind = $${params.length}`);
  }
  const pageSize = Math.min(q.pageSize ?? 20, 200);
  const w = where.join(' AND ');
  const [{ n }] = (await ctx.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM comparison_datasets d WHERE ${w}`, params)) as [{ n: number }];
  const items = await ctx.db.query<DatasetRow>(
    `SELECT ${DATASET_SELECT} FROM comparison_datasets d WHERE ${w} ORDER BY d.uploaded_at DESC, d.id DESC LIMIT ${pageSize} OFFSET ${((q.page ?? 1) - 1) * pageSize}`, params,
  );
  return { items, total: n };
}

/** One dataset with its columns, rejected rows and issues (ID numbers masked unless the actor uploaded it). */
export async function getDataset(ctx: Ctx, id: string): Promise<DatasetRow> {
  assertCan(ctx.actor, 'comparison.datasets');
  if (!/^[0-9a-f-]{36}$/i.test(id)) throw new NotFoundError();
  const params: unknown[] = [id];
  const rows = await ctx.db.query<DatasetRow & { uploadedBy: string | null }>(
    `SELECT ${DATASET_SELECT}, d.columns, d.rejected, d.issues, d.uploaded_by AS "uploadedBy" FROM comparison_datasets d WHERE d.id = $1 AND ${datasetScope(ctx, params)}`, params,
  );
  const d = rows[0];
  if (!d) throw new NotFoundError();
  const own = ctx.actor.role === 'system' || (d.uploadedBy !== null && d.uploadedBy === ctx.actor.id);
  if (!own) {
    const mask = (list: unknown) => (Array.isArray(list) ? list.map((r: { column?: string; value?: string }) => (r.column === '证件号码' && r.value ? { ...r, value: maskId(r.value) } : r)) : list);
    d.rejected = mask(d.rejected);
  }
  const { uploadedBy: _u, ...rest } = d;
  return rest;
}

/** Used by tests and the summary: a finding's scope covers the region. */
export function routeCovers(root: string, f: { villageCode: string | null; countyCode: string }): boolean {
  const route = f.villageCode ?? (f.countyCode === '000000' ? '620100000000' : f.countyCode + '000000');
  return inSubtree(root, route);
}

export function ruleOf(code: string) {
  return RULES[code as FindingCode];
}

/** Every rule with its parameters effective at `date` (default today) and its dated overrides. */
export async function listRules(ctx: Ctx, date?: string) {
  assertCan(ctx.actor, 'comparison.read');
  const at = date ?? todayCn();
  const kinds = [...new Set(Object.values(RULES).map((r) => r.kind))];
  const effective = (await Promise.all(kinds.map((k) => effectiveRules(ctx.db, k, at)))).flat();
  const history = await ctx.db.query<{ ruleId: string; effectiveFrom: string; params: unknown; source: string; updatedBy: string | null }>(
    `SELECT rule_id AS "ruleId", effective_from::text AS "effectiveFrom", params, source, updated_by AS "updatedBy"
       FROM comparison_rule_params ORDER BY rule_id, effective_from`);
  return {
    date: at,
    items: effective.map((r) => ({ ...r, kind: RULES[r.id].kind, opens: RULES[r.id].opens, defaults: RULES[r.id].defaults, history: history.filter((h) => h.ruleId === r.id) })),
  };
}

/** A new dated override of a rule's parameters (city office; audited). Comparisons from that date use it. */
export async function setRuleParams(ctx: Ctx, code: string, input: { effectiveFrom: string; params: Record<string, unknown>; source: string }) {
  assertCan(ctx.actor, 'comparison.rules');
  if (!(FINDING_CODES as readonly string[]).includes(code)) throw new NotFoundError('规则不存在');
  const problems = checkParams(code as FindingCode, input.params);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(input.effectiveFrom) || Number.isNaN(Date.parse(input.effectiveFrom))) problems.push('生效日期应为 YYYY-MM-DD');
  if (!input.source.trim()) problems.push('请填写参数依据（文件或条款）');
  if (problems.length) throw new ValidationError(problems.join('；'), { problems }, 'BAD_RULE_PARAMS');
  await ctx.db.transaction(async (tx) => {
    await tx.execute(
      `INSERT INTO comparison_rule_params (rule_id, effective_from, params, source, updated_by) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (rule_id, effective_from) DO UPDATE SET params = EXCLUDED.params, source = EXCLUDED.source, updated_by = EXCLUDED.updated_by, updated_at = now()`,
      [code, input.effectiveFrom, JSON.stringify(input.params), input.source, ctx.actor.username],
    );
    await audit(tx, ctx.actor, ctx.requestId, { action: 'comparison.rule_params', targetType: 'comparison_rule', targetId: code, details: input });
  });
  const [r] = await effectiveRules(ctx.db, RULES[code as FindingCode].kind, input.effectiveFrom).then((l) => l.filter((x) => x.id === code));
  return r!;
}

/**
 * For the monitoring scan: findings a cadre confirmed whose confirmation opens a monitoring warning
 * (opens = 'monitoring-warning'), for registered households within the village-code range. No access
 * check: the scan has checked its own role and passes its scope.
 */
export async function confirmedRiskFindings(q: Queryable, range: { lo: string; hi: string } | null): Promise<{
  id: string; countyCode: string; householdId: string; villageCode: string; code: string; ruleKey: string; title: string;
  evidence: unknown; reason: string | null; firstSeen: string; verifiedAt: string | null;
}[]> {
  const params: unknown[] = [];
  let where = `f.status = 'confirmed' AND f.opens = 'monitoring-warning' AND f.household_id IS NOT NULL AND f.village_code IS NOT NULL`;
  if (range) {
    params.push(range.lo, range.hi);
    where += ' AND f.village_code BETWEEN $1 AND $2';
  }
  const rows = await q.query<Record<string, unknown>>(
    `SELECT f.id, f.county_code, f.household_id, f.village_code, f.code, f.rule_key, f.evidence, f.reason, f.created_at, f.verified_at
       FROM comparison_findings f WHERE ${where} ORDER BY f.county_code, f.id`, params);
  const iso = (v: unknown) => (v instanceof Date ? v.toISOString() : v == null ? null : String(v));
  return rows.map((r) => ({
    id: r.id as string, countyCode: r.county_code as string, householdId: r.household_id as string, villageCode: r.village_code as string,
    code: r.code as string, ruleKey: r.rule_key as string,
    title: RULES[r.code as FindingCode]?.title ?? (r.code as string),
    evidence: maskEvidence(r.evidence), reason: (r.reason as string) ?? null,
    firstSeen: (iso(r.created_at) ?? '').slice(0, 10), verifiedAt: iso(r.verified_at),
  }));
}
