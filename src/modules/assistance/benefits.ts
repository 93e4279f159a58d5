import { audit } from '../../core/audit.js';
import type { Ctx } from '../../core/context.js';
import type { Queryable } from '../../core/db.js';
import { ConflictError, NotFoundError } from '../../core/errors.js';
import { newId } from '../../core/ids.js';
import { fromFen, MAX_AMOUNT, perCapitaNetIncome, toFen, type IncomeYear } from '../../domain/income.js';
import { BENEFIT_TYPES, incomeLineOf, measure } from '../../domain/policy/index.js';
import { assertCan } from '../access/policy.js';
import {
  assertMemberOf, assertVersion, assertWritable, changed, dateField, invalid, iso, recordAssistanceEvent, scopedHousehold, UUID,
  type DbRow, type HouseholdRef,
} from './common.js';
import { setLedgerIncome } from '../registry/income.js';
import { assertPlanMeasureCode } from './plans.js';

/**
 * 享受政策: the ledger of what a household or member received (measure, amount, date, department,
 * income year), and how it feeds the year's income.
 *
 * The income rule (documented here and in the API):
 *  - household_incomes keeps the figures declared in the registry (workbook or form) untouched:
 *    wage, business, property, transfer, business cost, household size.
 *  - Each benefit of the year that is household income (the catalog's incomeLineOf(code): wage,
 *    business, property or transfer, with the "of which" item) is summed by line into
 *    income_benefit_totals — unless it is marked `includedInDeclared` (the same money was already
 *    typed into the declared income), which lists it without adding it: no double count.
 *  - Benefits that are not household income (代缴, 报销, services, loans, infrastructure) are
 *    summed as `notIncome` and never enter per-capita income.
 *  - household_incomes.per_capita_net is rewritten to
 *      (declared wage + business + property + transfer − business cost + ledger income lines) ÷ size
 *    and income_benefit_totals keeps both figures (declared only, and with the ledger).
 *  - Every ledger write recomputes its year(s) in the same transaction and hands the ledger's
 *    household income to the registry (setLedgerIncome, registry/income.ts), the one writer of
 *    per_capita_net. The registry keeps it apart from the declared figures, so a later edit of the
 *    declared income, an import or a member joining or leaving recomputes with the ledger still
 *    counted; `stale` reports only a ledger that was never handed over (rows from before this rule).
 *  - When the year has no declared income row and the ledger adds income, the registry creates a
 *    row with zero declared figures and the current member count, so per-capita income exists.
 */

export interface BenefitInput {
  memberId?: string | null;
  measureCode: string;
  amount: number;
  paidOn: string;
  year?: number;
  department: string;
  note?: string | null;
  includedInDeclared?: boolean;
}

export interface BenefitView {
  id: string;
  householdId: string;
  memberId: string | null;
  memberName: string | null;
  measureCode: string;
  measureTitle: string | null;
  clause: string | null;
  incomeLine: string | null;
  incomeItem: string | null;
  incomeLineLabel: string;
  amount: number;
  paidOn: string;
  year: number;
  department: string;
  note: string | null;
  includedInDeclared: boolean;
  voidedAt: string | null;
  voidReason: string | null;
  version: number;
}

type Lines = Required<Pick<IncomeYear, 'wage' | 'business' | 'property' | 'transfer'>> &
  Required<Pick<IncomeYear, 'publicWelfareWage' | 'dividend' | 'dibao' | 'tekun' | 'pension' | 'ecoComp' | 'otherTransfer'>>;

export interface IncomeBreakdown {
  year: number;
  householdSize: number;
  /** The registry's declared figures (null when the year has none). */
  declared: (IncomeYear & { perCapitaNet: number | null }) | null;
  /** What the ledger adds, by line and "of which" item. */
  benefits: Lines;
  notIncome: number;
  alreadyDeclared: number;
  /** Declared + ledger. */
  combined: IncomeYear;
  perCapitaNet: number | null;
  /** household_incomes.per_capita_net differs from perCapitaNet (the declared income changed since). */
  stale: boolean;
  rule: string;
}

export const INCOME_RULE =
  '人均纯收入 =（填报的工资性、生产经营性、财产性、转移性收入 − 生产经营性支出 + 享受政策台账中属于家庭收入的金额）÷ 家庭人口；台账中标记“已计入填报收入”的金额只登记、不重复计入；代缴、报销、服务、信贷等不计入家庭收入。';

