/**
 * Administrative divisions (行政区划) by the national statistical division codes
 * (统计用区划代码): 2 digits province, 4 city, 6 county, 9 township, 12 village.
 * The registry always stores the 12-digit form, padded with zeros.
 */
import { removeSpaces, toHalfWidth } from './text.js';

export type RegionLevel = 'province' | 'city' | 'county' | 'township' | 'village';

export const REGION_LEVELS: readonly RegionLevel[] = ['province', 'city', 'county', 'township', 'village'];

export const REGION_LEVEL_LABELS: Record<RegionLevel, string> = {
  province: '省',
  city: '市',
  county: '县（区）',
  township: '乡（镇、街道）',
  village: '村（社区）',
};

/**
 * Accept a 2-, 4-, 6-, 9- or 12-digit code (spaces and full-width digits allowed) and return
 * the 12-digit code padded with zeros; null when it is not digits or has another length.
 */
export function normalizeRegionCode(raw: string): string | null {
  let s = removeSpaces(toHalfWidth(raw ?? ''));
  if (s.startsWith("'")) s = s.slice(1);
  if (!/^\d+$/.test(s)) return null;
  if (s.length !== 2 && s.length !== 4 && s.length !== 6 && s.length !== 9 && s.length !== 12) return null;
  return s.padEnd(12, '0');
}

function assertCode12(code12: string): void {
  if (!/^\d{12}$/.test(code12)) {
    throw new RangeError(`region code must be 12 digits, got "${code12}"`);
  }
}

/** The level a 12-digit code denotes, read from which of its parts are zero. */
export function regionLevel(code12: string): RegionLevel {
  assertCode12(code12);
  if (code12.slice(9) !== '000') return 'village';
  if (code12.slice(6, 9) !== '000') return 'township';
  if (code12.slice(4, 6) !== '00') return 'county';
  if (code12.slice(2, 4) !== '00') return 'city';
  return 'province';
}

/**
 * The code of the parent level: village → township, township → county, county → city,
 * city → province, province → null.
 */
export function parentCode(code12: string): string | null {
  switch (regionLevel(code12)) {
    case 'village':
      return `${code12.slice(0, 9)}000`;
    case 'township':
      return `${code12.slice(0, 6)}000000`;
    case 'county':
      return `${code12.slice(0, 4)}00000000`;
    case 'city':
      return `${code12.slice(0, 2)}0000000000`;
    case 'province':
      return null;
  }
}

/** The codes from the province down to `code12` itself. */
export function ancestorChain(code12: string): string[] {
  const chain: string[] = [];
  let c: string | null = code12;
  while (c !== null) {
    chain.unshift(c);
    c = parentCode(c);
  }
  return chain;
}

/** Is `code12` equal to `ancestor12` or inside it? */
export function isWithinRegion(code12: string, ancestor12: string): boolean {
  const prefix = significantPrefix(ancestor12);
  return code12.startsWith(prefix);
}

/** The significant digits of a code: 2, 4, 6, 9 or 12 depending on its level. */
export function significantPrefix(code12: string): string {
  const len = { province: 2, city: 4, county: 6, township: 9, village: 12 }[regionLevel(code12)];
  return code12.slice(0, len);
}

export interface BuiltinRegion {
  code: string; // 12-digit
  name: string;
  level: RegionLevel;
  parentCode: string | null;
  poorCounty?: boolean;
}

export const BUILTIN_EFFECTIVE_FROM = '2018-01-01';

export const BUILTIN_SOURCE =
  '国家统计局统计用区划代码（2018年）；县区与乡镇名单见 DOMAIN.md「Regions (行政区划)」；' +
  '贫困县区（三县一区）见兰州市三年行动实施方案（2018-11-05）';

/** Counties and districts of Lanzhou (兰州市) with their poverty status per the seed. */
const COUNTIES: ReadonlyArray<{ code6: string; name: string; poor: boolean }> = [
  { code6: '620102', name: '城关区', poor: false },
  { code6: '620103', name: '七里河区', poor: true },
  { code6: '620104', name: '西固区', poor: false },
  { code6: '620105', name: '安宁区', poor: false },
  { code6: '620111', name: '红古区', poor: false },
  { code6: '620121', name: '永登县', poor: true },
  { code6: '620122', name: '皋兰县', poor: true },
  { code6: '620123', name: '榆中县', poor: true },
  { code6: '620171', name: '兰州新区', poor: false },
];

