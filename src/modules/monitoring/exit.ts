import { audit } from '../../core/audit.js';
import type { Ctx } from '../../core/context.js';
import type { Queryable } from '../../core/db.js';
import { NotFoundError, ValidationError } from '../../core/errors.js';
import { decideCountyExit, decideHouseholdExit, decideVillageExit, type ExitDecision, type VillageConditions } from '../../domain/monitoring/exit.js';
import { DEFAULT_RULES, hasRuleFor, PolicyError, ruleFor, type LianbuchouFacts, type LianbuchouMember } from '../../domain/policy/index.js';
import { MissingStandardError, requireStandard } from '../../domain/standards.js';
import { latestAssessments } from '../assistance/lianbuchou.js';
import { assertCan } from '../access/policy.js';
import { actorCovers, scopeSql, subtreeRange } from '../access/scope.js';
import { getStandards } from './standards.js';
import { todayCn } from '../../domain/dates.js';

/**
 * Exit checks computed from the registry (DOMAIN.md; `tuopin review exit-check`): every household
 * not yet out of poverty (未脱贫, 返贫), every village and county in scope, each with pass and the
 * reasons. A year without a poverty line is a clear error, never a guess. Reads are set-based (a
 * few queries for the whole scope), the decisions are domain/monitoring/exit.ts.
 */

type Row = Record<string, unknown>;

export interface HouseholdExitResult { householdNumber: string; householdId: string; villageCode: string; pass: boolean; reasons: string[] }
export interface AreaExitResult { code: string; name: string; pass: boolean; reasons: string[] }
export interface ExitCheckResult { year: number; households: HouseholdExitResult[]; villages: AreaExitResult[]; counties: AreaExitResult[] }

/** A standard or rule the year lacks → 400 with the reason (CLI exit 1). */
function asInput(e: unknown): never {
  if (e instanceof MissingStandardError) throw new ValidationError(e.message, { kind: e.kind, year: e.year }, 'STANDARD_MISSING');
  if (e instanceof PolicyError) throw new ValidationError(e.message, { code: e.code, ...(e.details ?? {}) }, e.code);
  throw e;
}

function checkYear(year: number): void {
  if (!Number.isInteger(year) || year < 2013 || year > 2100) {
    throw new ValidationError('年度应为 2013 至 2100 之间的整数', { errors: [{ field: 'year', value: String(year), code: 'YEAR', message: '年度应为 2013 至 2100 之间的整数' }] });
  }
}

function rulesFor(asOf: string) {
  try {
    return {
      lianbuchou: ruleFor(DEFAULT_RULES.lianbuchou, asOf),
      exitBlockers: ruleFor(DEFAULT_RULES.exitBlockers, asOf),
      ...(hasRuleFor(DEFAULT_RULES.healthTargets, asOf) ? { healthTargets: ruleFor(DEFAULT_RULES.healthTargets, asOf) } : {}),
    };
  } catch (e) {
    return asInput(e);
  }
}

/** The checking date of a year: its last day, or today when the year is not over. */
function asOfFor(year: number): string {
  const today = todayCn();
  const end = `${year}-12-31`;
  return end < today ? end : today;
}

interface HhRow { id: string; county_code: string; household_number: string; village_code: string; dangerous_house: boolean | null; safe_water: boolean | null }