const LINE_KEYS = ['wage', 'business', 'property', 'transfer'] as const;
const ITEM_KEYS = ['publicWelfareWage', 'dividend', 'dibao', 'tekun', 'pension', 'ecoComp', 'otherTransfer'] as const;
const ITEM_COLUMNS: Record<(typeof ITEM_KEYS)[number], string> = {
  publicWelfareWage: 'public_welfare_wage', dividend: 'dividend', dibao: 'dibao', tekun: 'tekun', pension: 'pension', ecoComp: 'eco_comp', otherTransfer: 'other_transfer',
};

function benefitView(r: DbRow): BenefitView {
  const code = r.measure_code as string;
  const m = measure(code);
  const line = incomeLineOf(code);
  return {
    id: r.id as string, householdId: r.household_id as string, memberId: (r.member_id as string) ?? null, memberName: (r.member_name as string) ?? null,
    measureCode: code, measureTitle: m?.title ?? null, clause: m?.clause ?? null, incomeLine: line?.line ?? null, incomeItem: line?.item ?? null,
    incomeLineLabel: m ? BENEFIT_TYPES[m.benefitType].label : '', amount: Number(r.amount), paidOn: r.paid_on as string, year: r.year as number,
    department: r.department as string, note: (r.note as string) ?? null, includedInDeclared: r.included_in_declared as boolean,
    voidedAt: iso(r.voided_at), voidReason: (r.void_reason as string) ?? null, version: r.version as number,
  };
}

const BENEFIT_SELECT = `SELECT b.*, m.name AS member_name FROM benefits b LEFT JOIN members m ON m.county_code = b.county_code AND m.id = b.member_id`;

/** The ledger's totals for a year, and the per-capita figures, without writing. */
async function computeBreakdown(tx: Queryable, h: HouseholdRef, year: number): Promise<{ b: IncomeBreakdown; incomeRow: DbRow | undefined; size: number }> {
  const ledger = await tx.query<DbRow>('SELECT measure_code, amount, included_in_declared FROM benefits WHERE county_code = $1 AND household_id = $2 AND year = $3 AND voided_at IS NULL', [h.countyCode, h.id, year]);
  const fen: Record<keyof Lines, number> = { wage: 0, business: 0, property: 0, transfer: 0, publicWelfareWage: 0, dividend: 0, dibao: 0, tekun: 0, pension: 0, ecoComp: 0, otherTransfer: 0 };
  let notIncomeFen = 0;
  let declaredFen = 0;
  for (const r of ledger) {
    const a = toFen(Number(r.amount));
    if (r.included_in_declared) { declaredFen += a; continue; }
    const line = incomeLineOf(r.measure_code as string);
    if (!line) { notIncomeFen += a; continue; }
    fen[line.line] += a;
    if (line.item) fen[line.item] += a;
  }
  const benefits = Object.fromEntries(Object.entries(fen).map(([k, v]) => [k, fromFen(v)])) as Lines;
  const incomeRow = (await tx.query<DbRow>('SELECT * FROM household_incomes WHERE county_code = $1 AND household_id = $2 AND year = $3', [h.countyCode, h.id, year]))[0];
  const size = incomeRow
    ? (incomeRow.household_size as number)
    : ((await tx.query<{ n: number }>('SELECT count(*)::int AS n FROM members WHERE county_code = $1 AND household_id = $2 AND left_at IS NULL', [h.countyCode, h.id]))[0]?.n ?? 0);
  const num = (v: unknown) => (v === null || v === undefined ? 0 : Number(v));
  const declared: IncomeYear | null = incomeRow ? {
    wage: num(incomeRow.wage), business: num(incomeRow.business), property: num(incomeRow.property), transfer: num(incomeRow.transfer), businessCost: num(incomeRow.business_cost),
    publicWelfareWage: num(incomeRow.public_welfare_wage), dividend: num(incomeRow.dividend), dibao: num(incomeRow.dibao), tekun: num(incomeRow.tekun),
    pension: num(incomeRow.pension), ecoComp: num(incomeRow.eco_comp), otherTransfer: num(incomeRow.other_transfer),
  } : null;
  const base: IncomeYear = declared ?? { wage: 0, business: 0, property: 0, transfer: 0, businessCost: 0 };
  const combined: IncomeYear = { ...base };
  for (const k of LINE_KEYS) combined[k] = fromFen(toFen(base[k]) + fen[k]);
  for (const k of ITEM_KEYS) combined[k] = fromFen(toFen(base[k] ?? 0) + fen[k]);
  const perCapitaNet = perCapitaNetIncome(combined, size);
  const stored = incomeRow ? ((incomeRow.per_capita_net as number | null) ?? null) : null;
  return {
    incomeRow, size,
    b: {
      year, householdSize: size, declared: declared ? { ...declared, perCapitaNet: perCapitaNetIncome(declared, size) } : null, benefits,
      notIncome: fromFen(notIncomeFen), alreadyDeclared: fromFen(declaredFen), combined, perCapitaNet,
      stale: incomeRow !== undefined && (stored === null ? perCapitaNet !== null : perCapitaNet === null || toFen(stored) !== toFen(perCapitaNet)),
      rule: INCOME_RULE,
    },
  };
}

