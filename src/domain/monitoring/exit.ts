/**
 * Exit checks (DOMAIN.md「Lifecycle and procedures」) as pure decisions with reasons:
 * - a household: per-capita net income above that year's poverty line, 两不愁三保障 and safe water
 *   (policy/lianbuchou's assessLianbuchou), and none of the Gansu blocking conditions (exitBlockers);
 * - a village: poverty incidence below the exit threshold (3% in the west), plus its conditions
 *   (road, water, electricity, clinic, broadband, collective income); absent data is a reason;
 * - a county: incidence below the threshold.
 * Every decision records the standards it used. Pure code, no I/O.
 */
import { toFen } from '../income.js';
import {
  assessLianbuchou, exitBlockers, type ExitBlockerParams, type HealthTargetParams, type LianbuchouFacts, type LianbuchouParams, type PolicyRule,
} from '../policy/index.js';
import { cite, formatStandard, type StandardValue } from '../standards.js';

export interface ExitDecision {
  pass: boolean;
  reasons: string[];
}

export interface HouseholdExitInput {
  year: number;
  /** Per-capita net income of that year (yuan), null when the year has no income record. */
  perCapitaNet: number | null;
  povertyLine: StandardValue;
  facts: LianbuchouFacts;
  rules: { lianbuchou: PolicyRule<LianbuchouParams>; exitBlockers: PolicyRule<ExitBlockerParams>; healthTargets?: PolicyRule<HealthTargetParams> };
}

/** Income strictly above the line: at the line is not above it. */
export function incomeAbove(perCapitaNet: number, line: number): boolean {
  return toFen(perCapitaNet) > toFen(line);
}

export function decideHouseholdExit(i: HouseholdExitInput): ExitDecision {
  const reasons: string[] = [];
  let pass = true;
  if (i.perCapitaNet === null) {
    pass = false;
    reasons.push(`无${i.year}年收入记录，无法核实人均纯收入是否超过扶贫标准`);
  } else if (incomeAbove(i.perCapitaNet, i.povertyLine.value)) {
    reasons.push(`${i.year}年人均纯收入${i.perCapitaNet}元，高于${cite(i.povertyLine)}`);
  } else {
    pass = false;
    reasons.push(`${i.year}年人均纯收入${i.perCapitaNet}元，未超过${cite(i.povertyLine)}`);
  }
  const a = assessLianbuchou(i.rules.lianbuchou, i.facts, i.rules.healthTargets);
  for (const d of a.dimensions) {
    if (d.status === 'gap') {
      pass = false;
      reasons.push(`${d.title}未达标：${d.evidence.join('；')}`);
    } else if (d.status === 'unknown') {
      pass = false;
      reasons.push(`${d.title}未核实：${d.evidence.join('；')}`);
    }
  }
  if (a.secure) reasons.push('“两不愁三保障”及饮水安全均已达标');
  const b = exitBlockers(i.facts, { lianbuchou: i.rules.lianbuchou, exitBlockers: i.rules.exitBlockers });
  if (b.blocked) {
    pass = false;
    reasons.push(...b.blockers.map((x) => `退出否决（${x.code}）：${x.reason}`));
  } else if (b.unknown.length) {
    pass = false;
    reasons.push(`退出否决情形无法排除：${b.unknown.join('；')}`);
  } else {
    reasons.push('无退出否决情形（C/D级危房、义务教育阶段辍学、大病未救治、仅靠政策性转移收入）');
  }
  return { pass, reasons };
}

/** A village's exit conditions as recorded (null: not recorded). */
export interface VillageConditions {
  year: number;
  road: boolean | null;
  water: boolean | null;
  electricity: boolean | null;
  clinic: boolean | null;
  broadband: boolean | null;
  collectiveIncome: number | null;
  source: string | null;
}

const CONDITIONS: [keyof Omit<VillageConditions, 'year' | 'collectiveIncome' | 'source'>, string][] = [
  ['road', '通硬化路'],
  ['water', '安全饮水'],
  ['electricity', '通动力电'],
  ['clinic', '有标准化村卫生室'],
  ['broadband', '通宽带'],
];

/**
 * Incidence below the maximum, compared in whole basis points so 2.99% passes and 3.00% fails
 * without floating-point doubt: poor × 10000 < max_bp × population.
 */
export function incidenceBelow(poor: number, population: number, max: number): boolean {
  return poor * 10000 < Math.round(max * 10000) * population;
}

export function incidenceText(poor: number, population: number): string {
  return `${((poor / population) * 100).toFixed(2)}%（贫困人口${poor}人 ÷ 农村户籍人口${population}人）`;
}

export interface AreaExitInput {
  year: number;
  poorPeople: number;
  /** Rural registered population of that year, null when not recorded. */
  population: number | null;
  maxIncidence: StandardValue;
}

function incidenceDecision(i: AreaExitInput, what: string): ExitDecision {
  if (i.population === null || i.population <= 0) {
    return { pass: false, reasons: [`缺少${what}${i.year}年农村户籍人口，无法计算贫困发生率（贫困人口${i.poorPeople}人）`] };
  }
  const text = incidenceText(i.poorPeople, i.population);
  return incidenceBelow(i.poorPeople, i.population, i.maxIncidence.value)
    ? { pass: true, reasons: [`贫困发生率${text}，低于${cite(i.maxIncidence)}`] }
    : { pass: false, reasons: [`贫困发生率${text}，未低于${formatStandard(i.maxIncidence)}（${i.maxIncidence.source}）`] };
}

export function decideVillageExit(i: AreaExitInput & { conditions: VillageConditions | null; minCollectiveIncome: StandardValue | null }): ExitDecision {
  const d = incidenceDecision(i, '本村');
  let pass = d.pass;
  const reasons = [...d.reasons];
  const c = i.conditions;
  if (!c) {
    return { pass: false, reasons: [...reasons, `未录入${i.year}年村级退出条件（道路、饮水、电力、卫生室、宽带、集体经济），无法核实`] };
  }
  for (const [key, label] of CONDITIONS) {
    if (c[key] === true) reasons.push(`${label}：达标`);
    else if (c[key] === false) { pass = false; reasons.push(`${label}：未达标`); }
    else { pass = false; reasons.push(`${label}：未录入，无法核实`); }
  }
  if (!i.minCollectiveIncome) {
    pass = false;
    reasons.push(`${i.year}年没有村集体经济收入标准，无法核实`);
  } else if (c.collectiveIncome === null) {
    pass = false;
    reasons.push('村集体经济收入：未录入，无法核实');
  } else if (c.collectiveIncome >= i.minCollectiveIncome.value) {
    reasons.push(`村集体经济收入${c.collectiveIncome}元，达到${cite(i.minCollectiveIncome)}`);
  } else {
    pass = false;
    reasons.push(`村集体经济收入${c.collectiveIncome}元，低于${formatStandard(i.minCollectiveIncome)}`);
  }
  return { pass, reasons };
}

export function decideCountyExit(i: AreaExitInput & { poorVillagesFailing: number; poorVillages: number }): ExitDecision {
  const d = incidenceDecision(i, '本县');
  const reasons = [...d.reasons];
  reasons.push(`贫困村${i.poorVillages}个，其中${i.poorVillagesFailing}个未通过本次退出核查`);
  reasons.push('县级退出还须经市级初审、省级核查和公告，本核查只计算数据条件');
  return { pass: d.pass, reasons };
}
