import { sql } from 'drizzle-orm';
import {
  boolean,
  date,
  index,
  integer,
  jsonb,
  numeric,
  pgTable,
  primaryKey,
  text,
  timestamp,
  unique,
  uniqueIndex,
  uuid,
  varchar,
} from 'drizzle-orm/pg-core';

/**
 * 帮扶: helper cadres, their pairing with households, village work teams, the plan per household
 * per year (一户一策) with its measures, the benefits ledger (享受政策) and its per-year income
 * totals, the 两不愁三保障 assessments, and the change history of all of them.
 *
 * Cadres are a reference table (a cadre of a city unit helps households in several counties);
 * every other table is household- or village-scoped, carries county_code and has it in every
 * primary and unique key (core/distribution.ts).
 */

const amount = (name: string) => numeric(name, { precision: 14, scale: 2, mode: 'number' });
const created = () => timestamp('created_at', { withTimezone: true }).notNull().defaultNow();
const updated = () => timestamp('updated_at', { withTimezone: true }).notNull().defaultNow();

/** 帮扶责任人 (and 驻村工作队 members, 第一书记): a person with a unit; optionally a login. */
export const cadres = pgTable(
  'cadres',
  {
    id: uuid('id').primaryKey(),
    name: text('name').notNull(),
    unit: text('unit').notNull(),
    title: text('title'),
    phone: text('phone'),
    /** The helper user who logs in as this cadre (role helper), if any. */
    userId: uuid('user_id'),
    /** The region whose office manages the cadre (12 digits): scope for reading and editing. */
    regionCode: varchar('region_code', { length: 12 }).notNull(),
    active: boolean('active').notNull().default(true),
    version: integer('version').notNull().default(1),
    createdAt: created(),
    updatedAt: updated(),
  },
  (t) => [
    uniqueIndex('cadres_user_uq').on(t.userId),
    index('cadres_region_idx').on(t.regionCode),
  ],
);

/** Who helps which household, from when to when (to_date null = still paired). */
export const pairings = pgTable(
  'pairings',
  {
    countyCode: varchar('county_code', { length: 6 }).notNull(),
    id: uuid('id').notNull(),
    householdId: uuid('household_id').notNull(),
    cadreId: uuid('cadre_id').notNull(),
    fromDate: date('from_date').notNull(),
    toDate: date('to_date'),
    endReason: text('end_reason'),
    version: integer('version').notNull().default(1),
    createdAt: created(),
    updatedAt: updated(),
  },
  (t) => [
    primaryKey({ columns: [t.countyCode, t.id] }),
    index('pairings_household_idx').on(t.countyCode, t.householdId),
    index('pairings_cadre_idx').on(t.cadreId),
    index('pairings_id_idx').on(t.id),
  ],
);

/** 驻村工作队 and 第一书记 (seed 五(四)): members of a village's team over time. */
export const villageTeamMembers = pgTable(
  'village_team_members',
  {
    countyCode: varchar('county_code', { length: 6 }).notNull(),
    id: uuid('id').notNull(),
    villageCode: varchar('village_code', { length: 12 }).notNull(),
    cadreId: uuid('cadre_id').notNull(),
    /** 第一书记, 队长, 队员. */
    role: text('role').notNull(),
    fromDate: date('from_date').notNull(),
    toDate: date('to_date'),
    version: integer('version').notNull().default(1),
    createdAt: created(),
    updatedAt: updated(),
  },
  (t) => [
    primaryKey({ columns: [t.countyCode, t.id] }),
    index('village_team_village_idx').on(t.villageCode),
    index('village_team_cadre_idx').on(t.cadreId),
  ],
);

