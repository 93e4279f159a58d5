import { audit } from '../../core/audit.js';
import type { Actor, Ctx } from '../../core/context.js';
import type { Queryable } from '../../core/db.js';
import { ConflictError, NotFoundError } from '../../core/errors.js';
import { newId } from '../../core/ids.js';
import { maskPhone } from '../../domain/mask.js';
import { ancestorChain, normalizeRegionCode, regionLevel } from '../../domain/regions.js';
import { assertCan } from '../access/policy.js';
import { actorCovers, inSubtree, scopeSql, subtreeRange } from '../access/scope.js';
import { getRegion } from '../regions/service.js';
import {
  assertVersion, assertWritable, changed, dateField, invalid, recordAssistanceEvent, scopedHousehold, today, UUID, type DbRow,
} from './common.js';

/**
 * 帮扶责任人, pairing with households, and village work teams (驻村工作队, 第一书记; seed 五(四)).
 *
 * Who sees a cadre: a helper only their own record; others the cadres managed in their region
 * subtree, and those managed above it (a city or county unit's cadre working in their villages).
 * Who edits a cadre: the region subtree that manages it. Pairings and team members follow the
 * household's or village's scope.
 */

export const TEAM_ROLES = ['第一书记', '队长', '队员'] as const;
export type TeamRole = (typeof TEAM_ROLES)[number];

export interface CadreInput {
  name: string;
  unit: string;
  title?: string | null;
  phone?: string | null;
  userId?: string | null;
  regionCode: string;
  active?: boolean;
}

export interface CadreView {
  id: string;
  name: string;
  unit: string;
  title: string | null;
  phone: string | null;
  userId: string | null;
  regionCode: string;
  regionName: string | null;
  active: boolean;
  version: number;
  activePairings: number;
}

export interface PairingView {
  id: string;
  householdId: string;
  householdNumber: string | null;
  villageCode: string | null;
  headName: string | null;
  cadreId: string;
  cadreName: string | null;
  cadreUnit: string | null;
  fromDate: string;
  toDate: string | null;
  endReason: string | null;
  active: boolean;
  version: number;
}

export interface TeamMemberView {
  id: string;
  villageCode: string;
  cadreId: string;
  cadreName: string | null;
  cadreUnit: string | null;
  role: string;
  fromDate: string;
  toDate: string | null;
  active: boolean;
  version: number;
}

function canSeeCadre(actor: Actor, c: DbRow): boolean {
  if (actor.role === 'system') return true;
  if (actor.role === 'helper') return actor.id !== null && c.user_id === actor.id;
  const region = c.region_code as string;
  return actorCovers(actor, region) || inSubtree(region, actor.regionCode);
}

function cadreView(r: DbRow, masked: boolean): CadreView {
  const phone = (r.phone as string) ?? null;
  return {
    id: r.id as string, name: r.name as string, unit: r.unit as string, title: (r.title as string) ?? null,
    phone: phone && masked ? maskPhone(phone) : phone, userId: (r.user_id as string) ?? null,
    regionCode: r.region_code as string, regionName: (r.region_name as string) ?? null, active: r.active as boolean,
    version: r.version as number, activePairings: (r.active_pairings as number) ?? 0,
  };
}

/** `todayParam`: the placeholder ($n) holding today's date. */
const cadreSelect = (todayParam: string) => `SELECT c.*, rg.name AS region_name,
  (SELECT count(*)::int FROM pairings p WHERE p.cadre_id = c.id AND (p.to_date IS NULL OR p.to_date >= ${todayParam}::date)) AS active_pairings
  FROM cadres c LEFT JOIN regions rg ON rg.code = c.region_code`;

async function loadCadre(ctx: Ctx, tx: Queryable, id: string, forWrite = false): Promise<DbRow> {
  if (!UUID.test(id)) throw new NotFoundError();
  const rows = await tx.query<DbRow>(`${cadreSelect('$1')} WHERE c.id = $2`, [today(), id]);
  const c = rows[0];
  if (!c || !canSeeCadre(ctx.actor, c)) throw new NotFoundError();
  if (forWrite && ctx.actor.role !== 'system' && !actorCovers(ctx.actor, c.region_code as string)) throw new NotFoundError();
  return c;
}

