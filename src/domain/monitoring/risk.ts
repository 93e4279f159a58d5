/**
 * Return-to-poverty monitoring (DOMAIN.md「Lifecycle and procedures」, monitoring): the three
 * categories, the clue sources, the warning rules (their codes, titles and sources; the scan in
 * modules/monitoring evaluates them set-based in SQL) and the risk-elimination decision.
 * Pure code, no I/O.
 */
import { toFen } from '../income.js';
import { cite, type StandardValue } from '../standards.js';

export const MONITORING_CATEGORIES = ['脱贫不稳定户', '边缘易致贫户', '突发严重困难户'] as const;
export type MonitoringCategory = (typeof MONITORING_CATEGORIES)[number];

/** How a clue was found. */
export const CLUE_SOURCES = {
  self_report: '农户自主申报',
  cadre_visit: '干部排查走访',
  department: '部门筛查预警',
  complaint: '举报投诉',
  scan: '平台监测预警',
} as const;
export type ClueSource = keyof typeof CLUE_SOURCES;
export const CLUE_SOURCE_CODES = Object.keys(CLUE_SOURCES) as ClueSource[];

/** What a clue is about. */
export const CLUE_KINDS = {
  INCOME: '收入骤减或支出骤增',
  MEDICAL: '大额医疗支出',
  DIBAO: '新纳入低保、特困或临时救助',
  DISABILITY: '新增重度残疾',
  DROPOUT: '义务教育阶段辍学',
  LABOUR_LOSS: '主要劳动力死亡或伤病',
  DISASTER: '自然灾害或意外事故',
  OTHER: '其他困难',
} as const;
export type ClueKind = keyof typeof CLUE_KINDS;
export const CLUE_KIND_CODES = Object.keys(CLUE_KINDS) as ClueKind[];

/** The warning rules, each with where it comes from. */
export const RISK_RULES = {
  INCOME_BELOW_MONITORING_LINE: { title: '人均纯收入低于防返贫监测线', source: '防返贫监测收入线（standards: monitoring_line）' },
  MEDICAL_ANNUAL_OOP: { title: '年度个人自付医疗费用超过上年全省农村居民人均可支配收入的规定比例', source: 'DOMAIN.md 部门预警口径（standards: medical_oop_ratio_*）' },
  MEDICAL_SINGLE_STAY: { title: '单次住院三重保障后个人自付超过预警线', source: 'DOMAIN.md 部门预警口径（standards: medical_stay_*）' },
  NEW_DIBAO_TEKUN: { title: '新纳入低保或特困供养', source: 'DOMAIN.md 部门预警口径：新纳入低保、特困或临时救助' },
  NEW_SEVERE_DISABILITY: { title: '新增一、二级重度残疾', source: 'DOMAIN.md 部门预警口径：新增重度残疾' },
  DROPOUT: { title: '义务教育适龄人口未在校（辍学）', source: '种子文件 二(四)；DOMAIN.md 部门预警口径' },
  LABOUR_LOSS: { title: '主要劳动力死亡或丧失劳动能力', source: 'DOMAIN.md 部门预警口径：主要劳动力伤亡' },
  DISASTER: { title: '遭受自然灾害或意外事故', source: 'DOMAIN.md 部门预警口径：灾害' },
  REPORTED: { title: '农户申报、干部走访或举报反映的其他困难', source: 'DOMAIN.md：监测对象的发现途径' },
  COMPARISON: { title: '数据比对发现并经核实的风险', source: '数据比对（modules/comparison）经干部核实属实的线索' },
} as const;
export type RiskRule = keyof typeof RISK_RULES;
export const RISK_RULE_CODES = Object.keys(RISK_RULES) as RiskRule[];

/** Labour skills that count as labour capacity (a household with none stays monitored). */
export const LABOUR_CAPABLE = ['普通劳动力', '技能劳动力', '弱劳动力或半劳动力'] as const;
/** Labour skills of a main labourer (普通/技能). */
export const MAIN_LABOUR = ['普通劳动力', '技能劳动力'] as const;
export const LABOUR_LOST = ['丧失劳动力', '无劳动力'] as const;
export const SEVERE_DISABILITY = ['一级', '二级'] as const;

