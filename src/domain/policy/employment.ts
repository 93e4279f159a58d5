/**
 * Calculators of 二(二) 就业扶贫行动: the company's training subsidy (二(二)1), the one-off
 * awards of a 扶贫车间 (二(二)2) and the provincial incubation-base subsidy (二(二)4). Each is a
 * pure function (rule, facts) → Decision; parameters come only from the rule.
 */
import type { IncubationParams, TrainingSubsidyParams, WorkshopAwardCode, WorkshopAwardParams } from './defaults.js';
import { fullMonths, MONTH_COUNTING_NOTE } from './periods.js';
import {
  citeRule,
  decision,
  PolicyError,
  requireAmount,
  ruleRef,
  yuan,
  type Decision,
  type FactValue,
  type PolicyRule,
  type RuleRef,
} from './rules.js';

/** Months from a number, or from start and end dates (dates win; a mismatch is reported). */
function monthsFrom(
  input: { months?: number | undefined; start?: string | undefined; end?: string | undefined },
  what: string,
  reasons: string[],
): number {
  const { months, start, end } = input;
  if (start !== undefined || end !== undefined) {
    if (start === undefined || end === undefined) {
      throw new PolicyError('INVALID_FACT', `${what}的起止日期须同时提供`);
    }
    const n = fullMonths(start, end);
    reasons.push(`${what}：${start}至${end}，满${n}个月（${MONTH_COUNTING_NOTE}）`);
    if (months !== undefined && months !== n) {
      reasons.push(`填报的月数${months}与起止日期算得的${n}个月不一致，按起止日期计`);
    }
    return n;
  }
  if (months === undefined) throw new PolicyError('INVALID_FACT', `缺少${what}（月数或起止日期）`);
  requireAmount(months, `${what}月数`);
  reasons.push(`${what}：${months}个月`);
  return months;
}

// ---------------------------------------------------------------------------------------------
// 二(二)1 training subsidy

export interface TrainingSubsidyFacts {
  /** The labourer belongs to a registered poor household (贫困家庭劳动力). */
  poorFamilyLabourer: boolean;
  /** The company trained the labourer and employs them (培训并吸纳…就业). */
  trainedAndEmployed: boolean;
  /** Contract length in months, or start and end dates (both days included). */
  contractMonths?: number;
  contractStart?: string;
  contractEnd?: string;
}

/**
 * 二(二)1: the company's training subsidy for one labourer. Amount: yuan for this person (the
 * company receives it). Contract 6 months to under 1 year → 1000, 1 year or more → 2000, under
 * 6 months → nothing (amounts and limits from the rule).
 */
export function trainingSubsidy(rule: PolicyRule<TrainingSubsidyParams>, facts: TrainingSubsidyFacts): Decision {
  const reasons = [citeRule(rule)];
  const months = monthsFrom(
    { months: facts.contractMonths, start: facts.contractStart, end: facts.contractEnd },
    '劳动合同期限',
    reasons,
  );
  let eligible = true;
  if (!facts.poorFamilyLabourer) {
    eligible = false;
    reasons.push('该劳动力不是贫困家庭劳动力，不适用本补助');
  }
  if (!facts.trainedAndEmployed) {
    eligible = false;
    reasons.push('企业未培训并吸纳该劳动力就业，不适用本补助');
  }
  const tiers = [...rule.params.tiers].sort((a, b) => b.minMonths - a.minMonths);
  const tier = tiers.find((t) => months >= t.minMonths);
  const lowest = tiers[tiers.length - 1];
  if (tier === undefined) {
    eligible = false;
    reasons.push(
      `合同期限${months}个月，不足${lowest?.minMonths ?? 0}个月（须签订${lowest?.minMonths ?? 0}个月以上劳动合同），不予补助`,
    );
  } else {
    reasons.push(`合同期限${months}个月，属“${tier.label}”，标准${yuan(tier.amountPerPerson)}/人`);
  }
  if (eligible && tier) reasons.push(`企业可获培训补助${yuan(tier.amountPerPerson)}`);
  return decision(rule, tier?.amountPerPerson ?? 0, eligible, reasons, {
    poorFamilyLabourer: facts.poorFamilyLabourer,
    trainedAndEmployed: facts.trainedAndEmployed,
    contractMonths: months,
    contractStart: facts.contractStart ?? null,
    contractEnd: facts.contractEnd ?? null,
  });
}