async function validateCadre(ctx: Ctx, tx: Queryable, input: CadreInput): Promise<CadreInput> {
  const name = input.name?.trim();
  const unit = input.unit?.trim();
  if (!name) invalid('name', input.name, 'REQUIRED', '姓名不能为空');
  if (!unit) invalid('unit', input.unit, 'REQUIRED', '工作单位不能为空');
  const code = /^\d{12}$/.test(input.regionCode ?? '') ? normalizeRegionCode(input.regionCode) : null;
  if (!code) invalid('regionCode', input.regionCode, 'REGION_CODE', '管理区划应为 12 位区划代码');
  if (!actorCovers(ctx.actor, code)) invalid('regionCode', code, 'OUT_OF_SCOPE', '只能在本人辖区内登记帮扶干部');
  if (!(await getRegion(tx, code))) invalid('regionCode', code, 'UNKNOWN_REGION', `区划 ${code} 不存在`);
  const phone = input.phone?.trim() || null;
  if (phone && !/^(1\d{10}|0\d{2,3}-?\d{7,8})$/.test(phone)) invalid('phone', phone, 'PHONE', '电话号码格式不正确（手机 11 位或带区号的固定电话）');
  const userId = input.userId ?? null;
  if (userId) {
    if (!UUID.test(userId)) invalid('userId', userId, 'UNKNOWN_USER', '用户不存在');
    const u = await tx.query<{ role: string }>('SELECT role FROM users WHERE id = $1', [userId]);
    if (!u[0]) invalid('userId', userId, 'UNKNOWN_USER', '用户不存在');
    if (u[0].role !== 'helper') invalid('userId', userId, 'NOT_HELPER', '只能关联角色为「帮扶责任人」的用户');
  }
  return { name, unit, title: input.title?.trim() || null, phone, userId, regionCode: code, active: input.active ?? true };
}

/** Unmasked phones need pii.unmask; every such read is audited. */
async function phoneMask(ctx: Ctx, tx: Queryable, unmasked: boolean | undefined, targetId: string | null): Promise<boolean> {
  if (!unmasked) return true;
  assertCan(ctx.actor, 'pii.unmask');
  await audit(tx, ctx.actor, ctx.requestId, { action: 'pii.read', targetType: 'cadre', targetId, details: {} });
  return false;
}

export async function listCadres(ctx: Ctx, q: { region?: string; q?: string; page?: number; pageSize?: number; unmasked?: boolean } = {}): Promise<{ total: number; items: CadreView[] }> {
  assertCan(ctx.actor, 'cadres.read');
  const params: unknown[] = [];
  const where: string[] = [];
  if (ctx.actor.role === 'helper') {
    params.push(ctx.actor.id);
    where.push(`c.user_id = $${params.length}`);
  } else if (ctx.actor.role !== 'system') {
    // Their subtree, or a region above them (city/county units working in their villages).
    const own = scopeSql(ctx.actor, 'c.region_code', params);
    params.push(ancestorChain(ctx.actor.regionCode));
    where.push(`(${own} OR c.region_code = ANY($${params.length}::text[]))`);
  }
  if (q.region) {
    const { lo, hi } = subtreeRange(q.region);
    params.push(lo, hi);
    where.push(`c.region_code BETWEEN $${params.length - 1} AND $${params.length}`);
  }
  if (q.q) {
    params.push('%' + q.q.trim().replace(/[\\%_]/g, (c) => '\\' + c) + '%');
    where.push(`(c.name LIKE $${params.length} OR c.unit LIKE $${params.length})`);
  }
  const w = where.length ? `WHERE ${where.join(' AND ')}` : '';
  const pageSize = Math.min(200, Math.max(1, q.pageSize ?? 50));
  const page = Math.max(1, q.page ?? 1);
  return ctx.db.transaction(async (tx) => {
    const total = (await tx.query<{ n: number }>(`SELECT count(*)::int AS n FROM cadres c ${w}`, params))[0]?.n ?? 0;
    const rows = await tx.query<DbRow>(`${cadreSelect(`$${params.length + 1}`)} ${w} ORDER BY c.region_code, c.name, c.id LIMIT ${pageSize} OFFSET ${(page - 1) * pageSize}`, [...params, today()]);
    const masked = await phoneMask(ctx, tx, q.unmasked, null);
    return { total, items: rows.map((r) => cadreView(r, masked)) };
  });
}

