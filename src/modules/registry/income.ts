import type { Queryable } from '../../core/db.js';
import { fromFen, perCapitaNetIncome, toFen } from '../../domain/income.js';
import { refreshHouseholdFacts } from './list-facts.js';
import type { IncomeValues } from './validate.js';

/**
 * The one writer of household_incomes.per_capita_net. Every path that changes what per-capita
 * net income rests on comes through here:
 *  - the registry's form (createHousehold, updateHousehold): `writeDeclaredIncome`;
 *  - the registry's bulk import: `perCapitaNetSql`, the same formula as set-based SQL;
 *  - a member joining or leaving through the registry: `refreshHouseholdSize` (the current year);
 *  - assistance's 享受政策 ledger: `setLedgerIncome`, the household income its ledger adds.
 *
 * The rule: per_capita_net = (wage + business + property + transfer − business_cost
 * + ledger_income) ÷ household_size, rounded to the fen (domain/income.ts). The declared figures
 * and ledger_income are kept apart, so a registry edit of the declared income keeps what the
 * ledger adds, and a ledger change keeps the declared figures: neither overwrites the other.
 */

export interface IncomeYearRef {
  countyCode: string;
  householdId: string;
  year: number;
}

/**
 * The same rule as SQL, for set-based writers (the import): each argument is an SQL expression.
 * PostgreSQL's round() on numeric rounds half away from zero, as perCapitaNetIncome does.
 */
export function perCapitaNetSql(e: { wage: string; business: string; property: string; transfer: string; businessCost: string; ledger: string; size: string }): string {
  return `CASE WHEN ${e.size} > 0 THEN round((${e.wage} + ${e.business} + ${e.property} + ${e.transfer} - ${e.businessCost} + ${e.ledger}) / ${e.size}, 2) END`;
}

function perCapita(r: { wage: number; business: number; property: number; transfer: number; businessCost: number }, ledger: number, size: number): number | null {
  return perCapitaNetIncome({ wage: fromFen(toFen(r.wage) + toFen(ledger)), business: r.business, property: r.property, transfer: r.transfer, businessCost: r.businessCost }, size);
}

async function recompute(tx: Queryable, ref: IncomeYearRef): Promise<{ householdSize: number; ledgerIncome: number; perCapitaNet: number | null } | null> {
  const row = (await tx.query<Record<string, unknown>>(
    'SELECT wage, business, property, transfer, business_cost, ledger_income, household_size FROM household_incomes WHERE county_code = $1 AND household_id = $2 AND year = $3 FOR UPDATE',
    [ref.countyCode, ref.householdId, ref.year],
  ))[0];
  if (!row) return null;
  const n = (v: unknown) => Number(v ?? 0);
  const size = row.household_size as number;
  const ledger = n(row.ledger_income);
  const pc = perCapita({ wage: n(row.wage), business: n(row.business), property: n(row.property), transfer: n(row.transfer), businessCost: n(row.business_cost) }, ledger, size);
  await tx.execute('UPDATE household_incomes SET per_capita_net = $4, updated_at = now() WHERE county_code = $1 AND household_id = $2 AND year = $3', [ref.countyCode, ref.householdId, ref.year, pc]);
  // The household list shows the latest year's figure from households (list-facts.ts): keep it in step.
  await refreshHouseholdFacts(tx, ref.countyCode, [ref.householdId]);
  return { householdSize: size, ledgerIncome: ledger, perCapitaNet: pc };
}

/**
 * The registry's declared figures of a year (insert or replace), keeping what a ledger adds;
 * returns the stored per-capita net.
 */
