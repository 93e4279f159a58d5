/**
 * 调度 (seed 五(一)): 市级党政主要负责人一月一调度，县级一周一调度，乡镇党政主要负责人和村党支部
 * 书记、第一书记一天一调度. The cadence by level, the period a dispatch meeting falls in, which
 * periods of a window have none, and when a task is overdue. Pure: no I/O. Dates are UTC days
 * written 'YYYY-MM-DD'.
 */
import type { EntryLevel } from './catalog.js';
import { chinaDayStart } from '../dates.js';

export type Cadence = 'monthly' | 'weekly' | 'daily';

export const DISPATCH_CADENCE: Record<EntryLevel, Cadence> = {
  city: 'monthly',
  county: 'weekly',
  township: 'daily',
  village: 'daily',
};

export const CADENCE_LABELS: Record<Cadence, string> = { monthly: '一月一调度', weekly: '一周一调度', daily: '一天一调度' };

const DAY = 86_400_000;

export function parseDay(s: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  if (!m) throw new RangeError(`日期应为 YYYY-MM-DD，实际为「${s}」`);
  const ms = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  if (new Date(ms).toISOString().slice(0, 10) !== s) throw new RangeError(`不是有效日期：「${s}」`);
  return ms;
}

/** ISO 8601 week: 'YYYY-Www' (weeks start on Monday; week 1 holds the year's first Thursday). */
function isoWeek(ms: number): string {
  const d = new Date(ms);
  const dow = (d.getUTCDay() + 6) % 7; // Monday 0
  const thursday = ms + (3 - dow) * DAY;
  const y = new Date(thursday).getUTCFullYear();
  const week = Math.floor((thursday - Date.UTC(y, 0, 1)) / (7 * DAY)) + 1;
  return `${y}-W${String(week).padStart(2, '0')}`;
}

/** The period a dispatch held on `day` counts for: '2019-03', '2019-W10' or '2019-03-05'. */
export function periodOf(cadence: Cadence, day: string): string {
  const ms = parseDay(day);
  if (cadence === 'monthly') return day.slice(0, 7);
  if (cadence === 'weekly') return isoWeek(ms);
  return day;
}

/** Every period of the cadence that overlaps [from, to], in order. */
export function periodsBetween(cadence: Cadence, from: string, to: string): string[] {
  const a = parseDay(from);
  const b = parseDay(to);
  const out: string[] = [];
  for (let ms = a; ms <= b; ms += DAY) {
    const p = periodOf(cadence, new Date(ms).toISOString().slice(0, 10));
    if (out[out.length - 1] !== p) out.push(p);
  }
  return out;
}

/**
 * The periods in [from, to] with no dispatch held. The period containing `today` is still open
 * and is not counted missing (it may yet be held); periods after today are not due.
 */
export function missingPeriods(cadence: Cadence, heldOn: readonly string[], from: string, to: string, today: string): string[] {
  const held = new Set(heldOn.map((d) => periodOf(cadence, d)));
  const current = periodOf(cadence, today);
  const end = parseDay(to) < parseDay(today) ? to : today;
  if (parseDay(end) < parseDay(from)) return [];
  return periodsBetween(cadence, from, end).filter((p) => p !== current && !held.has(p));
}

/** A task is overdue when it is not done and its deadline day has passed. */
export function isOverdue(task: { deadline: string; doneOn: string | null }, today: string): boolean {
  return task.doneOn === null && parseDay(task.deadline) < parseDay(today);
}

/** Whole days an open task is past its deadline (1 the day after the deadline); 0 when not overdue. */
export function daysOverdue(task: { deadline: string; doneOn: string | null }, today: string): number {
  return isOverdue(task, today) ? Math.round((parseDay(today) - parseDay(task.deadline)) / DAY) : 0;
}

const iso = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** The first day of the period containing `day` (the 1st of the month, the Monday, the day itself). */
export function periodStart(cadence: Cadence, day: string): string {
  const ms = parseDay(day);
  if (cadence === 'monthly') return day.slice(0, 8) + '01';
  if (cadence === 'weekly') return iso(ms - ((new Date(ms).getUTCDay() + 6) % 7) * DAY);
  return day;
}

/** The last day of the period containing `day` (the month's last day, the Sunday, the day itself). */
export function periodEnd(cadence: Cadence, day: string): string {
  const ms = parseDay(day);
  if (cadence === 'monthly') {
    const d = new Date(ms);
    return iso(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 0));
  }
  if (cadence === 'weekly') return iso(parseDay(periodStart('weekly', day)) + 6 * DAY);
  return day;
}

/**
 * The last day of the last closed period on `today`: the day before the period that holds today
 * starts. A period still open may yet get its meeting, so it is never counted as missed.
 */
export function closedUntil(cadence: Cadence, today: string): string {
  return iso(parseDay(periodStart(cadence, today)) - DAY);
}

/**
 * A meeting record is on time when it is entered by the end of the day after its period ends
 * (days in Lanzhou, UTC+8: the period arithmetic here is on calendar dates): a village's evening meeting entered the next morning still
 * counts. Entered later, it is a late record (补录): the meeting counts as held, the record as late.
 * The seed sets the cadence only; this day of grace is the system's rule, changed here.
 */
export const REPORT_GRACE_DAYS = 1;

export function recordedOnTime(cadence: Cadence, heldOn: string, recordedAt: Date | string): boolean {
  const deadline = chinaDayStart(periodEnd(cadence, heldOn)) + (1 + REPORT_GRACE_DAYS) * DAY;
  const at = typeof recordedAt === 'string' ? Date.parse(recordedAt) : recordedAt.getTime();
  return at < deadline;
}

/** Cadence compliance of one level over closed periods: what is owed, held, on time, missing. */
export interface Compliance {
  units: number;
  periods: number;
  /** units × periods: the meetings the seed asks for. */
  expected: number;
  held: number;
  onTime: number;
  late: number;
  missing: number;
  /** held on time ÷ expected, a fraction; null when nothing is owed. */
  onTimeShare: number | null;
  /** held ÷ expected; null when nothing is owed. */
  heldShare: number | null;
}

export function compliance(units: number, periods: number, held: number, onTime: number): Compliance {
  const expected = units * periods;
  const share = (n: number) => (expected > 0 ? Math.round((n / expected) * 1e6) / 1e6 : null);
  return { units, periods, expected, held, onTime, late: held - onTime, missing: expected - held, onTimeShare: share(onTime), heldShare: share(held) };
}
