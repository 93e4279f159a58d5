/**
 * Standards by year (DOMAIN.md「Standards by year」): the poverty line, the monitoring line, the
 * exit conditions and the department-warning thresholds, each with its unit and source. These are
 * the built-in values the database is seeded with; the city office edits them (a `standards` row
 * per kind and year) and administrators enter the years DOMAIN.md leaves unverified. A year with no
 * value is an error for whoever needs it — never a guessed value.
 *
 * Pure code: no I/O.
 */

/**
 * How a kind applies to years:
 * - `year`: a value for each year; a year without its own row has no value (poverty line,
 *   monitoring line, the province's rural income).
 * - `from`: in force from its year until a later row replaces it (thresholds, exit conditions).
 */
export type StandardScope = 'year' | 'from';

export interface StandardKind {
  kind: string;
  title: string;
  unit: string;
  scope: StandardScope;
  /** Lower and upper bound of a sensible value (validation of an entry). */
  min: number;
  max: number;
}

export const STANDARD_KINDS = {
  poverty_line: { kind: 'poverty_line', title: '国家扶贫标准（当年价，农民人均纯收入）', unit: '元/人·年', scope: 'year', min: 500, max: 100000 },
  poverty_line_2010: { kind: 'poverty_line_2010', title: '国家扶贫标准（2010年不变价）', unit: '元/人·年', scope: 'year', min: 500, max: 100000 },
  monitoring_line: { kind: 'monitoring_line', title: '防返贫监测收入线', unit: '元/人·年', scope: 'year', min: 500, max: 100000 },
  province_rural_income: { kind: 'province_rural_income', title: '全省农村居民人均可支配收入', unit: '元/人·年', scope: 'year', min: 1000, max: 200000 },
  village_incidence_max: { kind: 'village_incidence_max', title: '贫困村退出：贫困发生率低于', unit: '比例', scope: 'from', min: 0, max: 1 },
  county_incidence_max: { kind: 'county_incidence_max', title: '贫困县退出：贫困发生率低于', unit: '比例', scope: 'from', min: 0, max: 1 },
  village_collective_income_min: { kind: 'village_collective_income_min', title: '贫困村退出：村集体经济收入不低于', unit: '元/年', scope: 'from', min: 0, max: 10000000 },
  medical_oop_ratio_monitored: { kind: 'medical_oop_ratio_monitored', title: '预警：年度个人自付医疗费用超过上年全省农村居民人均可支配收入的比例（脱贫户、监测对象）', unit: '比例', scope: 'from', min: 0, max: 10 },
  medical_oop_ratio_other: { kind: 'medical_oop_ratio_other', title: '预警：年度个人自付医疗费用超过上年全省农村居民人均可支配收入的比例（一般农户）', unit: '比例', scope: 'from', min: 0, max: 10 },
  medical_stay_monitored: { kind: 'medical_stay_monitored', title: '预警：单次住院三重保障后个人自付超过（监测对象）', unit: '元', scope: 'from', min: 0, max: 1000000 },
  medical_stay_other: { kind: 'medical_stay_other', title: '预警：单次住院三重保障后个人自付超过（一般农户）', unit: '元', scope: 'from', min: 0, max: 1000000 },
  risk_decision_days: { kind: 'risk_decision_days', title: '监测对象：从发现线索到认定的最长天数', unit: '天', scope: 'from', min: 1, max: 365 },
  risk_elimination_months: { kind: 'risk_elimination_months', title: '风险消除：收入稳定超过监测线的最短月数', unit: '月', scope: 'from', min: 1, max: 60 },
  monitoring_notice_days: { kind: 'monitoring_notice_days', title: '监测对象村级公示最少天数', unit: '天', scope: 'from', min: 1, max: 60 },
  exit_notice_days: { kind: 'exit_notice_days', title: '识别、退出公示最少天数', unit: '天', scope: 'from', min: 1, max: 60 },
} as const satisfies Record<string, StandardKind>;

export type StandardKindCode = keyof typeof STANDARD_KINDS;
export const STANDARD_KIND_CODES = Object.keys(STANDARD_KINDS) as StandardKindCode[];

export function isStandardKind(s: string): s is StandardKindCode {
  return Object.prototype.hasOwnProperty.call(STANDARD_KINDS, s);
}

export interface StandardValue {
  kind: StandardKindCode;
  year: number;
  value: number;
  unit: string;
  source: string;
  /** The source gives the value only approximately (2020: 「about 4000」) or nobody checked it. */
  verified: boolean;
  note: string | null;
}

const NATIONAL = '国务院扶贫办公布的国家农村扶贫标准（2011年《中国农村扶贫开发纲要（2011—2020年）》2300元/2010年不变价，按价格指数逐年调整）';
const MONITORING = '《关于建立防止返贫监测和帮扶机制的指导意见》（2020）及2021年起的监测范围：人均纯收入6000元/年';
const DOMAIN_WARNINGS = 'DOMAIN.md「Standards by year」：实践中的部门预警口径';
const GANSU_EXIT = '贫困村、贫困县退出标准：西部地区贫困发生率降至3%以下（《关于建立贫困退出机制的意见》，2016；DOMAIN.md「Lifecycle and procedures」）';
const SEED = '兰州市三年行动实施方案（2018-11-05）';

/**
 * The built-in values. Only what DOMAIN.md states: other years of the poverty line and the
 * monitoring line are entered by an administrator.
 */