/** 一户一策: one plan per household per year. */
export const assistancePlans = pgTable(
  'assistance_plans',
  {
    countyCode: varchar('county_code', { length: 6 }).notNull(),
    id: uuid('id').notNull(),
    householdId: uuid('household_id').notNull(),
    year: integer('year').notNull(),
    /** draft, approved. */
    status: text('status').notNull().default('draft'),
    /** Goal: per-capita net income to reach (yuan per person per year). */
    incomeTarget: amount('income_target'),
    /** Goal: which of 两不愁三保障 and safe water to close (food, clothing, education, medical, housing, water). */
    closeDimensions: text('close_dimensions').array().notNull().default(sql`'{}'::text[]`),
    responsibleCadreId: uuid('responsible_cadre_id'),
    notes: text('notes'),
    /** The plan of an earlier year this one started from. */
    copiedFromId: uuid('copied_from_id'),
    approvedAt: timestamp('approved_at', { withTimezone: true }),
    approvedBy: uuid('approved_by'),
    approvedByName: text('approved_by_name'),
    approvalComment: text('approval_comment'),
    version: integer('version').notNull().default(1),
    createdAt: created(),
    updatedAt: updated(),
    createdBy: uuid('created_by'),
    updatedBy: uuid('updated_by'),
  },
  (t) => [
    primaryKey({ columns: [t.countyCode, t.id] }),
    unique('assistance_plans_year_uq').on(t.countyCode, t.householdId, t.year),
    index('assistance_plans_id_idx').on(t.id),
    index('assistance_plans_year_idx').on(t.countyCode, t.year),
  ],
);

/** A measure of a plan: a catalog code, what is done, money by funding source, status. */
export const planMeasures = pgTable(
  'plan_measures',
  {
    countyCode: varchar('county_code', { length: 6 }).notNull(),
    id: uuid('id').notNull(),
    planId: uuid('plan_id').notNull(),
    householdId: uuid('household_id').notNull(),
    measureCode: text('measure_code').notNull(),
    description: text('description'),
    /** The member it is for (person measures), or null for the household. */
    memberId: uuid('member_id'),
    /** Yuan by funding source (keys of FUNDING_SOURCES). */
    funding: jsonb('funding').notNull().default(sql`'{}'::jsonb`),
    amountTotal: amount('amount_total').notNull().default(0),
    /** draft (proposed), planned, in_progress, done, cancelled. */
    status: text('status').notNull(),
    /** manual, lianbuchou (proposed by an assessment), copied (from last year's plan). */
    source: text('source').notNull(),
    gapCode: text('gap_code'),
    copiedFromId: uuid('copied_from_id'),
    version: integer('version').notNull().default(1),
    createdAt: created(),
    updatedAt: updated(),
  },
  (t) => [
    primaryKey({ columns: [t.countyCode, t.id] }),
    index('plan_measures_plan_idx').on(t.countyCode, t.planId),
    index('plan_measures_id_idx').on(t.id),
  ],
);

/** 享受政策: what a household or member received, when, from which department. */
export const benefits = pgTable(
  'benefits',
  {
    countyCode: varchar('county_code', { length: 6 }).notNull(),
    id: uuid('id').notNull(),
    householdId: uuid('household_id').notNull(),
    memberId: uuid('member_id'),
    measureCode: text('measure_code').notNull(),
    amount: amount('amount').notNull(),
    paidOn: date('paid_on').notNull(),
    /** Income year it counts in (defaults to the year of paid_on). */
    year: integer('year').notNull(),
    department: text('department').notNull(),
    note: text('note'),
    /**
     * The same money is already inside the income typed into the registry (workbook or form):
     * listed, but not added again when the year's income is recomputed.
     */
    includedInDeclared: boolean('included_in_declared').notNull().default(false),
    voidedAt: timestamp('voided_at', { withTimezone: true }),
    voidReason: text('void_reason'),
    version: integer('version').notNull().default(1),
    createdAt: created(),
    updatedAt: updated(),
    createdBy: uuid('created_by'),
  },
  (t) => [
    primaryKey({ columns: [t.countyCode, t.id] }),
    index('benefits_household_idx').on(t.countyCode, t.householdId, t.year),
    index('benefits_id_idx').on(t.id),
  ],
);

/**
 * The ledger's contribution to one household's income year, by line, and the per-capita net
 * income with and without it. household_incomes keeps the declared figures untouched; only its
 * per_capita_net is rewritten to include what this row adds.
 */
