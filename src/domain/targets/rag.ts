/**
 * Red-amber-green status of a plan target against what has been reached. Pure.
 *
 * The rule:
 * 1. `unknown` when nothing is reached yet (null, undefined, NaN), when the target has no
 *    window (no year and no period), or when `asOf` is before the window opens.
 * 2. The window is the target's `period` ('2018-2020' → 2018-01-01 up to 2021-01-01) or else its
 *    deadline `year` (the whole calendar year). Dates are UTC days.
 * 3. The expected value at `asOf`:
 *    - progress 'cumulative': the plan pro-rated by the share of the window elapsed
 *      (planned × elapsed, elapsed from 0 at the start to 1 at the end);
 *    - 'level' and 'milestone': the full plan.
 * 4. atLeast and all (all is atLeast 100 %):
 *    green when reached ≥ expected (≥ 90 % of it when the seed says 左右, `approximate`),
 *    amber when reached ≥ 80 % of expected, red otherwise.
 *    A 'milestone' not yet met before its deadline is amber (pending), never red; after the
 *    deadline it is judged as above.
 * 5. atMost (caps are never pro-rated): green when reached ≤ planned, amber when reached ≤ 120 %
 *    of planned (planned > 0; with planned 0 any excess is red), red otherwise.
 * 6. exactly: green within the tolerance (0, or 10 % when approximate) of expected, amber within
 *    20 %, red otherwise.
 * 7. relativeTo (the seed's 高于全省平均水平): `reached` is the margin over the benchmark; green
 *    when reached > planned, amber when equal, red when below.
 */
import type { Comparison, PlanTarget, Progress } from './catalog.js';
import { parsePeriod } from './catalog.js';

export type RagStatus = 'green' | 'amber' | 'red' | 'unknown';

export const RAG_RULE = {
  /** atLeast: amber from this share of the expected value. */
  amberShare: 0.8,
  /** atMost: amber up to this multiple of the cap. */
  atMostAmberMultiple: 1.2,
  /** 左右: green from (1 − this) of the expected value. */
  approximateTolerance: 0.1,
  /** exactly: amber within this share of the expected value. */
  exactlyAmberTolerance: 0.2,
} as const;

/** What rag needs of a target. */
export type RagTarget = Pick<PlanTarget, 'planned' | 'year'> & {
  comparison: Comparison;
  progress: Progress;
  period?: string;
  approximate?: boolean;
  relativeTo?: string;
};

const DAY_MS = 86_400_000;
const EPS = 1e-9;

/** The window [start, end) of a target in UTC milliseconds; null when it has neither period nor year. */
export function targetWindow(t: Pick<RagTarget, 'year' | 'period'>): { start: number; end: number } | null {
  const span = parsePeriod(t.period);
  if (span !== null) return { start: Date.UTC(span.from, 0, 1), end: Date.UTC(span.to + 1, 0, 1) };
  if (t.period !== undefined) return null;
  if (t.year === null || !Number.isInteger(t.year)) return null;
  return { start: Date.UTC(t.year, 0, 1), end: Date.UTC(t.year + 1, 0, 1) };
}

/** A Date, or a 'YYYY-MM-DD' string read as that UTC day (the whole day counts as elapsed). */
function asOfMillis(asOf: Date | string): number {
  if (asOf instanceof Date) {
    const ms = asOf.getTime();
    if (Number.isNaN(ms)) throw new RangeError('asOf is an invalid Date');
    return ms;
  }
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(asOf);
  if (!m) throw new RangeError(`asOf must be YYYY-MM-DD, got "${asOf}"`);
  const y = Number(m[1]);
  const mo = Number(m[2]);
  const d = Number(m[3]);
  const ms = Date.UTC(y, mo - 1, d);
  const back = new Date(ms);
  if (back.getUTCFullYear() !== y || back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d) {
    throw new RangeError(`asOf is not a calendar date: "${asOf}"`);
  }
  return ms + DAY_MS;
}

/** Share of the window elapsed at `asOf`, in [0, 1]; null before the window opens or without one. */
export function elapsedShare(t: Pick<RagTarget, 'year' | 'period'>, asOf: Date | string): number | null {
  const w = targetWindow(t);
  if (w === null) return null;
  const now = asOfMillis(asOf);
  if (now <= w.start) return null;
  return Math.min(1, (now - w.start) / (w.end - w.start));
}

/** The value expected by `asOf` (see the rule above); null when it is not yet due or has no window. */
export function expectedAt(t: RagTarget, asOf: Date | string): number | null {
  const share = elapsedShare(t, asOf);
  if (share === null) return null;
  if (t.progress === 'cumulative' && t.comparison !== 'atMost') return t.planned * share;
  return t.planned;
}

function isPastDeadline(t: RagTarget, asOf: Date | string): boolean {
  const w = targetWindow(t);
  return w !== null && asOfMillis(asOf) >= w.end;
}

export function status(t: RagTarget, reached: number | null | undefined, asOf: Date | string): RagStatus {
  const expected = expectedAt(t, asOf);
  if (reached === null || reached === undefined || Number.isNaN(reached) || expected === null) return 'unknown';

  if (t.relativeTo !== undefined) {
    if (reached > t.planned + EPS) return 'green';
    if (Math.abs(reached - t.planned) <= EPS) return 'amber';
    return 'red';
  }

  switch (t.comparison) {
    case 'atMost': {
      if (reached <= t.planned + EPS) return 'green';
      if (t.planned > 0 && reached <= t.planned * RAG_RULE.atMostAmberMultiple + EPS) return 'amber';
      return 'red';
    }
    case 'exactly': {
      const diff = Math.abs(reached - expected);
      const tolerance = t.approximate ? RAG_RULE.approximateTolerance : 0;
      if (diff <= expected * tolerance + EPS) return 'green';
      if (t.progress === 'milestone' && !isPastDeadline(t, asOf)) return 'amber';
      if (diff <= expected * RAG_RULE.exactlyAmberTolerance + EPS) return 'amber';
      return 'red';
    }
    case 'atLeast':
    case 'all': {
      const greenFrom = expected * (t.approximate ? 1 - RAG_RULE.approximateTolerance : 1);
      if (reached >= greenFrom - EPS) return 'green';
      if (t.progress === 'milestone' && !isPastDeadline(t, asOf)) return 'amber';
      if (reached >= expected * RAG_RULE.amberShare - EPS) return 'amber';
      return 'red';
    }
  }
}
