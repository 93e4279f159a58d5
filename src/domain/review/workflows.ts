/**
 * The procedures of dynamic management (seed 三(七); DOMAIN.md "Lifecycle and procedures") as
 * ordered steps. A proposal moves through its type's steps one at a time; each step is signed by a
 * user of the role the step names, whose scope covers the household's village. Notice steps last
 * at least their minimum days and an objection sends the proposal back to re-check (the first
 * step). The county decision applies the change to the registry; the announcement closes the
 * proposal. Pure data and functions: the module (modules/review) enforces them against the database.
 */

export const PROPOSAL_TYPES = ['identify', 'exit', 'return', 'remove', 'monitor_enter', 'risk_eliminated'] as const;
export type ProposalType = (typeof PROPOSAL_TYPES)[number];

export const PROPOSAL_TYPE_LABELS: Record<ProposalType, string> = {
  identify: '贫困户识别（纳入）',
  exit: '贫困户退出（脱贫）',
  return: '返贫',
  remove: '剔除',
  monitor_enter: '纳入监测对象',
  risk_eliminated: '监测对象风险消除',
};

/** Who signs a step: the role at that level (a 帮扶责任人 may also record a home visit). */
export type SignerRole = 'village' | 'township' | 'county' | 'helper';

export type StepKind = 'sign' | 'notice' | 'decide' | 'announce';

export interface StepDef {
  key: string;
  label: string;
  kind: StepKind;
  roles: readonly SignerRole[];
  /** Notice steps: minimum days on display (calendar days, start day counted). */
  minDays?: number;
  /** What the signer must record with the step (checked: non-empty). */
  evidence?: readonly string[];
  /** Where the procedure comes from. */
  source: string;
}

const IDENTIFY_SRC = '两公示一公告（DOMAIN.md「Identification」；种子 三(七) 动态管理）';
const EXIT_SRC = '贫困户退出程序（DOMAIN.md「Household exit」）';
const MONITOR_SRC = '防止返贫监测九步流程（DOMAIN.md「Monitoring」）';
const DYN_SRC = '种子 三(七)：每季度动态调整，剔除不符合条件的、纳入遗漏的和返贫的';

/** Notices last at least 7 days; monitoring notices at least 5 (DOMAIN.md). */
export const NOTICE_MIN_DAYS = 7;
export const MONITOR_NOTICE_MIN_DAYS = 5;
/** From the first clue to the county decision: at most 15 days (DOMAIN.md "Monitoring"). */
export const MONITOR_DECISION_DAYS = 15;

const villageReview = (label: string, source: string, evidence: readonly string[] = ['民主评议记录']): StepDef =>
  ({ key: 'village_review', label, kind: 'sign', roles: ['village'], evidence, source });
const villageNotice = (minDays: number, source: string, label = '村内公示'): StepDef =>
  ({ key: 'village_notice', label, kind: 'notice', roles: ['village'], minDays, source });
const townshipReview: StepDef = { key: 'township_review', label: '乡镇审核', kind: 'sign', roles: ['township'], source: '乡镇审核' };
const countyDecision: StepDef = { key: 'county_decision', label: '县级审定', kind: 'decide', roles: ['county'], source: '县级扶贫部门审定' };
const announcement: StepDef = { key: 'announcement', label: '县级公告', kind: 'announce', roles: ['county'], minDays: NOTICE_MIN_DAYS, source: '公告' };