/**
 * Recomputes one income year from the declared figures and the ledger (see the rule above):
 * writes income_benefit_totals and household_incomes.per_capita_net, in the caller's transaction.
 */
export async function recomputeIncomeTx(tx: Queryable, ctx: Ctx, h: HouseholdRef, year: number): Promise<IncomeBreakdown> {
  const { b, size } = await computeBreakdown(tx, h, year);
  // The registry writes per_capita_net (registry/income.ts, its one writer); the ledger tells it
  // how much household income it adds to the declared figures.
  const ledgerIncome = fromFen(LINE_KEYS.reduce((sum, k) => sum + toFen(b.benefits[k]), 0));
  const w = await setLedgerIncome(tx, { countyCode: h.countyCode, householdId: h.id, year }, ledgerIncome, size);
  if (w?.created) {
    await recordAssistanceEvent(tx, ctx, { countyCode: h.countyCode, householdId: h.id, entity: 'income', entityId: h.id, action: 'create_from_ledger', after: { year, householdSize: w.householdSize, perCapitaNet: w.perCapitaNet } });
  } else if (w && (w.before === null ? w.perCapitaNet !== null : w.perCapitaNet === null || toFen(w.before) !== toFen(w.perCapitaNet))) {
    await recordAssistanceEvent(tx, ctx, { countyCode: h.countyCode, householdId: h.id, entity: 'income', entityId: h.id, action: 'recompute', before: { year, perCapitaNet: w.before }, after: { year, perCapitaNet: w.perCapitaNet } });
  }
  const declaredPc = b.declared?.perCapitaNet ?? null;
  const cols = [...LINE_KEYS, ...ITEM_KEYS];
  const colNames = cols.map((k) => (k in ITEM_COLUMNS ? ITEM_COLUMNS[k as keyof typeof ITEM_COLUMNS] : k));
  const values = cols.map((k) => b.benefits[k]);
  const n = values.length;
  await tx.execute(
    `INSERT INTO income_benefit_totals (county_code, household_id, year, ${colNames.join(', ')}, not_income, already_declared, household_size, declared_per_capita_net, per_capita_net, computed_at)
     VALUES ($1,$2,$3,${values.map((_, i) => `$${i + 4}`).join(',')},$${n + 4},$${n + 5},$${n + 6},$${n + 7},$${n + 8},now())
     ON CONFLICT (county_code, household_id, year) DO UPDATE SET ${colNames.map((c) => `${c} = EXCLUDED.${c}`).join(', ')},
       not_income = EXCLUDED.not_income, already_declared = EXCLUDED.already_declared, household_size = EXCLUDED.household_size,
       declared_per_capita_net = EXCLUDED.declared_per_capita_net, per_capita_net = EXCLUDED.per_capita_net, computed_at = now()`,
    [h.countyCode, h.id, year, ...values, b.notIncome, b.alreadyDeclared, size, declaredPc, b.perCapitaNet],
  );
  return { ...b, stale: false };
}

function validateBenefit(input: BenefitInput): { paidOn: string; year: number } {
  assertPlanMeasureCode(input.measureCode);
  if (typeof input.amount !== 'number' || !Number.isFinite(input.amount) || input.amount <= 0 || input.amount > MAX_AMOUNT) invalid('amount', input.amount, 'AMOUNT', '金额应大于 0、不超过 1 亿元');
  if (Math.abs(toFen(input.amount) - input.amount * 100) > 1e-6) invalid('amount', input.amount, 'AMOUNT', '金额最多保留两位小数');
  const paidOn = dateField('paidOn', input.paidOn);
  const year = input.year ?? Number(paidOn.slice(0, 4));
  if (!Number.isInteger(year) || year < 2014 || year > 2100) invalid('year', year, 'YEAR', '收入年度应为 2014 至 2100 之间的 4 位年份');
  if (!input.department?.trim()) invalid('department', input.department, 'REQUIRED', '发放部门不能为空');
  if (input.department.length > 100) invalid('department', '', 'TOO_LONG', '发放部门不能超过 100 个字符');
  if (input.note && input.note.length > 1000) invalid('note', '', 'TOO_LONG', '备注不能超过 1000 个字符');
  return { paidOn, year };
}

