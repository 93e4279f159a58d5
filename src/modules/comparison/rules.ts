import type { Queryable } from '../../core/db.js';
import type { Kind } from './kinds.js';

/**
 * The comparison rules of issue 6, with their default parameters (DOMAIN.md "Data comparison").
 * Defaults are the seed's and practice's values; an administrator overrides them with a dated row
 * in comparison_rule_params (the latest row effective at the comparison's reference date wins), so
 * a finding records exactly which parameters produced it.
 */
export const FINDING_CODES = [
  'DECEASED', 'MOVED_OUT', 'IMPRISONED', 'MISSING', 'PUBLIC_PAYROLL', 'VEHICLE', 'BUSINESS', 'PROPERTY', 'DROPOUT',
  'MEDICAL_BURDEN', 'REIMBURSEMENT_LOW', 'UNINSURED', 'PENSION_GAP', 'DIBAO_NOT_REGISTERED', 'DIBAO_MISMATCH',
  'DISABILITY_UNRECORDED', 'LOAN_OVERDUE', 'LOAN_MISUSE',
] as const;
export type FindingCode = (typeof FINDING_CODES)[number];

/** What a confirmed finding opens (verify.ts): a 剔除 proposal, a monitoring warning (by the scan), an identification candidate. */
export type Opens = 'removal-proposal' | 'monitoring-warning' | 'identification-candidate';

export interface RuleDef {
  code: FindingCode;
  kind: Kind;
  title: string;
  opens: Opens;
  source: string;
  defaults: Record<string, unknown>;
}

const exclusion = (code: FindingCode, kind: Kind, title: string, defaults: Record<string, unknown>, source: string): RuleDef =>
  ({ code, kind, title, opens: 'removal-proposal', source, defaults });
const risk = (code: FindingCode, kind: Kind, title: string, defaults: Record<string, unknown>, source: string): RuleDef =>
  ({ code, kind, title, opens: 'monitoring-warning', source, defaults });

const PRACTICE = '数据比对常见剔除情形（DOMAIN.md 数据比对，待核实，不自动处理）';

export const RULES: Record<FindingCode, RuleDef> = {
  DECEASED: exclusion('DECEASED', 'hukou', '户籍状态为死亡仍在册', { status: '死亡' }, PRACTICE),
  MOVED_OUT: exclusion('MOVED_OUT', 'hukou', '户籍已迁出仍在册', { status: '迁出' }, PRACTICE),
  IMPRISONED: exclusion('IMPRISONED', 'hukou', '服刑人员仍计入家庭人口', { status: '服刑' }, PRACTICE),
  MISSING: exclusion('MISSING', 'hukou', '失踪人员仍计入家庭人口', { status: '失踪' }, PRACTICE),
  PUBLIC_PAYROLL: exclusion('PUBLIC_PAYROLL', 'payroll', '家庭成员为财政供养人员', {}, PRACTICE),
  VEHICLE: exclusion('VEHICLE', 'vehicle', '拥有价值 3 万元及以上非农用车辆', {
    minPrice: 30000, farmTypes: ['三轮汽车', '低速货车', '拖拉机', '农用', '收割机', '农业机械'],
  }, PRACTICE),
  BUSINESS: exclusion('BUSINESS', 'business', '在存续企业任法定代表人或股东', { statuses: ['存续', '在业', '开业'] }, PRACTICE),
  PROPERTY: exclusion('PROPERTY', 'property', '拥有城镇商品房或商铺', {
    // 房屋用途 containing any of these: commercial use or urban commodity housing; 住宅 alone is not.
    uses: ['商业', '商铺', '商服', '商品房', '商品住宅', '商住', '办公'],
  }, PRACTICE),
  DROPOUT: risk('DROPOUT', 'education', '义务教育阶段辍学', { stages: ['小学', '初中'], statuses: ['辍学'] }, '种子文件 二(四) 义务教育有保障'),
  MEDICAL_BURDEN: risk('MEDICAL_BURDEN', 'medical', '年度个人自付医疗费用超过上限', { maxOutOfPocket: 3000 }, '种子文件 二(五) 个人年度自付费用不超过 3000 元'),
  REIMBURSEMENT_LOW: risk('REIMBURSEMENT_LOW', 'medical', '政策范围内实际报销比例低于目标', { minRatio: 0.85 }, '种子文件 二(五) 政策范围内实际报销比例达到 85%'),
  UNINSURED: risk('UNINSURED', 'insurance', '未参加基本医疗保险', { statuses: ['未参保'] }, '种子文件 二(五) 参保率 100%'),
  PENSION_GAP: risk('PENSION_GAP', 'pension', '适龄人员未参加城乡居民养老保险', { minAge: 16, maxAge: 59, statuses: ['未参保'] }, '城乡居民基本养老保险 参保年龄 16–59 周岁'),
  DIBAO_NOT_REGISTERED: {
    code: 'DIBAO_NOT_REGISTERED', kind: 'dibao', title: '一类、二类低保对象未纳入建档立卡', opens: 'identification-candidate',
    source: '种子文件 二(六) 低保兜底', defaults: { assistance: '低保', classes: ['一类', '二类'] },
  },
  DIBAO_MISMATCH: risk('DIBAO_MISMATCH', 'dibao', '在册人员「是否享受低保」与民政数据不一致', { assistance: '低保' }, '种子文件 二(六)'),
  DISABILITY_UNRECORDED: risk('DISABILITY_UNRECORDED', 'disability', '持证残疾人的健康状况或残疾等级未如实登记', {}, '种子文件 二(六)'),
  LOAN_OVERDUE: risk('LOAN_OVERDUE', 'loan', '扶贫小额信贷逾期', { overdueDaysOver: 0 }, '种子文件 五(五)'),
  LOAN_MISUSE: risk('LOAN_MISUSE', 'loan', '扶贫小额信贷户贷企用（入股分红）', { uses: ['入股分红'] }, '种子文件 五(五)'),
};

