import { boolean, date, index, integer, jsonb, numeric, pgTable, primaryKey, text, timestamp, unique, uuid, varchar } from 'drizzle-orm/pg-core';

/**
 * Standards by year, village exit conditions, and return-to-poverty monitoring: clues (how a risk
 * was found, with the first-seen date), warnings (which rule fired on which facts; one row per
 * household and rule key, so a re-scan updates instead of duplicating), 回头看 inspection tasks,
 * and the scan runs.
 */

/** One value per kind and year (reference table), editable by the city office, with its source. */
export const standards = pgTable(
  'standards',
  {
    kind: text('kind').notNull(),
    year: integer('year').notNull(),
    value: numeric('value', { precision: 14, scale: 4, mode: 'number' }).notNull(),
    unit: text('unit').notNull(),
    source: text('source').notNull(),
    verified: boolean('verified').notNull().default(false),
    note: text('note'),
    /** 'builtin' for DOMAIN.md's values, else the username that entered it. */
    enteredBy: text('entered_by').notNull(),
    effective: date('effective').notNull(),
    version: integer('version').notNull().default(1),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.kind, t.year] })],
);

/** A village's exit conditions for a year (reference: keyed by village code). */
export const villageConditions = pgTable(
  'village_conditions',
  {
    code: varchar('code', { length: 12 }).notNull(),
    year: integer('year').notNull(),
    road: boolean('road'),
    water: boolean('water'),
    electricity: boolean('electricity'),
    clinic: boolean('clinic'),
    broadband: boolean('broadband'),
    collectiveIncome: numeric('collective_income', { precision: 14, scale: 2, mode: 'number' }),
    source: text('source'),
    enteredBy: text('entered_by').notNull(),
    version: integer('version').notNull().default(1),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.code, t.year] })],
);

/**
 * A clue: self-report (public form), cadre visit, department warning, complaint, or the platform
 * scan. A self-report from someone not in the registry has no household; the village follows it up.
 * Reporter phone and ID number are personal data (masked in lists).
 */
export const monitoringClues = pgTable(
  'monitoring_clues',
  {
    countyCode: varchar('county_code', { length: 6 }).notNull(),
    id: uuid('id').notNull(),
    householdId: uuid('household_id'),
    villageCode: varchar('village_code', { length: 12 }).notNull(),
    source: text('source').notNull(),
    kind: text('kind').notNull(),
    description: text('description').notNull(),
    /** Facts the rules read, e.g. { year, annualOutOfPocket, singleStayOutOfPocket }. */
    facts: jsonb('facts').notNull(),
    reporterName: text('reporter_name'),
    reporterPhone: text('reporter_phone'),
    reporterIdNumber: varchar('reporter_id_number', { length: 18 }),
    firstSeen: date('first_seen').notNull(),
    /** open → closed (handled or judged no risk, with reason). */
    status: text('status').notNull().default('open'),
    closedReason: text('closed_reason'),
    createdBy: uuid('created_by'),
    createdByName: text('created_by_name'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    version: integer('version').notNull().default(1),
  },
  (t) => [
    primaryKey({ columns: [t.countyCode, t.id] }),
    index('monitoring_clues_household_idx').on(t.countyCode, t.householdId),
    index('monitoring_clues_village_idx').on(t.villageCode, t.status),
  ],
);

/** A warning: a rule fired on a household. Unique per (county, household, rule key). */
export const monitoringWarnings = pgTable(
  'monitoring_warnings',
  {
    countyCode: varchar('county_code', { length: 6 }).notNull(),
    id: uuid('id').notNull(),
    householdId: uuid('household_id').notNull(),
    villageCode: varchar('village_code', { length: 12 }).notNull(),
    rule: text('rule').notNull(),
    /** Rule and period or source row, e.g. 'INCOME_BELOW_MONITORING_LINE:2021'. */
    ruleKey: text('rule_key').notNull(),
    source: text('source').notNull(),
    /** Which rule and which facts fired, in Chinese. */
    explanation: text('explanation').notNull(),
    facts: jsonb('facts').notNull(),
    firstSeen: date('first_seen').notNull(),
    lastSeenAt: timestamp('last_seen_at', { withTimezone: true }).notNull().defaultNow(),
    /** open → handled (a measure or a monitoring proposal answers it) | dismissed (no risk, with reason). */
    status: text('status').notNull().default('open'),
    resolution: text('resolution'),
    resolvedBy: text('resolved_by'),
    resolvedAt: timestamp('resolved_at', { withTimezone: true }),
    clueId: uuid('clue_id'),
    findingId: uuid('finding_id'),
    scanId: uuid('scan_id'),
    version: integer('version').notNull().default(1),
  },
  (t) => [
    primaryKey({ columns: [t.countyCode, t.id] }),
    unique('monitoring_warnings_key_uq').on(t.countyCode, t.householdId, t.ruleKey),
    // No index on id alone: a warning named by its id is found through the primary key with the
    // counties of the caller's scope (access/county-probe.ts); the scan inserts ~75k rows into
    // every index on a first run, and this one cost ~0.1 s of it. No index by village either
    // (migration 0018, another ~0.1 s): the list finds a village's warnings through its households
    // (households' village index, then this table's unique key by household).
  ],
);

/** 回头看: an exited household sampled in a cycle, assigned to a cadre, with findings. */
export const inspectionTasks = pgTable(
  'inspection_tasks',
  {
    countyCode: varchar('county_code', { length: 6 }).notNull(),
    id: uuid('id').notNull(),
    cycle: text('cycle').notNull(),
    householdId: uuid('household_id').notNull(),
    villageCode: varchar('village_code', { length: 12 }).notNull(),
    cadreId: uuid('cadre_id'),
    status: text('status').notNull().default('assigned'),
    findings: text('findings'),
    riskFound: boolean('risk_found'),
    riskKind: text('risk_kind'),
    clueId: uuid('clue_id'),
    visitedOn: date('visited_on'),
    assignedBy: text('assigned_by').notNull(),
    recordedBy: text('recorded_by'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    version: integer('version').notNull().default(1),
  },
  (t) => [
    primaryKey({ columns: [t.countyCode, t.id] }),
    unique('inspection_tasks_cycle_uq').on(t.countyCode, t.cycle, t.householdId),
    index('inspection_tasks_village_idx').on(t.villageCode, t.cycle),
  ],
);

/** Each scan run: when, by whom, over which year, what it found. */
export const monitoringScans = pgTable('monitoring_scans', {
  id: uuid('id').primaryKey(),
  year: integer('year').notNull(),
  asOf: date('as_of').notNull(),
  startedAt: timestamp('started_at', { withTimezone: true }).notNull().defaultNow(),
  finishedAt: timestamp('finished_at', { withTimezone: true }),
  username: text('username').notNull(),
  scopeCode: varchar('scope_code', { length: 12 }).notNull(),
  summary: jsonb('summary').notNull(),
});
