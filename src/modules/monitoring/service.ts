import { audit } from '../../core/audit.js';
import type { Actor, Ctx } from '../../core/context.js';
import type { Queryable } from '../../core/db.js';
import { ConflictError, NotFoundError, ValidationError } from '../../core/errors.js';
import { newId } from '../../core/ids.js';
import { parseIdNumber } from '../../domain/idnumber.js';
import { maskIdNumber, maskPhone } from '../../domain/mask.js';
import {
  addDays, CLUE_KINDS, CLUE_SOURCES, decideRiskElimination, LABOUR_CAPABLE, RISK_RULES, type ClueKind, type ClueSource, type RiskEliminationDecision,
} from '../../domain/monitoring/risk.js';
import { MissingStandardError, requireStandard } from '../../domain/standards.js';
import { countyProbeSql } from '../access/county-probe.js';
import { assertCan } from '../access/policy.js';
import { actorCovers, scopeSql, significantPrefix, subtreeRange } from '../access/scope.js';
import { scopedHousehold } from '../assistance/common.js';
import { latestAssessments } from '../assistance/lianbuchou.js';
import { getStandards } from './standards.js';
import { todayCn } from '../../domain/dates.js';

/**
 * 防返贫监测: clues (with their source and first-seen date; the public self-report form), warnings
 * (list with the 15-day deadline from the first clue and overdue flag, resolve), the monitored
 * households, and the risk-elimination check. 回头看/回头帮 are in inspections.ts, the scan in scan.ts.
 */

type Row = Record<string, unknown>;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function today(): string {
  return todayCn();
}

function invalid(field: string, value: unknown, code: string, message: string): never {
  throw new ValidationError(message, { errors: [{ field, value: value == null ? '' : String(value), code, message }] });
}

/** The days from first clue to decision (standards; 15 by DOMAIN.md). */
async function decisionDays(q: Queryable, asOf: string): Promise<number> {
  const s = await getStandards(q, Number(asOf.slice(0, 4)));
  try {
    return requireStandard(s, 'risk_decision_days', Number(asOf.slice(0, 4))).value;
  } catch (e) {
    if (e instanceof MissingStandardError) throw new ValidationError(e.message, { kind: e.kind, year: e.year }, 'STANDARD_MISSING');
    throw e;
  }
}

// ---------------------------------------------------------------------------------------------
// Clues

export interface ClueFacts {
  year?: number;
  annualOutOfPocket?: number;
  singleStayOutOfPocket?: number;
  lossAmount?: number;
}

export interface ClueInput {
  householdId?: string;
  /** Or the household's 户编号, as cadres know it. */
  householdNumber?: string;
  /** A department warning names the person by ID number (the department cannot read the registry). */
  idNumber?: string;
  source: ClueSource;
  kind: ClueKind;
  description: string;
  facts?: ClueFacts;
  firstSeen?: string;
}

export interface ClueView {
  id: string;
  householdId: string | null;
  householdNumber: string | null;
  villageCode: string;
  villageName: string | null;
  source: string;
  sourceLabel: string;
  kind: string;
  kindLabel: string;
  description: string;
  facts: unknown;
  reporterName: string | null;
  reporterPhone: string | null;
  reporterIdNumber: string | null;
  firstSeen: string;
  deadline: string;
  overdue: boolean;
  status: string;
  closedReason: string | null;
  createdByName: string | null;
  version: number;
}

function checkFacts(f: ClueFacts | undefined): ClueFacts {
  const out: ClueFacts = {};
  if (!f) return out;
  for (const k of ['annualOutOfPocket', 'singleStayOutOfPocket', 'lossAmount'] as const) {
    const v = f[k];
    if (v === undefined) continue;
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0 || v > 1e8) invalid(`facts.${k}`, v, 'AMOUNT', `「${k}」应为 0 至 1 亿之间的金额（元）`);
    out[k] = v;
  }
  if (f.year !== undefined) {
    if (!Number.isInteger(f.year) || f.year < 2013 || f.year > 2100) invalid('facts.year', f.year, 'YEAR', '年度应为 2013 至 2100 之间的整数');
    out.year = f.year;
  }
  return out;
}

