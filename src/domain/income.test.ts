import { describe, it, expect } from 'vitest';
import { incomeConsistencyErrors, netIncome, parseAmount, perCapitaNetIncome, type IncomeYear } from './income.js';

const base: IncomeYear = { wage: 8000, business: 5000, property: 300, transfer: 1200, businessCost: 1500 };

describe('netIncome and perCapitaNetIncome', () => {
  it('adds the four incomes and subtracts business costs', () => {
    expect(netIncome(base)).toBe(13000);
    expect(perCapitaNetIncome(base, 4)).toBe(3250);
  });
  it('does not pick up floating-point error', () => {
    const inc: IncomeYear = { wage: 0.1, business: 0.2, property: 0, transfer: 0, businessCost: 0 };
    expect(netIncome(inc)).toBe(0.3);
    const inc2: IncomeYear = { wage: 1000.1, business: 200.2, property: 0.01, transfer: 0.02, businessCost: 0.03 };
    expect(netIncome(inc2)).toBe(1200.3);
  });
  it('rounds half up to the fen', () => {
    // 10000 / 3 = 3333.333… → 3333.33
    expect(perCapitaNetIncome({ wage: 10000, business: 0, property: 0, transfer: 0, businessCost: 0 }, 3)).toBe(3333.33);
    // 20000 / 3 = 6666.666… → 6666.67
    expect(perCapitaNetIncome({ wage: 20000, business: 0, property: 0, transfer: 0, businessCost: 0 }, 3)).toBe(6666.67);
    // 0.05 / 2 = 0.025 → 0.03
    expect(perCapitaNetIncome({ wage: 0.05, business: 0, property: 0, transfer: 0, businessCost: 0 }, 2)).toBe(0.03);
    // −0.05 / 2 = −0.025 → −0.03 (half away from zero)
    expect(perCapitaNetIncome({ wage: 0, business: 0, property: 0, transfer: 0, businessCost: 0.05 }, 2)).toBe(-0.03);
  });
  it('ignores the "of which" items', () => {
    expect(netIncome({ ...base, dibao: 1000, pension: 200, publicWelfareWage: 5000, dividend: 300 })).toBe(13000);
  });
  it('returns null for a household without members', () => {
    expect(perCapitaNetIncome(base, 0)).toBeNull();
    expect(perCapitaNetIncome(base, -1)).toBeNull();
    expect(perCapitaNetIncome(base, 1.5)).toBeNull();
  });
});

describe('incomeConsistencyErrors', () => {
  it('accepts consistent items', () => {
    expect(incomeConsistencyErrors({ ...base, dibao: 800, pension: 400, publicWelfareWage: 6000, dividend: 300 })).toEqual([]);
  });
  it('names items larger than their totals and negatives', () => {
    const errs = incomeConsistencyErrors({ ...base, dibao: 1000, pension: 400, publicWelfareWage: 9000, dividend: 301, wage: -1 });
    expect(errs).toContain('公益性岗位收入不能大于工资性收入');
    expect(errs).toContain('资产收益分红不能大于财产性收入');
    expect(errs.some((e) => e.includes('转移性收入'))).toBe(true);
    expect(errs).toContain('工资性收入不能为负数');
  });
});

describe('parseAmount', () => {
  it('accepts the usual spellings', () => {
    expect(parseAmount('1234')).toEqual({ ok: true, value: 1234 });
    expect(parseAmount('1,234.5')).toEqual({ ok: true, value: 1234.5 });
    expect(parseAmount('12,345,678.90')).toEqual({ ok: true, value: 12345678.9 });
    expect(parseAmount('１２３４．５６')).toEqual({ ok: true, value: 1234.56 });
    expect(parseAmount('１，２３４')).toEqual({ ok: true, value: 1234 });
    expect(parseAmount(' 3500元 ')).toEqual({ ok: true, value: 3500 });
    expect(parseAmount('0')).toEqual({ ok: true, value: 0 });
    expect(parseAmount('100000000')).toEqual({ ok: true, value: 100000000 });
    expect(parseAmount('12.500')).toEqual({ ok: true, value: 12.5 });
  });
  it('accepts float noise a spreadsheet writes', () => {
    expect(parseAmount('3500.1000000000004')).toEqual({ ok: true, value: 3500.1 });
    expect(parseAmount('0.30000000000000004')).toEqual({ ok: true, value: 0.3 });
  });
  it('reports empty text', () => {
    expect(parseAmount('')).toEqual({ ok: false, message: '不能为空' });
    expect(parseAmount('  ')).toEqual({ ok: false, message: '不能为空' });
  });
  it('rejects negatives', () => {
    expect(parseAmount('-5')).toEqual({ ok: false, message: '金额不能为负数' });
    expect(parseAmount('－1,000')).toEqual({ ok: false, message: '金额不能为负数' });
  });
  it('rejects more than two decimals', () => {
    expect(parseAmount('1.234')).toEqual({ ok: false, message: '金额最多保留两位小数' });
  });
  it('rejects non-numbers and bad grouping', () => {
    for (const raw of ['abc', '12a', '1.2.3', '12,34', '1e5', '.5', '5.', '一千']) {
      const r = parseAmount(raw);
      expect(r.ok, raw).toBe(false);
      if (!r.ok) expect(r.message).toContain('不是有效的金额');
    }
  });
  it('rejects amounts over 1亿元', () => {
    expect(parseAmount('100000000.01')).toEqual({ ok: false, message: '金额超过上限（1亿元）' });
  });
});
