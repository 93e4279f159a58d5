/**
 * Calculators of 二(六) 社会保障性兜底扶贫行动: the pension contribution the government pays for
 * the listed groups, and 低保 coverage (应保尽保) with its two-way link to the registry. Each is a
 * pure function (rule, facts) → Decision; parameters come only from the rule.
 */
import { resolveDictValue } from '../dictionaries.js';
import { fromFen, perCapitaNetIncome, toFen, type IncomeYear } from '../income.js';
import { toHalfWidth } from '../text.js';
import type { DibaoParams, PensionContributionParams, PensionGroupCode } from './defaults.js';
import { citeRule, decision, PolicyError, requireAmount, ruleRef, yuan, type Decision, type PolicyRule } from './rules.js';

const CLASS_NUMERALS = ['一', '二', '三', '四'] as const;

/**
 * 低保类别 as a number 1–4 from 1, '1', '一类', '一', '1类'; null when absent; PolicyError when it
 * is something else.
 */
export function dibaoClassNumber(raw: number | string | null | undefined): number | null {
  if (raw === null || raw === undefined || raw === '') return null;
  let n: number;
  if (typeof raw === 'number') n = raw;
  else {
    const t = toHalfWidth(raw).trim().replace(/类$/, '');
    const i = CLASS_NUMERALS.indexOf(t as (typeof CLASS_NUMERALS)[number]);
    n = i >= 0 ? i + 1 : /^\d$/.test(t) ? Number(t) : NaN;
  }
  if (!Number.isInteger(n) || n < 1 || n > 4) {
    throw new PolicyError('INVALID_FACT', `低保类别应为一类至四类，实际为“${String(raw)}”`);
  }
  return n;
}

function classText(n: number): string {
  return `${CLASS_NUMERALS[n - 1] ?? n}类`;
}

// ---------------------------------------------------------------------------------------------
// 二(六) pension contribution paid by government

export interface PensionFacts {
  age: number;
  /** 在校学生 (not eligible to enrol). */
  inSchool?: boolean;
  /** Covered by 职工基本养老保险 instead. */
  employeePension?: boolean;
  registeredPoor: boolean;
  /** 脱贫属性: 未脱贫, 已脱贫, 返贫, 已剔除 (aliases accepted). */
  povertyStatus?: string;
  /** 低保类别 1–4 or 一类…四类, null when not on 低保. */
  dibaoClass?: number | string | null;
  /** 残疾等级: 一级…四级, 1–4. */
  disabilityGrade?: string | number | null;
  /** 计划生育“两证户”. */
  familyPlanningTwoCertificates?: boolean;
  /** 特困供养人员. */
  tekun?: boolean;
}

export interface PensionDecision extends Decision {
  groups: PensionGroupCode[];
}

const GRADE_LABELS = ['一级', '二级', '三级', '四级'] as const;

function disabilityLabel(grade: string | number | null | undefined): string | null {
  if (grade === null || grade === undefined || grade === '') return null;
  if (typeof grade === 'number') return GRADE_LABELS[grade - 1] ?? null;
  return resolveDictValue('disabilityGrade', grade);
}

/**
 * 二(六): whether the government pays this person's 城乡居民基本养老保险 contribution, and how much a
 * year. Amount: lowest grade × the government's share (全部 = all of it), once per person however
 * many groups the person is in.
 */
