import { audit } from '../../core/audit.js';
import type { Ctx } from '../../core/context.js';
import type { Queryable } from '../../core/db.js';
import { ValidationError } from '../../core/errors.js';
import { newId } from '../../core/ids.js';
import {
  assessLianbuchou, DEFAULT_RULES, hasRuleFor, measure, PolicyError, ruleFor,
  type Dimension, type LianbuchouAssessment, type LianbuchouFacts, type LianbuchouMember,
} from '../../domain/policy/index.js';
import { assertCan } from '../access/policy.js';
import { assertWritable, dateField, invalid, iso, recordAssistanceEvent, scopedHousehold, today, type DbRow, type HouseholdRef } from './common.js';
import { createPlanTx, insertMeasureTx, measureView, type MeasureView } from './plans.js';

/**
 * 两不愁三保障 (plus safe water) per household per period: the registry's data (members' age,
 * school status, health, insurance; the household's dangerous-house and safe-water flags) merged
 * with the facts posted by the checker (food, clothing, house grade, water detail, per-member
 * enrolment and treatment), assessed by domain/policy's assessLianbuchou with the rule in force on
 * the date checked. Stored per period (re-assessing a period replaces it, with history). Each open
 * gap proposes the catalog's measures into that year's plan as draft measures (the plan is created,
 * copied from last year's, when there is none); a measure already in the plan is not proposed twice.
 */

export interface PostedMemberFacts extends Omit<LianbuchouMember, 'name' | 'age' | 'birthDate' | 'idNumber'> {
  memberId: string;
}

export interface LianbuchouInput {
  period?: string;
  checkedOn?: string;
  food?: LianbuchouFacts['food'];
  clothing?: LianbuchouFacts['clothing'];
  house?: LianbuchouFacts['house'];
  water?: LianbuchouFacts['water'];
  members?: PostedMemberFacts[];
  /** Put proposals for open gaps into the year's plan (default true). */
  proposeIntoPlan?: boolean;
}

export interface AssessmentView {
  id: string;
  householdId: string;
  period: string;
  checkedOn: string;
  checkedByName: string;
  secure: boolean;
  statuses: Record<Dimension, string>;
  dimensions: LianbuchouAssessment['dimensions'];
  rule: LianbuchouAssessment['rule'];
  facts: unknown;
  planId: string | null;
  proposedMeasureIds: string[];
  version: number;
  updatedAt: string;
}

function view(r: DbRow): AssessmentView {
  return {
    id: r.id as string, householdId: r.household_id as string, period: r.period as string, checkedOn: r.checked_on as string,
    checkedByName: r.checked_by_name as string, secure: r.secure as boolean,
    statuses: {
      food: r.food_status as string, clothing: r.clothing_status as string, education: r.education_status as string,
      medical: r.medical_status as string, housing: r.housing_status as string, water: r.water_status as string,
    },
    dimensions: r.dimensions as LianbuchouAssessment['dimensions'], rule: r.rule as LianbuchouAssessment['rule'], facts: r.facts,
    planId: (r.plan_id as string) ?? null, proposedMeasureIds: (r.proposed_measure_ids as string[]) ?? [], version: r.version as number,
    updatedAt: iso(r.updated_at) as string,
  };
}

export async function listAssessments(ctx: Ctx, householdId: string): Promise<AssessmentView[]> {
  assertCan(ctx.actor, 'assistance.read');
  return ctx.db.transaction(async (tx) => {
    const h = await scopedHousehold(ctx, tx, householdId);
    const rows = await tx.query<DbRow>('SELECT * FROM lianbuchou_assessments WHERE county_code = $1 AND household_id = $2 ORDER BY checked_on DESC, period DESC', [h.countyCode, h.id]);
    return rows.map(view);
  });
}

