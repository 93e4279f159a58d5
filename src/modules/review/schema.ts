import { boolean, date, index, integer, jsonb, numeric, pgTable, primaryKey, text, timestamp, unique, uuid, varchar } from 'drizzle-orm/pg-core';

/**
 * 动态管理 (seed 三(七)): quarterly review cycles, proposals that walk their procedure step by step,
 * the notices (公示/公告) they post, objections to those notices, and the snapshot a closed cycle
 * freezes for that period's statistics.
 *
 * - `review_cycles` (reference): one per quarter, opened by the city office with its deadlines.
 * - `review_proposals` (by county): one household's identify / exit / return / remove / monitoring
 *   proposal inside a cycle; `step` is the index into its workflow (domain/review/workflows.ts).
 * - `review_steps` (by county): every signed step, send-back, objection and decision, append-only.
 * - `review_notices` (by county): a 公示 or 公告 covering one or more proposals of a village
 *   (or township, or county), with its display window; what the public page shows is frozen in
 *   `body` when it is posted, already masked.
 * - `review_objections` (by county): objections to a notice, from the public page or recorded by
 *   a cadre; an open objection sends its proposal back to re-check.
 * - `review_snapshots` (by county): each household's status at the close of a cycle.
 */

export const reviewCycles = pgTable(
  'review_cycles',
  {
    id: uuid('id').primaryKey(),
    year: integer('year').notNull(),
    quarter: integer('quarter').notNull(),
    title: text('title').notNull(),
    /** open → closed (snapshot frozen). */
    status: text('status').notNull().default('open'),
    villageDeadline: date('village_deadline').notNull(),
    townshipDeadline: date('township_deadline').notNull(),
    countyDeadline: date('county_deadline').notNull(),
    note: text('note'),
    openedBy: uuid('opened_by'),
    openedByName: text('opened_by_name').notNull(),
    openedAt: timestamp('opened_at', { withTimezone: true }).notNull().defaultNow(),
    closedBy: uuid('closed_by'),
    closedByName: text('closed_by_name'),
    closedAt: timestamp('closed_at', { withTimezone: true }),
    snapshotRows: integer('snapshot_rows'),
    version: integer('version').notNull().default(1),
  },
  (t) => [unique('review_cycles_quarter_uq').on(t.year, t.quarter)],
);

export const reviewProposals = pgTable(
  'review_proposals',
  {
    countyCode: varchar('county_code', { length: 6 }).notNull(),
    id: uuid('id').notNull(),
    /** A readable number: SQ + year + quarter + sequence, e.g. SQ2019Q1-000012. */
    number: text('number').notNull(),
    cycleId: uuid('cycle_id').notNull(),
    type: text('type').notNull(),
    /** null for an identification until the county decision creates the household. */
    householdId: uuid('household_id'),
    householdNumber: text('household_number').notNull(),
    villageCode: varchar('village_code', { length: 12 }).notNull(),
    /** Head of household's name (shown masked on public notices). */
    headName: text('head_name').notNull(),
    memberCount: integer('member_count').notNull(),
    reason: text('reason').notNull(),
    /** identify: the household and members to create; monitor_enter: { category }. */
    payload: jsonb('payload'),
    /** The household's status when the proposal was made. */
    statusBefore: text('status_before'),
    /** Monitoring: the clue's source and the day it was first seen (15-day limit). */
    clueSource: text('clue_source'),
    firstClueOn: date('first_clue_on'),
    /** Index of the current step in the type's workflow; equals the step count when finished. */
    step: integer('step').notNull().default(0),
    /** in_progress → approved (decided yes) → done (announced) | rejected | withdrawn. */
    state: text('state').notNull().default('in_progress'),
    /** Times an objection or a reviewer sent it back for re-check. */
    rechecks: integer('rechecks').notNull().default(0),
    noticeId: uuid('notice_id'),
    decidedAt: timestamp('decided_at', { withTimezone: true }),
    decidedByName: text('decided_by_name'),
    /** What the decision found when it was taken (exit / risk-elimination checks), kept as evidence. */
    checks: jsonb('checks'),
    createdBy: uuid('created_by'),
    createdByName: text('created_by_name').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
    version: integer('version').notNull().default(1),
  },
  (t) => [
    primaryKey({ columns: [t.countyCode, t.id] }),
    unique('review_proposals_number_uq').on(t.countyCode, t.number),
    index('review_proposals_id_idx').on(t.id),
    index('review_proposals_cycle_idx').on(t.cycleId, t.state),
    index('review_proposals_village_idx').on(t.villageCode, t.state),
    index('review_proposals_household_idx').on(t.householdId),
  ],
);

