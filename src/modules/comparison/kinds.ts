/**
 * The department data files of DOMAIN.md ("Department data files"): every kind has 证件号码 and
 * 姓名, then its own columns. `required` columns must be in the header (else the file is rejected)
 * and filled in every row (else the row is rejected and listed); the rest are kept as evidence.
 */
export const KINDS = ['hukou', 'payroll', 'vehicle', 'business', 'property', 'education', 'medical', 'insurance', 'pension', 'dibao', 'disability', 'loan'] as const;
export type Kind = (typeof KINDS)[number];

/** enum: a code-like value, spaces removed and full-width folded; text: kept as written (trimmed). */
export type ColType = 'text' | 'enum' | 'num' | 'int' | 'date' | 'grade';

export interface ColSpec {
  header: string;
  /** Staging column name. */
  key: string;
  type: ColType;
  required?: boolean;
}

export interface KindSpec {
  department: string;
  columns: ColSpec[];
}

const c = (header: string, key: string, type: ColType, required = false): ColSpec => ({ header, key, type, required });

export const KIND_SPECS: Record<Kind, KindSpec> = {
  hukou: { department: '公安 户籍', columns: [c('户籍状态', 'status', 'enum', true), c('变动日期', 'change_date', 'date')] },
  payroll: { department: '财政供养人员', columns: [c('单位名称', 'employer', 'text')] },
  vehicle: { department: '车辆登记', columns: [c('车辆类型', 'vehicle_type', 'enum', true), c('登记日期', 'reg_date', 'date'), c('车辆价格', 'price', 'num', true)] },
  business: { department: '市场主体登记', columns: [c('企业名称', 'company', 'text'), c('登记状态', 'status', 'enum', true), c('身份', 'role', 'enum')] },
  property: { department: '不动产登记', columns: [c('房屋坐落', 'location', 'text'), c('房屋用途', 'house_use', 'enum', true), c('建筑面积', 'area', 'num'), c('登记日期', 'reg_date', 'date')] },
  education: { department: '学籍', columns: [c('学校名称', 'school', 'text'), c('学段', 'stage', 'enum', true), c('年级', 'grade', 'enum'), c('学籍状态', 'status', 'enum', true)] },
  medical: {
    department: '医保结算',
    columns: [
      c('结算年度', 'settle_year', 'int'), c('医疗总费用', 'total_cost', 'num'), c('政策范围内费用', 'policy_cost', 'num', true),
      c('基本医保支付', 'basic_paid', 'num', true), c('大病保险支付', 'serious_paid', 'num', true), c('医疗救助支付', 'aid_paid', 'num', true),
      c('个人自付', 'out_of_pocket', 'num', true),
    ],
  },
  insurance: { department: '医保参保', columns: [c('参保年度', 'ins_year', 'int'), c('参保状态', 'status', 'enum', true)] },
  pension: { department: '养老保险', columns: [c('参保状态', 'status', 'enum', true), c('缴费档次', 'tier', 'enum'), c('是否政府代缴', 'gov_paid', 'enum')] },
  dibao: {
    department: '民政救助',
    columns: [
      c('救助类别', 'assistance', 'enum', true), c('低保类别', 'dibao_class', 'enum'), c('月保障金额', 'monthly', 'num'),
      c('起始日期', 'start_date', 'date'), c('终止日期', 'end_date', 'date'),
    ],
  },
  disability: { department: '残联', columns: [c('残疾类别', 'category', 'enum'), c('残疾等级', 'grade', 'grade', true), c('发证日期', 'cert_date', 'date')] },
  loan: {
    department: '扶贫小额信贷',
    columns: [
      c('贷款金额', 'amount', 'num'), c('放款日期', 'loan_date', 'date'), c('到期日期', 'due_date', 'date'),
      c('逾期天数', 'overdue_days', 'int', true), c('贷款用途', 'purpose', 'enum', true),
    ],
  },
};

export const ID_HEADER = '证件号码';
export const NAME_HEADER = '姓名';

export function isKind(k: string): k is Kind {
  return (KINDS as readonly string[]).includes(k);
}

export function sqlType(t: ColType): string {
  switch (t) {
    case 'num': return 'numeric(16,2)';
    case 'int': return 'int';
    case 'date': return 'date';
    default: return 'text';
  }
}