export function pensionContribution(rule: PolicyRule<PensionContributionParams>, facts: PensionFacts): PensionDecision {
  const p = rule.params;
  const reasons = [citeRule(rule)];
  requireAmount(facts.age, '年龄');
  const status = facts.povertyStatus === undefined ? null : resolveDictValue('povertyStatus', facts.povertyStatus);
  const grade = disabilityLabel(facts.disabilityGrade);
  const dibaoClass = dibaoClassNumber(facts.dibaoClass);
  let canEnrol = true;
  if (facts.age < p.minAge) {
    canEnrol = false;
    reasons.push(`${facts.age}周岁，未满${p.minAge}周岁，不符合参保条件`);
  } else if (facts.age >= p.benefitAge) {
    canEnrol = false;
    reasons.push(`${facts.age}周岁，已满${p.benefitAge}周岁，按月领取养老金，不再缴费`);
  } else if (facts.inSchool) {
    canEnrol = false;
    reasons.push('在校学生不属于城乡居民养老保险参保范围');
  } else if (facts.employeePension) {
    canEnrol = false;
    reasons.push('已参加职工基本养老保险，不属于城乡居民养老保险参保范围');
  } else {
    reasons.push(`${facts.age}周岁，符合城乡居民基本养老保险参保条件`);
  }

  const groups: PensionGroupCode[] = [];
  for (const g of p.groups) {
    let hit = false;
    switch (g.code) {
      case 'REGISTERED_POOR_NOT_EXITED':
        if (facts.registeredPoor && status === null) reasons.push('系建档立卡人口，但未提供脱贫属性，无法判断是否“未标注脱贫”');
        hit = facts.registeredPoor && (status === '未脱贫' || status === '返贫');
        if (facts.registeredPoor && status === '已脱贫') reasons.push('建档立卡人口已标注脱贫，不属“未标注脱贫的贫困人口”');
        break;
      case 'DIBAO_CLASS':
        hit = dibaoClass !== null && p.dibaoClasses.includes(dibaoClass);
        break;
      case 'SEVERE_DISABILITY':
        hit = grade !== null && p.disabilityGrades.includes(grade);
        break;
      case 'FAMILY_PLANNING_TWO_CERTIFICATES':
        hit = facts.familyPlanningTwoCertificates === true;
        break;
      case 'TEKUN':
        hit = facts.tekun === true;
        break;
    }
    if (hit) {
      groups.push(g.code);
      const detail =
        g.code === 'DIBAO_CLASS' && dibaoClass !== null ? `（低保${classText(dibaoClass)}）` : g.code === 'SEVERE_DISABILITY' ? `（残疾${grade}）` : '';
      reasons.push(`属于代缴对象：${g.label}${detail}（依据${g.basis}${g.unverified ? '，待核实' : ''}）`);
    }
  }
  if (groups.length === 0) reasons.push(`不属于${p.groups.map((g) => g.label).join('、')}中的任何一类`);
  const amount = fromFen(Math.round(toFen(p.lowestGradeAmount) * p.governmentShare));
  const eligible = canEnrol && groups.length > 0;
  if (eligible) {
    const share = p.governmentShare === 1 ? '全部' : `${Math.round(p.governmentShare * 100)}%`;
    reasons.push(
      `由政府代缴${share}最低档次个人缴费：最低档次${yuan(p.lowestGradeAmount)}/年，代缴${yuan(amount)}/年${groups.length > 1 ? '（同时属于多类的，只代缴一份）' : ''}`,
    );
  }
  return {
    ...decision(rule, amount, eligible, reasons, {
      age: facts.age,
      inSchool: facts.inSchool ?? false,
      employeePension: facts.employeePension ?? false,
      registeredPoor: facts.registeredPoor,
      povertyStatus: status,
      dibaoClass,
      disabilityGrade: grade,
      familyPlanningTwoCertificates: facts.familyPlanningTwoCertificates ?? false,
      tekun: facts.tekun ?? false,
    }),
    groups,
  };
}

// ---------------------------------------------------------------------------------------------
// 二(六) 低保 coverage

export interface DibaoMember {
  name?: string;
  /** 劳动技能 (dictionary label or alias). */
  labourSkill?: string;
}

export interface DibaoFacts {
  householdSize: number;
  /** 家庭人均收入, not counting 低保金 (yuan per year); or give `income`. */
  perCapitaIncome?: number;
  /** The year's income; 低保金 (income.dibao) is left out of the test. */
  income?: IncomeYear;
  /** 家庭财产状况符合低保规定 (民政部门核定); null = not checked. */
  meetsAssetRules?: boolean | null;
  registeredPoor: boolean;
  members?: DibaoMember[];
  /** For partial labour: 无法依靠产业就业帮扶脱贫 (assessment of the helpers). */
  cannotExitThroughIndustryOrEmployment?: boolean | null;
  receivesDibao: boolean;
  /** 低保类别 1–4 or 一类…四类 when on 低保. */
  dibaoClass?: number | string | null;
  /** 三保障问题已解决; null = not checked (逐户排查). */
  threeGuaranteesResolved?: boolean | null;
}

export type DibaoStatus = 'covered' | 'should_cover' | 'not_qualified' | 'covered_review';

export interface DibaoDecision extends Decision {
  qualifies: boolean;
  covered: boolean;
  status: DibaoStatus;
  /** 低保一、二类对象 with unresolved 三保障 outside the registry: to be registered. null = unknown. */
  shouldRegister: boolean | null;
  /** 家庭人均收入 (不含低保金) used, or null. */
  perCapitaIncome: number | null;
}

/**
 * 二(六) 应保尽保: does the household qualify for 低保 (income below the standard; or, for a
 * registered household, labour capacity lost completely, or partly with no way out through
 * industry or employment), is it covered, and — the other direction — should a 一、二类 低保
 * household with unresolved 三保障 be brought into the registry. Amount: the yearly 补差 reference
 * (standard − per-capita income) × household size, never the 低保金 itself, which the 民政
 * department sets by class.
 */
