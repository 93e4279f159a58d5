import { audit } from '../../core/audit.js';
import type { Ctx } from '../../core/context.js';
import type { Queryable } from '../../core/db.js';
import { ConflictError, NotFoundError, ValidationError } from '../../core/errors.js';
import { newId } from '../../core/ids.js';
import { parseIdNumber } from '../../domain/idnumber.js';
import { maskAccount, maskIdNumber, maskPhone } from '../../domain/mask.js';
import { assertCan } from '../access/policy.js';
import { actorCovers, scopeSql, significantPrefix, subtreeRange } from '../access/scope.js';
import { getRegion } from '../regions/service.js';
import { diff, recordEvent } from './events.js';
import { refreshHouseholdSize, writeDeclaredIncome } from './income.js';
import { applyCountDelta, refreshHouseholdFacts, type CountKey } from './list-facts.js';
import { validateHousehold, validateIncome, validateMember, type HouseholdValues, type IncomeValues, type MemberValues } from './validate.js';
import { todayCn } from '../../domain/dates.js';

/** The registry's service: households, members, income, all scoped and evented. */

export const HOUSEHOLD_COLUMNS: Record<keyof HouseholdValues, string> = {
  householdNumber: 'household_number', villageCode: 'village_code', naturalVillage: 'natural_village', category: 'category',
  identificationStandard: 'identification_standard', identificationYear: 'identification_year', povertyStatus: 'poverty_status',
  exitYear: 'exit_year', mainCause: 'main_cause', otherCauses: 'other_causes', dangerousHouse: 'dangerous_house',
  safeWater: 'safe_water', phone: 'phone', bankName: 'bank_name', bankAccount: 'bank_account', militaryFamily: 'military_family',
  relocated: 'relocated', relocationSite: 'relocation_site', cultivatedLand: 'cultivated_land', irrigatedLand: 'irrigated_land',
  forestLand: 'forest_land', pastureLand: 'pasture_land', monitoringCategory: 'monitoring_category',
  monitoringIdentifiedAt: 'monitoring_identified_at', monitoringEliminatedAt: 'monitoring_eliminated_at',
};

export const MEMBER_COLUMNS: Record<keyof MemberValues, string> = {
  name: 'name', idNumber: 'id_number', sex: 'sex', birthDate: 'birth_date', relation: 'relation', ethnicity: 'ethnicity',
  education: 'education', schoolStatus: 'school_status', health: 'health', disabilityGrade: 'disability_grade',
  labourSkill: 'labour_skill', workStatus: 'work_status', workMonths: 'work_months', medicalInsurance: 'medical_insurance',
  seriousIllnessInsurance: 'serious_illness_insurance', pensionInsurance: 'pension_insurance', dibao: 'dibao', tekun: 'tekun',
  activeMilitary: 'active_military',
};

export const INCOME_COLUMNS: Record<keyof IncomeValues, string> = {
  year: 'year', wage: 'wage', business: 'business', property: 'property', transfer: 'transfer', businessCost: 'business_cost',
  publicWelfareWage: 'public_welfare_wage', dividend: 'dividend', dibao: 'dibao', tekun: 'tekun', pension: 'pension',
  ecoComp: 'eco_comp', otherTransfer: 'other_transfer',
};

type DbRow = Record<string, unknown>;

function fromRow<K extends string>(row: DbRow, cols: Record<K, string>): Record<K, unknown> {
  const out = {} as Record<K, unknown>;
  for (const k of Object.keys(cols) as K[]) out[k] = row[cols[k]] ?? null;
  return out;
}

export interface MemberView extends MemberValues {
  id: string;
  version: number;
  age: number;
  leftAt: string | null;
  leftReason: string | null;
}

export interface IncomeView extends IncomeValues {
  householdSize: number;
  perCapitaNet: number | null;
}

export interface HouseholdView extends HouseholdValues {
  id: string;
  countyCode: string;
  villageName: string | null;
  townshipName: string | null;
  countyName: string | null;
  version: number;
  removedReason: string | null;
  removedAt: string | null;
  createdAt: string;
  updatedAt: string;
  members: MemberView[];
  incomes: IncomeView[];
  masked: boolean;
}

/** Age in whole years on `today` (a Lanzhou day, YYYY-MM-DD). */
function ageOn(birth: string, today = todayCn()): number {
  const [y, m, d] = birth.split('-').map(Number) as [number, number, number];
  const [ty, tm, td] = today.split('-').map(Number) as [number, number, number];
  let age = ty - y;
  if (tm < m || (tm === m && td < d)) age--;
  return age;
}

const iso = (v: unknown) => (v instanceof Date ? v.toISOString() : v == null ? null : String(v));

/** Decides masking for this read and audits an unmasked one. */
async function maskDecision(ctx: Ctx, tx: Queryable, wantUnmasked: boolean | undefined, target: { type: string; id: string | null; countyCode?: string | null; count?: number }): Promise<boolean> {
  if (!wantUnmasked) return true;
  assertCan(ctx.actor, 'pii.unmask');
  await audit(tx, ctx.actor, ctx.requestId, {
    action: 'pii.read', targetType: target.type, targetId: target.id, countyCode: target.countyCode ?? null,
    details: target.count !== undefined ? { count: target.count } : {},
  });
  return false;
}

export function maskHousehold<T extends { phone: string | null; bankAccount: string | null }>(h: T): T {
  return { ...h, phone: h.phone ? maskPhone(h.phone) : null, bankAccount: h.bankAccount ? maskAccount(h.bankAccount) : null };
}

/** Loads a household the actor may see, or NotFound (the same answer for both). */
async function loadScoped(ctx: Ctx, tx: Queryable, id: string, forUpdate = false): Promise<DbRow> {
  if (!/^[0-9a-f-]{36}$/i.test(id)) throw new NotFoundError();
  const rows = await tx.query<DbRow>(`SELECT * FROM households WHERE id = $1${forUpdate ? ' FOR UPDATE' : ''}`, [id]);
  const h = rows[0];
  if (!h || !actorCovers(ctx.actor, h.village_code as string)) throw new NotFoundError();
  return h;
}

