import type { Queryable } from '../../core/db.js';

/**
 * What the household list filters, sorts and counts on, stored so a page of the list never
 * computes per row or counts the registry row by row:
 *
 *  - households.member_count, member_names, income_year, per_capita_net — the current members
 *    (count and names) and the latest income year's per-capita net income;
 *  - household_counts — households by township × status × category × cause, from which the
 *    list's total is summed (exact) when the filter is made of region, status, category and cause.
 *
 * Every registry write that changes a member, an income or a household's region, status,
 * category or causes calls into this file in its own transaction (service.ts and import.ts), so
 * the stored facts are never stale when the transaction commits. The SQL is set-based: the same
 * statements serve one household from the API and 100k from an import.
 */

/**
 * Recomputes the list facts of the households `targets` yields (a query of (county_code, id)),
 * from members and household_incomes. Only rows whose facts differ are written.
 */
export function factsUpdateSql(targets: string): string {
  return `UPDATE households h SET member_count = f.n, member_names = f.names, income_year = f.year, per_capita_net = f.pc
    FROM (SELECT x.county_code, x.id,
                 (SELECT count(*)::int FROM members m WHERE m.county_code = x.county_code AND m.household_id = x.id AND m.left_at IS NULL) AS n,
                 (SELECT coalesce(string_agg(m.name, '|' ORDER BY m.name), '') FROM members m
                   WHERE m.county_code = x.county_code AND m.household_id = x.id AND m.left_at IS NULL) AS names,
                 i.year, i.per_capita_net AS pc
            FROM households x
            LEFT JOIN LATERAL (SELECT year, per_capita_net FROM household_incomes
                                WHERE county_code = x.county_code AND household_id = x.id ORDER BY year DESC LIMIT 1) i ON TRUE
           WHERE (x.county_code, x.id) IN (${targets})) f
   WHERE h.county_code = f.county_code AND h.id = f.id
     AND (h.member_count, h.member_names, h.income_year, h.per_capita_net) IS DISTINCT FROM (f.n, f.names, f.year, f.pc)`;
}

/** refreshHouseholdFacts for a few households of one county (the API's write paths). */
export async function refreshHouseholdFacts(tx: Queryable, county: string, ids: string[]): Promise<void> {
  await tx.execute(factsUpdateSql('SELECT $1::varchar, unnest($2::uuid[])'), [county, ids]);
}

/**
 * Adds to household_counts the keys of the rows `rows` yields, each with its sign: a query of
 * (sign, county_code, village_code, poverty_status, category, main_cause, other_causes). A
 * household counts once under cause '' and once under each distinct cause it carries. Keys are
 * written in key order, so two transactions touching the same keys never deadlock.
 */
export function countDeltaSql(rows: string): string {
  // The rows are summed by township and the whole key first (an import's 260k households fall
  // into some 60k such groups), so the causes are spread out once a group instead of once a row.
  return `INSERT INTO household_counts AS c (county_code, township_code, poverty_status, category, cause, households)
    SELECT g.county_code, g.township_code, g.poverty_status, g.category, k.cause, sum(g.sign)::int
      FROM (SELECT d.county_code, substr(d.village_code, 1, 9) || '000' AS township_code, d.poverty_status, d.category,
                   d.main_cause, d.other_causes, sum(d.sign) AS sign
              FROM (${rows}) d (sign, county_code, village_code, poverty_status, category, main_cause, other_causes)
             GROUP BY 1, 2, 3, 4, 5, 6) g
     CROSS JOIN LATERAL (SELECT '' AS cause UNION SELECT g.main_cause UNION SELECT unnest(g.other_causes)) k
     GROUP BY 1, 2, 3, 4, 5
    HAVING sum(g.sign) <> 0
     ORDER BY 1, 2, 3, 4, 5
    ON CONFLICT (county_code, township_code, poverty_status, category, cause)
    DO UPDATE SET households = c.households + EXCLUDED.households`;
}

export interface CountKey {
  countyCode: string;
  villageCode: string;
  povertyStatus: string;
  category: string;
  mainCause: string;
  otherCauses: string[];
}

const sameKey = (a: CountKey, b: CountKey) =>
  a.villageCode.slice(0, 9) === b.villageCode.slice(0, 9) && a.countyCode === b.countyCode && a.povertyStatus === b.povertyStatus
  && a.category === b.category && a.mainCause === b.mainCause
  && [...new Set(a.otherCauses)].sort().join('\u0000') === [...new Set(b.otherCauses)].sort().join('\u0000');

/** One household's change of counted facts: `before` null for a new household. */
export async function applyCountDelta(tx: Queryable, before: CountKey | null, after: CountKey): Promise<void> {
  if (before && sameKey(before, after)) return;
  const rows = [...(before ? [{ sign: -1, ...before }] : []), { sign: 1, ...after }];
  await tx.execute(countDeltaSql(
    `SELECT r.sign, r.county_code, r.village_code, r.poverty_status, r.category, r.main_cause, r.other_causes
       FROM jsonb_to_recordset($1::jsonb) AS r (sign int, county_code text, village_code text, poverty_status text, category text, main_cause text, other_causes text[])`,
  ), [JSON.stringify(rows.map((r) => ({
    sign: r.sign, county_code: r.countyCode, village_code: r.villageCode, poverty_status: r.povertyStatus,
    category: r.category, main_cause: r.mainCause, other_causes: r.otherCauses,
  })))]);
}

/**
 * Differences between the stored facts and counts and a recount from the registry; empty when
 * everything is exact. For tests and for an operator's check after manual SQL.
 */
export async function listFactsDrift(db: Queryable): Promise<{ households: string[]; counts: string[] }> {
  const facts = await db.query<{ id: string }>(
    `SELECT h.id FROM households h WHERE EXISTS (
       SELECT 1 FROM (SELECT
          (SELECT count(*)::int FROM members m WHERE m.county_code = h.county_code AND m.household_id = h.id AND m.left_at IS NULL) AS n,
          (SELECT coalesce(string_agg(m.name, '|' ORDER BY m.name), '') FROM members m WHERE m.county_code = h.county_code AND m.household_id = h.id AND m.left_at IS NULL) AS names,
          (SELECT year FROM household_incomes WHERE county_code = h.county_code AND household_id = h.id ORDER BY year DESC LIMIT 1) AS year,
          (SELECT per_capita_net FROM household_incomes WHERE county_code = h.county_code AND household_id = h.id ORDER BY year DESC LIMIT 1) AS pc) f
        WHERE (h.member_count, h.member_names, h.income_year, h.per_capita_net) IS DISTINCT FROM (f.n, f.names, f.year, f.pc))`,
  );
  const counts = await db.query<{ key: string }>(
    `WITH want AS (
       SELECT h.county_code, substr(h.village_code, 1, 9) || '000' AS township_code, h.poverty_status, h.category, k.cause, count(*)::int AS n
         FROM households h CROSS JOIN LATERAL (SELECT '' AS cause UNION SELECT h.main_cause UNION SELECT unnest(h.other_causes)) k
        GROUP BY 1, 2, 3, 4, 5)
     SELECT concat_ws('/', coalesce(w.township_code, c.township_code), coalesce(w.poverty_status, c.poverty_status), coalesce(w.category, c.category),
                      coalesce(w.cause, c.cause), coalesce(w.n, 0), coalesce(c.households, 0)) AS key
       FROM want w FULL JOIN household_counts c USING (county_code, township_code, poverty_status, category, cause)
      WHERE coalesce(w.n, 0) <> coalesce(c.households, 0)`,
  );
  return { households: facts.map((r) => r.id), counts: counts.map((r) => r.key) };
}
