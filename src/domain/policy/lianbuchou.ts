/**
 * 两不愁三保障 (plus safe drinking water) for one household on one date: per dimension a status
 * (secure, gap, unknown), the evidence in Chinese, and — for an open gap — measures from the
 * catalog to put into the household's plan (一户一策). `exitBlockers` lists the Gansu conditions
 * that block a household's exit, for the exit checks.
 *
 * A fact left out is unknown, never assumed secure.
 */
import { resolveDictValue } from '../dictionaries.js';
import { parseIdNumber } from '../idnumber.js';
import { toFen, type IncomeYear } from '../income.js';
import { toHalfWidth } from '../text.js';
import {
  DEFAULT_RULES,
  type ExitBlockerParams,
  type GapCode,
  type HealthTargetParams,
  type LianbuchouParams,
} from './defaults.js';
import { citeRule, requireDate, ruleFor, ruleRef, yuan, type PolicyRule, type RuleRef } from './rules.js';

export interface LianbuchouMember {
  /** Shown in evidence; 成员1, 成员2 … when absent. Never put ID numbers here. */
  name?: string;
  /** Age on the assessment date; or birthDate; or idNumber (birth date from it). */
  age?: number;
  birthDate?: string;
  idNumber?: string;
  /** 在校生状况 (dictionary label or alias). */
  schoolStatus?: string;
  /** 学籍状态 from the education department. */
  enrolment?: '在读' | '辍学' | '休学' | '毕业';
  /** 送教上门. */
  sendTeachingHome?: boolean;
  /** Has completed nine years of compulsory education. */
  completedCompulsory?: boolean;
  /** 经批准延缓入学或免予入学. */
  deferredOrExempted?: boolean;
  /** 健康状况 (dictionary label or alias). */
  health?: string;
  disabilityGrade?: string | number | null;
  /** For 患有大病: received treatment (得到救治). */
  seriousIllnessTreated?: boolean | null;
  /** For 长期慢性病: under managed care (规范管理). */
  chronicManaged?: boolean | null;
  /** 参加城乡居民基本医疗保险. */
  medicalInsured?: boolean | null;
  familyDoctorSigned?: boolean | null;
  /** 个人自负合规医疗费用 of the last year (yuan), after every payer. */
  compliantOutOfPocket?: number;
}

export interface LianbuchouFacts {
  /** Date checked (YYYY-MM-DD). */
  asOf: string;
  registeredPoor?: boolean;
  members: LianbuchouMember[];
  food?: { secure?: boolean | null; note?: string };
  clothing?: { secure?: boolean | null; note?: string };
  house?: {
    /** 鉴定等级 A/B/C/D ('C级' accepted). */
    grade?: string | null;
    /** 是否危房户. */
    dangerous?: boolean | null;
    hasHouse?: boolean | null;
    /** 易地扶贫搬迁户: moved into the new home or not. */
    relocation?: { movedIn: boolean } | null;
  };
  water?: {
    /** 是否解决安全饮水. */
    safe?: boolean | null;
    /** 水量、水质、用水方便程度、供水保证率. */
    quantity?: boolean | null;
    quality?: boolean | null;
    convenience?: boolean | null;
    reliability?: boolean | null;
  };
  /** The year's income, for the transfers-only check. */
  income?: IncomeYear;
}

export type Dimension = 'food' | 'clothing' | 'education' | 'medical' | 'housing' | 'water';
export type DimensionStatus = 'secure' | 'gap' | 'unknown';

export const DIMENSIONS: readonly { dimension: Dimension; title: string; clause: string }[] = [
  { dimension: 'food', title: '不愁吃', clause: '一(三)' },
  { dimension: 'clothing', title: '不愁穿', clause: '一(三)' },
  { dimension: 'education', title: '义务教育有保障', clause: '二(四)' },
  { dimension: 'medical', title: '基本医疗有保障', clause: '二(五)' },
  { dimension: 'housing', title: '住房安全有保障', clause: '三(三)' },
  { dimension: 'water', title: '饮水安全有保障', clause: '三(二)' },
];

export interface DimensionAssessment {
  dimension: Dimension;
  title: string;
  clause: string;
  status: DimensionStatus;
  evidence: string[];
  gaps: GapCode[];
  /** Catalog codes; empty unless there is a gap. */
  proposedMeasures: string[];
}

