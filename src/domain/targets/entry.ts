/**
 * Data entry for the targets the system cannot compute (issue 7 item 2), as DHIS2 data sets with
 * approval: a value per target × region × year is entered at the target's entry level, submitted,
 * approved by the county office, then by the city office. Once approved it is locked; the
 * approver (or the level above) may un-approve it with a reason. Pure: no I/O.
 */
import type { EntryLevel, PlanTarget } from './catalog.js';

export const ENTRY_STATUSES = ['draft', 'submitted', 'county_approved', 'approved'] as const;
export type EntryStatus = (typeof ENTRY_STATUSES)[number];

export const ENTRY_STATUS_LABELS: Record<EntryStatus, string> = {
  draft: '填报中',
  submitted: '已上报',
  county_approved: '县级已审核',
  approved: '市级已批准',
};

export const ENTRY_ACTIONS = ['save', 'submit', 'approve', 'unapprove'] as const;
export type EntryAction = (typeof ENTRY_ACTIONS)[number];

/** Who acts: a role and whether their scope is the county level (county office) or the city. */
export type ApproverLevel = 'county' | 'city';

const LEVEL_DIGITS: Record<EntryLevel, number> = { city: 4, county: 6, township: 9, village: 12 };

/** The level of a 12-digit code as an entry level; null for a province or the root. */
export function entryLevelOf(code12: string): EntryLevel | null {
  if (!/^\d{12}$/.test(code12)) return null;
  if (code12.endsWith('00000000')) return code12.slice(2, 4) === '00' ? null : 'city';
  if (code12.endsWith('000000')) return 'county';
  if (code12.endsWith('000')) return 'township';
  return 'village';
}

/**
 * Why a value cannot be entered for this target at this region, or null when it can: the target
 * must be a reported one, the region at the target's entry level and inside the target's region.
 */
export function entryRegionProblem(t: PlanTarget, region12: string): string | null {
  if (t.reach.kind !== 'reported') return `目标「${t.indicator}」由系统计算，不需填报`;
  const level = entryLevelOf(region12);
  if (level !== t.reach.entryLevel) return `目标「${t.indicator}」按${ENTRY_LEVEL_LABELS[t.reach.entryLevel]}级填报，区划 ${region12} 不是${ENTRY_LEVEL_LABELS[t.reach.entryLevel]}级`;
  const prefix = t.region.slice(0, LEVEL_DIGITS[entryLevelOf(t.region) ?? 'city']);
  if (!region12.startsWith(prefix)) return `区划 ${region12} 不在目标范围 ${t.region} 内`;
  return null;
}

export const ENTRY_LEVEL_LABELS: Record<EntryLevel, string> = { city: '市', county: '县', township: '乡镇', village: '村' };

/** Which years a value may be entered for: the target's window (its period, or its deadline year). */
export function entryYears(t: Pick<PlanTarget, 'year' | 'period'>): number[] {
  const m = t.period ? /^(\d{4})-(\d{4})$/.exec(t.period) : null;
  if (m) {
    const out: number[] = [];
    for (let y = Number(m[1]); y <= Number(m[2]); y++) out.push(y);
    return out;
  }
  return t.year === null ? [] : [t.year];
}

/** A value's own check against the plan (e.g. a village's collective income against 5万元). */
export function meetsPlan(t: Pick<PlanTarget, 'comparison' | 'planned' | 'relativeTo'>, value: number): boolean {
  if (t.relativeTo) return value > t.planned;
  if (t.comparison === 'atMost') return value <= t.planned;
  if (t.comparison === 'exactly') return value === t.planned;
  return value >= t.planned;
}

/** Range a value must lie in: shares are 0–100 %, counts and amounts are not negative. */
export function valueProblem(t: Pick<PlanTarget, 'unit' | 'relativeTo'>, value: number): string | null {
  if (!Number.isFinite(value)) return '数值应为有限数字';
  if (t.relativeTo) return null; // a margin over a benchmark may be negative
  if (value < 0) return '数值不能为负数';
  if (t.unit === '%' && value > 100) return '百分比不能超过 100';
  return null;
}

/**
 * The next status for an action by an actor at a level, or why it is refused.
 * - save: draft only (a new entry starts as draft); approved values are locked.
 * - submit: draft → submitted.
 * - approve: submitted → county_approved by the county office (an entry whose region is the city
 *   itself has no county: the city approves it straight to approved); county_approved → approved
 *   by the city office.
 * - unapprove: approved → county_approved by the city; county_approved → draft by the county or
 *   the city (the level above may undo a lower approval, as in DHIS2); submitted → draft by the
 *   county or city (returned for correction). A reason is required.
 */
export function transition(
  from: EntryStatus,
  action: Exclude<EntryAction, 'save'>,
  by: ApproverLevel | 'entry',
  regionLevel: EntryLevel,
): { to: EntryStatus } | { refused: string } {
  const cityOnly = regionLevel === 'city';
  switch (action) {
    case 'submit':
      return from === 'draft' ? { to: 'submitted' } : { refused: `当前状态为「${ENTRY_STATUS_LABELS[from]}」，不能上报` };
    case 'approve':
      if (from === 'submitted') {
        if (cityOnly) return by === 'city' ? { to: 'approved' } : { refused: '市级填报的数值由市级审批' };
        return by === 'county' ? { to: 'county_approved' } : { refused: '应先由县级审核' };
      }
      if (from === 'county_approved') return by === 'city' ? { to: 'approved' } : { refused: '县级已审核，待市级批准' };
      return { refused: `当前状态为「${ENTRY_STATUS_LABELS[from]}」，不能审批` };
    case 'unapprove':
      if (by === 'entry') return { refused: '只有审批人可以退回' };
      if (from === 'approved') return by === 'city' ? { to: cityOnly ? 'draft' : 'county_approved' } : { refused: '市级已批准，只能由市级退回' };
      if (from === 'county_approved' || from === 'submitted') return { to: 'draft' };
      return { refused: `当前状态为「${ENTRY_STATUS_LABELS[from]}」，无可退回的审批` };
  }
}

/**
 * What an aggregate region reaches from approved values entered below it:
 * - a per-unit target (每个贫困村 5万元) or a share, rate or cap: every region must meet it, so the
 *   weakest value counts (the minimum for atLeast/all, the maximum for atMost);
 * - a count built up over the window (people trained, villages supported): the sum.
 * A value entered at the target's own region wins over values below it. Null when none.
 */
export function aggregateReported(
  t: Pick<PlanTarget, 'region' | 'comparison' | 'progress' | 'per' | 'unit'>,
  values: readonly { region: string; value: number }[],
): number | null {
  const own = values.find((v) => v.region === t.region);
  if (own) return own.value;
  if (values.length === 0) return null;
  const nums = values.map((v) => v.value);
  const additive = t.per === undefined && t.unit !== '%' && t.progress === 'cumulative' && t.comparison !== 'all';
  if (additive) return Math.round(nums.reduce((a, b) => a + b, 0) * 1e6) / 1e6;
  return t.comparison === 'atMost' ? Math.max(...nums) : Math.min(...nums);
}
