/**
 * The registry workbook contract (DOMAIN.md, "Interfaces that outside tools rely on").
 * Column names, their order and which are required are part of the contract: scripts and
 * other systems read and write files with exactly these headers.
 */

export const HOUSEHOLD_SHEET = '户信息';
export const MEMBER_SHEET = '家庭成员';

export interface ColumnDef {
  name: string;
  required: boolean;
}

const col = (name: string, required = false): ColumnDef => ({ name, required });

export const HOUSEHOLD_COLUMNS: ColumnDef[] = [
  col('户编号', true),
  col('行政区划代码', true),
  col('自然村'),
  col('贫困户属性', true),
  col('识别标准'),
  col('识别年度', true),
  col('脱贫属性', true),
  col('脱贫年度'),
  col('主要致贫原因', true),
  col('其他致贫原因'),
  col('是否危房户'),
  col('是否解决安全饮水'),
  col('收入年度'),
  col('工资性收入'),
  col('生产经营性收入'),
  col('财产性收入'),
  col('转移性收入'),
  col('生产经营性支出'),
  col('联系电话'),
  col('开户银行'),
  col('银行账号'),
];

export const MEMBER_COLUMNS: ColumnDef[] = [
  col('户编号', true),
  col('姓名', true),
  col('证件号码', true),
  col('与户主关系', true),
  col('民族'),
  col('文化程度'),
  col('在校生状况'),
  col('健康状况'),
  col('残疾等级'),
  col('劳动技能'),
  col('务工情况'),
  col('务工时间（月）'),
  col('是否参加城乡居民基本医疗保险'),
  col('是否参加大病保险'),
  col('是否参加城乡居民基本养老保险'),
  col('是否享受低保'),
  col('是否特困供养人员'),
];

/**
 * Columns whose values are identifiers made of digits: written as text (never numbers) so that
 * Excel keeps leading zeros and all 18 digits, and flagged by the reader when stored as a number.
 */
export const TEXT_COLUMNS: ReadonlySet<string> = new Set([
  '户编号',
  '行政区划代码',
  '证件号码',
  '联系电话',
  '银行账号',
]);

/** Columns written as numbers when the value is a number (amounts in yuan, years, months). */
export const NUMBER_COLUMNS: ReadonlySet<string> = new Set([
  '识别年度',
  '脱贫年度',
  '收入年度',
  '工资性收入',
  '生产经营性收入',
  '财产性收入',
  '转移性收入',
  '生产经营性支出',
  '务工时间（月）',
]);

/**
 * Canonical form of a header cell: trimmed, without the '*' / '＊' templates put before or after
 * required columns, ASCII parentheses folded to full-width (务工时间(月) → 务工时间（月）) and
 * all whitespace (including line breaks inside a cell) removed.
 */
export function normalizeHeader(h: string): string {
  return h
    .replace(/[\s\u00a0\u3000\ufeff]+/g, '')
    .replace(/^[*＊]+/, '')
    .replace(/[*＊]+$/, '')
    .replace(/\(/g, '（')
    .replace(/\)/g, '）');
}

/** The columns of a sheet by its name. */
export function columnsOf(sheet: typeof HOUSEHOLD_SHEET | typeof MEMBER_SHEET): ColumnDef[] {
  return sheet === HOUSEHOLD_SHEET ? HOUSEHOLD_COLUMNS : MEMBER_COLUMNS;
}