export interface LianbuchouAssessment {
  asOf: string;
  rule: RuleRef;
  dimensions: DimensionAssessment[];
  /** Every dimension secure. */
  secure: boolean;
  gapDimensions: Dimension[];
  unknownDimensions: Dimension[];
  /** Union of the proposals, in order. */
  proposedMeasures: string[];
}

// ---------------------------------------------------------------------------------------------
// Findings per dimension

interface Finding {
  status: DimensionStatus;
  text: string;
  gap?: GapCode;
}

function label(m: LianbuchouMember, i: number): string {
  return m.name?.trim() || `成员${i + 1}`;
}

function yearsBetween(birth: string, on: string): number {
  const [by, bm, bd] = birth.split('-').map(Number);
  const [oy, om, od] = on.split('-').map(Number);
  const before = (om ?? 0) * 100 + (od ?? 0) < (bm ?? 0) * 100 + (bd ?? 0);
  return (oy ?? 0) - (by ?? 0) - (before ? 1 : 0);
}

function ageOf(m: LianbuchouMember, asOf: string): number | null {
  if (m.age !== undefined && Number.isFinite(m.age) && m.age >= 0) return m.age;
  if (m.birthDate !== undefined) {
    const b = requireDate(m.birthDate, '出生日期');
    return yearsBetween(b, asOf);
  }
  if (m.idNumber !== undefined) {
    const p = parseIdNumber(m.idNumber, { today: asOf });
    if (p.ok) return yearsBetween(p.birthDate, asOf);
  }
  return null;
}

function isDisabled(m: LianbuchouMember): boolean {
  const h = m.health === undefined ? null : resolveDictValue('health', m.health);
  return h === '残疾' || (m.disabilityGrade !== undefined && m.disabilityGrade !== null && m.disabilityGrade !== '');
}

function educationFindings(p: LianbuchouParams, facts: LianbuchouFacts, asOf: string): Finding[] {
  const out: Finding[] = [];
  facts.members.forEach((m, i) => {
    const who = label(m, i);
    const age = ageOf(m, asOf);
    const status = m.schoolStatus === undefined ? null : resolveDictValue('schoolStatus', m.schoolStatus);
    const inCompulsory = status !== null && p.compulsorySchoolStatuses.includes(status);
    if (age === null) {
      if (m.enrolment === '辍学') out.push({ status: 'gap', gap: 'DROPOUT', text: `${who}学籍状态为辍学（年龄未知）` });
      else if (inCompulsory) out.push({ status: 'secure', text: `${who}在校：${status}` });
      else out.push({ status: 'unknown', text: `${who}年龄未知，无法判断是否义务教育适龄` });
      return;
    }
    if (age < p.compulsoryAgeFrom || age > p.compulsoryAgeTo) return;
    const who2 = `${who}（${age}周岁，义务教育适龄）`;
    const disabled = isDisabled(m);
    if (m.enrolment === '辍学') {
      out.push(
        disabled && !m.sendTeachingHome
          ? { status: 'gap', gap: 'DISABLED_CHILD_OUT_OF_SCHOOL', text: `${who2}为残疾儿童，学籍状态为辍学` }
          : { status: 'gap', gap: 'DROPOUT', text: `${who2}学籍状态为辍学` },
      );
    } else if (m.enrolment === '休学') {
      out.push({ status: 'unknown', text: `${who2}休学，需核实原因和复学安排` });
    } else if (m.completedCompulsory === true) {
      out.push({ status: 'secure', text: `${who2}已完成九年义务教育` });
    } else if (inCompulsory || (status !== null && p.beyondCompulsoryStatuses.includes(status))) {
      out.push({ status: 'secure', text: `${who2}在校：${status}` });
    } else if (m.sendTeachingHome) {
      out.push({ status: 'secure', text: `${who2}接受送教上门` });
    } else if (m.deferredOrExempted) {
      out.push({ status: 'secure', text: `${who2}经批准延缓或免予入学` });
    } else if (status === '学前教育') {
      out.push(
        age <= p.preschoolUntilAge
          ? { status: 'secure', text: `${who2}在学前教育，未超过可推迟入学年龄` }
          : { status: 'gap', gap: 'NOT_ENROLLED', text: `${who2}仍在学前教育，适龄未入学` },
      );
    } else if (status === '非在校生') {
      if (disabled) out.push({ status: 'gap', gap: 'DISABLED_CHILD_OUT_OF_SCHOOL', text: `${who2}为残疾儿童，未在校也未送教上门` });
      else if (age <= p.preschoolUntilAge) out.push({ status: 'unknown', text: `${who2}未入学，需核实是否推迟入学` });
      else out.push({ status: 'gap', gap: 'DROPOUT', text: `${who2}未在校：失学辍学` });
    } else {
      out.push({ status: 'unknown', text: `${who2}在校情况未知` });
    }
  });
  if (out.length === 0) out.push({ status: 'secure', text: '家中无义务教育适龄人口' });
  return out;
}