export const BUILTIN_STANDARDS: readonly StandardValue[] = [
  { kind: 'poverty_line_2010', year: 2010, value: 2300, unit: '元/人·年', source: NATIONAL, verified: true, note: '2010年不变价' },
  { kind: 'poverty_line', year: 2013, value: 2736, unit: '元/人·年', source: NATIONAL, verified: true, note: null },
  { kind: 'poverty_line', year: 2015, value: 2855, unit: '元/人·年', source: NATIONAL, verified: true, note: null },
  { kind: 'poverty_line', year: 2020, value: 4000, unit: '元/人·年', source: NATIONAL, verified: false, note: '来源为“约4000元”，须由管理员按正式公布值确认' },
  { kind: 'monitoring_line', year: 2021, value: 6000, unit: '元/人·年', source: MONITORING, verified: true, note: null },
  { kind: 'village_incidence_max', year: 2016, value: 0.03, unit: '比例', source: GANSU_EXIT, verified: true, note: '严格低于该比例' },
  { kind: 'county_incidence_max', year: 2016, value: 0.03, unit: '比例', source: GANSU_EXIT, verified: true, note: '严格低于该比例' },
  { kind: 'village_collective_income_min', year: 2018, value: 50000, unit: '元/年', source: `${SEED} 三(五)：村级集体经济收入均达到5万元以上`, verified: true, note: null },
  { kind: 'medical_oop_ratio_monitored', year: 2020, value: 0.5, unit: '比例', source: DOMAIN_WARNINGS, verified: false, note: '实践口径，未对照正式文件' },
  { kind: 'medical_oop_ratio_other', year: 2020, value: 1, unit: '比例', source: DOMAIN_WARNINGS, verified: false, note: '实践口径，未对照正式文件' },
  { kind: 'medical_stay_monitored', year: 2020, value: 6000, unit: '元', source: DOMAIN_WARNINGS, verified: false, note: '实践口径，未对照正式文件' },
  { kind: 'medical_stay_other', year: 2020, value: 10000, unit: '元', source: DOMAIN_WARNINGS, verified: false, note: '实践口径，未对照正式文件' },
  { kind: 'risk_decision_days', year: 2020, value: 15, unit: '天', source: 'DOMAIN.md「Lifecycle and procedures」：从发现线索到认定最多15天', verified: true, note: null },
  { kind: 'risk_elimination_months', year: 2020, value: 6, unit: '月', source: 'DOMAIN.md：收入持续稳定超过监测线约半年', verified: false, note: '“约半年”按6个月计' },
  { kind: 'monitoring_notice_days', year: 2020, value: 5, unit: '天', source: 'DOMAIN.md：村级公示不少于5天', verified: true, note: null },
  { kind: 'exit_notice_days', year: 2014, value: 7, unit: '天', source: 'DOMAIN.md：公示不少于7天', verified: true, note: null },
];

/** The standards in force for one year: kind → value (with its row), absent when none. */
export type StandardsForYear = Partial<Record<StandardKindCode, StandardValue>>;

/**
 * Picks, for `year`, each kind's value from a list of rows: the row of that very year for
 * `year`-scoped kinds; the latest row at or before `year` for `from`-scoped kinds.
 */
export function standardsFor(rows: readonly StandardValue[], year: number): StandardsForYear {
  const out: StandardsForYear = {};
  for (const r of rows) {
    const k = STANDARD_KINDS[r.kind];
    if (!k) continue;
    const fits = k.scope === 'year' ? r.year === year : r.year <= year;
    if (!fits) continue;
    const cur = out[r.kind];
    if (!cur || r.year > cur.year) out[r.kind] = r;
  }
  return out;
}

export class MissingStandardError extends Error {
  constructor(public readonly kind: StandardKindCode, public readonly year: number) {
    super(`${year}年没有「${STANDARD_KINDS[kind].title}」的取值：请由管理员（市级扶贫办）按正式文件录入该年度标准后再试，系统不会推算或沿用其他年度的值`);
    this.name = 'MissingStandardError';
  }
}

/** The value in force, or MissingStandardError naming the kind and year. */
export function requireStandard(s: StandardsForYear, kind: StandardKindCode, year: number): StandardValue {
  const v = s[kind];
  if (!v) throw new MissingStandardError(kind, year);
  return v;
}

/** Validation of an entered value; Chinese messages, empty when fine. */
export function standardEntryErrors(e: { kind: string; year: number; value: number; source: string }): { field: string; message: string }[] {
  const errors: { field: string; message: string }[] = [];
  if (!isStandardKind(e.kind)) {
    errors.push({ field: 'kind', message: `标准类别应为 ${STANDARD_KIND_CODES.join('、')} 之一` });
    return errors;
  }
  const k = STANDARD_KINDS[e.kind];
  if (!Number.isInteger(e.year) || e.year < 2010 || e.year > 2100) errors.push({ field: 'year', message: '年度应为 2010 至 2100 之间的整数' });
  if (typeof e.value !== 'number' || !Number.isFinite(e.value) || e.value < k.min || e.value > k.max) {
    errors.push({ field: 'value', message: `「${k.title}」的取值应在 ${k.min} 至 ${k.max}（${k.unit}）之间` });
  }
  if (!e.source || e.source.trim().length < 4) errors.push({ field: 'source', message: '必须注明来源文件（至少4个字）' });
  return errors;
}

/** "2855元/人·年" or "3%" for reasons. */
export function formatStandard(v: StandardValue): string {
  if (v.unit === '比例') return `${+(v.value * 100).toFixed(4)}%`;
  return `${v.value}${v.unit}`;
}

/** The reference a decision records: which standard, which year, which source. */
export function cite(v: StandardValue): string {
  const unverified = v.verified ? '' : '，未经核实';
  return `${STANDARD_KINDS[v.kind].title}${v.year}年${formatStandard(v)}（${v.source}${unverified}）`;
}