/** The facts the registry holds, merged with what was posted (posted facts win). */
async function gatherFacts(tx: Queryable, h: HouseholdRef, input: LianbuchouInput, checkedOn: string): Promise<LianbuchouFacts> {
  const hh = (await tx.query<DbRow>('SELECT dangerous_house, safe_water, relocated FROM households WHERE county_code = $1 AND id = $2', [h.countyCode, h.id]))[0]!;
  const rows = await tx.query<DbRow>(
    `SELECT id, name, birth_date, school_status, health, disability_grade, medical_insurance FROM members
      WHERE county_code = $1 AND household_id = $2 AND left_at IS NULL ORDER BY (relation = '户主') DESC, birth_date`, [h.countyCode, h.id]);
  const posted = new Map((input.members ?? []).map((m) => [m.memberId, m]));
  for (const id of posted.keys()) {
    if (!rows.some((r) => r.id === id)) invalid('members.memberId', id, 'NOT_A_MEMBER', '成员不属于本户（或已移出）');
  }
  const members: LianbuchouMember[] = rows.map((r) => {
    const p = posted.get(r.id as string);
    const { memberId: _drop, ...extra } = p ?? { memberId: '' };
    void _drop;
    const base: LianbuchouMember = { name: r.name as string, birthDate: r.birth_date as string };
    if (r.school_status) base.schoolStatus = r.school_status as string;
    if (r.health) base.health = r.health as string;
    if (r.disability_grade) base.disabilityGrade = r.disability_grade as string;
    if (r.medical_insurance !== null && r.medical_insurance !== undefined) base.medicalInsured = r.medical_insurance as boolean;
    return { ...base, ...Object.fromEntries(Object.entries(extra).filter(([, v]) => v !== undefined)) };
  });
  const house: NonNullable<LianbuchouFacts['house']> = { ...(hh.dangerous_house === null ? {} : { dangerous: hh.dangerous_house as boolean }), ...(input.house ?? {}) };
  const water: NonNullable<LianbuchouFacts['water']> = { ...(hh.safe_water === null ? {} : { safe: hh.safe_water as boolean }), ...(input.water ?? {}) };
  const facts: LianbuchouFacts = {
    asOf: checkedOn,
    registeredPoor: h.povertyStatus !== '已剔除',
    members,
    house,
    water,
  };
  if (input.food) facts.food = input.food;
  if (input.clothing) facts.clothing = input.clothing;
  return facts;
}

export function defaultPeriod(date: string): string {
  return `${date.slice(0, 4)}Q${Math.floor((Number(date.slice(5, 7)) - 1) / 3) + 1}`;
}