function medicalFindings(facts: LianbuchouFacts, targets: PolicyRule<HealthTargetParams> | undefined): Finding[] {
  const out: Finding[] = [];
  if (facts.members.length === 0) return [{ status: 'unknown', text: '未提供家庭成员' }];
  facts.members.forEach((m, i) => {
    const who = label(m, i);
    if (m.medicalInsured === true) out.push({ status: 'secure', text: `${who}已参加城乡居民基本医疗保险` });
    else if (m.medicalInsured === false) out.push({ status: 'gap', gap: 'UNINSURED', text: `${who}未参加城乡居民基本医疗保险（二(五)要求参保率100%）` });
    else out.push({ status: 'unknown', text: `${who}参保情况未知` });

    const health = m.health === undefined ? null : resolveDictValue('health', m.health);
    if (health === '患有大病') {
      if (m.seriousIllnessTreated === true) out.push({ status: 'secure', text: `${who}患有大病，已得到救治` });
      else if (m.seriousIllnessTreated === false) out.push({ status: 'gap', gap: 'UNTREATED_SERIOUS_ILLNESS', text: `${who}患有大病，未得到救治` });
      else out.push({ status: 'unknown', text: `${who}患有大病，救治情况未知` });
    } else if (health === '长期慢性病') {
      if (m.chronicManaged === true) out.push({ status: 'secure', text: `${who}患长期慢性病，已纳入规范管理` });
      else if (m.chronicManaged === false) out.push({ status: 'gap', gap: 'CHRONIC_UNMANAGED', text: `${who}患长期慢性病，未纳入规范管理` });
      else out.push({ status: 'unknown', text: `${who}患长期慢性病，管理情况未知` });
    }
    if (m.familyDoctorSigned === false && facts.registeredPoor !== false) {
      out.push({ status: 'gap', gap: 'NO_FAMILY_DOCTOR', text: `${who}未签约家庭医生（二(五)要求贫困人口签约服务全覆盖）` });
    }
    if (m.compliantOutOfPocket !== undefined && targets !== undefined && facts.registeredPoor !== false) {
      const cap = targets.params.maxOutOfPocket;
      if (toFen(m.compliantOutOfPocket) > toFen(cap)) {
        out.push({
          status: 'gap',
          gap: 'MEDICAL_BURDEN',
          text: `${who}个人自负合规医疗费用${yuan(m.compliantOutOfPocket)}，超过${yuan(cap)}（${targets.clause}，规则${targets.id}）`,
        });
      } else {
        out.push({ status: 'secure', text: `${who}个人自负合规医疗费用${yuan(m.compliantOutOfPocket)}，未超过${yuan(cap)}` });
      }
    }
  });
  return out;
}

function houseGrade(raw: string | null | undefined): string | null {
  if (raw === null || raw === undefined) return null;
  const m = /^\s*([ABCD])/.exec(toHalfWidth(raw).toUpperCase());
  return m?.[1] ?? null;
}

function housingFindings(p: LianbuchouParams, facts: LianbuchouFacts): Finding[] {
  const h = facts.house;
  if (!h) return [{ status: 'unknown', text: '未提供住房情况' }];
  if (h.relocation) {
    return h.relocation.movedIn
      ? [{ status: 'secure', text: '易地扶贫搬迁户，已搬迁入住' }]
      : [{ status: 'gap', gap: 'RELOCATION_NOT_MOVED_IN', text: '易地扶贫搬迁户，尚未搬迁入住' }];
  }
  if (h.hasHouse === false) return [{ status: 'gap', gap: 'NO_HOUSE', text: '无自有安全住房' }];
  const out: Finding[] = [];
  const grade = houseGrade(h.grade);
  if (h.grade && grade === null) out.push({ status: 'unknown', text: `住房鉴定等级“${h.grade}”无法识别（应为A、B、C、D级）` });
  if (grade !== null && p.unsafeHouseGrades.includes(grade)) {
    out.push({ status: 'gap', gap: 'DANGEROUS_HOUSE', text: `住房鉴定为${grade}级危房` });
  } else if (grade !== null && p.secureHouseGrades.includes(grade)) {
    if (h.dangerous !== true) out.push({ status: 'secure', text: `住房鉴定为${grade}级` });
  }
  if (h.dangerous === true) {
    const conflict = grade !== null && p.secureHouseGrades.includes(grade) ? `（与鉴定等级${grade}级不一致，需核实）` : '';
    out.push({ status: 'gap', gap: 'DANGEROUS_HOUSE', text: `登记为危房户${conflict}` });
  } else if (h.dangerous === false && grade === null) {
    out.push({ status: 'secure', text: '登记为非危房户（未录入鉴定等级）' });
  }
  if (out.length === 0) out.push({ status: 'unknown', text: '住房安全情况未知' });
  return out;
}

