/** Shapes of the review (动态管理) API, as src/modules/review returns them. */
export type ProposalType = 'identify' | 'exit' | 'return' | 'remove' | 'monitor_enter' | 'risk_eliminated';
export type ProposalState = 'in_progress' | 'approved' | 'done' | 'rejected' | 'withdrawn';

export interface StepDef {
  key: string;
  label: string;
  kind: 'sign' | 'notice' | 'decide' | 'announce';
  roles: string[];
  minDays?: number;
  evidence?: string[];
  source: string;
  index: number;
}

export interface Proposal {
  id: string;
  countyCode: string;
  number: string;
  cycleId: string;
  type: ProposalType;
  typeLabel: string;
  householdId: string | null;
  householdNumber: string;
  villageCode: string;
  headName: string;
  memberCount: number;
  reason: string;
  clueSource: string | null;
  firstClueOn: string | null;
  step: number;
  state: ProposalState;
  rechecks: number;
  noticeId: string | null;
  decidedAt: string | null;
  decidedByName: string | null;
  checks: { pass: boolean; reasons: string[] } | null;
  createdByName: string;
  createdAt: string;
  version: number;
  currentStep: StepDef | null;
  steps: StepDef[];
  decisionDue: string | null;
  overdue: boolean;
  stepDeadline: string | null;
}

export interface HistoryEntry {
  stepIndex: number;
  stepKey: string;
  action: string;
  username: string;
  displayName: string;
  role: string;
  comment: string | null;
  evidence: Record<string, unknown> | null;
  at: string;
}

export interface Objection {
  id: string;
  noticeId: string;
  channel: 'public' | 'cadre';
  content: string;
  status: 'open' | 'dismissed' | 'upheld';
  resolution: string | null;
  resolvedByName: string | null;
  createdAt: string;
}

export interface ProposalDetail extends Proposal {
  history: HistoryEntry[];
  objections: Objection[];
}

export interface Cycle {
  id: string;
  year: number;
  quarter: number;
  title: string;
  status: 'open' | 'closed';
  villageDeadline: string;
  townshipDeadline: string;
  countyDeadline: string;
  note: string | null;
  openedByName: string;
  openedAt: string;
  closedByName: string | null;
  closedAt: string | null;
  snapshotRows: number | null;
  version: number;
  counts?: Record<string, number>;
}

export interface NoticeRow {
  proposalNumber: string;
  village: string;
  headName: string;
  memberCount: number;
  reason: string;
  withdrawn?: boolean;
}

export interface Notice {
  id: string;
  kind: 'notice' | 'announcement';
  type: ProposalType;
  typeLabel?: string;
  regionCode?: string;
  regionName: string;
  title: string;
  body: { intro: string; rows: NoticeRow[]; objectionsTo: string };
  startsOn: string;
  endsOn: string;
  minDays: number;
  status: 'posted' | 'closed';
  open?: boolean;
  postedByName?: string;
  postedAt: string;
}

export interface SnapshotRow {
  code: string;
  households: number;
  people: number;
  byStatus: Record<string, { households: number; people: number }>;
  monitoredHouseholds: number;
}