// ---------------------------------------------------------------------------------------------
// 二(二)2 扶贫车间 awards

export interface WorkshopFacts {
  /** 经认定的“扶贫车间”. */
  certified: boolean;
  /** Poor labourers employed stably (吸纳的贫困劳动力中稳定就业的人数). */
  poorLabourers: number;
  /** Months they have been employed stably, or from `stableSince` to `asOf`. */
  stableMonths?: number;
  stableSince?: string;
  asOf?: string;
  /** 按时足额支付劳动报酬. */
  wagesPaidOnTimeInFull: boolean;
  /** 返乡人员创办的新型农业经营主体. */
  returneeNewAgriBusiness?: boolean;
  /** 省级创业典型创办. */
  provincialModel?: boolean;
  /** One-off awards already paid to this workshop. */
  received?: WorkshopAwardCode[];
}

export interface WorkshopAwardDecision extends Decision {
  code: WorkshopAwardCode;
  /** Chinese name of the award. */
  label: string;
}

function alreadyReceived(facts: WorkshopFacts, code: WorkshopAwardCode, reasons: string[]): boolean {
  if (facts.received?.includes(code)) {
    reasons.push('该项为一次性补助，已发放，不再重复发放');
    return true;
  }
  return false;
}

function workshopFacts(facts: WorkshopFacts, months: number | null): Record<string, FactValue> {
  return {
    certified: facts.certified,
    poorLabourers: facts.poorLabourers,
    stableMonths: months,
    wagesPaidOnTimeInFull: facts.wagesPaidOnTimeInFull,
    returneeNewAgriBusiness: facts.returneeNewAgriBusiness ?? false,
    provincialModel: facts.provincialModel ?? false,
    received: (facts.received ?? []).join(',') || null,
  };
}

/**
 * 二(二)2 stable-employment award: HALF_YEAR (半年以上, 2万) or THREE_YEARS (3年以上, 6万).
 * Requires a certified workshop, at least the rule's number of poor labourers (10), the months,
 * and wages paid on time and in full. Amount: the one-off award (yuan).
 */
export function workshopEmploymentAward(
  rule: PolicyRule<WorkshopAwardParams>,
  facts: WorkshopFacts,
  code: 'HALF_YEAR' | 'THREE_YEARS',
): WorkshopAwardDecision {
  const award = rule.params.employmentAwards.find((a) => a.code === code);
  if (!award) throw new PolicyError('INVALID_FACT', `规则${rule.id}没有“${code}”补助`);
  const reasons = [citeRule(rule), `补助项目：${award.label}、按时足额支付劳动报酬的，一次性补助${yuan(award.amount)}`];
  const min = rule.params.minPoorLabourers;
  requireAmount(facts.poorLabourers, '贫困劳动力人数');
  const months = monthsFrom({ months: facts.stableMonths, start: facts.stableSince, end: facts.asOf }, '稳定就业时间', reasons);
  let eligible = true;
  if (facts.certified) reasons.push('已认定为“扶贫车间”');
  else {
    eligible = false;
    reasons.push('未经认定为“扶贫车间”，不适用');
  }
  if (facts.poorLabourers >= min) reasons.push(`吸纳贫困劳动力${facts.poorLabourers}名，达到${min}名以上`);
  else {
    eligible = false;
    reasons.push(`吸纳贫困劳动力${facts.poorLabourers}名，不足${min}名`);
  }
  if (months >= award.minMonths) reasons.push(`稳定就业${months}个月，达到“${award.label}”（${award.minMonths}个月）`);
  else {
    eligible = false;
    reasons.push(`稳定就业${months}个月，未达到“${award.label}”（${award.minMonths}个月）`);
  }
  if (facts.wagesPaidOnTimeInFull) reasons.push('按时足额支付劳动报酬');
  else {
    eligible = false;
    reasons.push('未按时足额支付劳动报酬，不适用');
  }
  if (alreadyReceived(facts, code, reasons)) eligible = false;
  return { ...decision(rule, award.amount, eligible, reasons, workshopFacts(facts, months)), code, label: `${award.label}补助` };
}