export async function listBenefits(ctx: Ctx, householdId: string, q: { year?: number } = {}): Promise<{ items: BenefitView[]; incomes: IncomeBreakdown[]; rule: string }> {
  assertCan(ctx.actor, 'assistance.read');
  return ctx.db.transaction(async (tx) => {
    const h = await scopedHousehold(ctx, tx, householdId);
    const params: unknown[] = [h.countyCode, h.id];
    if (q.year !== undefined) params.push(q.year);
    const rows = await tx.query<DbRow>(`${BENEFIT_SELECT} WHERE b.county_code = $1 AND b.household_id = $2 ${q.year !== undefined ? 'AND b.year = $3' : ''} ORDER BY b.paid_on DESC, b.id`, params);
    const years = q.year !== undefined ? [q.year] : [...new Set(rows.map((r) => r.year as number))].sort((a, b) => b - a);
    const incomes: IncomeBreakdown[] = [];
    for (const y of years) incomes.push((await computeBreakdown(tx, h, y)).b);
    return { items: rows.map(benefitView), incomes, rule: INCOME_RULE };
  });
}

export async function addBenefit(ctx: Ctx, householdId: string, input: BenefitInput): Promise<{ benefit: BenefitView; income: IncomeBreakdown }> {
  assertCan(ctx.actor, 'assistance.write');
  const { paidOn, year } = validateBenefit(input);
  return ctx.db.transaction(async (tx) => {
    const h = await scopedHousehold(ctx, tx, householdId);
    assertWritable(h);
    await assertMemberOf(tx, h, input.memberId);
    const id = newId();
    await tx.execute(
      `INSERT INTO benefits (county_code, id, household_id, member_id, measure_code, amount, paid_on, year, department, note, included_in_declared, created_by)
       VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12)`,
      [h.countyCode, id, h.id, input.memberId ?? null, input.measureCode, input.amount, paidOn, year, input.department.trim(), input.note?.trim() || null, input.includedInDeclared ?? false, ctx.actor.id],
    );
    await recordAssistanceEvent(tx, ctx, {
      countyCode: h.countyCode, householdId: h.id, entity: 'benefit', entityId: id, action: 'create',
      after: { measureCode: input.measureCode, amount: input.amount, paidOn, year, department: input.department.trim(), memberId: input.memberId ?? null, includedInDeclared: input.includedInDeclared ?? false },
    });
    const income = await recomputeIncomeTx(tx, ctx, h, year);
    await audit(tx, ctx.actor, ctx.requestId, { action: 'benefit.create', targetType: 'household', targetId: h.id, countyCode: h.countyCode, details: { benefitId: id, measureCode: input.measureCode, amount: input.amount, year } });
    const row = (await tx.query<DbRow>(`${BENEFIT_SELECT} WHERE b.county_code = $1 AND b.id = $2`, [h.countyCode, id]))[0]!;
    return { benefit: benefitView(row), income };
  });
}

async function loadBenefit(tx: Queryable, h: HouseholdRef, id: string): Promise<DbRow> {
  const rows = UUID.test(id) ? await tx.query<DbRow>('SELECT * FROM benefits WHERE county_code = $1 AND household_id = $2 AND id = $3 FOR UPDATE', [h.countyCode, h.id, id]) : [];
  if (!rows[0]) throw new NotFoundError();
  return rows[0];
}