export async function getHousehold(ctx: Ctx, id: string, opts: { unmasked?: boolean } = {}): Promise<HouseholdView> {
  assertCan(ctx.actor, 'registry.read');
  return ctx.db.transaction(async (tx) => {
    const h = await loadScoped(ctx, tx, id);
    const masked = await maskDecision(ctx, tx, opts.unmasked, { type: 'household', id, countyCode: h.county_code as string });
    return assembleHousehold(tx, h, masked);
  });
}

async function assembleHousehold(tx: Queryable, h: DbRow, masked: boolean): Promise<HouseholdView> {
  const county = h.county_code as string;
  const members = await tx.query<DbRow>(
    `SELECT * FROM members WHERE county_code = $1 AND household_id = $2
      ORDER BY left_at NULLS FIRST, (relation = '户主') DESC, birth_date`, [county, h.id],
  );
  const incomes = await tx.query<DbRow>('SELECT * FROM household_incomes WHERE county_code = $1 AND household_id = $2 ORDER BY year DESC', [county, h.id]);
  const names = await tx.query<{ code: string; name: string }>(
    'SELECT code, name FROM regions WHERE code = ANY($1)',
    [[h.village_code, (h.village_code as string).slice(0, 9) + '000', county + '000000']],
  );
  const nameOf = (c: string) => names.find((n) => n.code === c)?.name ?? null;
  const base = fromRow(h, HOUSEHOLD_COLUMNS) as unknown as HouseholdValues;
  const view: HouseholdView = {
    ...base,
    id: h.id as string,
    countyCode: county,
    villageName: nameOf(h.village_code as string),
    townshipName: nameOf((h.village_code as string).slice(0, 9) + '000'),
    countyName: nameOf(county + '000000'),
    version: h.version as number,
    removedReason: (h.removed_reason as string) ?? null,
    removedAt: iso(h.removed_at),
    createdAt: iso(h.created_at) as string,
    updatedAt: iso(h.updated_at) as string,
    members: members.map((m) => {
      const mv = fromRow(m, MEMBER_COLUMNS) as unknown as MemberValues;
      return {
        ...mv,
        idNumber: masked ? maskIdNumber(mv.idNumber) : mv.idNumber,
        id: m.id as string, version: m.version as number, age: ageOn(mv.birthDate),
        leftAt: iso(m.left_at), leftReason: (m.left_reason as string) ?? null,
      };
    }),
    incomes: incomes.map((r) => ({
      ...(fromRow(r, INCOME_COLUMNS) as unknown as IncomeValues),
      householdSize: r.household_size as number,
      perCapitaNet: (r.per_capita_net as number) ?? null,
    })),
    masked,
  };
  return masked ? maskHousehold(view) : view;
}

// ---------------------------------------------------------------------------------------------
// Search

export interface SearchQuery {
  region?: string;
  status?: string[];
  category?: string[];
  cause?: string;
  name?: string;
  idNumber?: string;
  householdNumber?: string;
  includeRemoved?: boolean;
  page?: number;
  pageSize?: number;
  sort?: 'householdNumber' | 'villageCode' | 'identificationYear' | 'povertyStatus' | 'updatedAt' | 'memberCount' | 'perCapitaNet';
  order?: 'asc' | 'desc';
  unmasked?: boolean;
}

export interface HouseholdListItem {
  id: string;
  householdNumber: string;
  villageCode: string;
  villageName: string | null;
  townshipName: string | null;
  countyName: string | null;
  category: string;
  povertyStatus: string;
  identificationYear: number;
  exitYear: number | null;
  mainCause: string;
  headName: string | null;
  headIdNumber: string | null;
  memberCount: number;
  phone: string | null;
  incomeYear: number | null;
  perCapitaNet: number | null;
  version: number;
  updatedAt: string;
}

const SORTS: Record<NonNullable<SearchQuery['sort']>, string> = {
  householdNumber: 'h.household_number',
  villageCode: 'h.village_code',
  identificationYear: 'h.identification_year',
  povertyStatus: 'h.poverty_status',
  updatedAt: 'h.updated_at',
  memberCount: 'h.member_count',
  perCapitaNet: 'h.per_capita_net',
};

/** Above this many matches a name, ID or 户编号 search reports "more than" instead of counting on. */
export const COUNT_CAP = 1000;

/** Builds the WHERE clause of a household search (shared by search and export). */
export function searchWhere(ctx: Ctx, q: SearchQuery, params: unknown[]): string {
  const where: string[] = [scopeSql(ctx.actor, 'h.village_code', params)];
  // A scope inside one county also names it, so the county's indexes (county_code, …) serve.
  const scopePrefix = significantPrefix(ctx.actor.regionCode);
  if (scopePrefix.length >= 6) {
    params.push(scopePrefix.slice(0, 6));
    where.push(`h.county_code = $${params.length}`);
  }
  if (q.region) {
    const { lo, hi } = subtreeRange(q.region);
    params.push(lo, hi);
    where.push(`h.village_code BETWEEN $${params.length - 1} AND $${params.length}`);
    if (/^\d{6}/.test(q.region) && !q.region.startsWith('0000')) {
      params.push(q.region.slice(0, 6));
      if (!q.region.slice(0, 6).endsWith('00')) where.push(`h.county_code = $${params.length}`);
      else params.pop();
    }
  }
  if (q.status?.length === 1) {
    // One status as an equality, so an index led by the status gives the sorted page.
    params.push(q.status[0]);
    where.push(`h.poverty_status = $${params.length}`);
  } else if (q.status?.length) {
    params.push(q.status);
    where.push(`h.poverty_status = ANY($${params.length})`);
  } else if (!q.includeRemoved) {
    where.push(`h.poverty_status <> '已剔除'`);
  }
  if (q.category?.length) {
    params.push(q.category);
    where.push(`h.category = ANY($${params.length})`);
  }
  if (q.cause) {
    params.push(q.cause);
    where.push(`(h.main_cause = $${params.length} OR $${params.length} = ANY(h.other_causes))`);
  }
  if (q.householdNumber) {
    params.push(q.householdNumber.trim());
    where.push(`h.household_number = $${params.length}`);
  }
  if (q.idNumber) {
    const parsed = parseIdNumber(q.idNumber);
    params.push(parsed.ok ? parsed.id : q.idNumber.trim().toUpperCase());
    where.push(`EXISTS (SELECT 1 FROM members m WHERE m.county_code = h.county_code AND m.household_id = h.id AND m.id_number = $${params.length})`);
  }
  const name = nameQuery(q.name);
  if (name) {
    // Current members' names: the GIN index on their characters finds the candidates, LIKE keeps
    // those with the characters in order ('|' separates names, so no match spans two people).
    params.push([...new Set(name)]);
    where.push(`string_to_array(h.member_names, NULL) @> $${params.length}::text[]`);
    params.push('%' + name.replace(/[\\%_]/g, (c) => '\\' + c) + '%');
    where.push(`h.member_names LIKE $${params.length}`);
  }
  return where.join(' AND ');
}

