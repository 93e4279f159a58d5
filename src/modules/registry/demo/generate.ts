/**
 * Deterministic synthetic demo data for Lanzhou (兰州市) at the start of 2018: 730 villages
 * (256 registered poor villages) under the townships of the four poor counties, and registry
 * households with their members, keyed by the exact column names of the registry workbook
 * (DOMAIN.md「Registry workbook」).
 *
 * Everything here is invented. Village names carry the marker （演示）; ID numbers are valid by
 * GB 11643-1999 but made from a counter, so any match with a real person is chance.
 *
 * Counts are exact, not sampled: households come in blocks of 40 with a fixed mix of status and
 * household size (shuffled inside the block), so expectedCounts() knows the totals in advance.
 * At scale 1 there are 32,528 people in poor (未脱贫 and 返贫) households — the seed's 3.25万
 * poor people to lift out in 2018–2020 — and as many again in households that exited in
 * 2014–2017.
 *
 * Pure code: imports only src/domain and this folder.
 */
import { COUNTY_CODES, DemoWriter, type DemoHousehold, type DemoStatus } from './household.js';
import { deriveSeed, Rng } from './random.js';
import {
  buildDemoVillages,
  DEMO_POOR_VILLAGE_COUNT,
  DEMO_VILLAGE_COUNT,
  householdsPerVillage,
  type DemoVillage,
} from './villages.js';

export { mulberry32 } from './random.js';
export { DEMO_INCOME_YEAR, type DemoHousehold, type DemoStatus } from './household.js';
export { DEMO_POOR_VILLAGE_COUNT, DEMO_VILLAGE_COUNT, DEMO_VILLAGE_MARKER, type DemoVillage } from './villages.js';

export interface DemoOptions {
  /** PRNG seed; the same seed always gives the same data. Default DEFAULT_DEMO_SEED. */
  seed?: number;
  /** 1 = the seed's scale (about 17 thousand households, 65 thousand people). */
  scale?: number;
}

export const DEFAULT_DEMO_SEED = 20181105;
/** Largest scale: keeps every village under 9,999 households (the 4-digit 户编号 suffix). */
export const DEMO_MAX_SCALE = 200;

export const DEMO_HOUSEHOLD_COLUMNS = [
  '户编号', '行政区划代码', '自然村', '贫困户属性', '识别标准', '识别年度', '脱贫属性', '脱贫年度',
  '主要致贫原因', '其他致贫原因', '是否危房户', '是否解决安全饮水', '收入年度', '工资性收入',
  '生产经营性收入', '财产性收入', '转移性收入', '生产经营性支出', '联系电话', '开户银行', '银行账号',
] as const;

export const DEMO_MEMBER_COLUMNS = [
  '户编号', '姓名', '证件号码', '与户主关系', '民族', '文化程度', '在校生状况', '健康状况', '残疾等级',
  '劳动技能', '务工情况', '务工时间（月）', '是否参加城乡居民基本医疗保险', '是否参加大病保险',
  '是否参加城乡居民基本养老保险', '是否享受低保', '是否特困供养人员',
] as const;

// ---------------------------------------------------------------------------------------------
// Options and counts

/** Household blocks at scale 1: 428 × 76 = 32,528 people in poor households. */
const BLOCKS_AT_SCALE_1 = 428;

/** The 40 households of a block: [status, size]. Poor and exited halves have the same sizes. */
const BLOCK_SIZES = [1, 2, 2, 2, 3, 3, 3, 3, 3, 4, 4, 4, 4, 4, 4, 5, 5, 6, 6, 8] as const;
const RETURNED_SLOT = 9; // one size-4 poor household per block has returned to poverty (返贫)
const BLOCK: ReadonlyArray<readonly [DemoStatus, number]> = [
  ...BLOCK_SIZES.map((size, i): readonly [DemoStatus, number] => [i === RETURNED_SLOT ? '返贫' : '未脱贫', size]),
  ...BLOCK_SIZES.map((size): readonly [DemoStatus, number] => ['已脱贫', size]),
];
const HOUSEHOLDS_PER_BLOCK = BLOCK.length;

