import type { Ctx } from '../../core/context.js';
import { assertCan } from '../access/policy.js';
import { scopedHousehold, today, type DbRow } from './common.js';
import { assemblePlan, type PlanView } from './plans.js';

/** 帮扶 on one household in one call, for the household page and the 明白卡. */

export interface AssistanceSummary {
  householdId: string;
  householdNumber: string;
  /** Active pairings: who helps this household now. */
  helpers: { pairingId: string; cadreId: string; name: string; unit: string; fromDate: string }[];
  /** The latest year's plan, without history. */
  currentPlan: PlanView | null;
  planYears: { id: string; year: number; status: string }[];
  latestAssessment: { id: string; period: string; checkedOn: string; secure: boolean; statuses: Record<string, string> } | null;
}

/** What the household page shows about 帮扶 in one call. */
export async function assistanceSummary(ctx: Ctx, householdId: string): Promise<AssistanceSummary> {
  assertCan(ctx.actor, 'assistance.read');
  return ctx.db.transaction(async (tx) => {
    const h = await scopedHousehold(ctx, tx, householdId);
    const helpers = await tx.query<DbRow>(
      `SELECT p.id, p.cadre_id, p.from_date, c.name, c.unit FROM pairings p JOIN cadres c ON c.id = p.cadre_id
        WHERE p.county_code = $1 AND p.household_id = $2 AND p.from_date <= $3 AND (p.to_date IS NULL OR p.to_date >= $3) ORDER BY p.from_date`,
      [h.countyCode, h.id, today()]);
    const plans = await tx.query<DbRow>('SELECT * FROM assistance_plans WHERE county_code = $1 AND household_id = $2 ORDER BY year DESC', [h.countyCode, h.id]);
    const a = (await tx.query<DbRow>('SELECT * FROM lianbuchou_assessments WHERE county_code = $1 AND household_id = $2 ORDER BY checked_on DESC, period DESC LIMIT 1', [h.countyCode, h.id]))[0];
    return {
      householdId: h.id,
      householdNumber: h.householdNumber,
      helpers: helpers.map((r) => ({ pairingId: r.id as string, cadreId: r.cadre_id as string, name: r.name as string, unit: r.unit as string, fromDate: r.from_date as string })),
      currentPlan: plans[0] ? await assemblePlan(tx, h, plans[0]) : null,
      planYears: plans.map((p) => ({ id: p.id as string, year: p.year as number, status: p.status as string })),
      latestAssessment: a ? {
        id: a.id as string, period: a.period as string, checkedOn: a.checked_on as string, secure: a.secure as boolean,
        statuses: {
          food: a.food_status as string, clothing: a.clothing_status as string, education: a.education_status as string,
          medical: a.medical_status as string, housing: a.housing_status as string, water: a.water_status as string,
        },
      } : null,
    };
  });
}
