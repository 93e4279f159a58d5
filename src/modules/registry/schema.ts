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
  uuid,
  varchar,
} from 'drizzle-orm/pg-core';

/**
 * 建档立卡: households, members, income by year, change events, and two key tables that keep
 * natural keys unique across the whole registry even when the tables are distributed by
 * county (Citus: a unique key must contain the distribution column, so global uniqueness of
 * 户编号 and 证件号码 lives in tables distributed by that key). See core/distribution.ts.
 */

const amount = (name: string) => numeric(name, { precision: 14, scale: 2, mode: 'number' });

export const households = pgTable(
  'households',
  {
    countyCode: varchar('county_code', { length: 6 }).notNull(),
    id: uuid('id').notNull(),
    householdNumber: text('household_number').notNull(),
    villageCode: varchar('village_code', { length: 12 }).notNull(),
    naturalVillage: text('natural_village'),
    category: text('category').notNull(),
    identificationStandard: text('identification_standard'),
    identificationYear: integer('identification_year').notNull(),
    povertyStatus: text('poverty_status').notNull(),
    exitYear: integer('exit_year'),
    mainCause: text('main_cause').notNull(),
    otherCauses: text('other_causes').array().notNull().default(sql`'{}'::text[]`),
    dangerousHouse: boolean('dangerous_house'),
    safeWater: boolean('safe_water'),
    militaryFamily: boolean('military_family'),
    relocated: boolean('relocated'),
    relocationSite: text('relocation_site'),
    cultivatedLand: numeric('cultivated_land', { precision: 10, scale: 2, mode: 'number' }),
    irrigatedLand: numeric('irrigated_land', { precision: 10, scale: 2, mode: 'number' }),
    forestLand: numeric('forest_land', { precision: 10, scale: 2, mode: 'number' }),
    pastureLand: numeric('pasture_land', { precision: 10, scale: 2, mode: 'number' }),
    phone: text('phone'),
    bankName: text('bank_name'),
    bankAccount: text('bank_account'),
    monitoringCategory: text('monitoring_category'),
    monitoringIdentifiedAt: date('monitoring_identified_at'),
    monitoringEliminatedAt: date('monitoring_eliminated_at'),
    removedReason: text('removed_reason'),
    removedAt: timestamp('removed_at', { withTimezone: true }),
    // Facts the household list filters and sorts on, kept exact by the registry's write paths
    // (service.ts refreshHouseholdFacts, import.ts apply) in the same transaction as the change.
    /** Current members (left_at IS NULL). */
    memberCount: integer('member_count').notNull().default(0),
    /** Current members' names joined by '|' (name search; '|' never occurs in a name query). */
    memberNames: text('member_names').notNull().default(''),
    /** The latest income year on record and its per-capita net income (household_incomes). */
    incomeYear: integer('income_year'),
    perCapitaNet: amount('per_capita_net'),
    version: integer('version').notNull().default(1),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
    createdBy: uuid('created_by'),
    updatedBy: uuid('updated_by'),
  },
  (t) => [
    primaryKey({ columns: [t.countyCode, t.id] }),
    unique('households_number_uq').on(t.countyCode, t.householdNumber),
    index('households_id_idx').on(t.id),
    // The list's default filter (not removed) and sorts.
    index('households_village_active_idx').on(t.villageCode).where(sql`poverty_status <> '已剔除'`),
    index('households_number_idx').on(t.householdNumber),
    index('households_updated_idx').on(t.updatedAt, t.householdNumber),
    index('households_status_idx').on(t.countyCode, t.povertyStatus),
    // One index per list sort key, ending in the tie-breaker, so a sorted page is an index walk.
    index('households_list_village_idx').on(t.villageCode, t.householdNumber),
    // (county_code, household_number): households_number_uq serves that sort.
    index('households_list_year_idx').on(t.identificationYear, t.householdNumber),
    index('households_list_status_idx').on(t.povertyStatus, t.householdNumber),
    index('households_list_members_idx').on(t.memberCount, t.householdNumber),
    // Households without an income figure come last in both directions: one index per direction.
    index('households_list_income_asc_idx').on(t.perCapitaNet.asc().nullsLast(), t.householdNumber.asc()),
    index('households_list_income_desc_idx').on(t.perCapitaNet.desc().nullsLast(), t.householdNumber.desc().nullsFirst()),
    // The same within one status (the list's most common filter): without it, 未脱贫 by income
    // descending walks past every exited household first (they have the higher incomes).
    index('households_list_status_income_asc_idx').on(t.povertyStatus, t.perCapitaNet.asc().nullsLast(), t.householdNumber.asc()),
    index('households_list_status_income_desc_idx').on(t.povertyStatus, t.perCapitaNet.desc().nullsLast(), t.householdNumber.desc().nullsFirst()),
    // Name search: one GIN key per character of the current members' names (1–3 character
    // queries; LIKE rechecks the order). Built-in functions only, the same on both engines —
    // pg_trgm makes no trigrams from Chinese text under the C locale PGlite runs with.
    index('households_list_name_chars_idx').using('gin', sql`string_to_array(${t.memberNames}, NULL)`),
  ],
);

/**
 * Household counts of the list, by township × status × category × cause, so the list's total
 * is exact without counting the registry row by row (see service.ts listTotal). `cause` is ''
 * for the row that counts every household of the key, otherwise one row per distinct cause of
 * poverty (main or other) a household carries. Kept by the same transactions that change a
 * household's region, status, category or causes (service.ts applyCountDelta, import.ts).
 */