/** Household facts from the registry, with what the latest 两不愁三保障 assessment recorded. */
async function householdFacts(q: Queryable, hhs: HhRow[], year: number, asOf: string) {
  const ids = hhs.map((h) => h.id);
  const members = await q.query<Row>(
    `SELECT household_id, name, birth_date, school_status, health, disability_grade, medical_insurance FROM members
      WHERE household_id = ANY($1::uuid[]) AND left_at IS NULL ORDER BY household_id, (relation = '户主') DESC, birth_date`, [ids]);
  const incomes = await q.query<Row>('SELECT household_id, wage, business, property, transfer, business_cost, per_capita_net FROM household_incomes WHERE household_id = ANY($1::uuid[]) AND year = $2', [ids, year]);
  const assessed = await latestAssessments(q, ids, asOf);
  const byHh = new Map<string, Row[]>();
  for (const m of members) {
    const list = byHh.get(m.household_id as string) ?? [];
    list.push(m);
    byHh.set(m.household_id as string, list);
  }
  const inc = new Map(incomes.map((r) => [r.household_id as string, r]));
  return hhs.map((h) => {
    const a = assessed.get(h.id);
    const stored = new Map((a?.facts.members ?? []).map((m) => [`${m.name}|${m.birthDate}`, m]));
    const ms: LianbuchouMember[] = (byHh.get(h.id) ?? []).map((r) => {
      const m: LianbuchouMember = { name: r.name as string, birthDate: r.birth_date as string };
      if (r.school_status) m.schoolStatus = r.school_status as string;
      if (r.health) m.health = r.health as string;
      if (r.disability_grade) m.disabilityGrade = r.disability_grade as string;
      if (r.medical_insurance !== null) m.medicalInsured = r.medical_insurance as boolean;
      const s = stored.get(`${m.name}|${m.birthDate}`);
      if (s) {
        if (r.medical_insurance === null && s.medicalInsured != null) m.medicalInsured = s.medicalInsured;
        for (const k of ['enrolment', 'sendTeachingHome', 'completedCompulsory', 'deferredOrExempted', 'seriousIllnessTreated', 'chronicManaged', 'familyDoctorSigned', 'compliantOutOfPocket'] as const) {
          if (s[k] !== undefined) (m as Record<string, unknown>)[k] = s[k];
        }
      }
      return m;
    });
    const i = inc.get(h.id);
    const facts: LianbuchouFacts = {
      asOf,
      registeredPoor: true,
      members: ms,
      house: { ...(h.dangerous_house === null ? {} : { dangerous: h.dangerous_house }), ...(a?.facts.house ?? {}) },
      water: { ...(h.safe_water === null ? {} : { safe: h.safe_water }), ...(a?.facts.water ?? {}) },
    };
    if (a?.facts.food) facts.food = a.facts.food;
    if (a?.facts.clothing) facts.clothing = a.facts.clothing;
    if (i) facts.income = { wage: Number(i.wage), business: Number(i.business), property: Number(i.property), transfer: Number(i.transfer), businessCost: Number(i.business_cost) };
    return { h, facts, perCapitaNet: i && i.per_capita_net !== null ? Number(i.per_capita_net) : null };
  });
}

/**
 * One household's exit check for `year` (for the exit proposals of the review workflow). No role
 * check: the caller (a service that has checked its own access) passes the database.
 */
export async function checkHouseholdExit(db: Queryable, householdId: string, year: number): Promise<ExitDecision & { householdNumber: string; year: number }> {
  checkYear(year);
  const standards = await getStandards(db, year);
  let line;
  try { line = requireStandard(standards, 'poverty_line', year); } catch (e) { asInput(e); }
  const asOf = asOfFor(year);
  const rules = rulesFor(asOf);
  const hh = await db.query<HhRow>('SELECT id, county_code, household_number, village_code, dangerous_house, safe_water FROM households WHERE id = $1', [householdId]);
  if (!hh[0]) throw new NotFoundError();
  const [f] = await householdFacts(db, hh, year, asOf);
  try {
    return { householdNumber: f!.h.household_number, year, ...decideHouseholdExit({ year, perCapitaNet: f!.perCapitaNet, povertyLine: line, facts: f!.facts, rules }) };
  } catch (e) {
    return asInput(e);
  }
}