function waterFindings(facts: LianbuchouFacts): Finding[] {
  const w = facts.water;
  if (!w) return [{ status: 'unknown', text: '未提供饮水情况' }];
  const out: Finding[] = [];
  const parts: Array<[boolean | null | undefined, string, GapCode]> = [
    [w.quantity, '水量', 'UNSAFE_WATER'],
    [w.quality, '水质', 'WATER_QUALITY'],
    [w.convenience, '用水方便程度', 'UNSAFE_WATER'],
    [w.reliability, '供水保证率', 'UNSAFE_WATER'],
  ];
  for (const [ok, name, gap] of parts) {
    if (ok === false) out.push({ status: 'gap', gap, text: `${name}不达标` });
  }
  if (w.safe === false) out.push({ status: 'gap', gap: 'UNSAFE_WATER', text: '登记为未解决安全饮水' });
  if (out.length > 0) return out;
  if (w.safe === true) return [{ status: 'secure', text: '登记为已解决安全饮水' }];
  if (parts.every(([ok]) => ok === true)) return [{ status: 'secure', text: '水量、水质、用水方便程度、供水保证率均达标' }];
  return [{ status: 'unknown', text: '饮水安全情况未知' }];
}

function basicNeed(x: { secure?: boolean | null; note?: string } | undefined, name: string, gap: GapCode): Finding[] {
  const note = x?.note ? `：${x.note}` : '';
  if (x?.secure === true) return [{ status: 'secure', text: `经核实${name}${note}` }];
  if (x?.secure === false) return [{ status: 'gap', gap, text: `未做到${name}${note}` }];
  return [{ status: 'unknown', text: `${name}情况未核实` }];
}

function summarise(
  dim: (typeof DIMENSIONS)[number],
  findings: Finding[],
  proposals: LianbuchouParams['proposals'],
): DimensionAssessment {
  const gaps = [...new Set(findings.flatMap((f) => (f.gap ? [f.gap] : [])))];
  const status: DimensionStatus = findings.some((f) => f.status === 'gap')
    ? 'gap'
    : findings.some((f) => f.status === 'unknown')
      ? 'unknown'
      : 'secure';
  const proposedMeasures = [...new Set(gaps.flatMap((g) => proposals[g] ?? []))];
  return { ...dim, status, evidence: findings.map((f) => f.text), gaps, proposedMeasures };
}

/**
 * Assess a household's 两不愁三保障 and safe water on `facts.asOf`. The out-of-pocket check of
 * the medical dimension needs the health targets rule (二(五)); without it, that check is skipped.
 */
export function assessLianbuchou(
  rule: PolicyRule<LianbuchouParams>,
  facts: LianbuchouFacts,
  healthTargets?: PolicyRule<HealthTargetParams>,
): LianbuchouAssessment {
  const asOf = requireDate(facts.asOf, '评估日期');
  const p = rule.params;
  const byDim: Record<Dimension, Finding[]> = {
    food: basicNeed(facts.food, '不愁吃', 'FOOD_INSECURE'),
    clothing: basicNeed(facts.clothing, '不愁穿', 'CLOTHING_INSECURE'),
    education: educationFindings(p, facts, asOf),
    medical: medicalFindings(facts, healthTargets),
    housing: housingFindings(p, facts),
    water: waterFindings(facts),
  };
  const dimensions = DIMENSIONS.map((d) => summarise(d, byDim[d.dimension], p.proposals));
  return {
    asOf,
    rule: ruleRef(rule),
    dimensions,
    secure: dimensions.every((d) => d.status === 'secure'),
    gapDimensions: dimensions.filter((d) => d.status === 'gap').map((d) => d.dimension),
    unknownDimensions: dimensions.filter((d) => d.status === 'unknown').map((d) => d.dimension),
    proposedMeasures: [...new Set(dimensions.flatMap((d) => d.proposedMeasures))],
  };
}

