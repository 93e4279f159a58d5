import { z } from 'zod';
import { ValidationError } from '../../core/errors.js';
import {
  ACTIONS, applyHealthChain, BENEFIT_TYPES, CALCULATORS, CATALOG, collectiveIncome, DEFAULT_RULES, DIMENSIONS, dibaoCoverage, healthTopUp,
  incomeLineOf, incubationSubsidy, normalizeDate, pensionContribution, PolicyError, ruleFor, trainingSubsidy, workshopAwards,
  type CalculatorId, type CalculatorInfo, type PolicyRule,
} from '../../domain/policy/index.js';
import { FUNDING_SOURCES, MEASURE_STATUS_LABELS } from './plans.js';
import { todayCn } from '../../domain/dates.js';

/**
 * The seed's calculators behind one entry point for the API and the CLI: facts are checked with a
 * zod schema per calculator (unknown keys are refused, so a typo is not silently ignored), the rule
 * in force on `asOf` is picked from DEFAULT_RULES, and the domain calculator's Decision (amount,
 * eligibility, reasons naming clause and facts, rule, facts) is returned unchanged.
 */

const bool = z.boolean();
const num = z.number().finite();
const date = z.string().refine((s) => normalizeDate(s) !== null, '应为有效日期 YYYY-MM-DD');
const opt = <T extends z.ZodType>(t: T) => t.optional();

export const CALCULATOR_FACTS = {
  trainingSubsidy: z.strictObject({
    poorFamilyLabourer: bool.describe('贫困家庭劳动力'),
    trainedAndEmployed: bool.describe('企业培训并吸纳就业'),
    contractMonths: opt(num.min(0)).describe('劳动合同期限（月）'),
    contractStart: opt(date),
    contractEnd: opt(date),
  }),
  workshopAwards: z.strictObject({
    certified: bool.describe('经认定的“扶贫车间”'),
    poorLabourers: num.int().min(0).describe('稳定就业的贫困劳动力人数'),
    stableMonths: opt(num.min(0)),
    stableSince: opt(date),
    asOf: opt(date),
    wagesPaidOnTimeInFull: bool,
    returneeNewAgriBusiness: opt(bool),
    provincialModel: opt(bool),
    received: opt(z.array(z.enum(['HALF_YEAR', 'THREE_YEARS', 'RETURNEE', 'PROVINCIAL_MODEL']))),
  }),
  incubationSubsidy: z.strictObject({
    inProvincialBase: bool,
    startupProjectOrEntity: bool,
    meetsConditions: bool.nullable(),
    alreadyReceived: opt(bool),
  }),
  healthChain: z.strictObject({
    year: opt(num.int()),
    totalCost: num.min(0),
    compliantCost: num.min(0),
    insured: bool,
    assistanceEligible: bool,
  }),
  healthTopUp: z.strictObject({
    year: opt(num.int()),
    registeredPoor: bool,
    compliantCost: num.min(0),
    paid: num.min(0),
    totalCost: opt(num.min(0)),
  }),
  pensionContribution: z.strictObject({
    age: num.min(0).max(150),
    inSchool: opt(bool),
    employeePension: opt(bool),
    registeredPoor: bool,
    povertyStatus: opt(z.string()),
    dibaoClass: opt(z.union([num, z.string()]).nullable()),
    disabilityGrade: opt(z.union([num, z.string()]).nullable()),
    familyPlanningTwoCertificates: opt(bool),
    tekun: opt(bool),
  }),
  dibaoCoverage: z.strictObject({
    householdSize: num.int().min(1),
    perCapitaIncome: opt(num),
    income: opt(z.strictObject({
      wage: num.min(0), business: num.min(0), property: num.min(0), transfer: num.min(0), businessCost: num.min(0),
      publicWelfareWage: opt(num.min(0)), dividend: opt(num.min(0)), dibao: opt(num.min(0)), tekun: opt(num.min(0)),
      pension: opt(num.min(0)), ecoComp: opt(num.min(0)), otherTransfer: opt(num.min(0)),
    })),
    meetsAssetRules: opt(bool.nullable()),
    registeredPoor: bool,
    members: opt(z.array(z.strictObject({ name: opt(z.string()), labourSkill: opt(z.string()) }))),
    cannotExitThroughIndustryOrEmployment: opt(bool.nullable()),
    receivesDibao: bool,
    dibaoClass: opt(z.union([num, z.string()]).nullable()),
    threeGuaranteesResolved: opt(bool.nullable()),
  }),
  collectiveIncome: z.strictObject({
    year: num.int().min(2014).max(2100),
    registeredPoorVillage: bool,
    collectiveIncome: num.min(0),
  }),
} satisfies Record<CalculatorId, z.ZodType>;

export function isCalculator(id: string): id is CalculatorId {
  return CALCULATORS.some((c) => c.id === id);
}

function toValidation(e: unknown): never {
  if (e instanceof PolicyError) throw new ValidationError(e.message, { code: e.code, ...(e.details ?? {}) }, e.code);
  throw e;
}

function pick<P>(table: readonly PolicyRule<P>[], asOf: string): PolicyRule<P> {
  try {
    return ruleFor(table, asOf);
  } catch (e) {
    return toValidation(e);
  }
}

export interface CalcResult {
  calculator: CalculatorInfo;
  asOf: string;
  decision: unknown;
}

/**
 * Runs a calculator on facts with the rule in force on `asOf` (default: today; for
 * collectiveIncome, the last day of the facts' year). Bad facts → ValidationError naming them.
 */
