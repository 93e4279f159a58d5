import { describe, it, expect } from 'vitest';
import { maskAccount, maskIdNumber, maskName, maskPhone } from './mask.js';

describe('maskIdNumber', () => {
  it('keeps the first six and last four characters', () => {
    expect(maskIdNumber('62010219900101123X')).toBe('620102********123X');
    expect(maskIdNumber('620102900101123')).toBe('620102*****1123');
  });
  it('masks short values entirely and handles empty input', () => {
    expect(maskIdNumber('62010219')).toBe('********');
    expect(maskIdNumber('')).toBe('');
  });
});

describe('maskPhone', () => {
  it('keeps the first three and last four digits', () => {
    expect(maskPhone('13912345678')).toBe('139****5678');
    expect(maskPhone('139 1234 5678')).toBe('139****5678');
  });
  it('masks short values entirely', () => {
    expect(maskPhone('8123456')).toBe('*******');
    expect(maskPhone('')).toBe('');
  });
});

describe('maskAccount', () => {
  it('keeps the last four digits', () => {
    expect(maskAccount('6230123456781234')).toBe('************1234');
    expect(maskAccount('6230 1234 5678 1234')).toBe('************1234');
  });
  it('masks short values entirely', () => {
    expect(maskAccount('1234')).toBe('****');
    expect(maskAccount('')).toBe('');
  });
});

describe('maskName', () => {
  it('keeps the surname', () => {
    expect(maskName('张三')).toBe('张*');
    expect(maskName('李小明')).toBe('李**');
    expect(maskName('欧阳娜娜')).toBe('欧阳**');
    expect(maskName('欧阳娜')).toBe('欧阳*');
    expect(maskName('买买提·艾力')).toBe('买*****');
  });
  it('handles short and empty input', () => {
    expect(maskName('张')).toBe('*');
    expect(maskName('欧阳')).toBe('欧*');
    expect(maskName('')).toBe('');
    expect(maskName('  ')).toBe('');
  });
  it('counts characters outside the BMP as one', () => {
    expect(maskName('𠮷野家')).toBe('𠮷**');
  });
});