function checkClueText(description: string, firstSeen: string | undefined): string {
  if (typeof description !== 'string' || description.trim().length < 4 || description.length > 2000) invalid('description', description, 'TEXT', '情况说明应为 4 至 2000 个字');
  const fs = firstSeen ?? today();
  if (!/^\d{4}-\d{2}-\d{2}$/.test(fs) || Number.isNaN(Date.parse(fs))) invalid('firstSeen', fs, 'DATE', '发现日期应为 YYYY-MM-DD');
  if (fs > today()) invalid('firstSeen', fs, 'FUTURE_DATE', '发现日期不能晚于今天');
  return fs;
}

async function insertClue(tx: Queryable, actor: Actor, requestId: string, c: {
  countyCode: string; householdId: string | null; villageCode: string; source: string; kind: string; description: string; facts: ClueFacts;
  reporterName?: string | null; reporterPhone?: string | null; reporterIdNumber?: string | null; firstSeen: string;
}): Promise<string> {
  const id = newId();
  await tx.execute(
    `INSERT INTO monitoring_clues (county_code, id, household_id, village_code, source, kind, description, facts, reporter_name, reporter_phone, reporter_id_number,
       first_seen, created_by, created_by_name) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14)`,
    [c.countyCode, id, c.householdId, c.villageCode, c.source, c.kind, c.description.trim(), JSON.stringify(c.facts), c.reporterName ?? null, c.reporterPhone ?? null,
      c.reporterIdNumber ?? null, c.firstSeen, actor.id, actor.displayName || actor.username],
  );
  await audit(tx, actor, requestId, {
    action: 'monitoring.clue', targetType: c.householdId ? 'household' : 'region', targetId: c.householdId ?? c.villageCode, countyCode: c.countyCode,
    details: { clueId: id, source: c.source, kind: c.kind, firstSeen: c.firstSeen },
  });
  return id;
}

/** A clue recorded by staff: a cadre visit, a complaint, a self-report taken down, or a department warning. */
export async function createClue(ctx: Ctx, input: ClueInput): Promise<{ id: string; firstSeen: string; deadline: string }> {
  if (!(input.source in CLUE_SOURCES) || input.source === 'scan') invalid('source', input.source, 'SOURCE', '线索来源应为 self_report、cadre_visit、department、complaint 之一');
  if (!(input.kind in CLUE_KINDS)) invalid('kind', input.kind, 'KIND', `线索类别应为 ${Object.keys(CLUE_KINDS).join('、')} 之一`);
  assertCan(ctx.actor, input.source === 'department' ? 'monitoring.department' : 'monitoring.write');
  const firstSeen = checkClueText(input.description, input.firstSeen);
  const facts = checkFacts(input.facts);
  const days = await decisionDays(ctx.db, today());
  return ctx.db.transaction(async (tx) => {
    let county: string;
    let householdId: string | null = null;
    let village: string;
    let reportedId: string | null = null;
    if (input.householdId || input.householdNumber?.trim()) {
      const h = input.householdId ? await scopedHousehold(ctx, tx, input.householdId) : await householdByNumber(ctx, tx, input.householdNumber!.trim());
      if (h.povertyStatus === '已剔除') throw new ConflictError('该户已剔除', undefined, 'HOUSEHOLD_REMOVED');
      county = h.countyCode; householdId = h.id; village = h.villageCode;
    } else if (input.idNumber) {
      const p = parseIdNumber(input.idNumber);
      if (!p.ok) invalid('idNumber', maskIdNumber(input.idNumber), p.code, p.message);
      reportedId = p.id;
      const hit = (await tx.query<Row>(
        `SELECT h.id, h.county_code, h.village_code FROM person_keys k JOIN households h ON h.county_code = k.county_code AND h.id = k.household_id
          WHERE k.id_number = $1 AND h.poverty_status <> '已剔除'`, [p.id]))[0];
      if (hit && actorCovers(ctx.actor, hit.village_code as string)) {
        county = hit.county_code as string; householdId = hit.id as string; village = hit.village_code as string;
      } else {
        // Not registered (or outside the caller's scope): routed to the county of the ID number, for the county to find the household.
        county = p.id.slice(0, 6);
        village = `${county}000000`;
        if (!actorCovers(ctx.actor, village)) throw new NotFoundError('该证件号码所属县区不在辖区内');
      }
    } else {
      invalid('householdNumber', '', 'REQUIRED', '须填写户编号或证件号码');
    }
    const id = await insertClue(tx, ctx.actor, ctx.requestId, {
      countyCode: county, householdId, villageCode: village, source: input.source, kind: input.kind, description: input.description, facts, firstSeen,
      reporterIdNumber: reportedId && !householdId ? reportedId : null,
    });
    return { id, firstSeen, deadline: addDays(firstSeen, days) };
  });
}