export const incomeBenefitTotals = pgTable(
  'income_benefit_totals',
  {
    countyCode: varchar('county_code', { length: 6 }).notNull(),
    householdId: uuid('household_id').notNull(),
    year: integer('year').notNull(),
    wage: amount('wage').notNull().default(0),
    publicWelfareWage: amount('public_welfare_wage').notNull().default(0),
    business: amount('business').notNull().default(0),
    property: amount('property').notNull().default(0),
    dividend: amount('dividend').notNull().default(0),
    transfer: amount('transfer').notNull().default(0),
    dibao: amount('dibao').notNull().default(0),
    tekun: amount('tekun').notNull().default(0),
    pension: amount('pension').notNull().default(0),
    ecoComp: amount('eco_comp').notNull().default(0),
    otherTransfer: amount('other_transfer').notNull().default(0),
    /** Benefits that are not household income (代缴, 报销, services, loans…). */
    notIncome: amount('not_income').notNull().default(0),
    /** Benefits marked as already inside the declared income (not added). */
    alreadyDeclared: amount('already_declared').notNull().default(0),
    householdSize: integer('household_size').notNull(),
    declaredPerCapitaNet: amount('declared_per_capita_net'),
    perCapitaNet: amount('per_capita_net'),
    computedAt: timestamp('computed_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.countyCode, t.householdId, t.year] })],
);

/** 两不愁三保障 per household per period: each dimension's status, evidence, date, checker. */
export const lianbuchouAssessments = pgTable(
  'lianbuchou_assessments',
  {
    countyCode: varchar('county_code', { length: 6 }).notNull(),
    id: uuid('id').notNull(),
    householdId: uuid('household_id').notNull(),
    /** e.g. 2019Q2 (quarterly dynamic management) or 2019. */
    period: text('period').notNull(),
    checkedOn: date('checked_on').notNull(),
    checkedBy: uuid('checked_by'),
    checkedByName: text('checked_by_name').notNull(),
    foodStatus: text('food_status').notNull(),
    clothingStatus: text('clothing_status').notNull(),
    educationStatus: text('education_status').notNull(),
    medicalStatus: text('medical_status').notNull(),
    housingStatus: text('housing_status').notNull(),
    waterStatus: text('water_status').notNull(),
    secure: boolean('secure').notNull(),
    /** Per dimension: status, evidence, gaps, proposed measures (domain LianbuchouAssessment). */
    dimensions: jsonb('dimensions').notNull(),
    /** The facts assessed (registry data merged with the posted facts; no ID numbers). */
    facts: jsonb('facts').notNull(),
    rule: jsonb('rule').notNull(),
    planId: uuid('plan_id'),
    proposedMeasureIds: uuid('proposed_measure_ids').array().notNull().default(sql`'{}'::uuid[]`),
    version: integer('version').notNull().default(1),
    createdAt: created(),
    updatedAt: updated(),
  },
  (t) => [
    primaryKey({ columns: [t.countyCode, t.id] }),
    unique('lianbuchou_period_uq').on(t.countyCode, t.householdId, t.period),
    index('lianbuchou_id_idx').on(t.id),
  ],
);

/** Every change to a pairing, plan, measure, benefit or assessment: who, when, before, after. */
export const assistanceEvents = pgTable(
  'assistance_events',
  {
    countyCode: varchar('county_code', { length: 6 }).notNull(),
    id: uuid('id').notNull(),
    householdId: uuid('household_id'),
    villageCode: varchar('village_code', { length: 12 }),
    entity: text('entity').notNull(),
    entityId: uuid('entity_id').notNull(),
    planId: uuid('plan_id'),
    action: text('action').notNull(),
    before: jsonb('before'),
    after: jsonb('after'),
    userId: uuid('user_id'),
    username: text('username'),
    at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
    reason: text('reason'),
    requestId: text('request_id'),
  },
  (t) => [
    primaryKey({ columns: [t.countyCode, t.id] }),
    index('assistance_events_household_idx').on(t.countyCode, t.householdId, t.at),
    index('assistance_events_plan_idx').on(t.planId),
  ],
);