export async function writeDeclaredIncome(tx: Queryable, county: string, householdId: string, inc: IncomeValues, size: number): Promise<number | null> {
  await tx.execute(
    `INSERT INTO household_incomes (county_code, household_id, year, wage, business, property, transfer, business_cost,
        public_welfare_wage, dividend, dibao, tekun, pension, eco_comp, other_transfer, household_size, updated_at)
     VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16, now())
     ON CONFLICT (county_code, household_id, year) DO UPDATE SET
       wage = EXCLUDED.wage, business = EXCLUDED.business, property = EXCLUDED.property, transfer = EXCLUDED.transfer,
       business_cost = EXCLUDED.business_cost, public_welfare_wage = EXCLUDED.public_welfare_wage, dividend = EXCLUDED.dividend,
       dibao = EXCLUDED.dibao, tekun = EXCLUDED.tekun, pension = EXCLUDED.pension, eco_comp = EXCLUDED.eco_comp,
       other_transfer = EXCLUDED.other_transfer, household_size = EXCLUDED.household_size, updated_at = now()`,
    [county, householdId, inc.year, inc.wage, inc.business, inc.property, inc.transfer, inc.businessCost, inc.publicWelfareWage,
      inc.dividend, inc.dibao, inc.tekun, inc.pension, inc.ecoComp, inc.otherTransfer, size],
  );
  return (await recompute(tx, { countyCode: county, householdId, year: inc.year }))?.perCapitaNet ?? null;
}

/**
 * What another module's ledger adds to a year's household income (assistance's 享受政策). When the
 * year has no row and the ledger adds income, a row with zero declared figures and `sizeIfNew`
 * people is created, so the year has a per-capita figure. Returns null when there is no row and
 * nothing to add; else whether the row was created, and the before/after per-capita net.
 */
export async function setLedgerIncome(
  tx: Queryable, ref: IncomeYearRef, ledgerIncome: number, sizeIfNew: number,
): Promise<{ created: boolean; before: number | null; perCapitaNet: number | null; householdSize: number } | null> {
  const existing = (await tx.query<{ per_capita_net: number | null }>(
    'SELECT per_capita_net FROM household_incomes WHERE county_code = $1 AND household_id = $2 AND year = $3 FOR UPDATE',
    [ref.countyCode, ref.householdId, ref.year],
  ))[0];
  if (!existing) {
    if (!(ledgerIncome > 0)) return null;
    await tx.execute(
      `INSERT INTO household_incomes (county_code, household_id, year, wage, business, property, transfer, business_cost, household_size, ledger_income)
       VALUES ($1,$2,$3,0,0,0,0,0,$4,$5)`, [ref.countyCode, ref.householdId, ref.year, sizeIfNew, ledgerIncome]);
  } else {
    await tx.execute('UPDATE household_incomes SET ledger_income = $4 WHERE county_code = $1 AND household_id = $2 AND year = $3', [ref.countyCode, ref.householdId, ref.year, ledgerIncome]);
  }
  const r = (await recompute(tx, ref))!;
  const before = existing ? (existing.per_capita_net === null ? null : Number(existing.per_capita_net)) : null;
  return { created: !existing, before, perCapitaNet: r.perCapitaNet, householdSize: r.householdSize };
}

/**
 * A member joined or left through the registry: the current year's income row (when there is
 * one) takes the new number of members and its per-capita net follows. Earlier years keep the
 * size they were entered with. Returns the change, or null when the year has no row or its size
 * is already right.
 */
export async function refreshHouseholdSize(
  tx: Queryable, county: string, householdId: string, year: number,
): Promise<{ before: { year: number; householdSize: number; perCapitaNet: number | null }; after: { year: number; householdSize: number; perCapitaNet: number | null } } | null> {
  const row = (await tx.query<{ household_size: number; per_capita_net: number | null }>(
    'SELECT household_size, per_capita_net FROM household_incomes WHERE county_code = $1 AND household_id = $2 AND year = $3 FOR UPDATE', [county, householdId, year]))[0];
  if (!row) return null;
  const n = (await tx.query<{ n: number }>('SELECT count(*)::int AS n FROM members WHERE county_code = $1 AND household_id = $2 AND left_at IS NULL', [county, householdId]))[0]?.n ?? 0;
  if (n === row.household_size) return null;
  await tx.execute('UPDATE household_incomes SET household_size = $4 WHERE county_code = $1 AND household_id = $2 AND year = $3', [county, householdId, year, n]);
  const r = (await recompute(tx, { countyCode: county, householdId, year }))!;
  return {
    before: { year, householdSize: row.household_size, perCapitaNet: row.per_capita_net === null ? null : Number(row.per_capita_net) },
    after: { year, householdSize: r.householdSize, perCapitaNet: r.perCapitaNet },
  };
}