export interface SelfReportInput {
  name: string;
  phone: string;
  idNumber?: string;
  villageCode: string;
  kind: ClueKind;
  description: string;
}

const PUBLIC_ACTOR = (village: string): Actor => ({ id: null, username: 'public', displayName: '公众（自主申报）', role: 'system', regionCode: village });

/**
 * The public self-report form (no login): name, phone, village, what happened. Validated field by
 * field; the answer never says whether the person is registered. The village follows it up.
 */
export async function selfReport(db: Ctx['db'], input: SelfReportInput, requestId: string): Promise<{ reference: string; firstSeen: string; deadline: string }> {
  const name = (input.name ?? '').trim();
  if (name.length < 2 || name.length > 30) invalid('name', name, 'NAME', '姓名应为 2 至 30 个字');
  const phone = (input.phone ?? '').replace(/[\s-]/g, '');
  if (!/^1\d{10}$/.test(phone)) invalid('phone', maskPhone(phone), 'PHONE', '联系电话应为 11 位手机号码');
  if (!/^\d{12}$/.test(input.villageCode ?? '') || input.villageCode.endsWith('000')) invalid('villageCode', input.villageCode, 'VILLAGE', '请选择所在的村（12 位区划代码）');
  if (!(input.kind in CLUE_KINDS)) invalid('kind', input.kind, 'KIND', `困难类别应为 ${Object.keys(CLUE_KINDS).join('、')} 之一`);
  let idNumber: string | null = null;
  if (input.idNumber) {
    const p = parseIdNumber(input.idNumber);
    if (!p.ok) invalid('idNumber', maskIdNumber(input.idNumber), p.code, p.message);
    idNumber = p.id;
  }
  const firstSeen = checkClueText(input.description, undefined);
  const days = await decisionDays(db, firstSeen);
  return db.transaction(async (tx) => {
    const v = await tx.query('SELECT 1 FROM regions WHERE code = $1 AND level = $2 AND effective_to IS NULL', [input.villageCode, 'village']);
    if (!v.length) invalid('villageCode', input.villageCode, 'VILLAGE', '没有这个村，请从列表中选择');
    let householdId: string | null = null;
    if (idNumber) {
      const hit = (await tx.query<Row>(
        `SELECT h.id FROM person_keys k JOIN households h ON h.county_code = k.county_code AND h.id = k.household_id
          WHERE k.id_number = $1 AND h.village_code = $2 AND h.poverty_status <> '已剔除'`, [idNumber, input.villageCode]))[0];
      householdId = (hit?.id as string) ?? null;
    }
    const id = await insertClue(tx, PUBLIC_ACTOR(input.villageCode), requestId, {
      countyCode: input.villageCode.slice(0, 6), householdId, villageCode: input.villageCode, source: 'self_report', kind: input.kind,
      description: input.description, facts: {}, reporterName: name, reporterPhone: phone, reporterIdNumber: idNumber, firstSeen,
    });
    return { reference: id, firstSeen, deadline: addDays(firstSeen, days) };
  });
}

/** The caller's scope over rows `alias` of a household-scoped table: a helper's paired households, anyone else's region by `village` (default the row's own village_code). */
function listScope(ctx: Ctx, alias: string, params: unknown[], village = `${alias}.village_code`): string {
  if (ctx.actor.role === 'helper') {
    params.push(ctx.actor.id, today());
    return `EXISTS (SELECT 1 FROM pairings pr JOIN cadres cd ON cd.id = pr.cadre_id WHERE pr.county_code = ${alias}.county_code AND pr.household_id = ${alias}.household_id
              AND cd.user_id = $${params.length - 1} AND pr.from_date <= $${params.length} AND (pr.to_date IS NULL OR pr.to_date >= $${params.length}))`;
  }
  return scopeSql(ctx.actor, village, params);
}