/** 二(二)2: 返乡人员创办的新型农业经营主体认定为“扶贫车间”的, 5万 (按有关规定). */
export function workshopReturneeAward(rule: PolicyRule<WorkshopAwardParams>, facts: WorkshopFacts): WorkshopAwardDecision {
  const amount = rule.params.returneeAmount;
  const reasons = [citeRule(rule), `补助项目：返乡人员创办的新型农业经营主体认定为“扶贫车间”的，按有关规定一次性补助${yuan(amount)}`];
  let eligible = true;
  if (facts.returneeNewAgriBusiness) reasons.push('系返乡人员创办的新型农业经营主体');
  else {
    eligible = false;
    reasons.push('不是返乡人员创办的新型农业经营主体');
  }
  if (facts.certified) reasons.push('已认定为“扶贫车间”');
  else {
    eligible = false;
    reasons.push('未经认定为“扶贫车间”');
  }
  reasons.push(`原文对此项未规定吸纳人数和就业时间，具体条件按有关规定`);
  if (alreadyReceived(facts, 'RETURNEE', reasons)) eligible = false;
  return {
    ...decision(rule, amount, eligible, reasons, workshopFacts(facts, facts.stableMonths ?? null)),
    code: 'RETURNEE',
    label: '返乡人员创办新型农业经营主体补助',
  };
}

/** 二(二)2: 省级创业典型创办的“扶贫车间”, 10万 (按照有关规定). */
export function workshopProvincialModelAward(
  rule: PolicyRule<WorkshopAwardParams>,
  facts: WorkshopFacts,
): WorkshopAwardDecision {
  const amount = rule.params.provincialModelAmount;
  const reasons = [citeRule(rule), `补助项目：省级创业典型创办的“扶贫车间”，按照有关规定一次性补助${yuan(amount)}`];
  let eligible = true;
  if (facts.provincialModel) reasons.push('系省级创业典型创办');
  else {
    eligible = false;
    reasons.push('不是省级创业典型创办');
  }
  if (facts.certified) reasons.push('已认定为“扶贫车间”');
  else {
    eligible = false;
    reasons.push('未经认定为“扶贫车间”');
  }
  reasons.push(`原文对此项未规定吸纳人数和就业时间，具体条件按照有关规定`);
  if (alreadyReceived(facts, 'PROVINCIAL_MODEL', reasons)) eligible = false;
  return {
    ...decision(rule, amount, eligible, reasons, workshopFacts(facts, facts.stableMonths ?? null)),
    code: 'PROVINCIAL_MODEL',
    label: '省级创业典型创办补助',
  };
}

export interface WorkshopAwardsResult {
  /** Every award of 二(二)2 with its own decision. */
  awards: WorkshopAwardDecision[];
  /** Those that apply. */
  applicable: WorkshopAwardDecision[];
  /** How they combine: not stated by the text; decided by the county. */
  combination: string;
  reasons: string[];
  rule: RuleRef;
}

/**
 * All four awards of 二(二)2, each decided separately. The text does not say whether they can be
 * combined, so no total is given: each applicable award is listed, with a note that combination
 * is decided by the county per 有关规定.
 */
