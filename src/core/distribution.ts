/**
 * How each table would be laid out on Citus (DESIGN.md "Beyond one machine"). Household-scoped
 * tables are distributed by county_code, so their primary and unique keys must contain it; the
 * two key tables that keep 户编号 and 证件号码 unique across the whole registry are distributed by
 * that key; everything else is a reference table (copied to every node). A test
 * (test/distribution.test.ts) checks every table of the migrated schema against this list, so a
 * new table must be declared here, and a key that would break distribution fails the build.
 */
export type Distribution = { kind: 'distributed'; column: string } | { kind: 'reference' };

const byCounty: Distribution = { kind: 'distributed', column: 'county_code' };
const reference: Distribution = { kind: 'reference' };

export const DISTRIBUTION: Record<string, Distribution> = {
  households: byCounty,
  members: byCounty,
  household_incomes: byCounty,
  household_counts: byCounty,
  change_events: byCounty,
  comparison_findings: byCounty,
  comparison_candidates: byCounty,
  pairings: byCounty,
  village_team_members: byCounty,
  assistance_plans: byCounty,
  plan_measures: byCounty,
  benefits: byCounty,
  income_benefit_totals: byCounty,
  lianbuchou_assessments: byCounty,
  assistance_events: byCounty,
  review_proposals: byCounty,
  review_steps: byCounty,
  review_notices: byCounty,
  review_objections: byCounty,
  review_snapshots: byCounty,
  monitoring_clues: byCounty,
  monitoring_warnings: byCounty,
  inspection_tasks: byCounty,
  household_keys: { kind: 'distributed', column: 'household_number' },
  person_keys: { kind: 'distributed', column: 'id_number' },
  regions: reference,
  region_populations: reference,
  dictionaries: reference,
  users: reference,
  sessions: reference,
  audit_log: reference,
  jobs: reference,
  import_batches: reference,
  comparison_datasets: reference,
  comparison_rule_params: reference,
  review_cycles: reference,
  tuopin_migrations: reference,
  standards: reference,
  village_conditions: reference,
  monitoring_scans: reference,
  /** Helper cadres: a cadre of a city unit helps households in several counties. */
  cadres: reference,
  /** Target values (a city-level value has no county) and indicators rolled up across counties: small. */
  target_values: reference,
  indicators: reference,
  /** 调度: working groups, task lists and dispatch meetings of city, county, township and village offices. */
  dispatch_groups: reference,
  dispatch_tasks: reference,
  dispatch_reports: reference,
  dispatch_task_progress: reference,
  /** One row: when the indicators were last asked for and refreshed. */
  indicator_refresh: reference,
};