export function rulesOfKind(kind: Kind): RuleDef[] {
  return Object.values(RULES).filter((r) => r.kind === kind);
}

export interface EffectiveRule {
  id: FindingCode;
  title: string;
  params: Record<string, unknown>;
  effectiveFrom: string | null;
  source: string;
}

/** The parameters of each rule effective at `refDate` (YYYY-MM-DD): defaults, overridden by the latest dated row. */
export async function effectiveRules(db: Queryable, kind: Kind, refDate: string): Promise<EffectiveRule[]> {
  const defs = rulesOfKind(kind);
  const rows = await db.query<{ rule_id: string; effective_from: string; params: Record<string, unknown> | string; source: string }>(
    `SELECT DISTINCT ON (rule_id) rule_id, effective_from::text AS effective_from, params, source
       FROM comparison_rule_params WHERE rule_id = ANY($1::text[]) AND effective_from <= $2::date
      ORDER BY rule_id, effective_from DESC`, [defs.map((d) => d.code), refDate],
  );
  return defs.map((d) => {
    const o = rows.find((r) => r.rule_id === d.code);
    const params = o ? { ...d.defaults, ...(typeof o.params === 'string' ? JSON.parse(o.params) as Record<string, unknown> : o.params) } : { ...d.defaults };
    return { id: d.code, title: d.title, params, effectiveFrom: o?.effective_from ?? null, source: o?.source ?? d.source };
  });
}

/** Lanzhou's counties and districts (DOMAIN.md Regions): a person not in the registry is routed by the ID number's first 6 digits when it is one of these. */
export const LANZHOU_COUNTIES = ['620102', '620103', '620104', '620105', '620111', '620121', '620122', '620123', '620171'];
/** County code of a finding about a person outside the registry whose ID number is not from a Lanzhou county. */
export const OUTSIDE_COUNTY = '000000';

/** Checks an override against the rule's defaults: the same keys, numbers for numbers, lists of text for lists. */
export function checkParams(code: FindingCode, params: Record<string, unknown>): string[] {
  const d = RULES[code].defaults;
  const problems: string[] = [];
  for (const [k, v] of Object.entries(params)) {
    if (!(k in d)) { problems.push(`规则 ${code} 没有参数「${k}」`); continue; }
    const def = d[k];
    if (typeof def === 'number' && (typeof v !== 'number' || !Number.isFinite(v) || v < 0)) problems.push(`参数「${k}」应为非负数`);
    if (typeof def === 'string' && (typeof v !== 'string' || !v.trim())) problems.push(`参数「${k}」应为文字`);
    if (Array.isArray(def) && (!Array.isArray(v) || v.length === 0 || v.some((x) => typeof x !== 'string' || !x.trim()))) problems.push(`参数「${k}」应为非空的文字列表`);
  }
  return problems;
}
