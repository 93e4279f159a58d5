import type { Ctx } from '../../core/context.js';
import type { Queryable } from '../../core/db.js';
import { checkHouseholdExit } from '../monitoring/exit.js';
import { checkRiskElimination } from '../monitoring/service.js';
import type { Proposal } from './proposals.js';

/**
 * What a county decision checks against the data before it may approve: an exit needs the
 * household exit check (monitoring/exit.ts: income above that year's line, 两不愁三保障 and water,
 * the Gansu blocking conditions) to pass for the cycle's year; a risk elimination needs its
 * conditions (monitoring/service.ts). The result is kept on the proposal as evidence. A year
 * without a standard is an error that names the missing standard, never a guess.
 */
export interface DecisionCheck {
  pass: boolean;
  reasons: string[];
  year: number;
  checkedAt: string;
}

export async function decisionChecks(_ctx: Ctx, tx: Queryable, p: Proposal, year: number): Promise<DecisionCheck | null> {
  const checkedAt = new Date().toISOString();
  if (p.type === 'exit') {
    const r = await checkHouseholdExit(tx, p.householdId!, year);
    return { pass: r.pass, reasons: r.reasons, year, checkedAt };
  }
  if (p.type === 'risk_eliminated') {
    const r = await checkRiskElimination(tx, p.householdId!, year);
    return { pass: r.eliminable, reasons: r.reasons, year, checkedAt };
  }
  return null;
}
