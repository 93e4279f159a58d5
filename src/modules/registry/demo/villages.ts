/**
 * The synthetic villages of the demo: 730 administrative villages, 256 of them registered poor
 * villages (the seed's counts), under the towns and townships of the four poor counties.
 * Every name ends in （演示） so that nobody mistakes it for a real village.
 */
import { BUILTIN_REGIONS, isSubdistrict } from '../../../domain/regions.js';
import { VILLAGE_HEADS, VILLAGE_TAILS } from './names.js';
import { apportion, deriveSeed, Rng } from './random.js';

export interface DemoVillage {
  code: string;
  name: string;
  townshipCode: string;
  poorVillage: boolean;
}

export const DEMO_VILLAGE_COUNT = 730;
export const DEMO_POOR_VILLAGE_COUNT = 256;
export const DEMO_VILLAGE_MARKER = '（演示）';

/**
 * The 730 synthetic villages (256 poor) spread over the towns and townships (not the urban
 * subdistricts) of the four poor counties. Codes are the township's 9 digits + 201, 202, …
 */
export function buildDemoVillages(seed: number): DemoVillage[] {
  const rng = new Rng(deriveSeed(seed, 1));
  const townships = BUILTIN_REGIONS.filter((r) => r.level === 'township' && !isSubdistrict(r.code));
  const weights = townships.map((t) => (t.code[6] === '2' ? 1.1 : 1) * (0.6 + 0.8 * rng.next()));
  const counts = apportion(DEMO_VILLAGE_COUNT, weights);

  const villages: DemoVillage[] = [];
  townships.forEach((t, i) => {
    const used = new Set<string>();
    const n = counts[i] as number;
    for (let k = 0; k < n; k++) {
      let base: string;
      do {
        base = rng.pick(VILLAGE_HEADS) + rng.pick(VILLAGE_TAILS);
      } while (used.has(base));
      used.add(base);
      villages.push({
        code: t.code.slice(0, 9) + String(201 + k),
        name: `${base}村${DEMO_VILLAGE_MARKER}`,
        townshipCode: t.code,
        poorVillage: false,
      });
    }
  });

  // Townships (乡, suffix 2xx) are on average poorer than towns (镇).
  const scored = villages.map((v, i) => [rng.next() * (v.townshipCode[6] === '2' ? 1.5 : 1), i] as const);
  scored.sort((a, b) => b[0] - a[0] || a[1] - b[1]);
  for (let k = 0; k < DEMO_POOR_VILLAGE_COUNT; k++) {
    (villages[(scored[k] as readonly [number, number])[1]] as DemoVillage).poorVillage = true;
  }
  return villages;
}

/** Households per village: poor villages hold about three times as many registered households. */
export function householdsPerVillage(villages: readonly DemoVillage[], total: number, seed: number): number[] {
  const rng = new Rng(deriveSeed(seed, 2));
  const counts = apportion(
    total,
    villages.map((v) => (v.poorVillage ? 3 : 1) * (0.7 + 0.6 * rng.next())),
  );
  const max = Math.max(...counts);
  if (max > 9999) {
    throw new RangeError(`演示数据规模过大：一个村的户数（${max}）超过了户编号的 4 位序号`);
  }
  return counts;
}
