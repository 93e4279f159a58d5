/**
 * Health chain of 二(五): 基本医保 → 大病保险 → 医疗救助, each a payer step with yearly parameters,
 * applied to a person's year of 政策范围内费用; then the seed's targets for registered poor people
 * (合规医疗费用实际报销比例达到85%、个人自负合规医疗费用年累计控制在3000元以内) and the top-up (兜底)
 * needed to meet both.
 *
 * Arithmetic is in integer fen; ratios are compared in basis points, so 0.849 vs 0.85 is exact.
 */
import { fromFen, toFen } from '../income.js';
import type { HealthChainParams, HealthTargetParams, PayerStep } from './defaults.js';
import { citeRule, PolicyError, requireAmount, ruleRef, yuan, type Decision, type PolicyRule } from './rules.js';

export interface HealthChainFacts {
  year?: number;
  /** 医疗总费用 (yuan, the year). */
  totalCost: number;
  /** 政策范围内费用 = 合规医疗费用 (yuan, the year). */
  compliantCost: number;
  /** 参加城乡居民基本医疗保险（含大病保险）. */
  insured: boolean;
  /** 医疗救助对象 (建档立卡贫困人口、低保、特困…). */
  assistanceEligible: boolean;
}

export interface PayerStepResult {
  payer: string;
  /** Compliant cost this step worked on (what the previous steps left). */
  base: number;
  deductible: number;
  paid: number;
  capped: boolean;
  /** Why the step paid nothing, when it did not apply. */
  skipped?: string;
}

export interface HealthChainDecision extends Decision {
  steps: PayerStepResult[];
  /** Sum paid by the payers (= amount). */
  paid: number;
  /** 个人自负合规医疗费用. */
  outOfPocketCompliant: number;
  /** 政策范围外费用 (总费用 − 合规费用). */
  nonCompliant: number;
  /** Everything the person pays: compliant out-of-pocket + non-compliant. */
  outOfPocketTotal: number;
}

function basisPoints(ratio: number, what: string): number {
  if (!Number.isFinite(ratio) || ratio < 0 || ratio > 1) {
    throw new PolicyError('INVALID_FACT', `${what}应在0到1之间，实际为“${String(ratio)}”`);
  }
  return Math.round(ratio * 10000);
}

function percent(bp: number): string {
  return `${(bp / 100).toFixed(bp % 100 === 0 ? 0 : 2)}%`;
}

/** Paid ratio in basis points, rounded down (so 84.999% never shows as 85%). */
function ratioBp(paidFen: number, costFen: number): number {
  return Math.floor((paidFen * 10000) / costFen);
}

function payStep(step: PayerStep, baseFen: number): { paidFen: number; capped: boolean } {
  const overFen = Math.max(0, baseFen - toFen(step.deductible));
  let paidFen = 0;
  let lowerFen = 0;
  for (const band of step.bands) {
    const upperFen = band.upTo === null ? overFen : Math.min(overFen, toFen(band.upTo));
    if (upperFen > lowerFen) {
      paidFen += Math.round(((upperFen - lowerFen) * basisPoints(band.ratio, `${step.payer}报销比例`)) / 10000);
      lowerFen = upperFen;
    }
    if (band.upTo === null || toFen(band.upTo) >= overFen) break;
  }
  if (step.cap !== null && paidFen > toFen(step.cap)) return { paidFen: toFen(step.cap), capped: true };
  return { paidFen, capped: false };
}

function bandsText(step: PayerStep): string {
  let lower = 0;
  return step.bands
    .map((b) => {
      const t = b.upTo === null ? (lower === 0 ? '' : `${yuan(lower)}以上部分`) : `${yuan(lower)}至${yuan(b.upTo)}部分`;
      lower = b.upTo ?? lower;
      return `${t}${percent(basisPoints(b.ratio, `${step.payer}报销比例`))}`;
    })
    .join('、');
}

/**
 * Run the payer steps of the rule over a year's compliant cost. Amount: total the payers pay.
 * Each step works on the compliant cost the previous steps left, above its own deductible, by
 * bands, up to its cap. Non-compliant cost is paid by the person.
 */