export async function getCadre(ctx: Ctx, id: string, opts: { unmasked?: boolean } = {}): Promise<CadreView & { pairings: PairingView[]; teams: TeamMemberView[] }> {
  assertCan(ctx.actor, 'cadres.read');
  return ctx.db.transaction(async (tx) => {
    const c = await loadCadre(ctx, tx, id);
    const masked = await phoneMask(ctx, tx, opts.unmasked, id);
    // Pairings shown are those of households the caller can see.
    const params: unknown[] = [id];
    const scope = ctx.actor.role === 'helper' || ctx.actor.role === 'system' ? 'TRUE' : scopeSql(ctx.actor, 'h.village_code', params);
    const pairings = await tx.query<DbRow>(`${PAIRING_SELECT} WHERE p.cadre_id = $1 AND ${scope} ORDER BY p.to_date IS NOT NULL, p.from_date DESC`, params);
    const tparams: unknown[] = [id];
    const tscope = ctx.actor.role === 'helper' || ctx.actor.role === 'system' ? 'TRUE' : scopeSql(ctx.actor, 't.village_code', tparams);
    const teams = await tx.query<DbRow>(`${TEAM_SELECT} WHERE t.cadre_id = $1 AND ${tscope} ORDER BY t.from_date DESC`, tparams);
    return { ...cadreView(c, masked), pairings: pairings.map(pairingView), teams: teams.map(teamView) };
  });
}

export async function createCadre(ctx: Ctx, input: CadreInput): Promise<CadreView> {
  assertCan(ctx.actor, 'cadres.write');
  return ctx.db.transaction(async (tx) => {
    const v = await validateCadre(ctx, tx, input);
    const id = newId();
    await tx.execute(
      'INSERT INTO cadres (id, name, unit, title, phone, user_id, region_code, active) VALUES ($1,$2,$3,$4,$5,$6,$7,$8)',
      [id, v.name, v.unit, v.title, v.phone, v.userId, v.regionCode, v.active],
    );
    await audit(tx, ctx.actor, ctx.requestId, { action: 'cadre.create', targetType: 'cadre', targetId: id, countyCode: v.regionCode.slice(0, 6), details: { name: v.name, unit: v.unit } });
    return cadreView(await loadCadre(ctx, tx, id), true);
  });
}

export async function updateCadre(ctx: Ctx, id: string, input: Partial<CadreInput> & { version: number }): Promise<CadreView> {
  assertCan(ctx.actor, 'cadres.write');
  return ctx.db.transaction(async (tx) => {
    const row = await loadCadre(ctx, tx, id, true);
    assertVersion(row, input.version);
    const current: CadreInput = {
      name: row.name as string, unit: row.unit as string, title: (row.title as string) ?? null, phone: (row.phone as string) ?? null,
      userId: (row.user_id as string) ?? null, regionCode: row.region_code as string, active: row.active as boolean,
    };
    const patch = { ...input } as Partial<CadreInput>;
    if (typeof patch.phone === 'string' && patch.phone.includes('*')) delete patch.phone;
    const v = await validateCadre(ctx, tx, { ...current, ...patch });
    const d = changed(current as unknown as Record<string, unknown>, v as unknown as Record<string, unknown>);
    if (d) {
      await tx.execute(
        'UPDATE cadres SET name=$2, unit=$3, title=$4, phone=$5, user_id=$6, region_code=$7, active=$8, version = version + 1, updated_at = now() WHERE id = $1',
        [id, v.name, v.unit, v.title, v.phone, v.userId, v.regionCode, v.active],
      );
      await audit(tx, ctx.actor, ctx.requestId, { action: 'cadre.update', targetType: 'cadre', targetId: id, countyCode: v.regionCode.slice(0, 6), details: { fields: Object.keys(d.after) } });
    }
    return cadreView(await loadCadre(ctx, tx, id), true);
  });
}

// ---------------------------------------------------------------------------------------------
// Pairings

const PAIRING_SELECT = `SELECT p.*, h.household_number, h.village_code, c.name AS cadre_name, c.unit AS cadre_unit,
  (SELECT m.name FROM members m WHERE m.county_code = p.county_code AND m.household_id = p.household_id AND m.relation = '户主' AND m.left_at IS NULL LIMIT 1) AS head_name
  FROM pairings p
  LEFT JOIN households h ON h.county_code = p.county_code AND h.id = p.household_id
  LEFT JOIN cadres c ON c.id = p.cadre_id`;