function regionFilter(ctx: Ctx, region: string | undefined, column: string, params: unknown[]): string {
  if (!region) return 'TRUE';
  if (!/^\d{12}$/.test(region) || !actorCovers(ctx.actor, region)) throw new NotFoundError('区划不存在或不在辖区内');
  const { lo, hi } = subtreeRange(region);
  params.push(lo, hi);
  return `${column} BETWEEN $${params.length - 1} AND $${params.length}`;
}

export async function listClues(ctx: Ctx, q: { status?: string; source?: string; region?: string; unmasked?: boolean; page?: number; pageSize?: number }): Promise<{ total: number; items: ClueView[]; masked: boolean }> {
  assertCan(ctx.actor, 'monitoring.read');
  const unmasked = q.unmasked === true;
  if (unmasked) assertCan(ctx.actor, 'pii.unmask');
  const days = await decisionDays(ctx.db, today());
  const params: unknown[] = [];
  const conds = [listScope(ctx, 'c', params), regionFilter(ctx, q.region, 'c.village_code', params)];
  if (q.status) { params.push(q.status); conds.push(`c.status = $${params.length}`); }
  if (q.source) { params.push(q.source); conds.push(`c.source = $${params.length}`); }
  const where = conds.join(' AND ');
  const total = (await ctx.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM monitoring_clues c WHERE ${where}`, params))[0]!.n;
  const pageSize = q.pageSize ?? 50;
  const page = q.page ?? 1;
  const rows = await ctx.db.query<Row>(
    `SELECT c.*, h.household_number, h.monitoring_identified_at, r.name AS village_name
       FROM monitoring_clues c LEFT JOIN households h ON h.county_code = c.county_code AND h.id = c.household_id LEFT JOIN regions r ON r.code = c.village_code
      WHERE ${where} ORDER BY c.status DESC, c.first_seen, c.id LIMIT ${pageSize} OFFSET ${(page - 1) * pageSize}`, params);
  const now = today();
  const items = rows.map((r): ClueView => {
    const firstSeen = r.first_seen as string;
    const deadline = addDays(firstSeen, days);
    const decided = r.monitoring_identified_at != null && (r.monitoring_identified_at as string) >= firstSeen;
    return {
      id: r.id as string, householdId: (r.household_id as string) ?? null, householdNumber: (r.household_number as string) ?? null, villageCode: r.village_code as string,
      villageName: (r.village_name as string) ?? null, source: r.source as string, sourceLabel: CLUE_SOURCES[r.source as ClueSource] ?? (r.source as string), kind: r.kind as string,
      kindLabel: CLUE_KINDS[r.kind as ClueKind] ?? (r.kind as string), description: r.description as string, facts: r.facts,
      reporterName: (r.reporter_name as string) ?? null,
      reporterPhone: r.reporter_phone ? (unmasked ? (r.reporter_phone as string) : maskPhone(r.reporter_phone as string)) : null,
      reporterIdNumber: r.reporter_id_number ? (unmasked ? (r.reporter_id_number as string) : maskIdNumber(r.reporter_id_number as string)) : null,
      firstSeen, deadline, overdue: r.status === 'open' && !decided && deadline < now, status: r.status as string, closedReason: (r.closed_reason as string) ?? null,
      createdByName: (r.created_by_name as string) ?? null, version: r.version as number,
    };
  });
  if (unmasked && items.some((i) => i.reporterPhone || i.reporterIdNumber)) {
    await ctx.db.transaction((tx) => audit(tx, ctx.actor, ctx.requestId, { action: 'pii.unmask', targetType: 'monitoring_clues', details: { ids: items.map((i) => i.id) } }));
  }
  return { total, items, masked: !unmasked };
}

/** The open clue in the caller's scope, locked for this transaction, at the version the caller saw. */
async function lockOpenClue(ctx: Ctx, tx: Queryable, id: string, version: number): Promise<Row> {
  const r = (await tx.query<Row>('SELECT * FROM monitoring_clues WHERE id = $1 FOR UPDATE', [id]))[0];
  if (!r) throw new NotFoundError();
  const p: unknown[] = [];
  const sc = listScope(ctx, 'c', p);
  p.push(id);
  if (!(await tx.query(`SELECT 1 FROM monitoring_clues c WHERE ${sc} AND c.id = $${p.length}`, p)).length) throw new NotFoundError();
  if (r.version !== version) throw new ConflictError('该线索已被他人处理，请刷新后重试', { currentVersion: r.version }, 'STALE_VERSION');
  if (r.status !== 'open') throw new ConflictError('该线索已关闭', undefined, 'NOT_OPEN');
  return r;
}

/** Close a clue (followed up: no risk, or answered by a warning/measure) with a reason. */
export async function closeClue(ctx: Ctx, id: string, input: { reason: string; version: number }): Promise<void> {
  assertCan(ctx.actor, 'monitoring.write');
  if (!UUID.test(id)) throw new NotFoundError();
  if (!input.reason || input.reason.trim().length < 2) invalid('reason', input.reason, 'REQUIRED', '须填写处理意见');
  await ctx.db.transaction(async (tx) => {
    const r = await lockOpenClue(ctx, tx, id, input.version);
    await tx.execute(`UPDATE monitoring_clues SET status = 'closed', closed_reason = $3, version = version + 1 WHERE county_code = $1 AND id = $2`, [r.county_code, id, input.reason.trim()]);
    await audit(tx, ctx.actor, ctx.requestId, { action: 'monitoring.clue.close', targetType: 'clue', targetId: id, countyCode: r.county_code as string, details: { reason: input.reason.trim() } });
  });
}

/** The household with this 户编号 in the caller's scope; a field error naming the number otherwise. */
async function householdByNumber(ctx: Ctx, tx: Queryable, number: string): Promise<Awaited<ReturnType<typeof scopedHousehold>>> {
  const hit = (await tx.query<Row>('SELECT id FROM households WHERE household_number = $1', [number]))[0];
  if (!hit) invalid('householdNumber', number, 'NOT_FOUND', `没有户编号为 ${number} 的户`);
  try {
    return await scopedHousehold(ctx, tx, hit.id as string);
  } catch (e) {
    if (e instanceof NotFoundError) invalid('householdNumber', number, 'OUT_OF_SCOPE', `户编号 ${number} 不在辖区内`);
    throw e;
  }
}

/**
 * Link a clue that names no household (a self-report without a registered ID number, a department
 * warning routed to the county) to the household the cadre found on the visit, by 户编号 or id. The
 * household must be in the caller's scope and in the clue's county; from then on the clue counts
 * for that household (its 15 days, the scan's warning).
 */
export async function linkClue(ctx: Ctx, id: string, input: { householdId?: string; householdNumber?: string; version: number }): Promise<{ householdId: string; householdNumber: string }> {
  assertCan(ctx.actor, 'monitoring.write');
  if (!UUID.test(id)) throw new NotFoundError();
  const number = input.householdNumber?.trim();
  if (!input.householdId && !number) invalid('householdNumber', '', 'REQUIRED', '须填写户编号');
  return ctx.db.transaction(async (tx) => {
    const r = await lockOpenClue(ctx, tx, id, input.version);
    if (r.household_id) throw new ConflictError('该线索已关联到户', undefined, 'ALREADY_LINKED');
    const h = input.householdId ? await scopedHousehold(ctx, tx, input.householdId) : await householdByNumber(ctx, tx, number!);
    if (h.countyCode !== r.county_code) invalid('householdNumber', h.householdNumber, 'OTHER_COUNTY', '该户不在线索所属县区：请由该户所在县区另行登记线索');
    if (h.povertyStatus === '已剔除') throw new ConflictError('该户已剔除', undefined, 'HOUSEHOLD_REMOVED');
    await tx.execute('UPDATE monitoring_clues SET household_id = $3, village_code = $4, version = version + 1 WHERE county_code = $1 AND id = $2', [r.county_code, id, h.id, h.villageCode]);
    await audit(tx, ctx.actor, ctx.requestId, {
      action: 'monitoring.clue.link', targetType: 'household', targetId: h.id, countyCode: h.countyCode,
      details: { clueId: id, householdNumber: h.householdNumber, villageBefore: r.village_code, villageAfter: h.villageCode },
    });
    return { householdId: h.id, householdNumber: h.householdNumber };
  });
}

// ---------------------------------------------------------------------------------------------
// Warnings

export interface WarningView {
  id: string;
  householdId: string;
  householdNumber: string;
  villageCode: string;
  villageName: string | null;
  rule: string;
  ruleTitle: string;
  source: string;
  explanation: string;
  facts: unknown;
  firstSeen: string;
  /** The household's first open clue or warning: the 15 days run from it. */
  householdFirstClue: string;
  deadline: string;
  overdue: boolean;
  monitoringCategory: string | null;
  status: string;
  resolution: string | null;
  version: number;
}

export interface WarningQuery {
  status?: 'open' | 'handled' | 'dismissed';
  rule?: string;
  region?: string;
  householdId?: string;
  overdue?: boolean;
  page?: number;
  pageSize?: number;
}

export async function listWarnings(ctx: Ctx, q: WarningQuery): Promise<{ total: number; page: number; pageSize: number; items: WarningView[]; deadlineDays: number }> {
  assertCan(ctx.actor, 'monitoring.read');
  const days = await decisionDays(ctx.db, today());
  const params: unknown[] = [];
  // Scope and region by the household's village (households' village index finds them; warnings
  // keep no index of their own by village: the scan inserts into each of their indexes, ~75k rows on
  // a first run). A warning's village_code is its household's at the scan; should the household's
  // village change, the village responsible now sees it.
  const conds = [listScope(ctx, 'w', params, 'h.village_code'), regionFilter(ctx, q.region, 'h.village_code', params)];
  if (q.status) { params.push(q.status); conds.push(`w.status = $${params.length}`); }
  if (q.rule) { params.push(q.rule); conds.push(`w.rule = $${params.length}`); }
  if (q.householdId) {
    if (!UUID.test(q.householdId)) throw new NotFoundError();
    params.push(q.householdId); conds.push(`w.household_id = $${params.length}`);
  }
  params.push(days, today());
  const d = `$${params.length - 1}::int`;
  const now = `$${params.length}::date`;
  const base = `
    SELECT w.*, h.household_number, h.monitoring_category, h.monitoring_identified_at, r.name AS village_name, f.first AS household_first,
           (w.status = 'open' AND f.first + ${d} < ${now} AND (h.monitoring_identified_at IS NULL OR h.monitoring_identified_at < f.first)) AS is_overdue
      FROM monitoring_warnings w
      JOIN households h ON h.county_code = w.county_code AND h.id = w.household_id
      LEFT JOIN regions r ON r.code = w.village_code
      CROSS JOIN LATERAL (
        SELECT LEAST(
          (SELECT min(w2.first_seen) FROM monitoring_warnings w2 WHERE w2.county_code = w.county_code AND w2.household_id = w.household_id AND w2.status = 'open'),
          (SELECT min(c.first_seen) FROM monitoring_clues c WHERE c.county_code = w.county_code AND c.household_id = w.household_id AND c.status = 'open'),
          w.first_seen) AS first) f
     WHERE ${conds.join(' AND ')}`;
  const filtered = q.overdue ? `SELECT * FROM (${base}) x WHERE x.is_overdue` : base;
  const total = (await ctx.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM (${filtered}) y`, params))[0]!.n;
  const pageSize = q.pageSize ?? 50;
  const page = q.page ?? 1;
  const rows = await ctx.db.query<Row>(`SELECT * FROM (${filtered}) y ORDER BY y.is_overdue DESC, y.household_first, y.household_number, y.rule_key LIMIT ${pageSize} OFFSET ${(page - 1) * pageSize}`, params);
  return {
    total, page, pageSize, deadlineDays: days,
    items: rows.map((r) => ({
      id: r.id as string, householdId: r.household_id as string, householdNumber: r.household_number as string, villageCode: r.village_code as string,
      villageName: (r.village_name as string) ?? null, rule: r.rule as string, ruleTitle: RISK_RULES[r.rule as keyof typeof RISK_RULES]?.title ?? (r.rule as string),
      source: r.source as string, explanation: r.explanation as string, facts: r.facts, firstSeen: r.first_seen as string,
      householdFirstClue: r.household_first as string, deadline: addDays(r.household_first as string, days), overdue: r.is_overdue === true,
      monitoringCategory: (r.monitoring_category as string) ?? null, status: r.status as string, resolution: (r.resolution as string) ?? null, version: r.version as number,
    })),
  };
}