export function workshopAwards(rule: PolicyRule<WorkshopAwardParams>, facts: WorkshopFacts): WorkshopAwardsResult {
  const hasMonths = facts.stableMonths !== undefined || facts.stableSince !== undefined;
  const awards: WorkshopAwardDecision[] = [];
  if (hasMonths) {
    awards.push(workshopEmploymentAward(rule, facts, 'HALF_YEAR'));
    awards.push(workshopEmploymentAward(rule, facts, 'THREE_YEARS'));
  }
  awards.push(workshopReturneeAward(rule, facts));
  awards.push(workshopProvincialModelAward(rule, facts));
  const applicable = awards.filter((a) => a.eligible);
  const reasons = [citeRule(rule)];
  if (!hasMonths) reasons.push('未提供稳定就业时间，未判断稳定就业补助');
  let combination: string;
  if (applicable.length === 0) {
    combination = '无适用的补助';
  } else if (applicable.length === 1) {
    combination = `适用一项：${applicable.map((a) => `${a.label}${yuan(a.amount)}`).join('')}`;
  } else {
    combination =
      `适用${applicable.length}项（${applicable.map((a) => `${a.label}${yuan(a.amount)}`).join('、')}）；` +
      '原文分别规定各项一次性补助，未写明能否同时享受，是否叠加由区县按有关规定决定';
    const longer = applicable.find((a) => a.code === 'THREE_YEARS');
    const shorter = applicable.find((a) => a.code === 'HALF_YEAR');
    if (longer && shorter) {
      combination += `；“${longer.label}”同时满足“${shorter.label}”的条件，原文未写明${yuan(longer.amount)}是否包含${yuan(shorter.amount)}`;
    }
  }
  reasons.push(combination);
  return { awards, applicable, combination, reasons, rule: ruleRef(rule) };
}

// ---------------------------------------------------------------------------------------------
// 二(二)4 provincial incubation base

export interface IncubationFacts {
  /** 入驻省级创业就业孵化示范基地（园区）. */
  inProvincialBase: boolean;
  /** 创业项目或创业实体. */
  startupProjectOrEntity: boolean;
  /** 符合条件 under the provincial rules, as the 人社 department decided; null = not yet decided. */
  meetsConditions: boolean | null;
  alreadyReceived?: boolean;
}

/** 二(二)4: one-off provincial subsidy (5万). Amount: the subsidy (yuan). */
export function incubationSubsidy(rule: PolicyRule<IncubationParams>, facts: IncubationFacts): Decision {
  const reasons = [citeRule(rule)];
  let eligible = true;
  if (facts.inProvincialBase) reasons.push('已入驻省级创业就业孵化示范基地（园区）');
  else {
    eligible = false;
    reasons.push('未入驻省级创业就业孵化示范基地（园区）');
  }
  if (facts.startupProjectOrEntity) reasons.push('属创业项目或创业实体');
  else {
    eligible = false;
    reasons.push('不是创业项目或创业实体');
  }
  if (facts.meetsConditions === true) reasons.push('经认定符合省级补助条件');
  else if (facts.meetsConditions === false) {
    eligible = false;
    reasons.push('经认定不符合省级补助条件');
  } else {
    eligible = false;
    reasons.push('是否“符合条件”尚未认定（条件按省级规定，种子文本未列出），暂不能确定');
  }
  if (facts.alreadyReceived) {
    eligible = false;
    reasons.push('该项为一次性补助，已发放，不再重复发放');
  }
  if (eligible) reasons.push(`可按规定给予一次性省级补助${yuan(rule.params.amount)}`);
  return decision(rule, rule.params.amount, eligible, reasons, {
    inProvincialBase: facts.inProvincialBase,
    startupProjectOrEntity: facts.startupProjectOrEntity,
    meetsConditions: facts.meetsConditions,
    alreadyReceived: facts.alreadyReceived ?? false,
  });
}