export async function assessHousehold(ctx: Ctx, householdId: string, input: LianbuchouInput): Promise<{ assessment: AssessmentView; proposed: MeasureView[]; planId: string | null }> {
  assertCan(ctx.actor, 'assistance.write');
  const checkedOn = input.checkedOn ? dateField('checkedOn', input.checkedOn) : today();
  if (checkedOn > today()) invalid('checkedOn', checkedOn, 'FUTURE_DATE', '核查日期不能晚于今天');
  const period = input.period?.trim() || defaultPeriod(checkedOn);
  if (!/^\d{4}(Q[1-4])?$/.test(period)) invalid('period', period, 'PERIOD', '评估期应为年度（如 2019）或季度（如 2019Q2）');
  return ctx.db.transaction(async (tx) => {
    const h = await scopedHousehold(ctx, tx, householdId);
    assertWritable(h);
    const facts = await gatherFacts(tx, h, input, checkedOn);
    let result: LianbuchouAssessment;
    let rule;
    try {
      rule = ruleFor(DEFAULT_RULES.lianbuchou, checkedOn);
      const targets = hasRuleFor(DEFAULT_RULES.healthTargets, checkedOn) ? ruleFor(DEFAULT_RULES.healthTargets, checkedOn) : undefined;
      result = assessLianbuchou(rule, facts, targets);
    } catch (e) {
      if (e instanceof PolicyError) throw new ValidationError(e.message, { code: e.code, ...(e.details ?? {}) }, e.code);
      throw e;
    }
    // Proposals into the year's plan.
    const proposed: string[] = [];
    let planId: string | null = null;
    const want: { code: string; gap: string; dimension: string; evidence: string }[] = [];
    for (const d of result.dimensions) {
      if (d.status !== 'gap') continue;
      for (const g of d.gaps) {
        for (const code of rule.params.proposals[g] ?? []) {
          const m = measure(code);
          if (!m || (m.recipient !== 'household' && m.recipient !== 'person')) continue;
          if (!want.some((w) => w.code === code)) want.push({ code, gap: g, dimension: d.title, evidence: d.evidence.join('；') });
        }
      }
    }
    if (want.length && input.proposeIntoPlan !== false) {
      const year = Number(checkedOn.slice(0, 4));
      const plan = (await tx.query<DbRow>('SELECT id FROM assistance_plans WHERE county_code = $1 AND household_id = $2 AND year = $3', [h.countyCode, h.id, year]))[0];
      planId = plan ? (plan.id as string) : await createPlanTx(tx, ctx, h, { year });
      const have = new Set((await tx.query<{ measure_code: string }>(`SELECT measure_code FROM plan_measures WHERE county_code = $1 AND plan_id = $2 AND status <> 'cancelled'`, [h.countyCode, planId])).map((r) => r.measure_code));
      for (const w of want) {
        if (have.has(w.code)) continue;
        const id = await insertMeasureTx(tx, ctx, h, planId, {
          measureCode: w.code, status: 'draft', source: 'lianbuchou', gapCode: w.gap,
          description: `${period}“两不愁三保障”评估：${w.dimension}存在短板（${w.evidence}）`.slice(0, 2000),
        });
        proposed.push(id);
        have.add(w.code);
      }
    }
    const status = (d: Dimension) => result.dimensions.find((x) => x.dimension === d)!.status;
    const existing = (await tx.query<DbRow>('SELECT * FROM lianbuchou_assessments WHERE county_code = $1 AND household_id = $2 AND period = $3 FOR UPDATE', [h.countyCode, h.id, period]))[0];
    const id = (existing?.id as string) ?? newId();
    const values = [h.countyCode, id, h.id, period, checkedOn, ctx.actor.id, ctx.actor.displayName || ctx.actor.username,
      status('food'), status('clothing'), status('education'), status('medical'), status('housing'), status('water'), result.secure,
      JSON.stringify(result.dimensions), JSON.stringify(facts), JSON.stringify(result.rule), planId, proposed];
    if (existing) {
      await tx.execute(
        `UPDATE lianbuchou_assessments SET checked_on = $5, checked_by = $6, checked_by_name = $7, food_status = $8, clothing_status = $9, education_status = $10,
           medical_status = $11, housing_status = $12, water_status = $13, secure = $14, dimensions = $15, facts = $16, rule = $17, plan_id = COALESCE($18, plan_id),
           proposed_measure_ids = $19, version = version + 1, updated_at = now()
         WHERE county_code = $1 AND id = $2 AND household_id = $3 AND period = $4`, values);
    } else {
      await tx.execute(
        `INSERT INTO lianbuchou_assessments (county_code, id, household_id, period, checked_on, checked_by, checked_by_name, food_status, clothing_status, education_status,
           medical_status, housing_status, water_status, secure, dimensions, facts, rule, plan_id, proposed_measure_ids)
         VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,$17,$18,$19)`, values);
    }
    const statuses = Object.fromEntries(result.dimensions.map((d) => [d.dimension, d.status]));
    await recordAssistanceEvent(tx, ctx, {
      countyCode: h.countyCode, householdId: h.id, entity: 'lianbuchou', entityId: id, planId, action: existing ? 'reassess' : 'assess',
      before: existing ? { checkedOn: existing.checked_on, secure: existing.secure } : undefined, after: { period, checkedOn, secure: result.secure, statuses, proposed: proposed.length },
    });
    await audit(tx, ctx.actor, ctx.requestId, { action: 'lianbuchou.assess', targetType: 'household', targetId: h.id, countyCode: h.countyCode, details: { period, secure: result.secure, proposed: proposed.length } });
    const row = (await tx.query<DbRow>('SELECT * FROM lianbuchou_assessments WHERE county_code = $1 AND id = $2', [h.countyCode, id]))[0]!;
    const measures = proposed.length
      ? (await tx.query<DbRow>(`SELECT pm.*, NULL AS member_name FROM plan_measures pm WHERE pm.county_code = $1 AND pm.id = ANY($2::uuid[]) ORDER BY pm.created_at, pm.id`, [h.countyCode, proposed])).map(measureView)
      : [];
    return { assessment: view(row), proposed: measures, planId };
  });
}

/**
 * For other modules (exit checks, risk elimination): the latest assessment of each listed household
 * checked on or before `until` — its facts, result and date. No access check: the caller has
 * checked scope for these households.
 */
export async function latestAssessments(q: Queryable, householdIds: string[], until: string): Promise<Map<string, { checkedOn: string; period: string; secure: boolean; facts: LianbuchouFacts; gaps: Dimension[] }>> {
  const out = new Map<string, { checkedOn: string; period: string; secure: boolean; facts: LianbuchouFacts; gaps: Dimension[] }>();
  if (!householdIds.length) return out;
  const rows = await q.query<DbRow>(
    `SELECT DISTINCT ON (household_id) household_id, checked_on, period, secure, facts, dimensions FROM lianbuchou_assessments
      WHERE household_id = ANY($1::uuid[]) AND checked_on <= $2 ORDER BY household_id, checked_on DESC, updated_at DESC`, [householdIds, until]);
  for (const r of rows) {
    const dims = (r.dimensions as LianbuchouAssessment['dimensions']) ?? [];
    out.set(r.household_id as string, {
      checkedOn: r.checked_on as string, period: r.period as string, secure: r.secure as boolean, facts: r.facts as LianbuchouFacts,
      gaps: dims.filter((d) => d.status !== 'secure').map((d) => d.dimension),
    });
  }
  return out;
}
