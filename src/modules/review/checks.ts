import type { Ctx } from '../../core/context.js';
import type { Queryable } from '../../core/db.js';
import type { Proposal } from './proposals.js';

/**
 * What a county decision checks against the data before it may approve: an exit needs the
 * household exit check to pass for the cycle's year; a risk elimination needs its conditions.
 * The result is kept on the proposal as evidence. Other types: no computed check (null).
 */
export interface DecisionCheck {
  pass: boolean;
  reasons: string[];
  year: number;
  checkedAt: string;
}

export async function decisionChecks(_ctx: Ctx, _tx: Queryable, _p: Proposal, _year: number): Promise<DecisionCheck | null> {
  // Wired to the monitoring module's exit and risk-elimination checks when they land (issue 5 part B).
  return null;
}