/**
 * The counties where a warning named by its id alone may be, as a subquery for
 * `w.county_code IN (…)`, so that it is found through the primary key (county_code, id): warnings
 * have no index on id alone (each index costs the scan's inserts). A caller whose region is a
 * county or below has one; anyone else (a city or province office, a helper cadre, whose scope is
 * the paired households) probes each county with warnings within the caller's region.
 */
function warningCounties(ctx: Ctx, params: unknown[]): string {
  return countyProbeSql('monitoring_warnings', ctx.actor.role === 'helper' ? '' : significantPrefix(ctx.actor.regionCode), params);
}

/** A warning answered (handled: a measure or a monitoring proposal) or judged no risk (dismissed), with the reason. */
export async function resolveWarning(ctx: Ctx, id: string, input: { decision: 'handled' | 'dismissed'; resolution: string; version: number }): Promise<void> {
  assertCan(ctx.actor, 'monitoring.write');
  if (!UUID.test(id)) throw new NotFoundError();
  if (!input.resolution || input.resolution.trim().length < 2) invalid('resolution', input.resolution, 'REQUIRED', '须填写处置意见');
  await ctx.db.transaction(async (tx) => {
    const p: unknown[] = [];
    const sc = listScope(ctx, 'w', p);
    const counties = warningCounties(ctx, p);
    p.push(id);
    const r = (await tx.query<Row>(`SELECT w.* FROM monitoring_warnings w WHERE ${sc} AND w.county_code IN (${counties}) AND w.id = $${p.length} FOR UPDATE`, p))[0];
    if (!r) throw new NotFoundError();
    if (r.version !== input.version) throw new ConflictError('该预警已被他人处理，请刷新后重试', { currentVersion: r.version }, 'STALE_VERSION');
    if (r.status !== 'open') throw new ConflictError('该预警已处置', { status: r.status }, 'NOT_OPEN');
    await tx.execute(
      `UPDATE monitoring_warnings SET status = $3, resolution = $4, resolved_by = $5, resolved_at = now(), version = version + 1 WHERE county_code = $1 AND id = $2`,
      [r.county_code, id, input.decision, input.resolution.trim(), ctx.actor.username]);
    await audit(tx, ctx.actor, ctx.requestId, { action: `monitoring.warning.${input.decision}`, targetType: 'household', targetId: r.household_id as string, countyCode: r.county_code as string, details: { warningId: id, rule: r.rule, resolution: input.resolution.trim() } });
  });
}