export function applyHealthChain(rule: PolicyRule<HealthChainParams>, facts: HealthChainFacts): HealthChainDecision {
  const totalFen = toFen(requireAmount(facts.totalCost, '医疗总费用'));
  const compliantFen = toFen(requireAmount(facts.compliantCost, '政策范围内费用'));
  if (compliantFen > totalFen) {
    throw new PolicyError('INVALID_FACT', `政策范围内费用${yuan(facts.compliantCost)}不能大于医疗总费用${yuan(facts.totalCost)}`);
  }
  const yearText = facts.year === undefined ? '' : `${facts.year}年`;
  const reasons = [
    citeRule(rule),
    `${yearText}医疗总费用${yuan(facts.totalCost)}，其中政策范围内（合规）费用${yuan(facts.compliantCost)}，政策范围外费用${yuan(fromFen(totalFen - compliantFen))}由个人负担`,
  ];
  const steps: PayerStepResult[] = [];
  let remainingFen = compliantFen;
  for (const step of rule.params.steps) {
    const entitled = step.requires === 'insured' ? facts.insured : facts.assistanceEligible;
    if (!entitled) {
      const why = step.requires === 'insured' ? '未参加城乡居民基本医疗保险' : '不是医疗救助对象';
      steps.push({ payer: step.payer, base: fromFen(remainingFen), deductible: step.deductible, paid: 0, capped: false, skipped: why });
      reasons.push(`${step.payer}：${why}，不予支付`);
      continue;
    }
    const { paidFen, capped } = payStep(step, remainingFen);
    steps.push({ payer: step.payer, base: fromFen(remainingFen), deductible: step.deductible, paid: fromFen(paidFen), capped });
    const capText = step.cap === null ? '' : `，年度最高支付${yuan(step.cap)}${capped ? '（已封顶）' : ''}`;
    reasons.push(
      `${step.payer}：对剩余合规费用${yuan(fromFen(remainingFen))}，起付线${yuan(step.deductible)}，按${bandsText(step)}报销${capText}，支付${yuan(fromFen(paidFen))}`,
    );
    remainingFen -= paidFen;
  }
  const paidFen = compliantFen - remainingFen;
  reasons.push(
    `三重保障合计支付${yuan(fromFen(paidFen))}，个人自负合规费用${yuan(fromFen(remainingFen))}，连同政策范围外费用个人共负担${yuan(fromFen(totalFen - paidFen))}`,
  );
  return {
    amount: fromFen(paidFen),
    eligible: paidFen > 0,
    reasons,
    rule: ruleRef(rule),
    facts: {
      year: facts.year ?? null,
      totalCost: facts.totalCost,
      compliantCost: facts.compliantCost,
      insured: facts.insured,
      assistanceEligible: facts.assistanceEligible,
    },
    steps,
    paid: fromFen(paidFen),
    outOfPocketCompliant: fromFen(remainingFen),
    nonCompliant: fromFen(totalFen - compliantFen),
    outOfPocketTotal: fromFen(totalFen - paidFen),
  };
}

export interface HealthTopUpFacts {
  year?: number;
  /** 建档立卡贫困人口: the seed's targets apply to them. */
  registeredPoor: boolean;
  /** 合规医疗费用 for the year (yuan). */
  compliantCost: number;
  /** Paid on it by 基本医保 + 大病保险 + 医疗救助 (yuan). */
  paid: number;
  /** 医疗总费用, optional: only reported. */
  totalCost?: number;
}

export interface HealthTopUpDecision extends Decision {
  /** 实际报销比例 before the top-up (null without compliant cost). */
  ratioBefore: number | null;
  outOfPocketBefore: number;
  ratioAfter: number | null;
  outOfPocketAfter: number;
  meetsRatio: boolean;
  meetsCap: boolean;
}

/**
 * The top-up (兜底) that brings a registered poor person's year to the seed's targets: paid ≥
 * ratio × compliant cost, and compliant cost − paid ≤ cap. Amount: the top-up (0 when both hold).
 * For a person outside the registry the targets do not apply: amount 0, eligible false, the
 * figures are still reported.
 */