export function runCalculator(id: string, rawFacts: unknown, asOfRaw?: string): CalcResult {
  const info = CALCULATORS.find((c) => c.id === id);
  if (!info) {
    throw new ValidationError(`没有名为「${id}」的计算器，可选：${CALCULATORS.map((c) => `${c.id}（${c.title}）`).join('、')}`, { calculators: CALCULATORS.map((c) => c.id) }, 'UNKNOWN_CALCULATOR');
  }
  const parsed = CALCULATOR_FACTS[info.id].safeParse(rawFacts ?? {});
  if (!parsed.success) {
    const errors = parsed.error.issues.map((i) => ({ field: `facts.${i.path.join('.')}`, code: 'INVALID_FACT', message: i.message }));
    throw new ValidationError(`事实有误：${errors.map((e) => `${e.field} ${e.message}`).join('；')}`, { errors }, 'INVALID_FACT');
  }
  let asOf = asOfRaw === undefined ? null : normalizeDate(asOfRaw);
  if (asOfRaw !== undefined && asOf === null) throw new ValidationError(`适用日期「${asOfRaw}」不是有效日期（YYYY-MM-DD）`, { errors: [{ field: 'asOf', code: 'DATE', message: '应为 YYYY-MM-DD' }] }, 'INVALID_DATE');
  if (asOf === null) asOf = info.id === 'collectiveIncome' ? `${(parsed.data as { year: number }).year}-12-31` : todayCn();
  const R = DEFAULT_RULES;
  const f = parsed.data as never;
  try {
    let decision: unknown;
    switch (info.id) {
      case 'trainingSubsidy': decision = trainingSubsidy(pick(R.trainingSubsidy, asOf), f); break;
      case 'workshopAwards': decision = workshopAwards(pick(R.workshopAwards, asOf), f); break;
      case 'incubationSubsidy': decision = incubationSubsidy(pick(R.incubationSubsidy, asOf), f); break;
      case 'healthChain': decision = applyHealthChain(pick(R.healthChain, asOf), f); break;
      case 'healthTopUp': decision = healthTopUp(pick(R.healthTargets, asOf), f); break;
      case 'pensionContribution': decision = pensionContribution(pick(R.pensionContribution, asOf), f); break;
      case 'dibaoCoverage': decision = dibaoCoverage(pick(R.dibao, asOf), f); break;
      case 'collectiveIncome': decision = collectiveIncome(pick(R.collectiveIncome, asOf), f); break;
    }
    return { calculator: info, asOf, decision };
  } catch (e) {
    return toValidation(e);
  }
}

/** The measure catalog with clauses, income lines and what plans can carry; the calculators. */
export function catalog() {
  return {
    actions: ACTIONS,
    measures: CATALOG.map((m) => {
      const line = incomeLineOf(m.code);
      return {
        ...m,
        benefitTypeLabel: BENEFIT_TYPES[m.benefitType].label,
        incomeLine: line?.line ?? null,
        incomeItem: line?.item ?? null,
        /** Household and person measures go into a household's plan and the benefits ledger. */
        forHouseholdPlan: m.recipient === 'household' || m.recipient === 'person',
      };
    }),
    calculators: CALCULATORS.map((c) => ({ ...c, rules: c.tables.flatMap((t) => DEFAULT_RULES[t].map((r) => ({ id: r.id, title: r.title, clause: r.clause, source: r.source, effectiveFrom: r.effectiveFrom, effectiveTo: r.effectiveTo, unverified: r.unverified === true, quote: r.quote ?? null, note: r.note ?? null }))) })),
    dimensions: DIMENSIONS,
    fundingSources: Object.entries(FUNDING_SOURCES).map(([code, label]) => ({ code, label })),
    measureStatuses: Object.entries(MEASURE_STATUS_LABELS).map(([code, label]) => ({ code, label })),
  };
}

/**
 * CLI facts: `--facts JSON`, or `key=value` pairs (dotted keys nest: income.wage=3000; values
 * true/false/null, numbers, JSON arrays/objects, else text).
 */
export function parseFactArgs(pairs: string[], json?: string): unknown {
  if (json !== undefined) {
    try {
      return JSON.parse(json);
    } catch (e) {
      throw new ValidationError(`--facts 不是有效的 JSON：${(e as Error).message}`, { errors: [{ field: 'facts', code: 'JSON', message: 'JSON 格式不正确' }] }, 'INVALID_FACT');
    }
  }
  const out: Record<string, unknown> = {};
  for (const p of pairs) {
    const i = p.indexOf('=');
    if (i <= 0) throw new ValidationError(`事实「${p}」应写成 key=value`, { errors: [{ field: p, code: 'KEY_VALUE', message: '应写成 key=value' }] }, 'INVALID_FACT');
    const key = p.slice(0, i).trim();
    const raw = p.slice(i + 1).trim();
    let v: unknown = raw;
    if (raw === 'true' || raw === 'false' || raw === 'null') v = JSON.parse(raw);
    else if (/^-?\d+(\.\d+)?$/.test(raw)) v = Number(raw);
    else if (/^[[{]/.test(raw)) {
      try { v = JSON.parse(raw); } catch { v = raw; }
    }
    const path = key.split('.');
    let o = out;
    for (const k of path.slice(0, -1)) o = (o[k] ??= {}) as Record<string, unknown>;
    o[path[path.length - 1]!] = v;
  }
  return out;
}
