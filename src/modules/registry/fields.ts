import { DICTIONARIES, resolveDictValue, type DictName } from '../../domain/dictionaries.js';
import { parseIdNumber, toHalfWidth } from '../../domain/idnumber.js';
import { parseAmount } from '../../domain/income.js';
import { normalizeRegionCode, regionLevel } from '../../domain/regions.js';
import { todayCn } from '../../domain/dates.js';

/**
 * The registry's fields, declared once: the workbook column (the contract of DOMAIN.md), the
 * API key, the type and whether it is required. The import, the HTTP API and the web forms all
 * parse values through `parseField`, so a value is judged the same way wherever it comes from.
 */

export type FieldType =
  | { kind: 'text'; max: number }
  | { kind: 'householdNumber' }
  | { kind: 'villageCode' }
  | { kind: 'dict'; dict: DictName }
  | { kind: 'dictList'; dict: DictName }
  | { kind: 'year' }
  | { kind: 'yesNo' }
  | { kind: 'amount' }
  | { kind: 'area' }
  | { kind: 'int'; min: number; max: number }
  | { kind: 'phone' }
  | { kind: 'account' }
  | { kind: 'idNumber' }
  | { kind: 'date' };

export interface FieldSpec {
  key: string;
  /** The workbook column; null for fields the workbook does not carry. */
  column: string | null;
  label: string;
  type: FieldType;
  required: boolean;
}

const f = (key: string, column: string | null, type: FieldType, required = false, label?: string): FieldSpec => ({
  key, column, label: label ?? column ?? key, type, required,
});

export const HOUSEHOLD_FIELDS: FieldSpec[] = [
  f('householdNumber', '户编号', { kind: 'householdNumber' }, true),
  f('villageCode', '行政区划代码', { kind: 'villageCode' }, true),
  f('naturalVillage', '自然村', { kind: 'text', max: 60 }),
  f('category', '贫困户属性', { kind: 'dict', dict: 'householdCategory' }, true),
  f('identificationStandard', '识别标准', { kind: 'dict', dict: 'identificationStandard' }),
  f('identificationYear', '识别年度', { kind: 'year' }, true),
  f('povertyStatus', '脱贫属性', { kind: 'dict', dict: 'povertyStatus' }, true),
  f('exitYear', '脱贫年度', { kind: 'year' }),
  f('mainCause', '主要致贫原因', { kind: 'dict', dict: 'povertyCause' }, true),
  f('otherCauses', '其他致贫原因', { kind: 'dictList', dict: 'povertyCause' }),
  f('dangerousHouse', '是否危房户', { kind: 'yesNo' }),
  f('safeWater', '是否解决安全饮水', { kind: 'yesNo' }),
  f('phone', '联系电话', { kind: 'phone' }),
  f('bankName', '开户银行', { kind: 'text', max: 60 }),
  f('bankAccount', '银行账号', { kind: 'account' }),
  f('militaryFamily', null, { kind: 'yesNo' }, false, '是否军烈属'),
  f('relocated', null, { kind: 'yesNo' }, false, '是否易地搬迁户'),
  f('relocationSite', null, { kind: 'text', max: 100 }, false, '安置点'),
  f('cultivatedLand', null, { kind: 'area' }, false, '耕地面积（亩）'),
  f('irrigatedLand', null, { kind: 'area' }, false, '有效灌溉面积（亩）'),
  f('forestLand', null, { kind: 'area' }, false, '林地面积（亩）'),
  f('pastureLand', null, { kind: 'area' }, false, '牧草地面积（亩）'),
  f('monitoringCategory', null, { kind: 'dict', dict: 'monitoringCategory' }, false, '监测对象类别'),
  f('monitoringIdentifiedAt', null, { kind: 'date' }, false, '风险识别时间'),
  f('monitoringEliminatedAt', null, { kind: 'date' }, false, '风险消除时间'),
];