export const WORKFLOWS: Record<ProposalType, readonly StepDef[]> = {
  identify: [
    villageReview('村民主评议', IDENTIFY_SRC),
    villageNotice(NOTICE_MIN_DAYS, IDENTIFY_SRC, '村内第一次公示'),
    townshipReview,
    { key: 'township_notice', label: '乡镇第二次公示', kind: 'notice', roles: ['township'], minDays: NOTICE_MIN_DAYS, source: IDENTIFY_SRC },
    countyDecision,
    announcement,
  ],
  exit: [
    villageReview('村两委和驻村工作队核实、民主评议', EXIT_SRC, ['核实记录', '民主评议记录']),
    { key: 'household_consent', label: '贫困户签字认可', kind: 'sign', roles: ['village'], evidence: ['贫困户签字认可书'], source: EXIT_SRC },
    villageNotice(NOTICE_MIN_DAYS, EXIT_SRC),
    townshipReview,
    countyDecision,
    announcement,
  ],
  return: [villageReview('村民主评议', DYN_SRC), villageNotice(NOTICE_MIN_DAYS, DYN_SRC), townshipReview, countyDecision, announcement],
  remove: [villageReview('村民主评议（核实不符合条件的情况）', DYN_SRC, ['核实记录', '民主评议记录']), villageNotice(NOTICE_MIN_DAYS, DYN_SRC), townshipReview, countyDecision, announcement],
  monitor_enter: [
    { key: 'home_visit', label: '入户核实', kind: 'sign', roles: ['village', 'helper'], evidence: ['入户核实记录'], source: MONITOR_SRC },
    { key: 'authorisation', label: '农户书面授权', kind: 'sign', roles: ['village'], evidence: ['授权书'], source: MONITOR_SRC },
    { key: 'data_check', label: '信息比对核查', kind: 'sign', roles: ['township'], evidence: ['比对结果'], source: MONITOR_SRC },
    villageReview('村级民主评议', MONITOR_SRC),
    villageNotice(MONITOR_NOTICE_MIN_DAYS, MONITOR_SRC),
    townshipReview,
    { ...countyDecision, label: '县级审定（纳入监测）' },
  ],
  risk_eliminated: [
    { key: 'home_visit', label: '入户核实', kind: 'sign', roles: ['village', 'helper'], evidence: ['入户核实记录'], source: MONITOR_SRC },
    villageReview('村级民主评议', MONITOR_SRC),
    villageNotice(MONITOR_NOTICE_MIN_DAYS, MONITOR_SRC),
    townshipReview,
    { ...countyDecision, label: '县级审定（风险消除）' },
  ],
};

export function stepsOf(type: ProposalType): readonly StepDef[] {
  return WORKFLOWS[type];
}

export function stepAt(type: ProposalType, index: number): StepDef | undefined {
  return WORKFLOWS[type][index];
}

/** Whether the county decision has been taken once the proposal has passed step `index`. */
export function decisionIndex(type: ProposalType): number {
  return WORKFLOWS[type].findIndex((s) => s.kind === 'decide');
}

/** The registry status a household must have for each type (null: a new household). */
export const REQUIRED_STATUS: Record<ProposalType, readonly string[] | null> = {
  identify: null,
  exit: ['未脱贫', '返贫'],
  return: ['已脱贫'],
  remove: ['未脱贫', '已脱贫', '返贫'],
  monitor_enter: ['已脱贫', '未脱贫', '返贫'],
  risk_eliminated: ['已脱贫', '未脱贫', '返贫'],
};

export const MONITORING_CATEGORIES = ['脱贫不稳定户', '边缘易致贫户', '突发严重困难户'] as const;

/** Monitoring clue sources (DOMAIN.md "Monitoring"). */
export const CLUE_SOURCES = ['农户自主申报', '干部走访排查', '部门筛查预警', '信访举报', '平台数据分析'] as const;

/**
 * Days a notice has been on display by `today` (both 'YYYY-MM-DD'): the start day counts as the
 * first day, so a notice posted on the 1st has run 7 days at the end of the 7th and can close on
 * the 8th.
 */
export function daysShown(startsOn: string, today: string): number {
  const a = Date.parse(startsOn + 'T00:00:00Z');
  const b = Date.parse(today + 'T00:00:00Z');
  return Math.floor((b - a) / 86_400_000);
}

/** The earliest day a notice posted on `startsOn` may close. */
export function earliestClose(startsOn: string, minDays: number): string {
  return addDays(startsOn, minDays);
}

export function addDays(day: string, n: number): string {
  const d = new Date(Date.parse(day + 'T00:00:00Z') + n * 86_400_000);
  return d.toISOString().slice(0, 10);
}
