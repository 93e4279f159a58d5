/**
 * Rules as data (DESIGN.md「Rules as data」): every amount, threshold and target the system
 * applies is a rule with effective dates and a citation, never a literal inside a calculator.
 * A calculator takes the rule in force and the facts, and returns a Decision that records which
 * rule and which facts produced it, with reasons in Chinese a cadre can read.
 *
 * Pure code: no I/O; imports only from src/domain.
 */
import { parseIsoDate } from '../text.js';

/**
 * One version of a rule. A rule table is a list of versions of the same rule whose periods do not
 * overlap; `ruleFor` picks the one in force on a date.
 */
export interface PolicyRule<P> {
  /** Stable id of this version, e.g. 'training-subsidy-2018'. */
  id: string;
  /** Chinese title, e.g. '企业培训并吸纳贫困家庭劳动力就业的培训补助'. */
  title: string;
  /**
   * Seed clause ('二(二)1', '二(五)', '三(五)') or, for a rule the seed takes for granted, the
   * name of the national or provincial rule.
   */
  clause: string;
  /** Document the rule comes from. */
  source: string;
  /** First day in force, YYYY-MM-DD. */
  effectiveFrom: string;
  /** Last day in force (inclusive), YYYY-MM-DD; null when the source sets no end. */
  effectiveTo: string | null;
  params: P;
  /** True when some parameter is a default nobody has checked against a document. */
  unverified?: boolean;
  /** Which parameters are unverified (dotted paths into params), and why in `note`. */
  unverifiedParams?: string[];
  /** Words of the seed the rule rests on, verbatim (tests check they are in the clause). */
  quote?: string;
  /** Interpretations, and why parameters are unverified. */
  note?: string;
}

/** What a decision records about the rule that produced it. */
export interface RuleRef {
  id: string;
  clause: string;
  title: string;
  source: string;
  effectiveFrom: string;
  effectiveTo: string | null;
  unverified: boolean;
}

export type FactValue = string | number | boolean | null;

/**
 * The answer of a calculator: the amount (yuan; what the amount means is stated by each
 * calculator), whether the case qualifies, the reasons in Chinese (naming clause and facts), the
 * rule, and the facts that were used.
 */
export interface Decision {
  amount: number;
  eligible: boolean;
  reasons: string[];
  rule: RuleRef;
  facts: Record<string, FactValue>;
}

export type PolicyErrorCode =
  | 'RULE_TABLE_EMPTY'
  | 'RULE_NOT_IN_FORCE'
  | 'RULE_AMBIGUOUS'
  | 'INVALID_DATE'
  | 'INVALID_FACT';

/** An error of the policy layer, with a stable code; the message is Chinese. */
export class PolicyError extends Error {
  readonly code: PolicyErrorCode;
  readonly details: Record<string, unknown> | undefined;
  constructor(code: PolicyErrorCode, message: string, details?: Record<string, unknown>) {
    super(message);
    this.name = 'PolicyError';
    this.code = code;
    this.details = details;
  }
}

/** "YYYY-MM-DD" or "YYYYMMDD" → "YYYY-MM-DD", or null when the date does not exist. */
export function normalizeDate(s: string): string | null {
  if (typeof s !== 'string') return null;
  const d = parseIsoDate(s);
  if (!d) return null;
  return `${d.year}-${String(d.month).padStart(2, '0')}-${String(d.day).padStart(2, '0')}`;
}

/** Normalised date or a PolicyError naming what the date was for. */
export function requireDate(s: string, what: string): string {
  const d = normalizeDate(s);
  if (d === null) throw new PolicyError('INVALID_DATE', `${what}“${String(s)}”不是有效日期（应为YYYY-MM-DD）`, { value: s });
  return d;
}

function inForce(rule: PolicyRule<unknown>, date: string): boolean {
  return rule.effectiveFrom <= date && (rule.effectiveTo === null || date <= rule.effectiveTo);
}

function periodText(rule: PolicyRule<unknown>): string {
  return rule.effectiveTo === null ? `${rule.effectiveFrom}起` : `${rule.effectiveFrom}至${rule.effectiveTo}`;
}

/**
 * The version of a rule in force on `date` (YYYY-MM-DD or YYYYMMDD). Both ends of a period are
 * inclusive. Throws PolicyError when the table is empty, the date is invalid, no version is in
 * force (the message lists the periods that exist) or two versions overlap on that date.
 */