// ---------------------------------------------------------------------------------------------
// Exit blockers

export type ExitBlockerCode = 'DANGEROUS_HOUSE' | 'DROPOUT' | 'UNTREATED_SERIOUS_ILLNESS' | 'TRANSFER_ONLY_INCOME';

export interface ExitBlocker {
  code: ExitBlockerCode;
  reason: string;
}

export interface ExitBlockersResult {
  blocked: boolean;
  blockers: ExitBlocker[];
  /** Facts missing to rule a blocker out. */
  unknown: string[];
  reasons: string[];
  rule: RuleRef;
}

/**
 * The Gansu conditions that block a household's exit (DOMAIN.md): a C/D-grade dangerous house, a
 * compulsory-age dropout, a member with an untreated serious illness, income from policy
 * transfers alone. Rules default to those of DEFAULT_RULES in force on `facts.asOf`.
 */
export function exitBlockers(
  facts: LianbuchouFacts,
  rules: { lianbuchou?: PolicyRule<LianbuchouParams>; exitBlockers?: PolicyRule<ExitBlockerParams> } = {},
): ExitBlockersResult {
  const asOf = requireDate(facts.asOf, '评估日期');
  const lbc = rules.lianbuchou ?? ruleFor(DEFAULT_RULES.lianbuchou, asOf);
  const rule = rules.exitBlockers ?? ruleFor(DEFAULT_RULES.exitBlockers, asOf);
  const p = rule.params;
  const blockers: ExitBlocker[] = [];
  const unknown: string[] = [];

  // House: C/D grade or registered as dangerous, unless relocated and moved in.
  const h = facts.house;
  if (h?.relocation?.movedIn) {
    // The old house no longer counts.
  } else if (h === undefined || (houseGrade(h.grade) === null && h.dangerous == null)) {
    unknown.push('住房鉴定等级未知');
  } else {
    const grade = houseGrade(h.grade);
    if (grade !== null && p.houseGrades.includes(grade)) blockers.push({ code: 'DANGEROUS_HOUSE', reason: `住房为${grade}级危房` });
    else if (h.dangerous === true) blockers.push({ code: 'DANGEROUS_HOUSE', reason: '登记为危房户' });
  }

  if (p.dropout) {
    for (const f of educationFindings(lbc.params, facts, asOf)) {
      if (f.gap === 'DROPOUT' || f.gap === 'NOT_ENROLLED' || f.gap === 'DISABLED_CHILD_OUT_OF_SCHOOL') {
        blockers.push({ code: 'DROPOUT', reason: f.text });
      } else if (f.status === 'unknown') unknown.push(f.text);
    }
  }

  if (p.untreatedSeriousIllness) {
    facts.members.forEach((m, i) => {
      const health = m.health === undefined ? null : resolveDictValue('health', m.health);
      if (health !== '患有大病') return;
      if (m.seriousIllnessTreated === false) blockers.push({ code: 'UNTREATED_SERIOUS_ILLNESS', reason: `${label(m, i)}患有大病，未得到救治` });
      else if (m.seriousIllnessTreated == null) unknown.push(`${label(m, i)}患有大病，救治情况未知`);
    });
  }

  if (p.transferOnlyIncome) {
    const inc = facts.income;
    if (!inc) unknown.push('未提供家庭收入');
    else if (toFen(inc.wage) + toFen(inc.business) + toFen(inc.property) <= 0 && toFen(inc.transfer) > 0) {
      blockers.push({
        code: 'TRANSFER_ONLY_INCOME',
        reason: `家庭收入全部为转移性收入（${yuan(inc.transfer)}），无工资性、生产经营性、财产性收入`,
      });
    }
  }

  const reasons = [citeRule(rule)];
  if (blockers.length === 0) reasons.push(unknown.length === 0 ? '无退出否决情形' : `未发现否决情形，但以下事实未知：${unknown.join('；')}`);
  else reasons.push(...blockers.map((b) => `否决：${b.reason}`));
  return { blocked: blockers.length > 0, blockers, unknown, reasons, rule: ruleRef(rule) };
}
