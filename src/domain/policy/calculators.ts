/**
 * The seed's calculators. Each is a pure function (rule, facts) → Decision: the amount, whether
 * the case qualifies, the reasons in Chinese (first the rule and clause, then each fact used), the
 * rule and the facts. Parameters come only from the rule passed in (pick it with `ruleFor`).
 *
 *   employment.ts  二(二)1 training subsidy, 二(二)2 扶贫车间 awards, 二(二)4 incubation base
 *   health.ts      二(五) health chain and the 85% / 3000-yuan top-up
 *   social.ts      二(六) pension contribution paid by government, 低保 coverage
 *   here           三(五) village collective income, and the registry of calculators
 */
import { fromFen, toFen } from '../income.js';
import type { CollectiveIncomeParams, RuleTables } from './defaults.js';
import { citeRule, requireAmount, ruleRef, yuan, type Decision, type PolicyRule } from './rules.js';

export * from './employment.js';
export * from './health.js';
export * from './social.js';

// ---------------------------------------------------------------------------------------------
// 三(五) village collective income

export interface CollectiveIncomeFacts {
  year: number;
  registeredPoorVillage: boolean;
  /** 村级集体经济收入 of the year (yuan). */
  collectiveIncome: number;
}

export interface CollectiveIncomeDecision extends Decision {
  /** null when the target does not apply to this village under this rule. */
  meetsTarget: boolean | null;
}

/**
 * 三(五): does a village reach the collective-income target? Eligible: the target applies to it
 * (poor villages from 2018, all villages by the end of 2020 — from the rule's scope). Amount: the
 * shortfall to the target (yuan), 0 when met. Pick the rule in force on the year's last day.
 */
export function collectiveIncome(rule: PolicyRule<CollectiveIncomeParams>, facts: CollectiveIncomeFacts): CollectiveIncomeDecision {
  const reasons = [citeRule(rule)];
  requireAmount(facts.collectiveIncome, '村级集体经济收入');
  const min = rule.params.minAnnualIncome;
  const applies = rule.params.scope === 'allVillages' || facts.registeredPoorVillage;
  const kind = facts.registeredPoorVillage ? '建档立卡贫困村' : '非建档立卡贫困村';
  const facts2 = { year: facts.year, registeredPoorVillage: facts.registeredPoorVillage, collectiveIncome: facts.collectiveIncome };
  if (!applies) {
    reasons.push(`${facts.year}年该村为${kind}，本规则的目标只适用于建档立卡贫困村`);
    return { amount: 0, eligible: false, reasons, rule: ruleRef(rule), facts: facts2, meetsTarget: null };
  }
  const shortFen = Math.max(0, toFen(min) - toFen(facts.collectiveIncome));
  const meets = shortFen === 0;
  reasons.push(
    `${facts.year}年${kind}村级集体经济收入${yuan(facts.collectiveIncome)}，目标${yuan(min)}以上：${meets ? '已达到' : `未达到，差${yuan(fromFen(shortFen))}`}`,
  );
  return { amount: fromFen(shortFen), eligible: true, reasons, rule: ruleRef(rule), facts: facts2, meetsTarget: meets };
}

// ---------------------------------------------------------------------------------------------
// Registry of calculators (for the catalog, the CLI and the pages)

export type CalculatorId =
  | 'trainingSubsidy'
  | 'workshopAwards'
  | 'incubationSubsidy'
  | 'healthChain'
  | 'healthTopUp'
  | 'pensionContribution'
  | 'dibaoCoverage'
  | 'collectiveIncome';

export interface CalculatorInfo {
  id: CalculatorId;
  title: string;
  clause: string;
  /** Rule tables it reads. */
  tables: (keyof RuleTables)[];
  /** What the amount means. */
  amount: string;
}

export const CALCULATORS: readonly CalculatorInfo[] = [
  { id: 'trainingSubsidy', title: '企业培训吸纳就业培训补助', clause: '二(二)1', tables: ['trainingSubsidy'], amount: '企业就该劳动力可得的补助（元/人）' },
  { id: 'workshopAwards', title: '“扶贫车间”一次性补助', clause: '二(二)2', tables: ['workshopAwards'], amount: '各项补助分别列出（元/项），不合计' },
  { id: 'incubationSubsidy', title: '省级孵化示范基地一次性补助', clause: '二(二)4', tables: ['incubationSubsidy'], amount: '一次性省级补助（元）' },
  { id: 'healthChain', title: '基本医保、大病保险、医疗救助报销', clause: '二(五)', tables: ['healthChain'], amount: '三重保障合计支付（元/年）' },
  { id: 'healthTopUp', title: '合规医疗费用报销85%和自负3000元兜底', clause: '二(五)', tables: ['healthTargets'], amount: '达到两项目标所需兜底补助（元/年）' },
  { id: 'pensionContribution', title: '城乡居民养老保险政府代缴', clause: '二(六)', tables: ['pensionContribution'], amount: '政府代缴金额（元/人·年）' },
  { id: 'dibaoCoverage', title: '农村低保应保尽保', clause: '二(六)', tables: ['dibao'], amount: '低保补差参考额（元/户·年）' },
  { id: 'collectiveIncome', title: '村级集体经济收入目标', clause: '三(五)', tables: ['collectiveIncome'], amount: '距目标的差额（元/村·年）' },
];