/**
 * Townships (2018 vintage) of the four poor counties. Suffix 0xx is a subdistrict (街道),
 * 1xx a town (镇), 2xx a township (乡).
 */
const TOWNSHIPS: Readonly<Record<string, ReadonlyArray<readonly [string, string]>>> = {
  '620103': [
    ['001', '西园街道'],
    ['002', '西湖街道'],
    ['003', '建兰路街道'],
    ['004', '敦煌路街道'],
    ['005', '西站街道'],
    ['006', '晏家坪街道'],
    ['007', '龚家湾街道'],
    ['008', '土门墩街道'],
    ['009', '秀川街道'],
    ['100', '阿干镇'],
    ['101', '八里镇'],
    ['102', '彭家坪镇'],
    ['103', '西果园镇'],
    ['104', '黄峪镇'],
    ['201', '魏岭乡'],
  ],
  '620121': [
    ['100', '城关镇'],
    ['101', '红城镇'],
    ['102', '中堡镇'],
    ['103', '武胜驿镇'],
    ['104', '河桥镇'],
    ['105', '连城镇'],
    ['106', '苦水镇'],
    ['109', '大同镇'],
    ['110', '龙泉寺镇'],
    ['111', '树屏镇'],
    ['112', '上川镇'],
    ['113', '柳树镇'],
    ['114', '通远镇'],
    ['201', '坪城乡'],
    ['202', '民乐乡'],
    ['204', '七山乡'],
  ],
  '620122': [
    ['100', '石洞镇'],
    ['102', '忠和镇'],
    ['103', '什川镇'],
    ['104', '九合镇'],
    ['105', '水阜镇'],
    ['106', '黑石镇'],
  ],
  '620123': [
    ['100', '城关镇'],
    ['101', '夏官营镇'],
    ['102', '高崖镇'],
    ['103', '金崖镇'],
    ['104', '和平镇'],
    ['105', '甘草店镇'],
    ['106', '青城镇'],
    ['107', '定远镇'],
    ['108', '连搭镇'],
    ['109', '新营镇'],
    ['110', '贡井镇'],
    ['200', '来紫堡乡'],
    ['201', '三角城乡'],
    ['202', '小康营乡'],
    ['204', '银山乡'],
    ['205', '马坡乡'],
    ['207', '清水驿乡'],
    ['208', '龙泉乡'],
    ['209', '韦营乡'],
    ['210', '中连川乡'],
    ['212', '园子岔乡'],
    ['213', '上花岔乡'],
    ['214', '哈岘乡'],
  ],
};

function buildBuiltinRegions(): BuiltinRegion[] {
  const list: BuiltinRegion[] = [
    { code: '620000000000', name: '甘肃省', level: 'province', parentCode: null },
    { code: '620100000000', name: '兰州市', level: 'city', parentCode: '620000000000' },
  ];
  for (const c of COUNTIES) {
    const code = `${c.code6}000000`;
    list.push({ code, name: c.name, level: 'county', parentCode: '620100000000', poorCounty: c.poor });
  }
  for (const c of COUNTIES) {
    for (const [suffix, name] of TOWNSHIPS[c.code6] ?? []) {
      list.push({
        code: `${c.code6}${suffix}000`,
        name,
        level: 'township',
        parentCode: `${c.code6}000000`,
      });
    }
  }
  return list;
}

/**
 * Built-in regions: 甘肃省, 兰州市, its nine counties and districts (poorCounty for the seed's
 * 三县一区) and the 2018 townships of the four poor counties. Effective from
 * BUILTIN_EFFECTIVE_FROM, source BUILTIN_SOURCE. Villages are not built in.
 */
export const BUILTIN_REGIONS: BuiltinRegion[] = buildBuiltinRegions();

/** Is a township code (12 digits) a subdistrict (街道, suffix 0xx) rather than a town or township? */
export function isSubdistrict(township12: string): boolean {
  return regionLevel(township12) === 'township' && township12[6] === '0';
}
