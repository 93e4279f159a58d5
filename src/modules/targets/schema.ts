import { sql } from 'drizzle-orm';
import { date, doublePrecision, index, integer, numeric, pgTable, primaryKey, text, timestamp, unique, uuid, varchar } from 'drizzle-orm/pg-core';

/**
 * The plan's targets: values entered for the targets the system cannot compute (with county →
 * city approval), and the pre-aggregated indicators per region and period.
 *
 * Both are reference tables (core/distribution.ts): a target value may belong to the city, which
 * has no county, and indicators roll up across counties; both are small (regions × years).
 */

/** One value per target × region × year, entered at the target's entry level and approved. */
export const targetValues = pgTable(
  'target_values',
  {
    id: uuid('id').primaryKey(),
    targetId: text('target_id').notNull(),
    regionCode: varchar('region_code', { length: 12 }).notNull(),
    year: integer('year').notNull(),
    value: numeric('value', { precision: 16, scale: 4, mode: 'number' }).notNull(),
    note: text('note'),
    /** draft → submitted → county_approved → approved (domain/targets/entry.ts). */
    status: text('status').notNull(),
    /** Why it was last returned (un-approved), if it was. */
    returnReason: text('return_reason'),
    enteredBy: text('entered_by').notNull(),
    submittedBy: text('submitted_by'),
    submittedAt: timestamp('submitted_at', { withTimezone: true }),
    countyApprovedBy: text('county_approved_by'),
    countyApprovedAt: timestamp('county_approved_at', { withTimezone: true }),
    cityApprovedBy: text('city_approved_by'),
    cityApprovedAt: timestamp('city_approved_at', { withTimezone: true }),
    version: integer('version').notNull().default(1),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    unique('target_values_key_uq').on(t.targetId, t.regionCode, t.year),
    index('target_values_region_idx').on(t.regionCode, t.year),
  ],
);

/**
 * Indicators per region (every level, rolled up) and period: period is a year ('2018', counted
 * at that year's end from identification and exit years) or 'current' (by today's status).
 */
export const indicators = pgTable(
  'indicators',
  {
    regionCode: varchar('region_code', { length: 12 }).notNull(),
    period: text('period').notNull(),
    level: text('level').notNull(),
    parentCode: varchar('parent_code', { length: 12 }),
    households: integer('households').notNull(),
    people: integer('people').notNull(),
    poorHouseholds: integer('poor_households').notNull(),
    poorPeople: integer('poor_people').notNull(),
    exitedHouseholds: integer('exited_households').notNull(),
    exitedPeople: integer('exited_people').notNull(),
    ruralPopulation: integer('rural_population'),
    /** poor people ÷ rural population, a fraction; null when the population is unknown. */
    incidence: doublePrecision('incidence'),
    computedAt: timestamp('computed_at', { withTimezone: true }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.regionCode, t.period] }), index('indicators_parent_idx').on(t.parentCode, t.period)],
);

/** 专责工作组 (seed 五(一): 11 groups and the city departments): who owns which tasks. */
export const dispatchGroups = pgTable('dispatch_groups', {
  id: uuid('id').primaryKey(),
  name: text('name').notNull().unique(),
  lead: text('lead').notNull(),
  /** The region whose office runs the group (12 digits). */
  regionCode: varchar('region_code', { length: 12 }).notNull(),
  /** 成员单位 or people of the group, in the order entered. */
  members: text('members').array().notNull().default(sql`'{}'::text[]`),
  version: integer('version').notNull().default(1),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});

/** 任务清单: a task with its owner and deadline, at a region; overdue when open past the deadline. */
export const dispatchTasks = pgTable(
  'dispatch_tasks',
  {
    id: uuid('id').primaryKey(),
    groupId: uuid('group_id'),
    regionCode: varchar('region_code', { length: 12 }).notNull(),
    title: text('title').notNull(),
    owner: text('owner').notNull(),
    deadline: date('deadline').notNull(),
    targetId: text('target_id'),
    doneOn: date('done_on'),
    doneNote: text('done_note'),
    /** The last progress recorded (0–100 %), its note and time; the history is dispatch_task_progress. */
    progress: integer('progress').notNull().default(0),
    progressNote: text('progress_note'),
    progressAt: timestamp('progress_at', { withTimezone: true }),
    createdBy: text('created_by').notNull(),
    version: integer('version').notNull().default(1),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('dispatch_tasks_region_idx').on(t.regionCode, t.deadline)],
);

/** 调度记录: one dispatch meeting of a region's leaders, counted for its cadence period. */
export const dispatchReports = pgTable(
  'dispatch_reports',
  {
    id: uuid('id').primaryKey(),
    regionCode: varchar('region_code', { length: 12 }).notNull(),
    heldOn: date('held_on').notNull(),
    /** '2019-03' (city), '2019-W10' (county), '2019-03-05' (township, village). */
    period: text('period').notNull(),
    chair: text('chair').notNull(),
    summary: text('summary').notNull(),
    reportedBy: text('reported_by').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('dispatch_reports_region_idx').on(t.regionCode, t.heldOn)],
);

/** 任务进展: each progress report on a task (who, when, how far, what was done). */
export const dispatchTaskProgress = pgTable(
  'dispatch_task_progress',
  {
    id: uuid('id').primaryKey(),
    taskId: uuid('task_id').notNull(),
    percent: integer('percent').notNull(),
    note: text('note').notNull(),
    recordedBy: text('recorded_by').notNull(),
    recordedAt: timestamp('recorded_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('dispatch_task_progress_task_idx').on(t.taskId, t.recordedAt)],
);

/**
 * The indicators' freshness (one row, id 'indicators'): a registry import asks for a refresh
 * (requested_at) and the refresh runs after the import's response; the indicators are stale while
 * requested_at is later than their computed_at.
 */
export const indicatorRefresh = pgTable('indicator_refresh', {
  id: text('id').primaryKey(),
  requestedAt: timestamp('requested_at', { withTimezone: true }),
  requestedBy: text('requested_by'),
  startedAt: timestamp('started_at', { withTimezone: true }),
  finishedAt: timestamp('finished_at', { withTimezone: true }),
  error: text('error'),
});