export function dibaoCoverage(rule: PolicyRule<DibaoParams>, facts: DibaoFacts): DibaoDecision {
  const p = rule.params;
  const reasons = [citeRule(rule)];
  if (!Number.isInteger(facts.householdSize) || facts.householdSize <= 0) {
    throw new PolicyError('INVALID_FACT', `家庭人口应为正整数，实际为“${String(facts.householdSize)}”`);
  }
  let perCapita: number | null = null;
  if (facts.perCapitaIncome !== undefined) perCapita = facts.perCapitaIncome;
  else if (facts.income !== undefined) {
    const withoutDibao = { ...facts.income, transfer: facts.income.transfer - (facts.income.dibao ?? 0) };
    perCapita = perCapitaNetIncome(withoutDibao, facts.householdSize);
  }
  const standard = p.standardPerPersonYear;

  // Income test.
  let byIncome = false;
  if (perCapita === null) reasons.push('未提供家庭收入，无法按收入判断');
  else if (perCapita < standard) {
    if (facts.meetsAssetRules === false) reasons.push(`人均收入${yuan(perCapita)}低于低保标准${yuan(standard)}，但财产状况不符合低保规定`);
    else {
      byIncome = true;
      reasons.push(
        `家庭人均收入（不含低保金）${yuan(perCapita)}，低于农村低保标准${yuan(standard)}/人·年${facts.meetsAssetRules == null ? '（财产状况待民政部门核定）' : ''}`,
      );
    }
  } else reasons.push(`家庭人均收入（不含低保金）${yuan(perCapita)}，不低于农村低保标准${yuan(standard)}/人·年`);

  // Labour test of 二(六) for registered households.
  let byLabour = false;
  if (facts.registeredPoor && facts.members && facts.members.length > 0) {
    const skills = facts.members.map((m) => (m.labourSkill === undefined ? null : resolveDictValue('labourSkill', m.labourSkill)));
    const able = skills.filter((s) => s !== null && !p.noLabourSkills.includes(s) && !p.partialLabourSkills.includes(s));
    const partial = skills.filter((s) => s !== null && p.partialLabourSkills.includes(s));
    if (skills.some((s) => s === null)) reasons.push('部分成员劳动技能未知，未按劳动能力判断');
    else if (able.length > 0) reasons.push('户内有普通劳动力或技能劳动力，不属完全或部分丧失劳动能力的情形');
    else if (partial.length === 0) {
      byLabour = true;
      reasons.push('户内成员均完全丧失劳动能力或无劳动力：按二(六)应纳入低保范围');
    } else if (facts.cannotExitThroughIndustryOrEmployment === true) {
      byLabour = true;
      reasons.push('户内仅有部分丧失劳动能力的成员，且无法依靠产业就业帮扶脱贫：按二(六)应纳入低保范围');
    } else if (facts.cannotExitThroughIndustryOrEmployment === false) {
      reasons.push('户内有部分丧失劳动能力的成员，但可依靠产业就业帮扶脱贫');
    } else {
      reasons.push('户内仅有部分丧失劳动能力的成员，是否“无法依靠产业就业帮扶脱贫”尚未评估');
    }
  }

  const qualifies = byIncome || byLabour;
  const covered = facts.receivesDibao;
  let status: DibaoStatus;
  if (qualifies && covered) {
    status = 'covered';
    reasons.push('符合低保条件且已纳入低保：应保尽保');
  } else if (qualifies) {
    status = 'should_cover';
    reasons.push('符合低保条件但未纳入低保：应保未保，应按程序纳入');
  } else if (covered) {
    status = 'covered_review';
    reasons.push('已享受低保，但按所给事实不符合低保条件，请民政部门复核');
  } else {
    status = 'not_qualified';
    reasons.push('按所给事实不符合低保条件');
  }

  // 低保一、二类 → 建档立卡.
  let shouldRegister: boolean | null = false;
  const cls = dibaoClassNumber(facts.dibaoClass);
  if (covered && cls !== null && p.registerClasses.includes(cls) && !facts.registeredPoor) {
    if (facts.threeGuaranteesResolved === false) {
      shouldRegister = true;
      reasons.push(`系农村低保${classText(cls)}对象，“三保障”问题未解决且未建档立卡：应纳入建档立卡范围`);
    } else if (facts.threeGuaranteesResolved === true) {
      reasons.push(`系农村低保${classText(cls)}对象，“三保障”问题已解决，无需纳入建档立卡`);
    } else {
      shouldRegister = null;
      reasons.push(`系农村低保${classText(cls)}对象且未建档立卡，须逐户排查“三保障”问题`);
    }
  }

  const gapFen = perCapita === null ? 0 : Math.max(0, toFen(standard) - toFen(perCapita)) * facts.householdSize;
  const amount = fromFen(gapFen);
  if (qualifies) {
    reasons.push(
      gapFen > 0
        ? `补差参考额${yuan(amount)}/年（（低保标准−人均收入）×${facts.householdSize}人，《社会救助暂行办法》第十三条）；实际低保金按分类施保由民政部门核定`
        : '人均收入不低于低保标准，补差参考额为0；按二(六)纳入低保的，保障金额由民政部门按分类施保核定',
    );
  }
  return {
    amount: qualifies ? amount : 0,
    eligible: qualifies,
    reasons,
    rule: ruleRef(rule),
    facts: {
      householdSize: facts.householdSize,
      perCapitaIncome: perCapita,
      meetsAssetRules: facts.meetsAssetRules ?? null,
      registeredPoor: facts.registeredPoor,
      labourSkills: facts.members?.map((m) => m.labourSkill ?? '未知').join('、') ?? null,
      cannotExitThroughIndustryOrEmployment: facts.cannotExitThroughIndustryOrEmployment ?? null,
      receivesDibao: facts.receivesDibao,
      dibaoClass: cls,
      threeGuaranteesResolved: facts.threeGuaranteesResolved ?? null,
    },
    qualifies,
    covered,
    status,
    shouldRegister,
    perCapitaIncome: perCapita,
  };
}