export const reviewSteps = pgTable(
  'review_steps',
  {
    countyCode: varchar('county_code', { length: 6 }).notNull(),
    id: uuid('id').notNull(),
    proposalId: uuid('proposal_id').notNull(),
    stepIndex: integer('step_index').notNull(),
    stepKey: text('step_key').notNull(),
    /** submit, approve, send_back, post_notice, close_notice, objection, objection_resolved, decide_yes, decide_no, announce, withdraw. */
    action: text('action').notNull(),
    userId: uuid('user_id'),
    username: text('username').notNull(),
    displayName: text('display_name').notNull(),
    role: text('role').notNull(),
    regionCode: varchar('region_code', { length: 12 }).notNull(),
    comment: text('comment'),
    evidence: jsonb('evidence'),
    at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.countyCode, t.id] }), index('review_steps_proposal_idx').on(t.countyCode, t.proposalId, t.at)],
);

export const reviewNotices = pgTable(
  'review_notices',
  {
    countyCode: varchar('county_code', { length: 6 }).notNull(),
    id: uuid('id').notNull(),
    cycleId: uuid('cycle_id').notNull(),
    /** notice (公示) or announcement (公告). */
    kind: text('kind').notNull(),
    type: text('type').notNull(),
    stepKey: text('step_key').notNull(),
    /** The village, township or county that posts it. */
    regionCode: varchar('region_code', { length: 12 }).notNull(),
    title: text('title').notNull(),
    /** { intro, rows: [{ proposalNumber, village, headName (masked), memberCount, reason }], contact } — no ID, phone, bank or health data. */
    body: jsonb('body').notNull(),
    startsOn: date('starts_on').notNull(),
    minDays: integer('min_days').notNull(),
    endsOn: date('ends_on').notNull(),
    /** posted → closed. */
    status: text('status').notNull().default('posted'),
    masked: boolean('masked').notNull().default(true),
    postedBy: uuid('posted_by'),
    postedByName: text('posted_by_name').notNull(),
    postedAt: timestamp('posted_at', { withTimezone: true }).notNull().defaultNow(),
    closedAt: timestamp('closed_at', { withTimezone: true }),
  },
  (t) => [primaryKey({ columns: [t.countyCode, t.id] }), index('review_notices_id_idx').on(t.id), index('review_notices_public_idx').on(t.startsOn)],
);

export const reviewObjections = pgTable(
  'review_objections',
  {
    countyCode: varchar('county_code', { length: 6 }).notNull(),
    id: uuid('id').notNull(),
    noticeId: uuid('notice_id').notNull(),
    proposalId: uuid('proposal_id').notNull(),
    /** public (the notice page) or cadre (recorded on someone's behalf). */
    channel: text('channel').notNull(),
    content: text('content').notNull(),
    /** The objector's contact, optional; never shown publicly. */
    contact: text('contact'),
    /** open → upheld (the proposal is withdrawn or changed) | dismissed (re-check found it unfounded). */
    status: text('status').notNull().default('open'),
    resolution: text('resolution'),
    resolvedByName: text('resolved_by_name'),
    resolvedAt: timestamp('resolved_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.countyCode, t.id] }), index('review_objections_proposal_idx').on(t.countyCode, t.proposalId)],
);

export const reviewSnapshots = pgTable(
  'review_snapshots',
  {
    countyCode: varchar('county_code', { length: 6 }).notNull(),
    cycleId: uuid('cycle_id').notNull(),
    householdId: uuid('household_id').notNull(),
    householdNumber: text('household_number').notNull(),
    villageCode: varchar('village_code', { length: 12 }).notNull(),
    povertyStatus: text('poverty_status').notNull(),
    category: text('category').notNull(),
    monitoringCategory: text('monitoring_category'),
    monitored: boolean('monitored').notNull(),
    memberCount: integer('member_count').notNull(),
    perCapitaNet: numeric('per_capita_net', { precision: 14, scale: 2, mode: 'number' }),
  },
  (t) => [primaryKey({ columns: [t.countyCode, t.cycleId, t.householdId] }), index('review_snapshots_cycle_idx').on(t.cycleId, t.villageCode)],
);
