import { HOUSEHOLD_FIELDS, INCOME_FIELDS, MEMBER_FIELDS, parseField, isBlank, type FieldError, type FieldSpec } from './fields.js';
import { todayCn } from '../../domain/dates.js';

/**
 * Record-level validation shared by the import and the API: every field through parseField,
 * then the rules that tie fields together. `by` says whether the input is keyed by workbook
 * column (import) or by API key.
 */

export interface HouseholdValues {
  householdNumber: string;
  villageCode: string;
  naturalVillage: string | null;
  category: string;
  identificationStandard: string | null;
  identificationYear: number;
  povertyStatus: string;
  exitYear: number | null;
  mainCause: string;
  otherCauses: string[];
  dangerousHouse: boolean | null;
  safeWater: boolean | null;
  phone: string | null;
  bankName: string | null;
  bankAccount: string | null;
  militaryFamily: boolean | null;
  relocated: boolean | null;
  relocationSite: string | null;
  cultivatedLand: number | null;
  irrigatedLand: number | null;
  forestLand: number | null;
  pastureLand: number | null;
  monitoringCategory: string | null;
  monitoringIdentifiedAt: string | null;
  monitoringEliminatedAt: string | null;
}

export interface IncomeValues {
  year: number;
  wage: number;
  business: number;
  property: number;
  transfer: number;
  businessCost: number;
  publicWelfareWage: number | null;
  dividend: number | null;
  dibao: number | null;
  tekun: number | null;
  pension: number | null;
  ecoComp: number | null;
  otherTransfer: number | null;
}

export interface MemberValues {
  name: string;
  idNumber: string;
  sex: '男' | '女';
  birthDate: string;
  relation: string;
  ethnicity: string | null;
  education: string | null;
  schoolStatus: string | null;
  health: string | null;
  disabilityGrade: string | null;
  labourSkill: string | null;
  workStatus: string | null;
  workMonths: number | null;
  medicalInsurance: boolean | null;
  seriousIllnessInsurance: boolean | null;
  pensionInsurance: boolean | null;
  dibao: boolean | null;
  tekun: boolean | null;
  activeMilitary: boolean | null;
}

export interface Validated<T> {
  value: T | null;
  errors: FieldError[];
}

type Input = Record<string, unknown>;

function parseAll(specs: FieldSpec[], input: Input, by: 'column' | 'key', numeric: readonly string[], errors: FieldError[], only?: Set<string>) {
  const out: Record<string, unknown> = {};
  for (const spec of specs) {
    const name = by === 'column' ? spec.column : spec.key;
    if (name === null) continue;
    if (only && !only.has(spec.key)) continue;
    const raw = input[name];
    const r = parseField(spec, raw, numeric.includes(name));
    if (r.ok) out[spec.key] = r.value;
    else errors.push({ column: name, value: display(raw), code: r.code, message: r.message });
  }
  return out;
}

function display(raw: unknown): string {
  if (raw === null || raw === undefined) return '';
  const s = typeof raw === 'string' ? raw : JSON.stringify(raw);
  return s.length > 200 ? s.slice(0, 200) + '…' : s;
}

function col(spec: string, by: 'column' | 'key'): string {
  const all = [...HOUSEHOLD_FIELDS, ...INCOME_FIELDS, ...MEMBER_FIELDS];
  const s = all.find((x) => x.key === spec);
  return by === 'column' ? (s?.column ?? spec) : spec;
}

