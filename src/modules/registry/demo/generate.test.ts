import { describe, it, expect } from 'vitest';
import {
  DEMO_HOUSEHOLD_COLUMNS,
  DEMO_MEMBER_COLUMNS,
  demoVillages,
  expectedCounts,
  generateDemoHouseholds,
  mulberry32,
  type DemoHousehold,
} from './generate.js';
import { BUILTIN_REGIONS, parentCode, regionLevel } from '../../../domain/regions.js';
import { birthDateFromId, parseIdNumber, sexFromId } from '../../../domain/idnumber.js';
import { resolveDictValue, type DictName } from '../../../domain/dictionaries.js';
import { parseAmount, perCapitaNetIncome } from '../../../domain/income.js';

const REGISTRY_DATE = '2018-01-01';

function take(n: number, seed?: number): DemoHousehold[] {
  const out: DemoHousehold[] = [];
  for (const h of generateDemoHouseholds({ seed })) {
    out.push(h);
    if (out.length === n) break;
  }
  return out;
}

describe('mulberry32', () => {
  it('is deterministic and in [0, 1)', () => {
    const a = mulberry32(42);
    const b = mulberry32(42);
    for (let i = 0; i < 1000; i++) {
      const x = a();
      expect(x).toBe(b());
      expect(x).toBeGreaterThanOrEqual(0);
      expect(x).toBeLessThan(1);
    }
    expect(mulberry32(43)()).not.toBe(mulberry32(42)());
  });
});

describe('demoVillages', () => {
  const villages = demoVillages();
  const regions = new Map(BUILTIN_REGIONS.map((r) => [r.code, r]));

  it('has exactly 730 villages, 256 of them poor', () => {
    expect(villages).toHaveLength(730);
    expect(villages.filter((v) => v.poorVillage)).toHaveLength(256);
  });
  it('places every village under a town or township of a poor county', () => {
    const codes = new Set<string>();
    for (const v of villages) {
      expect(regionLevel(v.code)).toBe('village');
      expect(parentCode(v.code)).toBe(v.townshipCode);
      expect(Number(v.code.slice(9))).toBeGreaterThanOrEqual(201);
      const township = regions.get(v.townshipCode);
      expect(township?.level).toBe('township');
      expect(Number(v.townshipCode.slice(6, 9))).toBeGreaterThanOrEqual(100);
      expect(regions.get(township?.parentCode ?? '')?.poorCounty).toBe(true);
      codes.add(v.code);
    }
    expect(codes.size).toBe(730);
  });
  it('marks every name as demo data', () => {
    for (const v of villages) expect(v.name).toMatch(/^.+村（演示）$/);
  });
  it('is deterministic and depends on the seed', () => {
    expect(demoVillages()).toEqual(villages);
    expect(demoVillages({ seed: 7 }).map((v) => v.name)).not.toEqual(villages.map((v) => v.name));
  });
});

describe('expectedCounts', () => {
  it('matches the seed at scale 1', () => {
    const c = expectedCounts();
    const poor = c.byStatus.未脱贫.members + c.byStatus.返贫.members;
    expect(poor).toBeGreaterThan(32_000);
    expect(poor).toBeLessThan(33_000);
    expect(c.byStatus.已脱贫.members).toBe(poor);
    expect(c.members / c.households).toBeCloseTo(3.8, 1);
    expect(c.villages).toBe(730);
    expect(c.poorVillages).toBe(256);
  });
  it('scales the households', () => {
    expect(expectedCounts({ scale: 2 }).households).toBe(2 * expectedCounts().households);
    expect(expectedCounts({ scale: 0.0001 }).households).toBe(40);
  });
  it('rejects a bad scale or seed', () => {
    expect(() => expectedCounts({ scale: 0 })).toThrow(RangeError);
    expect(() => expectedCounts({ scale: -1 })).toThrow(RangeError);
    expect(() => expectedCounts({ scale: Number.NaN })).toThrow(RangeError);
    expect(() => expectedCounts({ scale: 1000 })).toThrow(RangeError);
    expect(() => expectedCounts({ seed: Number.POSITIVE_INFINITY })).toThrow(RangeError);
  });
  it('is what a small run yields', () => {
    const opts = { seed: 99, scale: 0.05 };
    const c = expectedCounts(opts);
    let households = 0;
    let members = 0;
    for (const h of generateDemoHouseholds(opts)) {
      households++;
      members += h.members.length;
    }
    expect(households).toBe(c.households);
    expect(members).toBe(c.members);
  });
});

describe('generateDemoHouseholds determinism', () => {
  it('gives the same households for the same seed', () => {
    expect(take(50)).toEqual(take(50));
    expect(take(50, 123)).toEqual(take(50, 123));
  });
  it('gives other households for another seed', () => {
    const a = take(5, 1).map((h) => h.members[0]?.['证件号码']);
    const b = take(5, 2).map((h) => h.members[0]?.['证件号码']);
    expect(a).not.toEqual(b);
  });
});

