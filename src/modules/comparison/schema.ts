import { sql } from 'drizzle-orm';
import { date, index, integer, jsonb, pgTable, primaryKey, text, timestamp, unique, uuid, varchar } from 'drizzle-orm/pg-core';

/**
 * 数据比对: department datasets, rule parameters with effective dates, and findings.
 *
 * - `comparison_datasets` (reference table): one row per uploaded file — kind, year, purpose, the
 *   authorisation it rests on, file name and sha256, uploader and time, row counts, the rejected
 *   rows and dataset issues (NAME_MISMATCH …) as jsonb. The file's rows are not kept: each finding
 *   carries its evidence row.
 * - `comparison_rule_params` (reference table): overrides of the rule defaults in rules.ts, each
 *   with the date it takes effect; the latest row effective at the comparison's reference date wins.
 * - `comparison_findings` (distributed by county_code): one row per (county, code, ID number, rule
 *   key), so re-running a dataset updates a finding instead of duplicating it. A person not in the
 *   registry (only DIBAO_NOT_REGISTERED) takes the county from the first 6 digits of the ID number
 *   when that is a Lanzhou county or district, else '000000' (routed to the city office).
 */

export const comparisonDatasets = pgTable(
  'comparison_datasets',
  {
    id: uuid('id').primaryKey(),
    kind: text('kind').notNull(),
    year: integer('year'),
    purpose: text('purpose').notNull(),
    authorisation: text('authorisation').notNull(),
    fileName: text('file_name').notNull(),
    fileHash: text('file_hash').notNull(),
    uploadedBy: uuid('uploaded_by'),
    uploader: text('uploader').notNull(),
    /** The uploader's scope: the comparison covered the registry within it. */
    scopeCode: varchar('scope_code', { length: 12 }).notNull(),
    uploadedAt: timestamp('uploaded_at', { withTimezone: true }).notNull().defaultNow(),
    rowsTotal: integer('rows_total').notNull().default(0),
    rowsAccepted: integer('rows_accepted').notNull().default(0),
    rowsRejected: integer('rows_rejected').notNull().default(0),
    rowsMatched: integer('rows_matched').notNull().default(0),
    findingsNew: integer('findings_new').notNull().default(0),
    findingsSeen: integer('findings_seen').notNull().default(0),
    findingsClosed: integer('findings_closed').notNull().default(0),
    /** Rejected rows: [{ row, column, value, code, message }] (the first 1000). */
    rejected: jsonb('rejected').notNull(),
    /** Dataset issues that are not findings, e.g. NAME_MISMATCH (the first 1000). */
    issues: jsonb('issues').notNull(),
    /** Column header in the file → canonical column. */
    columns: jsonb('columns').notNull(),
    summary: jsonb('summary').notNull(),
    /**
     * The rules the comparison applied, by code: { id, title, params, effectiveFrom, source }. A
     * finding's rule is its last dataset's (stored once here instead of in each of its ~40k findings).
     */
    rules: jsonb('rules'),
  },
  (t) => [index('comparison_datasets_kind_idx').on(t.kind, t.uploadedAt)],
);

export const comparisonRuleParams = pgTable(
  'comparison_rule_params',
  {
    ruleId: text('rule_id').notNull(),
    effectiveFrom: date('effective_from').notNull(),
    params: jsonb('params').notNull(),
    source: text('source').notNull(),
    updatedBy: text('updated_by'),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.ruleId, t.effectiveFrom] })],
);