export function healthTopUp(rule: PolicyRule<HealthTargetParams>, facts: HealthTopUpFacts): HealthTopUpDecision {
  const costFen = toFen(requireAmount(facts.compliantCost, '合规医疗费用'));
  const paidFen = toFen(requireAmount(facts.paid, '三重保障已支付金额'));
  if (paidFen > costFen) {
    throw new PolicyError('INVALID_FACT', `已支付金额${yuan(facts.paid)}不能大于合规医疗费用${yuan(facts.compliantCost)}`);
  }
  const { minReimbursementRatio, maxOutOfPocket } = rule.params;
  const targetBp = basisPoints(minReimbursementRatio, '报销比例目标');
  const capFen = toFen(requireAmount(maxOutOfPocket, '个人自负上限'));
  const yearText = facts.year === undefined ? '' : `${facts.year}年`;
  const reasons = [citeRule(rule)];

  const oopFen = costFen - paidFen;
  const beforeBp = costFen === 0 ? null : ratioBp(paidFen, costFen);
  const meetsRatio = costFen === 0 || paidFen * 10000 >= targetBp * costFen;
  const meetsCap = oopFen <= capFen;
  if (costFen === 0) {
    reasons.push(`${yearText}无合规医疗费用，目标自然达到`);
  } else {
    reasons.push(
      `${yearText}合规医疗费用${yuan(facts.compliantCost)}，基本医保、大病保险、医疗救助已支付${yuan(facts.paid)}，实际报销比例${percent(beforeBp ?? 0)}（目标不低于${percent(targetBp)}）：${meetsRatio ? '已达到' : '未达到'}`,
    );
    reasons.push(
      `个人自负合规医疗费用${yuan(fromFen(oopFen))}（目标年累计${yuan(maxOutOfPocket)}以内，含${yuan(maxOutOfPocket)}）：${meetsCap ? '已达到' : '未达到'}`,
    );
  }
  if (facts.totalCost !== undefined) {
    const totalFen = toFen(requireAmount(facts.totalCost, '医疗总费用'));
    if (totalFen < costFen) throw new PolicyError('INVALID_FACT', '医疗总费用不能小于合规医疗费用');
    if (totalFen > costFen) {
      reasons.push(`政策范围外费用${yuan(fromFen(totalFen - costFen))}不计入上述两项目标（原文按合规医疗费用计算）`);
    }
  }

  // Least payment meeting both targets: max(ceil(ratio × cost), cost − cap), never above cost.
  const byRatioFen = Math.ceil((targetBp * costFen) / 10000);
  const neededFen = Math.min(costFen, Math.max(byRatioFen, costFen - capFen));
  const topUpFen = Math.max(0, neededFen - paidFen);

  const base = {
    rule: ruleRef(rule),
    facts: {
      year: facts.year ?? null,
      registeredPoor: facts.registeredPoor,
      compliantCost: facts.compliantCost,
      paid: facts.paid,
      totalCost: facts.totalCost ?? null,
    },
    ratioBefore: beforeBp === null ? null : beforeBp / 10000,
    outOfPocketBefore: fromFen(oopFen),
    meetsRatio,
    meetsCap,
  };
  if (!facts.registeredPoor) {
    reasons.push(
      `此人不是建档立卡贫困人口，${rule.clause}的报销比例（${percent(targetBp)}）和个人自负上限（${yuan(maxOutOfPocket)}）目标不适用，不计算兜底补助`,
    );
    return { ...base, amount: 0, eligible: false, reasons, ratioAfter: base.ratioBefore, outOfPocketAfter: fromFen(oopFen) };
  }
  const afterPaidFen = paidFen + topUpFen;
  const afterBp = costFen === 0 ? null : ratioBp(afterPaidFen, costFen);
  if (topUpFen === 0) {
    reasons.push('两项目标均已达到，无需兜底补助');
  } else {
    const which = [!meetsRatio ? '报销比例' : null, !meetsCap ? '个人自负上限' : null].filter((x) => x !== null).join('和');
    reasons.push(
      `为达到${which}目标，需兜底补助${yuan(fromFen(topUpFen))}（支付渠道按有关规定）；补助后实际报销比例${percent(afterBp ?? 0)}，个人自负合规费用${yuan(fromFen(costFen - afterPaidFen))}`,
    );
  }
  return {
    ...base,
    amount: fromFen(topUpFen),
    eligible: true,
    reasons,
    ratioAfter: afterBp === null ? null : afterBp / 10000,
    outOfPocketAfter: fromFen(costFen - afterPaidFen),
  };
}

export interface HealthBurdenResult {
  chain: HealthChainDecision;
  topUp: HealthTopUpDecision;
  /** The person's final compliant out-of-pocket cost after the top-up. */
  outOfPocketCompliant: number;
  reasons: string[];
}

/** The chain, then the targets on what the chain paid: the whole year of one person. */
export function healthBurden(
  chainRule: PolicyRule<HealthChainParams>,
  targetRule: PolicyRule<HealthTargetParams>,
  facts: HealthChainFacts & { registeredPoor: boolean },
): HealthBurdenResult {
  const chain = applyHealthChain(chainRule, facts);
  const topUp = healthTopUp(targetRule, {
    ...(facts.year === undefined ? {} : { year: facts.year }),
    registeredPoor: facts.registeredPoor,
    compliantCost: facts.compliantCost,
    paid: chain.paid,
    totalCost: facts.totalCost,
  });
  return { chain, topUp, outOfPocketCompliant: topUp.outOfPocketAfter, reasons: [...chain.reasons, ...topUp.reasons] };
}
