import { describe, it, expect } from 'vitest';
import {
  ageOn,
  birthDateFromId,
  idCheckChar,
  ID_SCIENTIFIC_MESSAGE,
  makeIdNumber,
  normalizeIdNumber,
  parseIdNumber,
  sexFromId,
  toHalfWidth,
} from './idnumber.js';

const TODAY = { today: '2018-11-05' };

describe('toHalfWidth', () => {
  it('folds full-width digits, letters and the ideographic space', () => {
    expect(toHalfWidth('１２３ＡＢｘ　（）')).toBe('123ABx ()');
  });
  it('leaves Chinese text alone', () => {
    expect(toHalfWidth('兰州市七里河区')).toBe('兰州市七里河区');
  });
});

describe('idCheckChar', () => {
  it('computes the published example', () => {
    expect(idCheckChar('11010519491231002')).toBe('X');
  });
  it('rejects a wrong length', () => {
    expect(() => idCheckChar('123')).toThrow(RangeError);
  });
});

describe('normalizeIdNumber', () => {
  it('trims, removes inner spaces and upper-cases x', () => {
    expect(normalizeIdNumber(' 110105 19491231 002x ')).toBe('11010519491231002X');
  });
  it('folds full-width digits', () => {
    expect(normalizeIdNumber('１１０１０５１９４９１２３１００２Ｘ')).toBe('11010519491231002X');
  });
  it('drops the apostrophe spreadsheets put before text', () => {
    expect(normalizeIdNumber("'11010519491231002X")).toBe('11010519491231002X');
  });
  it('converts a 15-digit old number', () => {
    const n = normalizeIdNumber('110105491231002');
    expect(n).toBe('11010519491231002X');
  });
  it('does not validate otherwise', () => {
    expect(normalizeIdNumber('abc')).toBe('ABC');
  });
});

describe('parseIdNumber', () => {
  it('accepts the published example', () => {
    expect(parseIdNumber('11010519491231002X', TODAY)).toEqual({
      ok: true,
      id: '11010519491231002X',
      sex: '女',
      birthDate: '1949-12-31',
    });
  });
  it('accepts lower-case x and full-width digits', () => {
    const r = parseIdNumber('１１０１０５１９４９１２３１００２x', TODAY);
    expect(r.ok && r.id).toBe('11010519491231002X');
  });
  it('accepts a 15-digit old number and converts it', () => {
    const r = parseIdNumber('620102900101123', TODAY);
    expect(r.ok).toBe(true);
    if (r.ok) {
      expect(r.id).toHaveLength(18);
      expect(r.id.slice(0, 14)).toBe('62010219900101');
      expect(r.birthDate).toBe('1990-01-01');
      expect(r.sex).toBe('男');
    }
  });
  it('rejects empty input', () => {
    expect(parseIdNumber('   ')).toMatchObject({ ok: false, code: 'ID_EMPTY' });
  });
  it('reports the wrong check character with both values', () => {
    const r = parseIdNumber('110105194912310023', TODAY);
    expect(r).toEqual({ ok: false, code: 'ID_CHECK', message: '校验位应为X，实际为3' });
  });
  it('rejects 30 February', () => {
    const first17 = '620102' + '19900230' + '123';
    const r = parseIdNumber(first17 + idCheckChar(first17), TODAY);
    expect(r).toMatchObject({ ok: false, code: 'ID_DATE' });
    if (!r.ok) expect(r.message).toContain('19900230');
  });
  it('accepts 29 February in a leap year only', () => {
    expect(parseIdNumber(makeIdNumber('620102', '20000229', 1), TODAY).ok).toBe(true);
    const bad = '620102' + '19000229' + '001';
    expect(parseIdNumber(bad + idCheckChar(bad), TODAY)).toMatchObject({ code: 'ID_DATE' });
  });
  it('rejects a birth date after today', () => {
    const r = parseIdNumber(makeIdNumber('620102', '20181106', 1), TODAY);
    expect(r).toMatchObject({ ok: false, code: 'ID_DATE' });
    if (!r.ok) expect(r.message).toContain('晚于今天');
    expect(parseIdNumber(makeIdNumber('620102', '20181105', 1), TODAY).ok).toBe(true);
  });
  it('rejects a birth date before 1900', () => {
    const r = parseIdNumber(makeIdNumber('620102', '18991231', 1), TODAY);
    expect(r).toMatchObject({ ok: false, code: 'ID_DATE' });
  });
  it('rejects a wrong length with the length found', () => {
    const r = parseIdNumber('1101051949123100', TODAY);
    expect(r).toEqual({ ok: false, code: 'ID_LENGTH', message: '证件号码应为18位（旧号码15位），实际为16位' });
  });
  it('rejects illegal characters and X in the middle', () => {
    expect(parseIdNumber('11010519491231002Y', TODAY)).toMatchObject({ code: 'ID_CHARS' });
    expect(parseIdNumber('张三', TODAY)).toMatchObject({ code: 'ID_CHARS' });
    expect(parseIdNumber('1101051949123X0021', TODAY)).toMatchObject({ code: 'ID_CHARS' });
  });
  it('recognises numbers a spreadsheet has mangled', () => {
    for (const raw of ['6.20102199001011E+17', '6.20102199001011e17', '620102199001011000.0']) {
      expect(parseIdNumber(raw, TODAY)).toEqual({ ok: false, code: 'ID_SCIENTIFIC', message: ID_SCIENTIFIC_MESSAGE });
    }
  });
  it('rejects a malformed today option', () => {
    expect(() => parseIdNumber('11010519491231002X', { today: '2018/11/05' })).toThrow(RangeError);
  });
  it('uses the clock when today is not given', () => {
    expect(parseIdNumber('11010519491231002X').ok).toBe(true);
  });
});

describe('fields from the number', () => {
  it('reads sex and birth date', () => {
    expect(sexFromId('11010519491231002X')).toBe('女');
    expect(sexFromId(makeIdNumber('620102', '19800101', 11))).toBe('男');
    expect(birthDateFromId('11010519491231002X')).toBe('1949-12-31');
  });
  it('computes age on a date', () => {
    expect(ageOn('11010519491231002X', '2018-12-30')).toBe(68);
    expect(ageOn('11010519491231002X', '2018-12-31')).toBe(69);
    expect(ageOn('11010519491231002X', '20190101')).toBe(69);
    const leap = makeIdNumber('620102', '20000229', 2);
    expect(ageOn(leap, '2001-02-28')).toBe(0);
    expect(ageOn(leap, '2001-03-01')).toBe(1);
  });
});

describe('makeIdNumber', () => {
  it('builds valid numbers', () => {
    expect(makeIdNumber('110105', '19491231', 2)).toBe('11010519491231002X');
    expect(makeIdNumber('110105', '1949-12-31', 2)).toBe('11010519491231002X');
  });
  it('rejects malformed parts', () => {
    expect(() => makeIdNumber('1101', '19491231', 2)).toThrow(RangeError);
    expect(() => makeIdNumber('110105', '194912', 2)).toThrow(RangeError);
    expect(() => makeIdNumber('110105', '19491231', 1000)).toThrow(RangeError);
  });
});