function pairingView(r: DbRow): PairingView {
  const to = (r.to_date as string) ?? null;
  return {
    id: r.id as string, householdId: r.household_id as string, householdNumber: (r.household_number as string) ?? null,
    villageCode: (r.village_code as string) ?? null, headName: (r.head_name as string) ?? null, cadreId: r.cadre_id as string,
    cadreName: (r.cadre_name as string) ?? null, cadreUnit: (r.cadre_unit as string) ?? null, fromDate: r.from_date as string,
    toDate: to, endReason: (r.end_reason as string) ?? null, active: (r.from_date as string) <= today() && (to === null || to >= today()),
    version: r.version as number,
  };
}

export async function listPairings(ctx: Ctx, householdId: string): Promise<PairingView[]> {
  assertCan(ctx.actor, 'assistance.read');
  return ctx.db.transaction(async (tx) => {
    const h = await scopedHousehold(ctx, tx, householdId);
    const rows = await tx.query<DbRow>(`${PAIRING_SELECT} WHERE p.county_code = $1 AND p.household_id = $2 ORDER BY p.to_date IS NOT NULL, p.from_date DESC`, [h.countyCode, h.id]);
    return rows.map(pairingView);
  });
}

/** The cadre a pairing or team may use: visible to the caller, or managed above the place. */
async function usableCadre(ctx: Ctx, tx: Queryable, cadreId: string, placeCode: string): Promise<DbRow> {
  const rows = UUID.test(cadreId) ? await tx.query<DbRow>('SELECT * FROM cadres WHERE id = $1', [cadreId]) : [];
  const c = rows[0];
  if (!c || !(canSeeCadre(ctx.actor, c) || inSubtree(c.region_code as string, placeCode))) invalid('cadreId', cadreId, 'UNKNOWN_CADRE', '帮扶干部不存在或不在辖区内');
  if (c.active === false) invalid('cadreId', cadreId, 'CADRE_INACTIVE', '该帮扶干部已停用');
  return c;
}

export async function createPairing(ctx: Ctx, householdId: string, input: { cadreId: string; fromDate: string; toDate?: string | null }): Promise<PairingView> {
  assertCan(ctx.actor, 'cadres.write');
  return ctx.db.transaction(async (tx) => {
    const h = await scopedHousehold(ctx, tx, householdId);
    assertWritable(h);
    const c = await usableCadre(ctx, tx, input.cadreId, h.villageCode);
    const from = dateField('fromDate', input.fromDate);
    const to = input.toDate ? dateField('toDate', input.toDate) : null;
    if (to !== null && to < from) invalid('toDate', to, 'DATE_ORDER', '结束日期不能早于开始日期');
    const overlap = await tx.query(
      `SELECT 1 FROM pairings WHERE county_code = $1 AND household_id = $2 AND cadre_id = $3
        AND from_date <= COALESCE($5::date, '9999-12-31') AND COALESCE(to_date, '9999-12-31') >= $4::date`,
      [h.countyCode, h.id, c.id, from, to],
    );
    if (overlap.length) throw new ConflictError('该干部在这段时间已与本户结对', undefined, 'DUPLICATE_PAIRING');
    const id = newId();
    await tx.execute('INSERT INTO pairings (county_code, id, household_id, cadre_id, from_date, to_date) VALUES ($1,$2,$3,$4,$5,$6)', [h.countyCode, id, h.id, c.id, from, to]);
    await recordAssistanceEvent(tx, ctx, { countyCode: h.countyCode, householdId: h.id, entity: 'pairing', entityId: id, action: 'create', after: { cadreId: c.id, cadreName: c.name, fromDate: from, toDate: to } });
    await audit(tx, ctx.actor, ctx.requestId, { action: 'pairing.create', targetType: 'household', targetId: h.id, countyCode: h.countyCode, details: { cadreId: c.id, pairingId: id } });
    return pairingView((await tx.query<DbRow>(`${PAIRING_SELECT} WHERE p.county_code = $1 AND p.id = $2`, [h.countyCode, id]))[0]!);
  });
}