export function validateHousehold(input: Input, by: 'column' | 'key', numeric: readonly string[] = []): Validated<HouseholdValues> {
  const errors: FieldError[] = [];
  const v = parseAll(HOUSEHOLD_FIELDS, input, by, numeric, errors) as Partial<HouseholdValues>;
  const nowYear = Number(todayCn().slice(0, 4));
  if (v.povertyStatus === '已脱贫' && v.exitYear == null && !errors.some((e) => e.column === col('exitYear', by))) {
    errors.push({ column: col('exitYear', by), value: '', code: 'EXIT_YEAR_REQUIRED', message: '脱贫属性为「已脱贫」时必须填写脱贫年度' });
  }
  if (v.exitYear != null && v.identificationYear != null && v.exitYear < v.identificationYear) {
    errors.push({ column: col('exitYear', by), value: String(v.exitYear), code: 'EXIT_BEFORE_IDENTIFICATION', message: `脱贫年度（${v.exitYear}）早于识别年度（${v.identificationYear}）` });
  }
  if (v.exitYear != null && v.povertyStatus === '未脱贫') {
    errors.push({ column: col('exitYear', by), value: String(v.exitYear), code: 'EXIT_YEAR_NOT_EXITED', message: '脱贫属性为「未脱贫」时不应填写脱贫年度' });
  }
  if (v.exitYear != null && v.exitYear > nowYear) {
    errors.push({ column: col('exitYear', by), value: String(v.exitYear), code: 'YEAR_RANGE', message: '脱贫年度不能晚于今年' });
  }
  if (v.otherCauses && v.mainCause && v.otherCauses.includes(v.mainCause)) {
    v.otherCauses = v.otherCauses.filter((c) => c !== v.mainCause);
  }
  v.otherCauses ??= [];
  if (errors.length) return { value: null, errors };
  return { value: v as HouseholdValues, errors };
}

/** Income of one year; null (and no error) when no income field is filled. */
export function validateIncome(input: Input, by: 'column' | 'key'): Validated<IncomeValues> & { present: boolean } {
  const errors: FieldError[] = [];
  const names = INCOME_FIELDS.map((s) => (by === 'column' ? s.column : s.key)).filter((n): n is string => n !== null);
  const present = names.some((n) => !isBlank(input[n]));
  if (!present) return { value: null, errors, present };
  const v = parseAll(INCOME_FIELDS, input, by, [], errors) as Record<string, number | null>;
  if (v.year == null && !errors.some((e) => e.column === col('year', by))) {
    errors.push({ column: col('year', by), value: '', code: 'INCOME_YEAR_REQUIRED', message: '填写了收入时必须填写收入年度' });
  }
  if (errors.length) return { value: null, errors, present };
  const out: IncomeValues = {
    year: v.year as number,
    wage: v.wage ?? 0, business: v.business ?? 0, property: v.property ?? 0, transfer: v.transfer ?? 0, businessCost: v.businessCost ?? 0,
    publicWelfareWage: v.publicWelfareWage ?? null, dividend: v.dividend ?? null, dibao: v.dibao ?? null, tekun: v.tekun ?? null,
    pension: v.pension ?? null, ecoComp: v.ecoComp ?? null, otherTransfer: v.otherTransfer ?? null,
  };
  const sub = (part: number | null, whole: number, label: string, of: string) => {
    if (part != null && part > whole) errors.push({ column: col(of, by), value: String(whole), code: 'PART_EXCEEDS_TOTAL', message: `${label}（${part}）大于其所属的总额（${whole}）` });
  };
  sub(out.publicWelfareWage, out.wage, '公益性岗位收入', 'wage');
  sub(out.dividend, out.property, '资产收益分红', 'property');
  const transferParts = [out.dibao, out.tekun, out.pension, out.ecoComp, out.otherTransfer].reduce<number>((a, b) => a + (b ?? 0), 0);
  if (transferParts > out.transfer + 1e-9) {
    errors.push({ column: col('transfer', by), value: String(out.transfer), code: 'PART_EXCEEDS_TOTAL', message: `转移性收入各分项之和（${transferParts}）大于转移性收入（${out.transfer}）` });
  }
  if (errors.length) return { value: null, errors, present };
  return { value: out, errors, present };
}

export function validateMember(input: Input, by: 'column' | 'key', numeric: readonly string[] = []): Validated<MemberValues> {
  const errors: FieldError[] = [];
  const v = parseAll(MEMBER_FIELDS, input, by, numeric, errors) as Record<string, unknown>;
  const id = v.idNumber as { id: string; sex: '男' | '女'; birthDate: string } | undefined;
  if (v.disabilityGrade && v.health && v.health !== '残疾') {
    errors.push({ column: col('disabilityGrade', by), value: String(v.disabilityGrade), code: 'DISABILITY_WITHOUT_HEALTH', message: '填写了残疾等级，但健康状况不是「残疾」' });
  }
  if (errors.length || !id) return { value: null, errors };
  // v is this call's own object: completed in place rather than copied (one copy per member of
  // a million-row import counts).
  v.idNumber = id.id;
  v.sex = id.sex;
  v.birthDate = id.birthDate;
  return { value: v as unknown as MemberValues, errors };
}