/** The name as searched: trimmed, without the separator of stored names; '' when nothing is left. */
function nameQuery(name: string | undefined): string {
  return (name ?? '').replace(/[|\s]/g, '');
}

/**
 * The list's total. Filters made of region (township or wider), status, category and cause are
 * summed from household_counts: exact, a few hundred rows at most. Otherwise (a village, a name,
 * an ID number, a 户编号) the matches are counted up to COUNT_CAP; `exact` is false above it.
 */
async function listTotal(ctx: Ctx, tx: Queryable, q: SearchQuery, where: string, params: unknown[]): Promise<{ total: number; exact: boolean }> {
  const wide = (code: string) => significantPrefix(code).length <= 9;
  if (!nameQuery(q.name) && !q.idNumber && !q.householdNumber && wide(ctx.actor.regionCode) && (!q.region || wide(q.region))) {
    const p: unknown[] = [];
    const w = [scopeSql(ctx.actor, 'c.township_code', p)];
    if (q.region) {
      const { lo, hi } = subtreeRange(q.region);
      p.push(lo, hi);
      w.push(`c.township_code BETWEEN $${p.length - 1} AND $${p.length}`);
    }
    if (q.status?.length) {
      p.push(q.status);
      w.push(`c.poverty_status = ANY($${p.length})`);
    } else if (!q.includeRemoved) {
      w.push(`c.poverty_status <> '已剔除'`);
    }
    if (q.category?.length) {
      p.push(q.category);
      w.push(`c.category = ANY($${p.length})`);
    }
    p.push(q.cause ?? '');
    w.push(`c.cause = $${p.length}`);
    const [{ total }] = (await tx.query<{ total: number }>(`SELECT coalesce(sum(c.households), 0)::int AS total FROM household_counts c WHERE ${w.join(' AND ')}`, p)) as [{ total: number }];
    return { total, exact: true };
  }
  const [{ n }] = (await tx.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM (SELECT 1 FROM households h WHERE ${where} LIMIT ${COUNT_CAP + 1}) x`, params,
  )) as [{ n: number }];
  return n > COUNT_CAP ? { total: COUNT_CAP, exact: false } : { total: n, exact: true };
}

export async function searchHouseholds(ctx: Ctx, q: SearchQuery): Promise<{ total: number; totalExact: boolean; page: number; pageSize: number; items: HouseholdListItem[]; masked: boolean }> {
  assertCan(ctx.actor, 'registry.read');
  const page = Math.max(1, q.page ?? 1);
  const pageSize = Math.min(200, Math.max(1, q.pageSize ?? 20));
  const params: unknown[] = [];
  const where = searchWhere(ctx, q, params);
  const sortKey = q.sort ?? 'householdNumber';
  const order = q.order === 'desc' ? 'DESC' : 'ASC';
  // Within one county (by scope or region) the county leads the default order: the same order,
  // but only the (county_code, household_number) index gives it, so the planner walks that one
  // instead of the registry-wide number index (where a county's households sit in one stretch).
  const oneCounty = [ctx.actor.regionCode, q.region ?? ''].some((c) => significantPrefix(c).length >= 6);
  const sort = sortKey === 'householdNumber' && oneCounty ? `h.county_code ${order}, ${SORTS.householdNumber}` : SORTS[sortKey];
  // NULLS LAST only where a value can be missing (the income, which has an index per direction):
  // on NOT NULL columns it would stop the planner from walking the index backwards.
  const nulls = sortKey === 'perCapitaNet' ? ' NULLS LAST' : '';
  return ctx.db.transaction(async (tx) => {
    const { total, exact } = await listTotal(ctx, tx, q, where, params);
    const p2 = [...params, pageSize, (page - 1) * pageSize];
    // The page's rows are chosen first (filter, sort, LIMIT on households alone, which the
    // indexes answer); names, head, size and income are joined for those rows only.
    const rows = await tx.query<DbRow>(
      `WITH page AS (
         SELECT h.county_code, h.id, row_number() OVER () AS n FROM (
           SELECT h.county_code, h.id FROM households h
            WHERE ${where}
            ORDER BY ${sort} ${order}${nulls}, h.household_number ${order}
            LIMIT $${p2.length - 1} OFFSET $${p2.length}) h)
       SELECT h.id, h.household_number, h.village_code, h.category, h.poverty_status, h.identification_year, h.exit_year,
              h.main_cause, h.phone, h.version, h.updated_at,
              v.name AS village_name, t.name AS township_name, c.name AS county_name,
              head.name AS head_name, head.id_number AS head_id, h.member_count, h.income_year, h.per_capita_net
         FROM page JOIN households h ON h.county_code = page.county_code AND h.id = page.id
         LEFT JOIN regions v ON v.code = h.village_code
         LEFT JOIN regions t ON t.code = substr(h.village_code, 1, 9) || '000'
         LEFT JOIN regions c ON c.code = h.county_code || '000000'
         LEFT JOIN LATERAL (SELECT m.name, m.id_number FROM members m
                             WHERE m.county_code = h.county_code AND m.household_id = h.id AND m.relation = '户主' AND m.left_at IS NULL LIMIT 1) head ON TRUE
        ORDER BY page.n`,
      p2,
    );
    const masked = await maskDecision(ctx, tx, q.unmasked, { type: 'household_list', id: null, count: rows.length });
    const items = rows.map((r): HouseholdListItem => ({
      id: r.id as string,
      householdNumber: r.household_number as string,
      villageCode: r.village_code as string,
      villageName: (r.village_name as string) ?? null,
      townshipName: (r.township_name as string) ?? null,
      countyName: (r.county_name as string) ?? null,
      category: r.category as string,
      povertyStatus: r.poverty_status as string,
      identificationYear: r.identification_year as number,
      exitYear: (r.exit_year as number) ?? null,
      mainCause: r.main_cause as string,
      headName: (r.head_name as string) ?? null,
      headIdNumber: r.head_id ? (masked ? maskIdNumber(r.head_id as string) : (r.head_id as string)) : null,
      memberCount: r.member_count as number,
      phone: r.phone ? (masked ? maskPhone(r.phone as string) : (r.phone as string)) : null,
      incomeYear: (r.income_year as number) ?? null,
      perCapitaNet: (r.per_capita_net as number) ?? null,
      version: r.version as number,
      updatedAt: iso(r.updated_at) as string,
    }));
    return { total, totalExact: exact, page, pageSize, items, masked };
  });
}

// ---------------------------------------------------------------------------------------------
// Writes

function fail(errors: { column: string; value: string; code: string; message: string }[], prefix?: string): never {
  const first = errors[0];
  throw new ValidationError(
    first ? `${prefix ? prefix + '：' : ''}「${first.column}」${first.message}${errors.length > 1 ? `（共 ${errors.length} 处错误）` : ''}` : '输入有误',
    { errors: errors.map((e) => ({ field: e.column, value: e.value, code: e.code, message: e.message })) },
  );
}

async function assertVillage(ctx: Ctx, tx: Queryable, code: string): Promise<void> {
  if (!actorCovers(ctx.actor, code)) {
    throw new ValidationError('行政区划代码不在您的辖区内', { errors: [{ field: 'villageCode', value: code, code: 'OUT_OF_SCOPE', message: '不在辖区内' }] });
  }
  const r = await getRegion(tx, code);
  if (!r || r.level !== 'village') {
    throw new ValidationError(`行政区划代码 ${code} 不存在`, { errors: [{ field: 'villageCode', value: code, code: 'REGION_NOT_FOUND', message: '区划不存在' }] });
  }
}

async function claimPerson(tx: Queryable, idNumber: string, county: string, householdId: string, memberId: string): Promise<void> {
  const existing = await tx.query<{ household_id: string; household_number: string | null }>(
    `SELECT k.household_id, h.household_number FROM person_keys k LEFT JOIN households h ON h.county_code = k.county_code AND h.id = k.household_id
      WHERE k.id_number = $1`, [idNumber],
  );
  if (existing[0] && existing[0].household_id !== householdId) {
    throw new ConflictError(`证件号码 ${maskIdNumber(idNumber)} 已在户 ${existing[0].household_number ?? ''} 中登记，一人只能属于一个在册户`,
      { field: 'idNumber', code: 'ID_IN_OTHER_HOUSEHOLD' }, 'DUPLICATE_PERSON');
  }
  await tx.execute(
    `INSERT INTO person_keys (id_number, county_code, household_id, member_id) VALUES ($1,$2,$3,$4)
     ON CONFLICT (id_number) DO UPDATE SET member_id = EXCLUDED.member_id`, [idNumber, county, householdId, memberId],
  );
}

async function writeIncome(tx: Queryable, county: string, householdId: string, inc: IncomeValues, size: number): Promise<IncomeView> {
  const pc = await writeDeclaredIncome(tx, county, householdId, inc, size);
  return { ...inc, householdSize: size, perCapitaNet: pc };
}

export interface CreateHouseholdInput {
  household: Record<string, unknown>;
  members: Record<string, unknown>[];
  income?: Record<string, unknown> | null;
}

export async function createHousehold(ctx: Ctx, input: CreateHouseholdInput): Promise<HouseholdView> {
  assertCan(ctx.actor, 'registry.write');
  const valid = validateNewHousehold(input);
  return ctx.db.transaction((tx) => insertHousehold(ctx, tx, valid, { source: 'api' }));
}

export interface ValidNewHousehold {
  household: HouseholdValues;
  members: MemberValues[];
  income: IncomeValues | null;
}

/** Validates a new household with its members and income; throws a ValidationError listing every problem. */
export function validateNewHousehold(input: CreateHouseholdInput): ValidNewHousehold {
  const h = validateHousehold(input.household, 'key');
  const errors = [...h.errors];
  const members = (input.members ?? []).map((m, i) => {
    const v = validateMember(m, 'key');
    errors.push(...v.errors.map((e) => ({ ...e, column: `members[${i}].${e.column}` })));
    return v.value;
  });
  const inc = input.income ? validateIncome(input.income, 'key') : null;
  if (inc) errors.push(...inc.errors.map((e) => ({ ...e, column: `income.${e.column}` })));
  if (errors.length || !h.value) fail(errors);
  const mvs = members as MemberValues[];
  checkMemberSet(mvs);
  if (h.value.povertyStatus === '已剔除') throw new ValidationError('新建户的脱贫属性不能为「已剔除」');
  return { household: h.value, members: mvs, income: inc?.value ?? null };
}

/**
 * Writes a validated new household inside the caller's transaction (the API's create, and a
 * county decision on an identification proposal, whose change event names the proposal).
 */
export async function insertHousehold(ctx: Ctx, tx: Queryable, valid: ValidNewHousehold, meta: { source: string; reason?: string; proposal?: Record<string, unknown> }): Promise<HouseholdView> {
  const { household: hv, members: mvs, income } = valid;
  const county = hv.villageCode.slice(0, 6);
  await assertVillage(ctx, tx, hv.villageCode);
  const id = newId();
  const taken = await tx.query('SELECT 1 FROM household_keys WHERE household_number = $1', [hv.householdNumber]);
  if (taken.length) throw new ConflictError(`户编号 ${hv.householdNumber} 已存在`, { field: 'householdNumber' }, 'DUPLICATE_HOUSEHOLD');
  await tx.execute('INSERT INTO household_keys (household_number, county_code, household_id) VALUES ($1,$2,$3)', [hv.householdNumber, county, id]);
  const cols = Object.values(HOUSEHOLD_COLUMNS);
  const vals = (Object.keys(HOUSEHOLD_COLUMNS) as (keyof HouseholdValues)[]).map((k) => hv[k]);
  await tx.execute(
    `INSERT INTO households (county_code, id, ${cols.join(', ')}, created_by, updated_by)
     VALUES ($1, $2, ${cols.map((_, i) => `$${i + 3}`).join(', ')}, $${cols.length + 3}, $${cols.length + 3})`,
    [county, id, ...vals, ctx.actor.id],
  );
  for (const m of mvs) await insertMember(tx, county, id, m);
  if (income) await writeIncome(tx, county, id, income, mvs.length);
  await refreshHouseholdFacts(tx, county, [id]);
  await applyCountDelta(tx, null, countKey(county, hv));
  await recordEvent(tx, ctx, {
    countyCode: county, householdId: id, entity: 'household', action: 'create',
    after: { ...hv, members: mvs.map((m) => ({ ...m, idNumber: maskIdNumber(m.idNumber) })), ...(meta.proposal ? { proposal: meta.proposal } : {}) },
    source: meta.source, reason: meta.reason,
  });
  await audit(tx, ctx.actor, ctx.requestId, { action: 'household.create', targetType: 'household', targetId: id, countyCode: county, details: { householdNumber: hv.householdNumber, members: mvs.length, source: meta.source } });
  const row = await loadScoped(ctx, tx, id);
  return assembleHousehold(tx, row, true);
}

/** Exactly one 户主, and no ID number twice in one household. */
export function checkMemberSet(members: MemberValues[]): void {
  const heads = members.filter((m) => m.relation === '户主').length;
  if (members.length === 0) throw new ValidationError('一户至少要有一名成员（户主）', { code: 'NO_MEMBERS' });
  if (heads !== 1) throw new ValidationError(heads === 0 ? '每户必须有且只有一名户主，当前没有户主' : `每户只能有一名户主，当前有 ${heads} 名`, { code: heads === 0 ? 'NO_HEAD' : 'MULTIPLE_HEADS' });
  const seen = new Set<string>();
  for (const m of members) {
    if (seen.has(m.idNumber)) throw new ValidationError(`证件号码 ${maskIdNumber(m.idNumber)} 在本户中重复`, { code: 'DUPLICATE_ID' });
    seen.add(m.idNumber);
  }
}

async function insertMember(tx: Queryable, county: string, householdId: string, m: MemberValues): Promise<string> {
  const id = newId();
  await claimPerson(tx, m.idNumber, county, householdId, id);
  const cols = Object.values(MEMBER_COLUMNS);
  const vals = (Object.keys(MEMBER_COLUMNS) as (keyof MemberValues)[]).map((k) => m[k]);
  await tx.execute(
    `INSERT INTO members (county_code, id, household_id, ${cols.join(', ')}) VALUES ($1, $2, $3, ${cols.map((_, i) => `$${i + 4}`).join(', ')})`,
    [county, id, householdId, ...vals],
  );
  return id;
}

export interface UpdateHouseholdInput {
  version: number;
  household?: Record<string, unknown>;
  income?: Record<string, unknown> | null;
  reason?: string;
}

/** Updates fields (a partial set is fine). A stale version gets 409 and changes nothing. */
export async function updateHousehold(ctx: Ctx, id: string, input: UpdateHouseholdInput): Promise<HouseholdView> {
  assertCan(ctx.actor, 'registry.write');
  return ctx.db.transaction(async (tx) => {
    const row = await loadScoped(ctx, tx, id, true);
    assertVersion(row, input.version);
    if (row.poverty_status === '已剔除') throw new ConflictError('该户已剔除，不能再修改', undefined, 'HOUSEHOLD_REMOVED');
    const current = fromRow(row, HOUSEHOLD_COLUMNS) as unknown as HouseholdValues;
    const merged = { ...current, ...(input.household ?? {}) };
    const v = validateHousehold(merged, 'key');
    if (!v.value) fail(v.errors);
    const next = v.value;
    if (next.householdNumber !== current.householdNumber) throw new ValidationError('户编号不能修改', { errors: [{ field: 'householdNumber', value: next.householdNumber, code: 'IMMUTABLE', message: '户编号不能修改' }] });
    if (next.villageCode.slice(0, 6) !== current.villageCode.slice(0, 6)) {
      throw new ValidationError('不能直接迁到其他县区，请走迁移流程', { errors: [{ field: 'villageCode', value: next.villageCode, code: 'CROSS_COUNTY', message: '不能跨县修改' }] });
    }
    if (next.povertyStatus === '已剔除') throw new ValidationError('剔除请使用「剔除」操作并填写原因', { errors: [{ field: 'povertyStatus', value: '已剔除', code: 'USE_REMOVE', message: '请使用剔除操作' }] });
    if (next.villageCode !== current.villageCode) await assertVillage(ctx, tx, next.villageCode);
    const county = row.county_code as string;
    const d = diff(current as unknown as Record<string, unknown>, next as unknown as Record<string, unknown>);
    let incomeChanged = false;
    if (input.income) {
      const inc = validateIncome(input.income, 'key');
      if (inc.errors.length || !inc.value) fail(inc.errors.map((e) => ({ ...e, column: `income.${e.column}` })));
      const size = await activeMemberCount(tx, county, id);
      const before = (await tx.query<DbRow>('SELECT * FROM household_incomes WHERE county_code = $1 AND household_id = $2 AND year = $3', [county, id, inc.value.year]))[0];
      const after = await writeIncome(tx, county, id, inc.value, size);
      const prev = before ? { ...(fromRow(before, INCOME_COLUMNS) as Record<string, unknown>), householdSize: before.household_size, perCapitaNet: before.per_capita_net } : {};
      const idiff = diff(prev, after as unknown as Record<string, unknown>);
      if (idiff) {
        incomeChanged = true;
        await recordEvent(tx, ctx, { countyCode: county, householdId: id, entity: 'income', action: before ? 'update' : 'create', before: before ? idiff.before : null, after: idiff.after, source: 'api', reason: input.reason });
      }
    }
    if (d) {
      const sets = Object.keys(d.after).map((k, i) => `${HOUSEHOLD_COLUMNS[k as keyof HouseholdValues]} = $${i + 3}`);
      await tx.execute(`UPDATE households SET ${sets.join(', ')}, version = version + 1, updated_at = now(), updated_by = $2 WHERE county_code = $1 AND id = $${sets.length + 3}`,
        [county, ctx.actor.id, ...Object.values(d.after), id]);
      await recordEvent(tx, ctx, { countyCode: county, householdId: id, entity: 'household', action: 'update', before: d.before, after: d.after, source: 'api', reason: input.reason });
    } else if (incomeChanged) {
      await tx.execute('UPDATE households SET version = version + 1, updated_at = now(), updated_by = $3 WHERE county_code = $1 AND id = $2', [county, id, ctx.actor.id]);
    }
    if (incomeChanged) await refreshHouseholdFacts(tx, county, [id]);
    if (d) await applyCountDelta(tx, countKey(county, current), countKey(county, next));
    if (d || incomeChanged) {
      await audit(tx, ctx.actor, ctx.requestId, { action: 'household.update', targetType: 'household', targetId: id, countyCode: county, details: { fields: d ? Object.keys(d.after) : [], income: incomeChanged } });
    }
    return assembleHousehold(tx, await loadScoped(ctx, tx, id), true);
  });
}

export function assertVersion(row: DbRow, version: number | undefined): void {
  if (version === undefined || version === null) throw new ValidationError('缺少版本号（version），无法防止并发覆盖', { errors: [{ field: 'version', value: '', code: 'REQUIRED', message: '必填' }] });
  if (row.version !== version) {
    throw new ConflictError('该记录已被他人修改，请刷新后重试', { currentVersion: row.version, yourVersion: version }, 'STALE_VERSION');
  }
}

function countKey(county: string, h: HouseholdValues): CountKey {
  return { countyCode: county, villageCode: h.villageCode, povertyStatus: h.povertyStatus, category: h.category, mainCause: h.mainCause, otherCauses: h.otherCauses ?? [] };
}

async function activeMemberCount(tx: Queryable, county: string, householdId: string): Promise<number> {
  const r = await tx.query<{ n: number }>('SELECT count(*)::int AS n FROM members WHERE county_code = $1 AND household_id = $2 AND left_at IS NULL', [county, householdId]);
  return r[0]?.n ?? 0;
}

/** 剔除: a removal with its reason; the members' ID numbers are freed for another household. */
export async function removeHousehold(ctx: Ctx, id: string, input: { version: number; reason: string }): Promise<HouseholdView> {
  assertCan(ctx.actor, 'registry.remove');
  const reason = (input.reason ?? '').trim();
  if (reason.length < 2) throw new ValidationError('剔除必须填写原因', { errors: [{ field: 'reason', value: reason, code: 'REQUIRED', message: '必须填写原因' }] });
  return ctx.db.transaction(async (tx) => {
    const row = await loadScoped(ctx, tx, id, true);
    assertVersion(row, input.version);
    if (row.poverty_status === '已剔除') throw new ConflictError('该户已剔除', undefined, 'HOUSEHOLD_REMOVED');
    const county = row.county_code as string;
    await tx.execute(`UPDATE households SET poverty_status = '已剔除', removed_reason = $3, removed_at = now(), version = version + 1, updated_at = now(), updated_by = $4 WHERE county_code = $1 AND id = $2`,
      [county, id, reason, ctx.actor.id]);
    await tx.execute('DELETE FROM person_keys WHERE county_code = $1 AND household_id = $2', [county, id]);
    const key = countKey(county, fromRow(row, HOUSEHOLD_COLUMNS) as unknown as HouseholdValues);
    await applyCountDelta(tx, key, { ...key, povertyStatus: '已剔除' });
    await recordEvent(tx, ctx, { countyCode: county, householdId: id, entity: 'household', action: 'remove', before: { povertyStatus: row.poverty_status }, after: { povertyStatus: '已剔除' }, source: 'api', reason });
    await audit(tx, ctx.actor, ctx.requestId, { action: 'household.remove', targetType: 'household', targetId: id, countyCode: county, details: { reason } });
    return assembleHousehold(tx, await loadScoped(ctx, tx, id), true);
  });
}

// ---------------------------------------------------------------------------------------------
// Members

async function loadMember(tx: Queryable, county: string, householdId: string, memberId: string): Promise<DbRow> {
  const rows = await tx.query<DbRow>('SELECT * FROM members WHERE county_code = $1 AND household_id = $2 AND id = $3 FOR UPDATE', [county, householdId, memberId]);
  if (!rows[0]) throw new NotFoundError();
  return rows[0];
}

async function headCheck(tx: Queryable, county: string, householdId: string): Promise<void> {
  const r = await tx.query<{ heads: number; n: number }>(
    `SELECT count(*) FILTER (WHERE relation = '户主')::int AS heads, count(*)::int AS n FROM members WHERE county_code = $1 AND household_id = $2 AND left_at IS NULL`,
    [county, householdId],
  );
  const heads = r[0]?.heads ?? 0;
  if (heads !== 1) {
    throw new ValidationError(heads === 0 ? '每户必须有且只有一名户主：此操作后该户没有户主' : '每户只能有一名户主：此操作后该户有多名户主',
      { code: heads === 0 ? 'NO_HEAD' : 'MULTIPLE_HEADS' });
  }
}

export async function addMember(ctx: Ctx, householdId: string, input: { version: number; member: Record<string, unknown>; reason?: string }): Promise<HouseholdView> {
  assertCan(ctx.actor, 'registry.write');
  const v = validateMember(input.member, 'key');
  if (!v.value) fail(v.errors);
  const m = v.value;
  return ctx.db.transaction(async (tx) => {
    const row = await loadScoped(ctx, tx, householdId, true);
    assertVersion(row, input.version);
    if (row.poverty_status === '已剔除') throw new ConflictError('该户已剔除，不能再修改', undefined, 'HOUSEHOLD_REMOVED');
    const county = row.county_code as string;
    const memberId = await insertMember(tx, county, householdId, m);
    await headCheck(tx, county, householdId);
    await refreshHouseholdFacts(tx, county, [householdId]);
    await tx.execute('UPDATE households SET version = version + 1, updated_at = now(), updated_by = $3 WHERE county_code = $1 AND id = $2', [county, householdId, ctx.actor.id]);
    await recordEvent(tx, ctx, { countyCode: county, householdId, memberId, entity: 'member', action: 'create', after: { ...m, idNumber: maskIdNumber(m.idNumber) }, source: 'api', reason: input.reason });
    await followHouseholdSize(tx, ctx, county, householdId, input.reason);
    await audit(tx, ctx.actor, ctx.requestId, { action: 'member.create', targetType: 'member', targetId: memberId, countyCode: county, details: { householdId } });
    return assembleHousehold(tx, await loadScoped(ctx, tx, householdId), true);
  });
}

export async function updateMember(ctx: Ctx, householdId: string, memberId: string, input: { version: number; member: Record<string, unknown>; reason?: string }): Promise<HouseholdView> {
  assertCan(ctx.actor, 'registry.write');
  return ctx.db.transaction(async (tx) => {
    const h = await loadScoped(ctx, tx, householdId, true);
    const county = h.county_code as string;
    const row = await loadMember(tx, county, householdId, memberId);
    assertVersion(row, input.version);
    if (row.left_at) throw new ConflictError('该成员已移出本户', undefined, 'MEMBER_LEFT');
    const current = fromRow(row, MEMBER_COLUMNS) as unknown as MemberValues;
    const patch = { ...input.member };
    // A masked ID number sent back unchanged means "keep it".
    if (typeof patch.idNumber === 'string' && patch.idNumber.includes('*')) delete patch.idNumber;
    const v = validateMember({ ...current, ...patch }, 'key');
    if (!v.value) fail(v.errors);
    const next = v.value;
    const d = diff(current as unknown as Record<string, unknown>, next as unknown as Record<string, unknown>);
    if (!d) return assembleHousehold(tx, h, true);
    if (next.idNumber !== current.idNumber) {
      await tx.execute('DELETE FROM person_keys WHERE id_number = $1 AND member_id = $2', [current.idNumber, memberId]);
      await claimPerson(tx, next.idNumber, county, householdId, memberId);
    }
    const sets = Object.keys(d.after).map((k, i) => `${MEMBER_COLUMNS[k as keyof MemberValues]} = $${i + 4}`);
    await tx.execute(`UPDATE members SET ${sets.join(', ')}, version = version + 1, updated_at = now() WHERE county_code = $1 AND household_id = $2 AND id = $3`,
      [county, householdId, memberId, ...Object.values(d.after)]);
    await headCheck(tx, county, householdId);
    if ('name' in d.after) await refreshHouseholdFacts(tx, county, [householdId]);
    await tx.execute('UPDATE households SET version = version + 1, updated_at = now(), updated_by = $3 WHERE county_code = $1 AND id = $2', [county, householdId, ctx.actor.id]);
    const maskIds = (o: Record<string, unknown>) => ('idNumber' in o ? { ...o, idNumber: maskIdNumber(String(o.idNumber)) } : o);
    await recordEvent(tx, ctx, { countyCode: county, householdId, memberId, entity: 'member', action: 'update', before: maskIds(d.before), after: maskIds(d.after), source: 'api', reason: input.reason });
    await audit(tx, ctx.actor, ctx.requestId, { action: 'member.update', targetType: 'member', targetId: memberId, countyCode: county, details: { householdId, fields: Object.keys(d.after) } });
    return assembleHousehold(tx, await loadScoped(ctx, tx, householdId), true);
  });
}

/**
 * After a member joins or leaves: this year's income row (Lanzhou's calendar year) counts the
 * members now in the household, and its per-capita net follows (registry/income.ts, the one writer).
 */
async function followHouseholdSize(tx: Queryable, ctx: Ctx, county: string, householdId: string, reason: string | undefined): Promise<void> {
  const year = Number(new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 4));
  const d = await refreshHouseholdSize(tx, county, householdId, year);
  if (d) await recordEvent(tx, ctx, { countyCode: county, householdId, entity: 'income', action: 'update', before: d.before, after: d.after, source: 'api', reason });
}

/** A member leaves the household (death, marriage out, …): kept with the date and reason. */
export async function removeMember(ctx: Ctx, householdId: string, memberId: string, input: { version: number; reason: string }): Promise<HouseholdView> {
  assertCan(ctx.actor, 'registry.write');
  const reason = (input.reason ?? '').trim();
  if (reason.length < 2) throw new ValidationError('移出成员必须填写原因', { errors: [{ field: 'reason', value: reason, code: 'REQUIRED', message: '必须填写原因' }] });
  return ctx.db.transaction(async (tx) => {
    const h = await loadScoped(ctx, tx, householdId, true);
    const county = h.county_code as string;
    const row = await loadMember(tx, county, householdId, memberId);
    assertVersion(row, input.version);
    if (row.left_at) throw new ConflictError('该成员已移出本户', undefined, 'MEMBER_LEFT');
    if (row.relation === '户主') throw new ValidationError('不能移出户主：请先将另一名成员设为户主', { code: 'HEAD_CANNOT_LEAVE' });
    await tx.execute('UPDATE members SET left_at = now(), left_reason = $4, version = version + 1, updated_at = now() WHERE county_code = $1 AND household_id = $2 AND id = $3', [county, householdId, memberId, reason]);
    await tx.execute('DELETE FROM person_keys WHERE id_number = $1 AND member_id = $2', [row.id_number, memberId]);
    await refreshHouseholdFacts(tx, county, [householdId]);
    await tx.execute('UPDATE households SET version = version + 1, updated_at = now(), updated_by = $3 WHERE county_code = $1 AND id = $2', [county, householdId, ctx.actor.id]);
    await recordEvent(tx, ctx, { countyCode: county, householdId, memberId, entity: 'member', action: 'leave', before: { name: row.name }, after: { leftReason: reason }, source: 'api', reason });
    await followHouseholdSize(tx, ctx, county, householdId, reason);
    await audit(tx, ctx.actor, ctx.requestId, { action: 'member.leave', targetType: 'member', targetId: memberId, countyCode: county, details: { householdId, reason } });
    return assembleHousehold(tx, await loadScoped(ctx, tx, householdId), true);
  });
}

export interface EventView {
  id: string;
  at: string;
  username: string | null;
  entity: string;
  action: string;
  memberId: string | null;
  before: unknown;
  after: unknown;
  source: string;
  reason: string | null;
}

export async function householdEvents(ctx: Ctx, householdId: string): Promise<EventView[]> {
  assertCan(ctx.actor, 'registry.read');
  return ctx.db.transaction(async (tx) => {
    const h = await loadScoped(ctx, tx, householdId);
    const rows = await tx.query<DbRow>('SELECT * FROM change_events WHERE county_code = $1 AND household_id = $2 ORDER BY at DESC, id DESC', [h.county_code, householdId]);
    return rows.map((r) => ({
      id: r.id as string, at: iso(r.at) as string, username: (r.username as string) ?? null, entity: r.entity as string,
      action: r.action as string, memberId: (r.member_id as string) ?? null, before: r.before ?? null, after: r.after ?? null,
      source: r.source as string, reason: (r.reason as string) ?? null,
    }));
  });
}


// ---------------------------------------------------------------------------------------------
// Status changes decided through the dynamic-management procedures (modules/review)

export interface DecidedChange {
  povertyStatus?: '已脱贫' | '返贫' | '已剔除';
  exitYear?: number | null;
  removedReason?: string;
  monitoringCategory?: string;
  monitoringIdentifiedAt?: string;
  monitoringEliminatedAt?: string | null;
}

/**
 * Applies a county decision to a household inside the decision's transaction: the status fields
 * change, the version moves on (so an editor holding the old version gets 409), and the change
 * event names the proposal. The registry stays the only writer of households.
 */
export async function applyDecision(ctx: Ctx, tx: Queryable, householdId: string, change: DecidedChange, meta: { reason: string; proposal: Record<string, unknown> }): Promise<{ before: Record<string, unknown>; after: Record<string, unknown> }> {
  const row = await loadScoped(ctx, tx, householdId, true);
  if (row.poverty_status === '已剔除') throw new ConflictError('该户已剔除，不能再变更', undefined, 'HOUSEHOLD_REMOVED');
  const county = row.county_code as string;
  const cols: Record<keyof DecidedChange, string> = {
    povertyStatus: 'poverty_status', exitYear: 'exit_year', removedReason: 'removed_reason', monitoringCategory: 'monitoring_category',
    monitoringIdentifiedAt: 'monitoring_identified_at', monitoringEliminatedAt: 'monitoring_eliminated_at',
  };
  const keys = (Object.keys(change) as (keyof DecidedChange)[]).filter((k) => change[k] !== undefined);
  const before: Record<string, unknown> = {};
  const after: Record<string, unknown> = {};
  for (const k of keys) {
    before[k] = row[cols[k]] ?? null;
    after[k] = change[k] ?? null;
  }
  const sets = keys.map((k, i) => `${cols[k]} = $${i + 4}`);
  if (change.povertyStatus === '已剔除') sets.push('removed_at = now()');
  await tx.execute(
    `UPDATE households SET ${sets.join(', ')}, version = version + 1, updated_at = now(), updated_by = $3 WHERE county_code = $1 AND id = $2`,
    [county, householdId, ctx.actor.id, ...keys.map((k) => change[k] ?? null)],
  );
  if (change.povertyStatus === '已剔除') await tx.execute('DELETE FROM person_keys WHERE county_code = $1 AND household_id = $2', [county, householdId]);
  if (change.povertyStatus) {
    const key = countKey(county, fromRow(row, HOUSEHOLD_COLUMNS) as unknown as HouseholdValues);
    await applyCountDelta(tx, key, { ...key, povertyStatus: change.povertyStatus });
  }
  await recordEvent(tx, ctx, {
    countyCode: county, householdId, entity: 'household', action: change.povertyStatus === '已剔除' ? 'remove' : 'update',
    before, after: { ...after, proposal: meta.proposal }, source: 'review', reason: meta.reason,
  });
  await audit(tx, ctx.actor, ctx.requestId, { action: 'household.decision', targetType: 'household', targetId: householdId, countyCode: county, details: { fields: keys, proposal: meta.proposal } });
  return { before, after };
}

/** The facts a proposal needs about a household (scoped: "not found" outside the actor's regions). */
export async function householdFacts(ctx: Ctx, tx: Queryable, householdId: string): Promise<{
  id: string; countyCode: string; householdNumber: string; villageCode: string; povertyStatus: string; category: string;
  monitoringCategory: string | null; monitoringEliminatedAt: string | null; headName: string; memberCount: number; version: number;
}> {
  const row = await loadScoped(ctx, tx, householdId);
  const m = await tx.query<{ head: string | null; n: number }>(
    `SELECT max(name) FILTER (WHERE relation = '户主') AS head, count(*)::int AS n FROM members WHERE county_code = $1 AND household_id = $2 AND left_at IS NULL`,
    [row.county_code, householdId],
  );
  return {
    id: householdId, countyCode: row.county_code as string, householdNumber: row.household_number as string, villageCode: row.village_code as string,
    povertyStatus: row.poverty_status as string, category: row.category as string, monitoringCategory: (row.monitoring_category as string | null) ?? null,
    monitoringEliminatedAt: (row.monitoring_eliminated_at as string | null) ?? null, headName: m[0]?.head ?? '', memberCount: m[0]?.n ?? 0, version: row.version as number,
  };
}