/** `tuopin review exit-check --year Y`: households not yet out of poverty, villages and counties in scope. */
export async function exitCheck(ctx: Ctx, input: { year: number; region?: string }): Promise<ExitCheckResult> {
  assertCan(ctx.actor, 'exit.check');
  const year = input.year;
  checkYear(year);
  if (input.region !== undefined && (!/^\d{12}$/.test(input.region) || !actorCovers(ctx.actor, input.region))) throw new NotFoundError('区划不存在或不在辖区内');
  const q = ctx.db;
  const standards = await getStandards(q, year);
  let line, villageMax, countyMax;
  try {
    line = requireStandard(standards, 'poverty_line', year);
    villageMax = requireStandard(standards, 'village_incidence_max', year);
    countyMax = requireStandard(standards, 'county_incidence_max', year);
  } catch (e) {
    asInput(e);
  }
  const minCollective = standards.village_collective_income_min ?? null;
  const asOf = asOfFor(year);
  const rules = rulesFor(asOf);
  const params: unknown[] = [];
  let where = scopeSql(ctx.actor, 'village_code', params);
  if (input.region) {
    const { lo, hi } = subtreeRange(input.region);
    params.push(lo, hi);
    where += ` AND village_code BETWEEN $${params.length - 1} AND $${params.length}`;
  }
  const hhs = await q.query<HhRow>(
    `SELECT id, county_code, household_number, village_code, dangerous_house, safe_water FROM households
      WHERE ${where} AND poverty_status IN ('未脱贫', '返贫') ORDER BY household_number`, params);
  const households: HouseholdExitResult[] = [];
  for (let i = 0; i < hhs.length; i += 5000) {
    for (const f of await householdFacts(q, hhs.slice(i, i + 5000), year, asOf)) {
      try {
        const d = decideHouseholdExit({ year, perCapitaNet: f.perCapitaNet, povertyLine: line, facts: f.facts, rules });
        households.push({ householdNumber: f.h.household_number, householdId: f.h.id, villageCode: f.h.village_code, ...d });
      } catch (e) {
        if (e instanceof PolicyError) households.push({ householdNumber: f.h.household_number, householdId: f.h.id, villageCode: f.h.village_code, pass: false, reasons: [e.message] });
        else throw e;
      }
    }
  }

  // Poor people per village (active members of 未脱贫/返贫 households), populations, conditions.
  const rparams: unknown[] = [];
  let rwhere = scopeSql(ctx.actor, 'r.code', rparams);
  if (input.region) {
    const { lo, hi } = subtreeRange(input.region);
    rparams.push(lo, hi);
    rwhere += ` AND r.code BETWEEN $${rparams.length - 1} AND $${rparams.length}`;
  }
  rparams.push(year);
  const y = `$${rparams.length}`;
  const areas = await q.query<Row>(
    `WITH poor AS (
       SELECT h.village_code, count(m.id)::int AS people FROM households h JOIN members m ON m.county_code = h.county_code AND m.household_id = h.id AND m.left_at IS NULL
        WHERE h.poverty_status IN ('未脱贫', '返贫') GROUP BY h.village_code)
     SELECT r.code, r.name, r.level, r.poor_village, r.poor_county, COALESCE(p.people, 0) AS poor_people, rp.rural_population,
            vc.road, vc.water, vc.electricity, vc.clinic, vc.broadband, vc.collective_income, vc.source AS cond_source, vc.year AS cond_year
       FROM regions r
       LEFT JOIN poor p ON p.village_code = r.code
       LEFT JOIN region_populations rp ON rp.code = r.code AND rp.year = ${y}
       LEFT JOIN village_conditions vc ON vc.code = r.code AND vc.year = ${y}
      WHERE ${rwhere} AND r.level IN ('village', 'county') AND r.effective_to IS NULL
      ORDER BY r.code`, rparams);
  const villages: AreaExitResult[] = [];
  const byCounty = new Map<string, { poor: number; pop: number; popVillages: number; villages: number; poorVillages: number; poorFailing: number }>();
  for (const a of areas) {
    if (a.level !== 'village') continue;
    const code = a.code as string;
    const conditions: VillageConditions | null = a.cond_year == null ? null : {
      year, road: a.road as boolean | null, water: a.water as boolean | null, electricity: a.electricity as boolean | null, clinic: a.clinic as boolean | null,
      broadband: a.broadband as boolean | null, collectiveIncome: a.collective_income == null ? null : Number(a.collective_income), source: (a.cond_source as string) ?? null,
    };
    const pop = a.rural_population == null ? null : Number(a.rural_population);
    const d = decideVillageExit({ year, poorPeople: Number(a.poor_people), population: pop, maxIncidence: villageMax, conditions, minCollectiveIncome: minCollective });
    villages.push({ code, name: a.name as string, ...d });
    const c = byCounty.get(code.slice(0, 6)) ?? { poor: 0, pop: 0, popVillages: 0, villages: 0, poorVillages: 0, poorFailing: 0 };
    c.poor += Number(a.poor_people);
    c.villages++;
    if (pop !== null) { c.pop += pop; c.popVillages++; }
    if (a.poor_village) { c.poorVillages++; if (!d.pass) c.poorFailing++; }
    byCounty.set(code.slice(0, 6), c);
  }
  const counties: AreaExitResult[] = [];
  for (const a of areas) {
    if (a.level !== 'county') continue;
    const code = a.code as string;
    const c = byCounty.get(code.slice(0, 6)) ?? { poor: 0, pop: 0, popVillages: 0, villages: 0, poorVillages: 0, poorFailing: 0 };
    // Poor people of the whole county (households may sit in villages not listed as regions).
    const poor = (await q.query<{ n: number }>(
      `SELECT count(m.id)::int AS n FROM households h JOIN members m ON m.county_code = h.county_code AND m.household_id = h.id AND m.left_at IS NULL
        WHERE h.county_code = $1 AND h.poverty_status IN ('未脱贫', '返贫')`, [code.slice(0, 6)]))[0]!.n;
    let pop: number | null = a.rural_population == null ? null : Number(a.rural_population);
    const extra: string[] = [];
    if (pop === null && c.villages > 0 && c.popVillages === c.villages) {
      pop = c.pop;
      extra.push(`农村户籍人口按${c.villages}个村合计`);
    }
    const d = decideCountyExit({ year, poorPeople: poor, population: pop, maxIncidence: countyMax, poorVillages: c.poorVillages, poorVillagesFailing: c.poorFailing });
    counties.push({ code, name: a.name as string, pass: d.pass, reasons: [...d.reasons, ...extra] });
  }
  return { year, households, villages, counties };
}