/** Ends (or re-dates) a pairing; kept with its dates and reason. */
export async function updatePairing(ctx: Ctx, householdId: string, pairingId: string, input: { version: number; toDate?: string | null; endReason?: string | null }): Promise<PairingView> {
  assertCan(ctx.actor, 'cadres.write');
  return ctx.db.transaction(async (tx) => {
    const h = await scopedHousehold(ctx, tx, householdId);
    const rows = UUID.test(pairingId) ? await tx.query<DbRow>('SELECT * FROM pairings WHERE county_code = $1 AND household_id = $2 AND id = $3 FOR UPDATE', [h.countyCode, h.id, pairingId]) : [];
    const row = rows[0];
    if (!row) throw new NotFoundError();
    assertVersion(row, input.version);
    const to = input.toDate ? dateField('toDate', input.toDate) : null;
    if (to !== null && to < (row.from_date as string)) invalid('toDate', to, 'DATE_ORDER', '结束日期不能早于开始日期');
    const reason = input.endReason?.trim() || null;
    await tx.execute('UPDATE pairings SET to_date = $3, end_reason = $4, version = version + 1, updated_at = now() WHERE county_code = $1 AND id = $2', [h.countyCode, pairingId, to, reason]);
    await recordAssistanceEvent(tx, ctx, { countyCode: h.countyCode, householdId: h.id, entity: 'pairing', entityId: pairingId, action: 'update', before: { toDate: row.to_date ?? null }, after: { toDate: to }, reason });
    await audit(tx, ctx.actor, ctx.requestId, { action: 'pairing.update', targetType: 'household', targetId: h.id, countyCode: h.countyCode, details: { pairingId, toDate: to } });
    return pairingView((await tx.query<DbRow>(`${PAIRING_SELECT} WHERE p.county_code = $1 AND p.id = $2`, [h.countyCode, pairingId]))[0]!);
  });
}

// ---------------------------------------------------------------------------------------------
// Village work teams

const TEAM_SELECT = `SELECT t.*, c.name AS cadre_name, c.unit AS cadre_unit FROM village_team_members t LEFT JOIN cadres c ON c.id = t.cadre_id`;

function teamView(r: DbRow): TeamMemberView {
  const to = (r.to_date as string) ?? null;
  return {
    id: r.id as string, villageCode: r.village_code as string, cadreId: r.cadre_id as string, cadreName: (r.cadre_name as string) ?? null,
    cadreUnit: (r.cadre_unit as string) ?? null, role: r.role as string, fromDate: r.from_date as string, toDate: to,
    active: (r.from_date as string) <= today() && (to === null || to >= today()), version: r.version as number,
  };
}

async function scopedVillage(ctx: Ctx, tx: Queryable, code: string): Promise<{ code: string; name: string }> {
  if (!/^\d{12}$/.test(code) || regionLevel(code) !== 'village') throw new NotFoundError();
  // A helper reads the team of a village where they have a paired household.
  let ok = actorCovers(ctx.actor, code);
  if (ctx.actor.role === 'helper') {
    ok = (await tx.query(
      `SELECT 1 FROM pairings p JOIN cadres c ON c.id = p.cadre_id JOIN households h ON h.county_code = p.county_code AND h.id = p.household_id
        WHERE c.user_id = $1 AND h.village_code = $2 AND (p.to_date IS NULL OR p.to_date >= $3) LIMIT 1`, [ctx.actor.id, code, today()])).length > 0;
  }
  const region = ok ? await getRegion(tx, code) : null;
  if (!region) throw new NotFoundError();
  return { code, name: region.name };
}

export interface TeamView {
  villageCode: string;
  villageName: string;
  firstSecretary: TeamMemberView | null;
  members: TeamMemberView[];
  history: TeamMemberView[];
}

export async function getVillageTeam(ctx: Ctx, code: string): Promise<TeamView> {
  assertCan(ctx.actor, 'assistance.read');
  return ctx.db.transaction(async (tx) => {
    const v = await scopedVillage(ctx, tx, code);
    const rows = (await tx.query<DbRow>(`${TEAM_SELECT} WHERE t.county_code = $1 AND t.village_code = $2 ORDER BY t.from_date DESC, t.id`, [code.slice(0, 6), code])).map(teamView);
    const order = (r: string) => TEAM_ROLES.indexOf(r as TeamRole);
    const members = rows.filter((r) => r.active).sort((a, b) => order(a.role) - order(b.role));
    return {
      villageCode: v.code, villageName: v.name, firstSecretary: members.find((m) => m.role === '第一书记') ?? null,
      members, history: rows.filter((r) => !r.active),
    };
  });
}

