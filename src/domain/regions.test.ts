import { describe, it, expect } from 'vitest';
import {
  ancestorChain,
  BUILTIN_EFFECTIVE_FROM,
  BUILTIN_REGIONS,
  BUILTIN_SOURCE,
  isSubdistrict,
  isWithinRegion,
  normalizeRegionCode,
  parentCode,
  regionLevel,
} from './regions.js';

describe('normalizeRegionCode', () => {
  it('pads 2/4/6/9/12-digit codes to 12 digits', () => {
    expect(normalizeRegionCode('62')).toBe('620000000000');
    expect(normalizeRegionCode('6201')).toBe('620100000000');
    expect(normalizeRegionCode(' 620123 ')).toBe('620123000000');
    expect(normalizeRegionCode('620123101')).toBe('620123101000');
    expect(normalizeRegionCode('620123101201')).toBe('620123101201');
  });
  it('accepts full-width digits', () => {
    expect(normalizeRegionCode('６２０１２３')).toBe('620123000000');
  });
  it('rejects other lengths and non-digits', () => {
    expect(normalizeRegionCode('62012')).toBeNull();
    expect(normalizeRegionCode('6201231012011')).toBeNull();
    expect(normalizeRegionCode('62012A')).toBeNull();
    expect(normalizeRegionCode('')).toBeNull();
    expect(normalizeRegionCode('6.20123E+11')).toBeNull();
  });
});

describe('levels and parents', () => {
  it('reads the level from the code', () => {
    expect(regionLevel('620000000000')).toBe('province');
    expect(regionLevel('620100000000')).toBe('city');
    expect(regionLevel('620123000000')).toBe('county');
    expect(regionLevel('620123101000')).toBe('township');
    expect(regionLevel('620123101201')).toBe('village');
    expect(() => regionLevel('620123')).toThrow(RangeError);
  });
  it('walks the parent chain up to the province', () => {
    expect(parentCode('620123101201')).toBe('620123101000');
    expect(parentCode('620123101000')).toBe('620123000000');
    expect(parentCode('620123000000')).toBe('620100000000');
    expect(parentCode('620100000000')).toBe('620000000000');
    expect(parentCode('620000000000')).toBeNull();
    expect(ancestorChain('620123101201')).toEqual([
      '620000000000',
      '620100000000',
      '620123000000',
      '620123101000',
      '620123101201',
    ]);
  });
  it('tests containment', () => {
    expect(isWithinRegion('620123101201', '620123000000')).toBe(true);
    expect(isWithinRegion('620123101201', '620100000000')).toBe(true);
    expect(isWithinRegion('620122101201', '620123000000')).toBe(false);
    expect(isWithinRegion('620123000000', '620123000000')).toBe(true);
  });
});

describe('BUILTIN_REGIONS', () => {
  const byCode = new Map(BUILTIN_REGIONS.map((r) => [r.code, r]));
  const counties = BUILTIN_REGIONS.filter((r) => r.level === 'county');
  const townshipsOf = (code6: string) =>
    BUILTIN_REGIONS.filter((r) => r.level === 'township' && r.code.startsWith(code6));

  it('has the province, the city and nine counties', () => {
    expect(byCode.get('620000000000')?.name).toBe('甘肃省');
    expect(byCode.get('620100000000')?.name).toBe('兰州市');
    expect(counties).toHaveLength(9);
    expect(counties.map((c) => c.name)).toEqual([
      '城关区', '七里河区', '西固区', '安宁区', '红古区', '永登县', '皋兰县', '榆中县', '兰州新区',
    ]);
  });
  it('marks the four poor counties (三县一区)', () => {
    expect(counties.filter((c) => c.poorCounty).map((c) => c.name).sort()).toEqual(
      ['七里河区', '永登县', '榆中县', '皋兰县'].sort(),
    );
  });
  it('has the 2018 townships of the poor counties', () => {
    expect(townshipsOf('620103')).toHaveLength(15);
    expect(townshipsOf('620121')).toHaveLength(16);
    expect(townshipsOf('620122')).toHaveLength(6);
    expect(townshipsOf('620123')).toHaveLength(23);
    expect(byCode.get('620103201000')?.name).toBe('魏岭乡');
    expect(byCode.get('620123214000')?.name).toBe('哈岘乡');
    expect(byCode.get('620121112000')?.name).toBe('上川镇');
    expect(isSubdistrict('620103001000')).toBe(true);
    expect(isSubdistrict('620103100000')).toBe(false);
  });
  it('is consistent: unique codes, level and parent follow from the code, parents exist', () => {
    expect(byCode.size).toBe(BUILTIN_REGIONS.length);
    for (const r of BUILTIN_REGIONS) {
      expect(r.code).toMatch(/^\d{12}$/);
      expect(regionLevel(r.code)).toBe(r.level);
      expect(r.parentCode).toBe(parentCode(r.code));
      if (r.parentCode !== null) expect(byCode.has(r.parentCode)).toBe(true);
    }
    expect(BUILTIN_EFFECTIVE_FROM).toBe('2018-01-01');
    expect(BUILTIN_SOURCE).toContain('DOMAIN.md');
  });
});