describe('the scale-1 demo registry', () => {
  const all = [...generateDemoHouseholds()];
  const counts = expectedCounts();
  const villageCodes = new Set(demoVillages().map((v) => v.code));

  const HOUSEHOLD_DICTS: [string, DictName][] = [
    ['贫困户属性', 'householdCategory'],
    ['识别标准', 'identificationStandard'],
    ['脱贫属性', 'povertyStatus'],
    ['主要致贫原因', 'povertyCause'],
    ['是否危房户', 'yesNo'],
    ['是否解决安全饮水', 'yesNo'],
  ];
  const MEMBER_DICTS: [string, DictName][] = [
    ['与户主关系', 'relation'],
    ['民族', 'ethnicity'],
    ['文化程度', 'education'],
    ['在校生状况', 'schoolStatus'],
    ['健康状况', 'health'],
    ['残疾等级', 'disabilityGrade'],
    ['劳动技能', 'labourSkill'],
    ['务工情况', 'workStatus'],
    ['是否参加城乡居民基本医疗保险', 'yesNo'],
    ['是否参加大病保险', 'yesNo'],
    ['是否参加城乡居民基本养老保险', 'yesNo'],
    ['是否享受低保', 'yesNo'],
    ['是否特困供养人员', 'yesNo'],
  ];

  it('has the expected counts', () => {
    expect(all).toHaveLength(counts.households);
    expect(all.reduce((n, h) => n + h.members.length, 0)).toBe(counts.members);
    for (const status of ['未脱贫', '返贫', '已脱贫'] as const) {
      const hs = all.filter((h) => h.household['脱贫属性'] === status);
      expect(hs).toHaveLength(counts.byStatus[status].households);
      expect(hs.reduce((n, h) => n + h.members.length, 0)).toBe(counts.byStatus[status].members);
    }
  });

  it('uses exactly the workbook columns', () => {
    for (const { household, members } of all.slice(0, 200)) {
      expect(Object.keys(household)).toEqual([...DEMO_HOUSEHOLD_COLUMNS]);
      for (const m of members) expect(Object.keys(m)).toEqual([...DEMO_MEMBER_COLUMNS]);
    }
  });

  it('has unique household numbers made from the village code', () => {
    const seen = new Set<string>();
    for (const { household, members } of all) {
      const no = household['户编号'] as string;
      expect(no).toMatch(/^\d{16}$/);
      expect(no.slice(0, 12)).toBe(household['行政区划代码']);
      expect(villageCodes.has(household['行政区划代码'] as string)).toBe(true);
      for (const m of members) expect(m['户编号']).toBe(no);
      seen.add(no);
    }
    expect(seen.size).toBe(all.length);
  });

  it('has globally unique, valid ID numbers in the village county', () => {
    const seen = new Set<string>();
    let bad = 0;
    for (const { household, members } of all) {
      for (const m of members) {
        const id = m['证件号码'] as string;
        const r = parseIdNumber(id, { today: REGISTRY_DATE });
        if (!r.ok || r.id !== id || id.slice(0, 6) !== household['行政区划代码']?.slice(0, 6)) bad++;
        seen.add(id);
      }
    }
    expect(bad).toBe(0);
    expect(seen.size).toBe(counts.members);
  });

  it('has exactly one 户主 per household, first', () => {
    for (const { members } of all) {
      expect(members.filter((m) => m['与户主关系'] === '户主')).toHaveLength(1);
      expect(members[0]?.['与户主关系']).toBe('户主');
    }
  });

  it('has sexes and ages consistent with the relations', () => {
    const MALE_RELATIONS = new Set(['之子', '之孙子', '之父']);
    const FEMALE_RELATIONS = new Set(['之女', '之孙女', '之母', '之儿媳']);
    const problems: string[] = [];
    for (const { members } of all) {
      const head = members[0] as Record<string, string>;
      const born = (m: Record<string, string>) => birthDateFromId(m['证件号码'] as string);
      const spouse = members.find((m) => m['与户主关系'] === '配偶');
      const son = members.find((m) => m['与户主关系'] === '之子');
      const dil = members.find((m) => m['与户主关系'] === '之儿媳');
      if (spouse && sexFromId(spouse['证件号码'] as string) === sexFromId(head['证件号码'] as string)) {
        problems.push(`${head['户编号']}: spouse of the same sex`);
      }
      for (const m of members) {
        const rel = m['与户主关系'] as string;
        const sex = sexFromId(m['证件号码'] as string);
        if (MALE_RELATIONS.has(rel) && sex !== '男') problems.push(`${m['户编号']}: ${rel} is ${sex}`);
        if (FEMALE_RELATIONS.has(rel) && sex !== '女') problems.push(`${m['户编号']}: ${rel} is ${sex}`);
        if (rel === '之子' || rel === '之女') {
          for (const parent of [head, spouse]) {
            if (parent && born(m) <= born(parent)) problems.push(`${m['户编号']}: ${rel} older than a parent`);
          }
        }
        if ((rel === '之父' || rel === '之母') && born(m) >= born(head)) {
          problems.push(`${m['户编号']}: ${rel} younger than the head`);
        }
        if (rel === '之孙子' || rel === '之孙女') {
          for (const parent of [son, dil]) {
            if (!parent || born(m) <= born(parent)) problems.push(`${m['户编号']}: ${rel} without a younger line`);
          }
        }
        if (rel === '之儿媳' && born(m) > '1997-12-31') problems.push(`${m['户编号']}: 之儿媳 under 20`);
      }
    }
    expect(problems.slice(0, 10)).toEqual([]);
  });

  it('has only dictionary values', () => {
    const problems: string[] = [];
    for (const { household, members } of all) {
      for (const [col, dict] of HOUSEHOLD_DICTS) {
        const v = household[col] as string;
        if (resolveDictValue(dict, v) !== v) problems.push(`${col}=${v}`);
      }
      const others = household['其他致贫原因'] as string;
      if (others !== '') {
        const parts = others.split('、');
        for (const p of parts) if (resolveDictValue('povertyCause', p) !== p) problems.push(`其他致贫原因=${p}`);
        if (parts.includes(household['主要致贫原因'] as string)) problems.push('main cause repeated');
        if (new Set(parts).size !== parts.length) problems.push('other causes repeated');
      }
      for (const m of members) {
        for (const [col, dict] of MEMBER_DICTS) {
          const v = m[col] as string;
          if (v === '' && (col === '残疾等级' || col === '务工情况')) continue;
          if (resolveDictValue(dict, v) !== v) problems.push(`${col}=${v}`);
        }
        if ((m['健康状况'] === '残疾') !== (m['残疾等级'] !== '')) problems.push('残疾等级 without 残疾');
        if ((m['务工情况'] === '') !== (m['务工时间（月）'] === '')) problems.push('务工时间 without 务工情况');
        const months = m['务工时间（月）'] as string;
        if (months !== '' && !(Number(months) >= 1 && Number(months) <= 12)) problems.push(`务工时间=${months}`);
      }
    }
    expect(problems.slice(0, 10)).toEqual([]);
  });

  it('keeps years, statuses and incomes consistent', () => {
    const problems: string[] = [];
    for (const { household: h, members } of all) {
      const status = h['脱贫属性'];
      const idYear = Number(h['识别年度']);
      if (!(idYear >= 2014 && idYear <= 2017)) problems.push(`识别年度=${h['识别年度']}`);
      if (status === '已脱贫') {
        const exitYear = Number(h['脱贫年度']);
        if (!(exitYear >= 2014 && exitYear <= 2017 && exitYear >= idYear)) problems.push(`脱贫年度=${h['脱贫年度']}`);
        if (h['是否危房户'] !== '否' || h['是否解决安全饮水'] !== '是') problems.push('exited without safe house/water');
      } else if (h['脱贫年度'] !== '') {
        problems.push(`${status} with 脱贫年度`);
      }
      const amounts: Record<string, number> = {};
      for (const col of ['工资性收入', '生产经营性收入', '财产性收入', '转移性收入', '生产经营性支出']) {
        const r = parseAmount(h[col] as string);
        if (!r.ok) problems.push(`${col}=${h[col]}`);
        else amounts[col] = r.value;
      }
      const pc = perCapitaNetIncome(
        {
          wage: amounts['工资性收入'] ?? 0,
          business: amounts['生产经营性收入'] ?? 0,
          property: amounts['财产性收入'] ?? 0,
          transfer: amounts['转移性收入'] ?? 0,
          businessCost: amounts['生产经营性支出'] ?? 0,
        },
        members.length,
      );
      if (pc === null) problems.push('no members');
      else if (status === '已脱贫' ? pc <= 3500 : pc >= 3500) problems.push(`${status} per capita ${pc}`);
      if ((amounts['生产经营性支出'] ?? 0) > (amounts['生产经营性收入'] ?? 0)) problems.push('cost above business income');
      const dibao = h['贫困户属性'] === '低保贫困户' ? '是' : '否';
      if (members.some((m) => m['是否享受低保'] !== dibao)) problems.push('低保 flag differs from category');
      if (h['联系电话'] !== '' && !/^1[3-9]\d{9}$/.test(h['联系电话'] as string)) problems.push(`phone ${h['联系电话']}`);
      if (!/^\d{19}$/.test(h['银行账号'] as string)) problems.push(`account ${h['银行账号']}`);
    }
    expect(problems.slice(0, 10)).toEqual([]);
  });

  it('has household sizes 1–8 averaging about 3.8', () => {
    const sizes = all.map((h) => h.members.length);
    expect(Math.min(...sizes)).toBe(1);
    expect(Math.max(...sizes)).toBe(8);
    expect(sizes.reduce((a, b) => a + b, 0) / sizes.length).toBeCloseTo(3.8, 2);
  });

  it('puts more households in poor villages', () => {
    const poor = new Set(demoVillages().filter((v) => v.poorVillage).map((v) => v.code));
    const inPoor = all.filter((h) => poor.has(h.household['行政区划代码'] as string)).length;
    expect(inPoor / all.length).toBeGreaterThan(0.5);
  });
});