export async function addTeamMember(ctx: Ctx, code: string, input: { cadreId: string; role: string; fromDate: string; toDate?: string | null }): Promise<TeamView> {
  assertCan(ctx.actor, 'cadres.write');
  await ctx.db.transaction(async (tx) => {
    await scopedVillage(ctx, tx, code);
    if (!(TEAM_ROLES as readonly string[]).includes(input.role)) invalid('role', input.role, 'ROLE', `角色应为 ${TEAM_ROLES.join('、')} 之一`);
    const c = await usableCadre(ctx, tx, input.cadreId, code);
    const from = dateField('fromDate', input.fromDate);
    const to = input.toDate ? dateField('toDate', input.toDate) : null;
    if (to !== null && to < from) invalid('toDate', to, 'DATE_ORDER', '结束日期不能早于开始日期');
    const county = code.slice(0, 6);
    const overlapSql = `AND from_date <= COALESCE($4::date, '9999-12-31') AND COALESCE(to_date, '9999-12-31') >= $3::date`;
    if (input.role === '第一书记') {
      const other = await tx.query(`SELECT 1 FROM village_team_members WHERE county_code = $1 AND village_code = $2 AND role = '第一书记' ${overlapSql}`, [county, code, from, to]);
      if (other.length) throw new ConflictError('该村在这段时间已有第一书记，请先结束其任期', undefined, 'FIRST_SECRETARY_EXISTS');
    }
    const dup = await tx.query(`SELECT 1 FROM village_team_members WHERE county_code = $1 AND village_code = $2 AND cadre_id = $5 ${overlapSql}`, [county, code, from, to, c.id]);
    if (dup.length) throw new ConflictError('该干部在这段时间已是本村工作队成员', undefined, 'DUPLICATE_TEAM_MEMBER');
    const id = newId();
    await tx.execute('INSERT INTO village_team_members (county_code, id, village_code, cadre_id, role, from_date, to_date) VALUES ($1,$2,$3,$4,$5,$6,$7)', [county, id, code, c.id, input.role, from, to]);
    await recordAssistanceEvent(tx, ctx, { countyCode: county, villageCode: code, entity: 'team', entityId: id, action: 'create', after: { cadreId: c.id, cadreName: c.name, role: input.role, fromDate: from, toDate: to } });
    await audit(tx, ctx.actor, ctx.requestId, { action: 'team.add', targetType: 'village', targetId: null, countyCode: county, details: { villageCode: code, cadreId: c.id, role: input.role } });
  });
  return getVillageTeam(ctx, code);
}

export async function updateTeamMember(ctx: Ctx, code: string, memberId: string, input: { version: number; toDate?: string | null; role?: string }): Promise<TeamView> {
  assertCan(ctx.actor, 'cadres.write');
  await ctx.db.transaction(async (tx) => {
    await scopedVillage(ctx, tx, code);
    const county = code.slice(0, 6);
    const rows = UUID.test(memberId) ? await tx.query<DbRow>('SELECT * FROM village_team_members WHERE county_code = $1 AND village_code = $2 AND id = $3 FOR UPDATE', [county, code, memberId]) : [];
    const row = rows[0];
    if (!row) throw new NotFoundError();
    assertVersion(row, input.version);
    const role = input.role ?? (row.role as string);
    if (!(TEAM_ROLES as readonly string[]).includes(role)) invalid('role', role, 'ROLE', `角色应为 ${TEAM_ROLES.join('、')} 之一`);
    const to = input.toDate === undefined ? ((row.to_date as string) ?? null) : input.toDate ? dateField('toDate', input.toDate) : null;
    if (to !== null && to < (row.from_date as string)) invalid('toDate', to, 'DATE_ORDER', '结束日期不能早于开始日期');
    if (role === '第一书记' && row.role !== '第一书记') {
      const other = await tx.query(`SELECT 1 FROM village_team_members WHERE county_code = $1 AND village_code = $2 AND role = '第一书记' AND id <> $3
        AND from_date <= COALESCE($5::date, '9999-12-31') AND COALESCE(to_date, '9999-12-31') >= $4::date`, [county, code, memberId, row.from_date, to]);
      if (other.length) throw new ConflictError('该村在这段时间已有第一书记', undefined, 'FIRST_SECRETARY_EXISTS');
    }
    await tx.execute('UPDATE village_team_members SET role = $3, to_date = $4, version = version + 1, updated_at = now() WHERE county_code = $1 AND id = $2', [county, memberId, role, to]);
    await recordAssistanceEvent(tx, ctx, { countyCode: county, villageCode: code, entity: 'team', entityId: memberId, action: 'update', before: { role: row.role, toDate: row.to_date ?? null }, after: { role, toDate: to } });
    await audit(tx, ctx.actor, ctx.requestId, { action: 'team.update', targetType: 'village', targetId: null, countyCode: county, details: { villageCode: code, memberId } });
  });
  return getVillageTeam(ctx, code);
}