/** Deadline from the first clue (YYYY-MM-DD + days). */
export function addDays(date: string, days: number): string {
  const d = new Date(date + 'T00:00:00Z');
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

export function addMonths(date: string, months: number): string {
  const d = new Date(date + 'T00:00:00Z');
  d.setUTCMonth(d.getUTCMonth() + months);
  return d.toISOString().slice(0, 10);
}

export interface RiskEliminationInput {
  asOf: string;
  year: number;
  monitored: boolean;
  category: string | null;
  identifiedAt: string | null;
  perCapitaNet: number | null;
  monitoringLine: StandardValue;
  monthsRequired: number;
  /** 三保障 and water: null when never assessed. */
  lianbuchou: { secure: boolean; checkedOn: string; gaps: string[] } | null;
  openWarnings: { rule: string; explanation: string }[];
  labourCapable: number;
}

export interface RiskEliminationDecision {
  eliminable: boolean;
  reasons: string[];
}

/**
 * Risk is eliminated when income has been stably above the monitoring line for about half a year,
 * 三保障 and water are secure and no risk is open; a household without labour capacity stays
 * monitored. Every condition is listed, met or not.
 */
export function decideRiskElimination(i: RiskEliminationInput): RiskEliminationDecision {
  const reasons: string[] = [];
  let ok = true;
  if (!i.monitored) {
    return { eliminable: false, reasons: ['该户不是在监测期内的监测对象（未认定或已消除风险）'] };
  }
  reasons.push(`监测对象类别：${i.category ?? '未注明'}，识别时间${i.identifiedAt ?? '未录入'}`);
  if (i.perCapitaNet === null) {
    ok = false;
    reasons.push(`无${i.year}年收入记录，无法核实收入是否稳定超过监测线`);
  } else if (toFen(i.perCapitaNet) > toFen(i.monitoringLine.value)) {
    reasons.push(`${i.year}年人均纯收入${i.perCapitaNet}元，高于${cite(i.monitoringLine)}`);
  } else {
    ok = false;
    reasons.push(`${i.year}年人均纯收入${i.perCapitaNet}元，未超过${cite(i.monitoringLine)}`);
  }
  if (!i.identifiedAt) {
    ok = false;
    reasons.push('未录入风险识别时间，无法核实收入稳定时长');
  } else {
    const since = addMonths(i.identifiedAt, i.monthsRequired);
    if (since <= i.asOf) reasons.push(`自识别（${i.identifiedAt}）起已满${i.monthsRequired}个月`);
    else { ok = false; reasons.push(`自识别（${i.identifiedAt}）起未满${i.monthsRequired}个月（${since}后方可），收入稳定时间不足`); }
  }
  if (!i.lianbuchou) {
    ok = false;
    reasons.push('没有“两不愁三保障”及饮水安全评估记录，无法核实');
  } else if (i.lianbuchou.secure) {
    reasons.push(`“两不愁三保障”及饮水安全已达标（${i.lianbuchou.checkedOn}评估）`);
  } else {
    ok = false;
    reasons.push(`“两不愁三保障”或饮水安全仍有短板（${i.lianbuchou.checkedOn}评估：${i.lianbuchou.gaps.join('、') || '存在未核实项'}）`);
  }
  if (i.openWarnings.length) {
    ok = false;
    reasons.push(`仍有${i.openWarnings.length}条未处置的风险预警：${i.openWarnings.map((w) => w.explanation).join('；')}`);
  } else reasons.push('无未处置的风险预警');
  if (i.labourCapable === 0) {
    ok = false;
    reasons.push('家庭无劳动能力成员：按规定继续监测，不标注风险消除');
  } else reasons.push(`家庭有劳动能力成员${i.labourCapable}人`);
  return { eliminable: ok, reasons };
}