export function ruleFor<P>(rules: readonly PolicyRule<P>[], date: string): PolicyRule<P> {
  const first = rules[0];
  if (first === undefined) throw new PolicyError('RULE_TABLE_EMPTY', '规则表为空，无法选取适用规则');
  const day = requireDate(date, '规则适用日期');
  const hits = rules.filter((r) => inForce(r, day));
  const only = hits[0];
  if (only === undefined) {
    const periods = rules.map((r) => `${r.id}（${periodText(r)}）`).join('、');
    throw new PolicyError(
      'RULE_NOT_IN_FORCE',
      `${day}没有有效的规则「${first.title}」（${first.clause}）；现有版本：${periods}。请由管理员补充适用于该日期的规则。`,
      { date: day, rules: rules.map((r) => r.id) },
    );
  }
  if (hits.length > 1) {
    throw new PolicyError(
      'RULE_AMBIGUOUS',
      `${day}同时有${hits.length}个版本的规则「${first.title}」有效：${hits.map((r) => `${r.id}（${periodText(r)}）`).join('、')}；有效期不能重叠。`,
      { date: day, rules: hits.map((r) => r.id) },
    );
  }
  return only;
}

/** Does the table have a version in force on `date`? (No throw.) */
export function hasRuleFor(rules: readonly PolicyRule<unknown>[], date: string): boolean {
  const day = normalizeDate(date);
  return day !== null && rules.filter((r) => inForce(r, day)).length === 1;
}

/**
 * Check a rule table as an administrator submits it. Returns Chinese messages, empty when valid:
 * ids present and unique, title, clause and source present, dates valid, from ≤ to, no overlap.
 */
export function validateRuleTable(rules: readonly PolicyRule<unknown>[]): string[] {
  const errors: string[] = [];
  if (rules.length === 0) return ['规则表为空'];
  const ids = new Set<string>();
  for (const r of rules) {
    const label = r.id || '(无编号)';
    if (!r.id) errors.push('规则缺少编号');
    else if (ids.has(r.id)) errors.push(`规则编号 ${r.id} 重复`);
    ids.add(r.id);
    if (!r.title?.trim()) errors.push(`规则 ${label} 缺少标题`);
    if (!r.clause?.trim()) errors.push(`规则 ${label} 缺少条款出处`);
    if (!r.source?.trim()) errors.push(`规则 ${label} 缺少来源文件`);
    const from = normalizeDate(r.effectiveFrom);
    if (from === null || from !== r.effectiveFrom) errors.push(`规则 ${label} 的生效日期“${r.effectiveFrom}”无效（应为YYYY-MM-DD）`);
    if (r.effectiveTo !== null) {
      const to = normalizeDate(r.effectiveTo);
      if (to === null || to !== r.effectiveTo) errors.push(`规则 ${label} 的失效日期“${r.effectiveTo}”无效（应为YYYY-MM-DD）`);
      else if (from !== null && to < from) errors.push(`规则 ${label} 的失效日期早于生效日期`);
    }
  }
  const sorted = [...rules].sort((a, b) => (a.effectiveFrom < b.effectiveFrom ? -1 : a.effectiveFrom > b.effectiveFrom ? 1 : 0));
  for (let i = 1; i < sorted.length; i++) {
    const prev = sorted[i - 1];
    const cur = sorted[i];
    if (prev === undefined || cur === undefined) continue;
    if (prev.effectiveTo === null || cur.effectiveFrom <= prev.effectiveTo) {
      errors.push(`规则 ${prev.id}（${periodText(prev)}）与 ${cur.id}（${periodText(cur)}）有效期重叠`);
    }
  }
  return errors;
}

export function ruleRef(rule: PolicyRule<unknown>): RuleRef {
  return {
    id: rule.id,
    clause: rule.clause,
    title: rule.title,
    source: rule.source,
    effectiveFrom: rule.effectiveFrom,
    effectiveTo: rule.effectiveTo,
    unverified: rule.unverified === true,
  };
}

/** The first reason of every decision: which rule, which clause, which period. */
export function citeRule(rule: PolicyRule<unknown>): string {
  const unverified = rule.unverified ? '；注意：参数未经核实，须由管理员按现行文件确认' : '';
  return `依据${rule.clause}「${rule.title}」（规则${rule.id}，${periodText(rule)}${unverified}）`;
}

/** Yuan for reasons: 20000 → "2万元", 41000 → "41000元", 1000 → "1000元", 12.5 → "12.50元". */
export function yuan(n: number): string {
  if (Number.isInteger(n) && n >= 10000 && n % 10000 === 0) return `${n / 10000}万元`;
  return Number.isInteger(n) ? `${n}元` : `${n.toFixed(2)}元`;
}

/** Fail on a number that is not finite or negative (a malformed fact, not a decision). */
export function requireAmount(value: number, what: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new PolicyError('INVALID_FACT', `${what}应为不小于0的数，实际为“${String(value)}”`, { value });
  }
  return value;
}

/** A Decision from its parts; the amount is 0 when not eligible. */
export function decision(
  rule: PolicyRule<unknown>,
  amount: number,
  eligible: boolean,
  reasons: string[],
  facts: Record<string, FactValue>,
): Decision {
  return { amount: eligible ? amount : 0, eligible, reasons, rule: ruleRef(rule), facts };
}

export { DEFAULT_RULES, type RuleTables } from './defaults.js';