export const comparisonFindings = pgTable(
  'comparison_findings',
  {
    countyCode: varchar('county_code', { length: 6 }).notNull(),
    id: uuid('id').notNull(),
    kind: text('kind').notNull(),
    code: text('code').notNull(),
    /** Rule id and the period it applies to, e.g. 'MEDICAL_BURDEN:2019'. */
    ruleKey: text('rule_key').notNull(),
    year: integer('year'),
    idNumber: varchar('id_number', { length: 18 }).notNull(),
    name: text('name'),
    householdId: uuid('household_id'),
    householdNumber: text('household_number'),
    memberId: uuid('member_id'),
    /** The household's village (routing); null for a person not in the registry. */
    villageCode: varchar('village_code', { length: 12 }),
    /**
     * Null: the rule and the parameters that produced it are the last dataset's (comparison_datasets.rules
     * -> code; FINDING_SELECT reads them). Findings stored before migration 0017 keep their own copy here.
     */
    rule: jsonb('rule'),
    /** The department row(s) the finding rests on, with their row numbers. */
    evidence: jsonb('evidence').notNull(),
    /** open → confirmed | dismissed (by a cadre), or closed (a newer dataset no longer shows it). */
    status: text('status').notNull().default('open'),
    /** What a confirmation opens: removal-proposal, monitoring-warning, identification-candidate. */
    opens: text('opens').notNull(),
    verifiedBy: uuid('verified_by'),
    verifiedByName: text('verified_by_name'),
    verifiedAt: timestamp('verified_at', { withTimezone: true }),
    reason: text('reason'),
    datasetId: uuid('dataset_id').notNull(),
    firstDatasetId: uuid('first_dataset_id').notNull(),
    lastDatasetId: uuid('last_dataset_id').notNull(),
    closedByDatasetId: uuid('closed_by_dataset_id'),
    closedAt: timestamp('closed_at', { withTimezone: true }),
    /**
     * What the confirmation opened (opens.ts): created / linked (a removal proposal, made or an
     * in-progress one of the household), pending (no open review cycle: "open now" later), blocked
     * (the workflow refused; open_note says why), candidate (an identification candidate), scan (the
     * monitoring scan raises the warning). Null until confirmed, and for a dismissed finding.
     */
    openState: text('open_state'),
    openedProposalId: uuid('opened_proposal_id'),
    openedProposalNumber: text('opened_proposal_number'),
    candidateId: uuid('candidate_id'),
    openNote: text('open_note'),
    openedAt: timestamp('opened_at', { withTimezone: true }),
    version: integer('version').notNull().default(1),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.countyCode, t.id] }),
    unique('comparison_findings_key_uq').on(t.countyCode, t.code, t.idNumber, t.ruleKey),
    // No index on id alone: a finding named by id is found through the primary key
    // (access/county-probe.ts). Each index costs every finding a comparison inserts (~40k for a
    // 1M-row file).
    // No index on (county, status, kind): the scoped lists and the close go by the route
    // expression (ROUTE_SQL), which it did not serve, and it cost a tenth of a comparison's insert.
    // 立即申报 of all pending findings reads the few confirmed ones waiting for a cycle:
    index('comparison_findings_pending_idx').on(t.verifiedAt, t.id).where(sql`open_state = 'pending'`),
    // The monitoring scan reads the confirmed findings that open a warning by village (service.ts
    // confirmedRiskFindings); the scoped lists go by the route (ROUTE_SQL), which this does not
    // serve. Partial, so a comparison's new (open) findings do not enter it.
    index('comparison_findings_risk_village_idx').on(t.villageCode).where(sql`status = 'confirmed' AND opens = 'monitoring-warning'`),
    index('comparison_findings_last_idx').on(t.lastDatasetId),
    // The region a finding is routed to (compare.ts ROUTE_SQL, the same expression): the scoped
    // lists and counts of a village or township read theirs instead of every finding (0.8 s for a
    // village's count with 2M findings in the table).
    index('comparison_findings_route_idx').on(sql`COALESCE(${t.villageCode}, CASE WHEN ${t.countyCode} = '000000' THEN '620100000000' ELSE ${t.countyCode} || '000000' END)`),
  ],
);

/**
 * 识别候选 (by county of the village): a person a confirmed DIBAO_NOT_REGISTERED finding shows is
 * on 低保 class 一/二 but not in the registry, to be assessed by the village. One per finding; a
 * later finding about the same person links to the open candidate. open → proposed (an identify
 * proposal was started from it: proposal_id / proposal_number), or open → closed (the village
 * assessed the person and found no case for identification, with its reason).
 */
export const comparisonCandidates = pgTable(
  'comparison_candidates',
  {
    countyCode: varchar('county_code', { length: 6 }).notNull(),
    id: uuid('id').notNull(),
    findingId: uuid('finding_id').notNull(),
    idNumber: varchar('id_number', { length: 18 }).notNull(),
    name: text('name'),
    /** The village where the person lives, named by the confirming cadre. */
    villageCode: varchar('village_code', { length: 12 }).notNull(),
    code: text('code').notNull(),
    year: integer('year'),
    evidence: jsonb('evidence').notNull(),
    /** The confirming cadre's reason. */
    reason: text('reason').notNull(),
    status: text('status').notNull().default('open'),
    proposalId: uuid('proposal_id'),
    proposalNumber: text('proposal_number'),
    proposedByName: text('proposed_by_name'),
    proposedAt: timestamp('proposed_at', { withTimezone: true }),
    closedReason: text('closed_reason'),
    closedByName: text('closed_by_name'),
    closedAt: timestamp('closed_at', { withTimezone: true }),
    createdBy: uuid('created_by'),
    createdByName: text('created_by_name').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
    version: integer('version').notNull().default(1),
  },
  (t) => [
    primaryKey({ columns: [t.countyCode, t.id] }),
    unique('comparison_candidates_finding_uq').on(t.countyCode, t.findingId),
    index('comparison_candidates_id_idx').on(t.id),
    index('comparison_candidates_village_idx').on(t.villageCode, t.status),
    index('comparison_candidates_person_idx').on(t.countyCode, t.idNumber),
  ],
);