/** Mark a warning handled inside another transaction (a 回头帮 measure answers it). */
export async function handleWarningTx(tx: Queryable, ctx: Ctx, countyCode: string, householdId: string, warningId: string, resolution: string): Promise<void> {
  if (!UUID.test(warningId)) invalid('warningId', warningId, 'NOT_FOUND', '预警不存在');
  const n = await tx.execute(
    `UPDATE monitoring_warnings SET status = 'handled', resolution = $4, resolved_by = $5, resolved_at = now(), version = version + 1
      WHERE county_code = $1 AND household_id = $2 AND id = $3 AND status = 'open'`, [countyCode, householdId, warningId, resolution, ctx.actor.username]);
  if (n === 0) invalid('warningId', warningId, 'NOT_OPEN', '预警不属于本户或已处置');
}

// ---------------------------------------------------------------------------------------------
// Monitored households and risk elimination

export async function listMonitored(ctx: Ctx, q: { category?: string; region?: string; page?: number; pageSize?: number }): Promise<{ total: number; items: Row[] }> {
  assertCan(ctx.actor, 'monitoring.read');
  const params: unknown[] = [];
  const conds = [ctx.actor.role === 'helper' ? listScope(ctx, 'hx', params) : scopeSql(ctx.actor, 'h.village_code', params), regionFilter(ctx, q.region, 'h.village_code', params),
    'h.monitoring_category IS NOT NULL', 'h.monitoring_eliminated_at IS NULL', `h.poverty_status <> '已剔除'`];
  if (q.category) { params.push(q.category); conds.push(`h.monitoring_category = $${params.length}`); }
  const from = `FROM households h CROSS JOIN LATERAL (SELECT h.county_code, h.id AS household_id, h.village_code) hx`;
  const where = conds.join(' AND ');
  const total = (await ctx.db.query<{ n: number }>(`SELECT count(*)::int AS n ${from} WHERE ${where}`, params))[0]!.n;
  const pageSize = q.pageSize ?? 50;
  const rows = await ctx.db.query<Row>(
    `SELECT h.id AS "householdId", h.household_number AS "householdNumber", h.village_code AS "villageCode", h.poverty_status AS "povertyStatus",
            h.monitoring_category AS "category", h.monitoring_identified_at AS "identifiedAt",
            (SELECT count(*)::int FROM monitoring_warnings w WHERE w.county_code = h.county_code AND w.household_id = h.id AND w.status = 'open') AS "openWarnings"
       ${from} WHERE ${where} ORDER BY h.monitoring_identified_at, h.household_number LIMIT ${pageSize} OFFSET ${((q.page ?? 1) - 1) * pageSize}`, params);
  return { total, items: rows };
}