export async function updateBenefit(ctx: Ctx, householdId: string, benefitId: string, input: Partial<BenefitInput> & { version: number; reason?: string }): Promise<{ benefit: BenefitView; incomes: IncomeBreakdown[] }> {
  assertCan(ctx.actor, 'assistance.write');
  return ctx.db.transaction(async (tx) => {
    const h = await scopedHousehold(ctx, tx, householdId);
    assertWritable(h);
    const row = await loadBenefit(tx, h, benefitId);
    assertVersion(row, input.version);
    if (row.voided_at) throw new ConflictError('该记录已作废', undefined, 'BENEFIT_VOIDED');
    const current: BenefitInput = {
      memberId: (row.member_id as string) ?? null, measureCode: row.measure_code as string, amount: Number(row.amount), paidOn: row.paid_on as string,
      year: row.year as number, department: row.department as string, note: (row.note as string) ?? null, includedInDeclared: row.included_in_declared as boolean,
    };
    const merged = { ...current, ...Object.fromEntries(Object.entries(input).filter(([k, v]) => v !== undefined && k !== 'version' && k !== 'reason')) } as BenefitInput;
    if (input.paidOn !== undefined && input.year === undefined) delete merged.year;
    const { paidOn, year } = validateBenefit(merged);
    if (input.memberId !== undefined) await assertMemberOf(tx, h, input.memberId);
    const next = { ...merged, paidOn, year, department: merged.department.trim(), note: merged.note?.trim() || null };
    const d = changed(current as unknown as Record<string, unknown>, next as unknown as Record<string, unknown>);
    const incomes: IncomeBreakdown[] = [];
    if (d) {
      await tx.execute(
        `UPDATE benefits SET member_id = $3, measure_code = $4, amount = $5, paid_on = $6, year = $7, department = $8, note = $9, included_in_declared = $10,
           version = version + 1, updated_at = now() WHERE county_code = $1 AND id = $2`,
        [h.countyCode, benefitId, next.memberId ?? null, next.measureCode, next.amount, paidOn, year, next.department, next.note, next.includedInDeclared ?? false],
      );
      await recordAssistanceEvent(tx, ctx, { countyCode: h.countyCode, householdId: h.id, entity: 'benefit', entityId: benefitId, action: 'update', before: d.before, after: d.after, reason: input.reason });
      for (const y of [...new Set([current.year as number, year])]) incomes.push(await recomputeIncomeTx(tx, ctx, h, y));
      await audit(tx, ctx.actor, ctx.requestId, { action: 'benefit.update', targetType: 'household', targetId: h.id, countyCode: h.countyCode, details: { benefitId, fields: Object.keys(d.after) } });
    }
    const r = (await tx.query<DbRow>(`${BENEFIT_SELECT} WHERE b.county_code = $1 AND b.id = $2`, [h.countyCode, benefitId]))[0]!;
    return { benefit: benefitView(r), incomes };
  });
}

/** A ledger entry is never deleted: it is voided with a reason and leaves the income totals. */
export async function voidBenefit(ctx: Ctx, householdId: string, benefitId: string, input: { version: number; reason: string }): Promise<{ benefit: BenefitView; income: IncomeBreakdown }> {
  assertCan(ctx.actor, 'assistance.write');
  const reason = (input.reason ?? '').trim();
  if (reason.length < 2) invalid('reason', reason, 'REQUIRED', '作废必须填写原因');
  return ctx.db.transaction(async (tx) => {
    const h = await scopedHousehold(ctx, tx, householdId);
    assertWritable(h);
    const row = await loadBenefit(tx, h, benefitId);
    assertVersion(row, input.version);
    if (row.voided_at) throw new ConflictError('该记录已作废', undefined, 'BENEFIT_VOIDED');
    await tx.execute('UPDATE benefits SET voided_at = now(), void_reason = $3, version = version + 1, updated_at = now() WHERE county_code = $1 AND id = $2', [h.countyCode, benefitId, reason]);
    await recordAssistanceEvent(tx, ctx, { countyCode: h.countyCode, householdId: h.id, entity: 'benefit', entityId: benefitId, action: 'void', before: { amount: Number(row.amount) }, reason });
    const income = await recomputeIncomeTx(tx, ctx, h, row.year as number);
    await audit(tx, ctx.actor, ctx.requestId, { action: 'benefit.void', targetType: 'household', targetId: h.id, countyCode: h.countyCode, details: { benefitId, reason } });
    const r = (await tx.query<DbRow>(`${BENEFIT_SELECT} WHERE b.county_code = $1 AND b.id = $2`, [h.countyCode, benefitId]))[0]!;
    return { benefit: benefitView(r), income };
  });
}

export async function recomputeIncome(ctx: Ctx, householdId: string, year: number): Promise<IncomeBreakdown> {
  assertCan(ctx.actor, 'assistance.write');
  if (!Number.isInteger(year) || year < 2014 || year > 2100) invalid('year', year, 'YEAR', '年度应为 4 位年份');
  return ctx.db.transaction(async (tx) => {
    const h = await scopedHousehold(ctx, tx, householdId);
    assertWritable(h);
    const b = await recomputeIncomeTx(tx, ctx, h, year);
    await audit(tx, ctx.actor, ctx.requestId, { action: 'income.recompute', targetType: 'household', targetId: h.id, countyCode: h.countyCode, details: { year, perCapitaNet: b.perCapitaNet } });
    return b;
  });
}

