/**
 * Household income for one year (收入, kept per year and never overwritten) and the per-capita
 * net income that exit decisions compare with the year's poverty line.
 *
 * Amounts are yuan with at most two decimals. Arithmetic is done in integer fen (分) so that
 * sums never pick up floating-point error.
 */
import { removeSpaces, toHalfWidth } from './text.js';

export interface IncomeYear {
  /** 工资性收入 */
  wage: number;
  /** of which 公益性岗位收入 */
  publicWelfareWage?: number;
  /** 生产经营性收入 (gross) */
  business: number;
  /** 财产性收入 */
  property: number;
  /** of which 资产收益分红 */
  dividend?: number;
  /** 转移性收入 */
  transfer: number;
  /** of which 低保金 */
  dibao?: number;
  /** of which 特困供养金 */
  tekun?: number;
  /** of which 养老金 */
  pension?: number;
  /** of which 生态补偿金 */
  ecoComp?: number;
  /** of which other transfers */
  otherTransfer?: number;
  /** 生产经营性支出 */
  businessCost: number;
}

/** Largest amount accepted in one field: 1亿元. */
export const MAX_AMOUNT = 100_000_000;

/** Yuan → integer fen. Inputs carry at most two decimals, so rounding only removes float noise. */
export function toFen(yuan: number): number {
  return Math.round(yuan * 100);
}

/** Integer fen → yuan. */
export function fromFen(fen: number): number {
  return fen / 100;
}

function netFen(income: IncomeYear): number {
  return (
    toFen(income.wage) +
    toFen(income.business) +
    toFen(income.property) +
    toFen(income.transfer) -
    toFen(income.businessCost)
  );
}

/** 家庭纯收入 = 工资性 + 生产经营性 + 财产性 + 转移性 − 生产经营性支出 (yuan). */
export function netIncome(income: IncomeYear): number {
  return fromFen(netFen(income));
}

/** Divide integer fen by a positive integer, rounding half away from zero (四舍五入). */
function divRoundHalfUp(fen: number, divisor: number): number {
  const abs = Math.abs(fen);
  const q = Math.floor((2 * abs + divisor) / (2 * divisor));
  return fen < 0 ? -q : q;
}

/**
 * 人均纯收入 = 家庭纯收入 ÷ 家庭人口, rounded half-up to the fen; null when the household has
 * no members (size 0, negative or not a whole number).
 */
export function perCapitaNetIncome(income: IncomeYear, householdSize: number): number | null {
  if (!Number.isInteger(householdSize) || householdSize <= 0) return null;
  return fromFen(divRoundHalfUp(netFen(income), householdSize));
}

/**
 * Check that the "of which" items fit inside their totals. Returns Chinese messages, empty when
 * consistent.
 */
export function incomeConsistencyErrors(income: IncomeYear): string[] {
  const errors: string[] = [];
  const fen = (v: number | undefined) => (v === undefined ? 0 : toFen(v));
  if (fen(income.publicWelfareWage) > fen(income.wage)) {
    errors.push('公益性岗位收入不能大于工资性收入');
  }
  if (fen(income.dividend) > fen(income.property)) {
    errors.push('资产收益分红不能大于财产性收入');
  }
  const transferParts =
    fen(income.dibao) + fen(income.tekun) + fen(income.pension) + fen(income.ecoComp) + fen(income.otherTransfer);
  if (transferParts > fen(income.transfer)) {
    errors.push('低保金、特困供养金、养老金、生态补偿金等各项之和不能大于转移性收入');
  }
  for (const [key, label] of INCOME_LABELS) {
    const v = income[key];
    if (v !== undefined && (!Number.isFinite(v) || v < 0)) errors.push(`${label}不能为负数`);
  }
  return errors;
}

const INCOME_LABELS: ReadonlyArray<readonly [keyof IncomeYear, string]> = [
  ['wage', '工资性收入'],
  ['publicWelfareWage', '公益性岗位收入'],
  ['business', '生产经营性收入'],
  ['property', '财产性收入'],
  ['dividend', '资产收益分红'],
  ['transfer', '转移性收入'],
  ['dibao', '低保金'],
  ['tekun', '特困供养金'],
  ['pension', '养老金'],
  ['ecoComp', '生态补偿金'],
  ['otherTransfer', '其他转移性收入'],
  ['businessCost', '生产经营性支出'],
];

export type AmountParse = { ok: true; value: number } | { ok: false; message: string };

/**
 * Parse an amount in yuan as typed or exported by a spreadsheet: "1,234.5", "1234", "１２３４",
 * "3500元". Empty text is reported ('不能为空'); callers decide whether the field is optional.
 * Rejects negatives, more than two decimals, non-numbers and amounts over 1亿元.
 * Float noise from spreadsheets ("3500.1000000000001") is rounded away.
 */
export function parseAmount(raw: string): AmountParse {
  let s = removeSpaces(toHalfWidth(raw ?? ''));
  if (s === '') return { ok: false, message: '不能为空' };
  if (s.endsWith('元')) s = s.slice(0, -1);
  if (/^[-−]/.test(s) && /\d/.test(s)) return { ok: false, message: '金额不能为负数' };

  let digits: string;
  if (/^\d{1,3}(,\d{3})+(\.\d+)?$/.test(s)) {
    digits = s.replace(/,/g, '');
  } else if (/^\d+(\.\d+)?$/.test(s)) {
    digits = s;
  } else {
    return { ok: false, message: `“${raw}”不是有效的金额` };
  }

  const dot = digits.indexOf('.');
  const decimals = dot === -1 ? '' : digits.slice(dot + 1);
  const value = Number(digits);
  if (decimals.length > 2 && !/^0+$/.test(decimals.slice(2))) {
    // Spreadsheets write 3500.1 as 3500.1000000000001; accept that, reject a typed 3.456.
    const isFloatNoise = decimals.length >= 10 && Math.abs(value * 100 - Math.round(value * 100)) < 1e-6;
    if (!isFloatNoise) return { ok: false, message: '金额最多保留两位小数' };
  }
  if (value > MAX_AMOUNT) return { ok: false, message: '金额超过上限（1亿元）' };
  return { ok: true, value: Math.round(value * 100) / 100 };
}