interface ResolvedOptions {
  seed: number;
  blocks: number;
}

function resolveOptions(opts: DemoOptions | undefined): ResolvedOptions {
  const seed = opts?.seed ?? DEFAULT_DEMO_SEED;
  const scale = opts?.scale ?? 1;
  if (!Number.isFinite(seed)) throw new RangeError(`演示数据种子应为数字，实际为 ${seed}`);
  if (!Number.isFinite(scale) || scale <= 0 || scale > DEMO_MAX_SCALE) {
    throw new RangeError(`演示数据规模应大于 0 且不超过 ${DEMO_MAX_SCALE}，实际为 ${scale}`);
  }
  return { seed: Math.trunc(seed) >>> 0, blocks: Math.max(1, Math.round(BLOCKS_AT_SCALE_1 * scale)) };
}

export interface DemoCounts {
  villages: number;
  poorVillages: number;
  households: number;
  members: number;
  byStatus: Record<DemoStatus, { households: number; members: number }>;
}

/** Exactly how many villages, households and members the generator yields for these options. */
export function expectedCounts(opts: DemoOptions = {}): DemoCounts {
  const { blocks } = resolveOptions(opts);
  const byStatus: DemoCounts['byStatus'] = {
    未脱贫: { households: 0, members: 0 },
    返贫: { households: 0, members: 0 },
    已脱贫: { households: 0, members: 0 },
  };
  for (const [status, size] of BLOCK) {
    byStatus[status].households += blocks;
    byStatus[status].members += blocks * size;
  }
  const households = blocks * HOUSEHOLDS_PER_BLOCK;
  const members = byStatus.未脱贫.members + byStatus.返贫.members + byStatus.已脱贫.members;
  return {
    villages: DEMO_VILLAGE_COUNT,
    poorVillages: DEMO_POOR_VILLAGE_COUNT,
    households,
    members,
    byStatus,
  };
}

/**
 * The 730 synthetic villages (256 poor) spread over the towns and townships (not the urban
 * subdistricts) of the four poor counties. Codes are the township's 9 digits + 201, 202, …
 * Depends on the seed only, not on the scale.
 */
export function demoVillages(opts: DemoOptions = {}): DemoVillage[] {
  return buildDemoVillages(resolveOptions(opts).seed);
}

/**
 * The demo registry, one household at a time, village by village. Deterministic for a seed and
 * scale; ID numbers and 户编号 are unique by construction. Counts: expectedCounts(opts).
 */
export function* generateDemoHouseholds(opts: DemoOptions = {}): Generator<DemoHousehold> {
  const { seed, blocks } = resolveOptions(opts);
  const villages = demoVillages(opts);
  const perVillage = householdsPerVillage(villages, blocks * HOUSEHOLDS_PER_BLOCK, seed);
  const writer = new DemoWriter(seed);
  const shuffleRng = new Rng(deriveSeed(seed, 4));
  const slots = new Uint8Array(HOUSEHOLDS_PER_BLOCK);
  let h = 0;
  for (let v = 0; v < villages.length; v++) {
    const village = villages[v] as DemoVillage;
    const countyIdx = COUNTY_CODES.indexOf(village.code.slice(0, 6) as (typeof COUNTY_CODES)[number]);
    if (countyIdx < 0) throw new Error(`demo village ${village.code} is outside the demo counties`);
    const n = perVillage[v] as number;
    for (let j = 0; j < n; j++, h++) {
      const slot = h % HOUSEHOLDS_PER_BLOCK;
      if (slot === 0) {
        for (let i = 0; i < slots.length; i++) slots[i] = i;
        for (let i = slots.length - 1; i > 0; i--) {
          const k = shuffleRng.int(i + 1);
          const t = slots[i] as number;
          slots[i] = slots[k] as number;
          slots[k] = t;
        }
      }
      const [status, size] = BLOCK[slots[slot] as number] as readonly [DemoStatus, number];
      yield writer.household(village, countyIdx, j, status, size);
    }
  }
}