export const INCOME_FIELDS: FieldSpec[] = [
  f('year', '收入年度', { kind: 'year' }),
  f('wage', '工资性收入', { kind: 'amount' }),
  f('business', '生产经营性收入', { kind: 'amount' }),
  f('property', '财产性收入', { kind: 'amount' }),
  f('transfer', '转移性收入', { kind: 'amount' }),
  f('businessCost', '生产经营性支出', { kind: 'amount' }),
  f('publicWelfareWage', null, { kind: 'amount' }, false, '其中：公益性岗位收入'),
  f('dividend', null, { kind: 'amount' }, false, '其中：资产收益分红'),
  f('dibao', null, { kind: 'amount' }, false, '其中：低保金'),
  f('tekun', null, { kind: 'amount' }, false, '其中：特困供养金'),
  f('pension', null, { kind: 'amount' }, false, '其中：养老金'),
  f('ecoComp', null, { kind: 'amount' }, false, '其中：生态补偿金'),
  f('otherTransfer', null, { kind: 'amount' }, false, '其中：其他转移性收入'),
];

export const MEMBER_FIELDS: FieldSpec[] = [
  f('name', '姓名', { kind: 'text', max: 40 }, true),
  f('idNumber', '证件号码', { kind: 'idNumber' }, true),
  f('relation', '与户主关系', { kind: 'dict', dict: 'relation' }, true),
  f('ethnicity', '民族', { kind: 'dict', dict: 'ethnicity' }),
  f('education', '文化程度', { kind: 'dict', dict: 'education' }),
  f('schoolStatus', '在校生状况', { kind: 'dict', dict: 'schoolStatus' }),
  f('health', '健康状况', { kind: 'dict', dict: 'health' }),
  f('disabilityGrade', '残疾等级', { kind: 'dict', dict: 'disabilityGrade' }),
  f('labourSkill', '劳动技能', { kind: 'dict', dict: 'labourSkill' }),
  f('workStatus', '务工情况', { kind: 'dict', dict: 'workStatus' }),
  f('workMonths', '务工时间（月）', { kind: 'int', min: 0, max: 12 }),
  f('medicalInsurance', '是否参加城乡居民基本医疗保险', { kind: 'yesNo' }),
  f('seriousIllnessInsurance', '是否参加大病保险', { kind: 'yesNo' }),
  f('pensionInsurance', '是否参加城乡居民基本养老保险', { kind: 'yesNo' }),
  f('dibao', '是否享受低保', { kind: 'yesNo' }),
  f('tekun', '是否特困供养人员', { kind: 'yesNo' }),
  f('activeMilitary', null, { kind: 'yesNo' }, false, '是否现役军人'),
];

export interface FieldError {
  /** Workbook column or API key. */
  column: string;
  value: string;
  code: string;
  message: string;
}

export type Parsed = { ok: true; value: unknown } | { ok: false; code: string; message: string };

const ok = (value: unknown): Parsed => ({ ok: true, value });
const bad = (code: string, message: string): Parsed => ({ ok: false, code, message });

export function isBlank(raw: unknown): boolean {
  return raw === null || raw === undefined || (typeof raw === 'string' && raw.trim() === '');
}

const CURRENT_YEAR = () => Number(todayCn().slice(0, 4));

/**
 * Parses one value (a cell's text, or a JSON value from the API). Blank → null, or an error when
 * the field is required. `numericCell`: the spreadsheet stored the cell as a number.
 */
