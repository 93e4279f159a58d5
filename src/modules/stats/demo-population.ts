import type { Queryable } from '../../core/db.js';

/**
 * Synthetic rural registered population (农村户籍人口) for the synthetic demo villages, so the
 * dashboard can show 贫困发生率 on demo data. Real figures come from the statistics bureau and
 * are entered into region_populations; these are invented and say so in their source.
 *
 * Each village's figure is derived deterministically from the households registered there and a
 * hash of its code: poor people ÷ a rate of 6–18% in a registered poor village and 0.5–3% in
 * the others, never below 1.3 × everyone registered in the village (exited households live
 * there too). With the demo generator's mix the city lands near 4% at the start of 2018, and
 * the figure scales with `demo --scale`, so the incidence does not depend on the scale.
 * Re-running replaces the year's figures for synthetic villages (idempotent).
 */
export const DEMO_POPULATION_SOURCE = 'tuopin demo（合成数据）';

/** FNV-1a over the code, mapped to [0, 1). */
function unit(code: string, salt: number): number {
  let h = 0x811c9dc5 ^ salt;
  for (let i = 0; i < code.length; i++) {
    h ^= code.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0) / 0x100000000;
}

export function demoVillagePopulation(code: string, poorVillage: boolean, poorPeople: number, registeredPeople: number): number {
  const u = unit(code, 0x2018);
  const rate = poorVillage ? 0.06 + 0.12 * u : 0.005 + 0.025 * u;
  const floor = Math.ceil(registeredPeople * 1.3);
  const fromPoor = poorPeople > 0 ? Math.round(poorPeople / rate) : 0;
  const empty = 400 + Math.round(800 * unit(code, 0x11));
  return Math.max(fromPoor, floor, registeredPeople === 0 ? empty : 0);
}

export async function loadDemoPopulation(tx: Queryable, year: number): Promise<number> {
  const rows = await tx.query<{ code: string; poor_village: boolean; poor_people: number; people: number }>(
    `SELECT r.code, r.poor_village,
            COALESCE(s.poor_people, 0)::int AS poor_people, COALESCE(s.people, 0)::int AS people
       FROM regions r
       LEFT JOIN (
         SELECT h.village_code,
                count(*) FILTER (WHERE h.poverty_status IN ('未脱贫', '返贫')) AS poor_people,
                count(*) AS people
           FROM households h
           JOIN members m ON m.county_code = h.county_code AND m.household_id = h.id AND m.left_at IS NULL
          WHERE h.poverty_status <> '已剔除'
          GROUP BY h.village_code
       ) s ON s.village_code = r.code
      WHERE r.synthetic AND r.level = 'village'
      ORDER BY r.code`,
  );
  if (!rows.length) return 0;
  const codes = rows.map((r) => r.code);
  const pops = rows.map((r) => demoVillagePopulation(r.code, r.poor_village, r.poor_people, r.people));
  await tx.execute(
    `INSERT INTO region_populations (code, year, rural_population, source)
     SELECT c, $3::int, p, $4 FROM unnest($1::text[], $2::int[]) AS t(c, p)
     ON CONFLICT (code, year) DO UPDATE SET rural_population = EXCLUDED.rural_population, source = EXCLUDED.source`,
    [codes, pops, year, DEMO_POPULATION_SOURCE],
  );
  return rows.length;
}