/**
 * Whether a monitored household's risk can be marked eliminated in `year` (for the lead's
 * risk-eliminated proposals): income of that year above the monitoring line and at least the
 * required months since identification, 三保障 and water secure (latest assessment), no open
 * warning, and labour capacity. No role check: the caller has checked access.
 */
export async function checkRiskElimination(db: Queryable, householdId: string, year: number, asOf = today()): Promise<RiskEliminationDecision & { householdNumber: string; year: number }> {
  if (!UUID.test(householdId)) throw new NotFoundError();
  const h = (await db.query<Row>('SELECT * FROM households WHERE id = $1', [householdId]))[0];
  if (!h) throw new NotFoundError();
  const s = await getStandards(db, year);
  let line, months;
  try {
    line = requireStandard(s, 'monitoring_line', year);
    months = requireStandard(s, 'risk_elimination_months', year);
  } catch (e) {
    if (e instanceof MissingStandardError) throw new ValidationError(e.message, { kind: e.kind, year: e.year }, 'STANDARD_MISSING');
    throw e;
  }
  const inc = (await db.query<Row>('SELECT per_capita_net FROM household_incomes WHERE county_code = $1 AND household_id = $2 AND year = $3', [h.county_code, householdId, year]))[0];
  const warnings = await db.query<Row>(`SELECT rule, explanation FROM monitoring_warnings WHERE county_code = $1 AND household_id = $2 AND status = 'open' ORDER BY first_seen`, [h.county_code, householdId]);
  const labour = (await db.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM members WHERE county_code = $1 AND household_id = $2 AND left_at IS NULL AND labour_skill = ANY($3::text[])`,
    [h.county_code, householdId, [...LABOUR_CAPABLE]]))[0]!.n;
  const a = (await latestAssessments(db, [householdId], asOf)).get(householdId) ?? null;
  const d = decideRiskElimination({
    asOf, year, monitored: h.monitoring_category != null && h.monitoring_eliminated_at == null && h.poverty_status !== '已剔除',
    category: (h.monitoring_category as string) ?? null, identifiedAt: (h.monitoring_identified_at as string) ?? null,
    perCapitaNet: inc && inc.per_capita_net != null ? Number(inc.per_capita_net) : null, monitoringLine: line, monthsRequired: months.value,
    lianbuchou: a ? { secure: a.secure, checkedOn: a.checkedOn, gaps: a.gaps } : null,
    openWarnings: warnings.map((w) => ({ rule: w.rule as string, explanation: w.explanation as string })), labourCapable: labour,
  });
  return { householdNumber: h.household_number as string, year, ...d };
}

/** The risk-elimination check over HTTP: scoped to the caller. */
export async function riskEliminationFor(ctx: Ctx, householdId: string, year: number): Promise<RiskEliminationDecision & { householdNumber: string; year: number }> {
  assertCan(ctx.actor, 'monitoring.read');
  await ctx.db.transaction((tx) => scopedHousehold(ctx, tx, householdId));
  if (!Number.isInteger(year) || year < 2020 || year > 2100) invalid('year', year, 'YEAR', '年度应为 2020 至 2100 之间的整数（监测自 2020 年起）');
  return checkRiskElimination(ctx.db, householdId, year);
}