export const householdCounts = pgTable(
  'household_counts',
  {
    countyCode: varchar('county_code', { length: 6 }).notNull(),
    townshipCode: varchar('township_code', { length: 12 }).notNull(),
    povertyStatus: text('poverty_status').notNull(),
    category: text('category').notNull(),
    cause: text('cause').notNull(),
    households: integer('households').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.countyCode, t.townshipCode, t.povertyStatus, t.category, t.cause] }),
    index('household_counts_cause_idx').on(t.cause, t.townshipCode),
  ],
);

export const members = pgTable(
  'members',
  {
    countyCode: varchar('county_code', { length: 6 }).notNull(),
    id: uuid('id').notNull(),
    householdId: uuid('household_id').notNull(),
    name: text('name').notNull(),
    idNumber: varchar('id_number', { length: 18 }).notNull(),
    sex: text('sex').notNull(),
    birthDate: date('birth_date').notNull(),
    relation: text('relation').notNull(),
    ethnicity: text('ethnicity'),
    education: text('education'),
    schoolStatus: text('school_status'),
    health: text('health'),
    disabilityGrade: text('disability_grade'),
    labourSkill: text('labour_skill'),
    workStatus: text('work_status'),
    workMonths: integer('work_months'),
    medicalInsurance: boolean('medical_insurance'),
    seriousIllnessInsurance: boolean('serious_illness_insurance'),
    pensionInsurance: boolean('pension_insurance'),
    dibao: boolean('dibao'),
    tekun: boolean('tekun'),
    activeMilitary: boolean('active_military'),
    /** Set when the person leaves the household (death, marriage out, removal). */
    leftAt: timestamp('left_at', { withTimezone: true }),
    leftReason: text('left_reason'),
    version: integer('version').notNull().default(1),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.countyCode, t.id] }),
    index('members_id_idx').on(t.id),
    index('members_household_idx').on(t.countyCode, t.householdId),
    index('members_id_number_idx').on(t.idNumber),
    // No index on name: the list's name search goes through households.member_names (its GIN
    // index households_list_name_chars_idx), and nothing looks a member up by name (migration
    // 0013 dropped the unused btree and trigram ones).
  ],
);

/** Income per household per year, never overwritten by another year. */
export const householdIncomes = pgTable(
  'household_incomes',
  {
    countyCode: varchar('county_code', { length: 6 }).notNull(),
    householdId: uuid('household_id').notNull(),
    year: integer('year').notNull(),
    wage: amount('wage').notNull().default(0),
    publicWelfareWage: amount('public_welfare_wage'),
    business: amount('business').notNull().default(0),
    property: amount('property').notNull().default(0),
    dividend: amount('dividend'),
    transfer: amount('transfer').notNull().default(0),
    dibao: amount('dibao'),
    tekun: amount('tekun'),
    pension: amount('pension'),
    ecoComp: amount('eco_comp'),
    otherTransfer: amount('other_transfer'),
    businessCost: amount('business_cost').notNull().default(0),
    /** Household size in that year (members counted when the year's figures were entered). */
    householdSize: integer('household_size').notNull(),
    /**
     * Household income another module's ledger adds to the declared figures (assistance's 享受政策,
     * the lines wage/business/property/transfer summed); written only through registry/income.ts.
     */
    ledgerIncome: amount('ledger_income').notNull().default(0),
    /** (wage + business + property + transfer − cost + ledger_income) ÷ size, written only by registry/income.ts. */
    perCapitaNet: amount('per_capita_net'),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.countyCode, t.householdId, t.year] })],
);

/** Every change to a household, member or income: who, when, before, after, why. */
export const changeEvents = pgTable(
  'change_events',
  {
    countyCode: varchar('county_code', { length: 6 }).notNull(),
    id: uuid('id').notNull(),
    householdId: uuid('household_id').notNull(),
    memberId: uuid('member_id'),
    entity: text('entity').notNull(),
    action: text('action').notNull(),
    before: jsonb('before'),
    after: jsonb('after'),
    userId: uuid('user_id'),
    username: text('username'),
    at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
    source: text('source').notNull(),
    reason: text('reason'),
    requestId: text('request_id'),
  },
  (t) => [
    primaryKey({ columns: [t.countyCode, t.id] }),
    index('change_events_household_idx').on(t.countyCode, t.householdId, t.at),
  ],
);

/** Global uniqueness of 户编号 (distributed by household_number). */
export const householdKeys = pgTable('household_keys', {
  householdNumber: text('household_number').primaryKey(),
  countyCode: varchar('county_code', { length: 6 }).notNull(),
  householdId: uuid('household_id').notNull(),
});

/** One person in one active household (distributed by id_number). */
export const personKeys = pgTable('person_keys', {
  idNumber: varchar('id_number', { length: 18 }).primaryKey(),
  countyCode: varchar('county_code', { length: 6 }).notNull(),
  householdId: uuid('household_id').notNull(),
  memberId: uuid('member_id').notNull(),
});

/** Each import run: file, hash, who, outcome; rejected files keep their error list. */
export const importBatches = pgTable('import_batches', {
  id: uuid('id').primaryKey(),
  fileName: text('file_name').notNull(),
  fileHash: text('file_hash').notNull(),
  userId: uuid('user_id'),
  username: text('username'),
  mode: text('mode').notNull(),
  status: text('status').notNull(),
  households: integer('households').notNull().default(0),
  members: integer('members').notNull().default(0),
  errors: jsonb('errors'),
  warnings: jsonb('warnings'),
  startedAt: timestamp('started_at', { withTimezone: true }).notNull().defaultNow(),
  finishedAt: timestamp('finished_at', { withTimezone: true }),
});