export function parseField(spec: FieldSpec, raw: unknown, numericCell = false): Parsed {
  if (isBlank(raw)) return spec.required ? bad('REQUIRED', `「${spec.label}」不能为空`) : ok(null);
  const t = spec.type;
  const s = typeof raw === 'string' ? toHalfWidth(raw).trim() : String(raw);
  switch (t.kind) {
    case 'text':
      if (typeof raw !== 'string' && typeof raw !== 'number') return bad('TYPE', '应为文本');
      if (s.length > t.max) return bad('TOO_LONG', `「${spec.label}」不能超过 ${t.max} 个字符`);
      return ok(s);
    case 'householdNumber':
      if (!/^[0-9A-Za-z-]{1,40}$/.test(s)) return bad('HOUSEHOLD_NUMBER', '户编号只能由数字、字母和 - 组成，最长 40 位');
      if (numericCell && /e\+?/i.test(s)) return bad('NUMERIC_CELL', '户编号被表格软件转成了数字，后几位已丢失，请将该列设为文本格式');
      return ok(s);
    case 'villageCode': {
      const code = /^\d{12}$/.test(s) ? normalizeRegionCode(s) : null;
      if (!code) return bad('REGION_CODE', '行政区划代码应为 12 位村级代码');
      if (regionLevel(code) !== 'village') return bad('NOT_VILLAGE', '行政区划代码应为村级（12 位，末三位不为 000）');
      return ok(code);
    }
    case 'dict': {
      const v = resolveDictValue(t.dict, s);
      if (v === null) return bad('NOT_IN_DICTIONARY', `「${s}」不是有效的${spec.label}，可选：${allowed(t.dict)}`);
      return ok(v);
    }
    case 'dictList': {
      const parts = (Array.isArray(raw) ? raw.map(String) : s.split(/[、,，;；]/)).map((p) => p.trim()).filter(Boolean);
      const out: string[] = [];
      for (const p of parts) {
        const v = resolveDictValue(t.dict, p);
        if (v === null) return bad('NOT_IN_DICTIONARY', `「${p}」不是有效的${spec.label}，可选：${allowed(t.dict)}`);
        if (!out.includes(v)) out.push(v);
      }
      return ok(out);
    }
    case 'year': {
      if (!/^\d{4}$/.test(s)) return bad('YEAR', '年度应为 4 位数字，如 2018');
      const y = Number(s);
      if (y < 2013 || y > CURRENT_YEAR()) return bad('YEAR_RANGE', `年度应在 2013 至 ${CURRENT_YEAR()} 之间`);
      return ok(y);
    }
    case 'yesNo': {
      if (typeof raw === 'boolean') return ok(raw);
      const v = resolveDictValue('yesNo', s);
      if (v === null) return bad('YES_NO', '只能填「是」或「否」');
      return ok(v === '是');
    }
    case 'amount': {
      const r = parseAmount(s);
      if (!r.ok) return bad('AMOUNT', r.message);
      return ok(r.value);
    }
    case 'area': {
      const r = parseAmount(s);
      if (!r.ok || r.value > 100000) return bad('AREA', '面积应为不超过 100000 的非负数（亩）');
      return ok(r.value);
    }
    case 'int': {
      if (!/^\d+$/.test(s)) return bad('INTEGER', `「${spec.label}」应为整数`);
      const n = Number(s);
      if (n < t.min || n > t.max) return bad('RANGE', `「${spec.label}」应在 ${t.min} 至 ${t.max} 之间`);
      return ok(n);
    }
    case 'phone': {
      const p = s.replace(/[\s-]/g, '');
      if (numericCell && /e/i.test(s)) return bad('NUMERIC_CELL', '联系电话被表格软件转成了数字，请将该列设为文本格式');
      if (!/^(1[3-9]\d{9}|0\d{9,11})$/.test(p)) return bad('PHONE', '联系电话应为 11 位手机号或带区号的固定电话');
      return ok(p);
    }
    case 'account': {
      const a = s.replace(/\s/g, '');
      if (numericCell && /e/i.test(s)) return bad('NUMERIC_CELL', '银行账号被表格软件转成了数字，后几位已丢失，请将该列设为文本格式后重新填写');
      if (!/^\d{10,30}$/.test(a)) return bad('ACCOUNT', '银行账号应为 10 至 30 位数字');
      return ok(a);
    }
    case 'idNumber': {
      if (numericCell) {
        return bad('ID_SCIENTIFIC', '证件号码被表格软件存成了数字，后几位已丢失，请将该列设为文本格式后重新填写');
      }
      const r = parseIdNumber(s);
      if (!r.ok) return bad(r.code, r.message);
      return ok(r);
    }
    case 'date': {
      if (!/^\d{4}-\d{2}-\d{2}$/.test(s) || Number.isNaN(Date.parse(s + 'T00:00:00Z'))) return bad('DATE', '日期应为 YYYY-MM-DD');
      return ok(s);
    }
  }
}

function allowed(name: DictName): string {
  const labels = DICTIONARIES[name].entries.map((e) => e.label);
  return labels.length > 12 ? labels.slice(0, 12).join('、') + ' 等' : labels.join('、');
}