export interface VillageConditionsInput {
  year: number;
  road?: boolean | null;
  water?: boolean | null;
  electricity?: boolean | null;
  clinic?: boolean | null;
  broadband?: boolean | null;
  collectiveIncome?: number | null;
  source: string;
}

/** Records a village's exit conditions for a year (replacing that year's record; audited). */
export async function setVillageConditions(ctx: Ctx, code: string, input: VillageConditionsInput): Promise<VillageConditions> {
  assertCan(ctx.actor, 'exit.conditions');
  if (!/^\d{12}$/.test(code) || code.endsWith('000') || !actorCovers(ctx.actor, code)) throw new NotFoundError('村不存在或不在辖区内');
  checkYear(input.year);
  if (input.collectiveIncome != null && (!Number.isFinite(input.collectiveIncome) || input.collectiveIncome < 0)) {
    throw new ValidationError('村集体经济收入应为不小于0的金额', { errors: [{ field: 'collectiveIncome', value: String(input.collectiveIncome), code: 'AMOUNT', message: '应为不小于0的金额' }] });
  }
  return ctx.db.transaction(async (tx) => {
    const region = await tx.query('SELECT 1 FROM regions WHERE code = $1 AND level = $2', [code, 'village']);
    if (!region.length) throw new NotFoundError('村不存在或不在辖区内');
    const before = (await tx.query<Row>('SELECT * FROM village_conditions WHERE code = $1 AND year = $2 FOR UPDATE', [code, input.year]))[0] ?? null;
    const v = [code, input.year, input.road ?? null, input.water ?? null, input.electricity ?? null, input.clinic ?? null, input.broadband ?? null, input.collectiveIncome ?? null, input.source.trim(), ctx.actor.username];
    await tx.execute(
      `INSERT INTO village_conditions (code, year, road, water, electricity, clinic, broadband, collective_income, source, entered_by) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10)
       ON CONFLICT (code, year) DO UPDATE SET road = $3, water = $4, electricity = $5, clinic = $6, broadband = $7, collective_income = $8, source = $9, entered_by = $10,
         version = village_conditions.version + 1, updated_at = now()`, v);
    await audit(tx, ctx.actor, ctx.requestId, {
      action: 'village.conditions', targetType: 'region', targetId: code, countyCode: code.slice(0, 6),
      details: { year: input.year, before: before ? { road: before.road, water: before.water, electricity: before.electricity, clinic: before.clinic, broadband: before.broadband, collectiveIncome: before.collective_income } : null, after: { ...input } },
    });
    return { year: input.year, road: input.road ?? null, water: input.water ?? null, electricity: input.electricity ?? null, clinic: input.clinic ?? null, broadband: input.broadband ?? null, collectiveIncome: input.collectiveIncome ?? null, source: input.source.trim() };
  });
}
