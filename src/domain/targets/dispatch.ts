/**
 * 调度 (seed 五(一)): 市级党政主要负责人一月一调度，县级一周一调度，乡镇党政主要负责人和村党支部
 * 书记、第一书记一天一调度. The cadence by level, the period a dispatch meeting falls in, which
 * periods of a window have none, and when a task is overdue. Pure: no I/O. Dates are UTC days
 * written 'YYYY-MM-DD'.
 */
import type { EntryLevel } from './catalog.js';

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
