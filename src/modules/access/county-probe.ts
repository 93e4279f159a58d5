/**
 * Finding a row of a county-distributed table (primary key (county_code, id), DESIGN.md's
 * distribution rule) by its id alone, through the primary key: such tables whose rows are written
 * in bulk (monitoring warnings, comparison findings) have no index on id alone, as each index
 * costs every row of those bulk writes.
 *
 * `countyProbeSql` returns a subquery for `t.county_code IN (…)`: the one county when
 * `countyPrefix` names one (6 digits or more), otherwise every county code present in the table
 * that starts with the prefix ('' for all), found by a loose scan of the key's first column (one
 * index descent per county; a region has about ten). The caller's scope is still checked by its
 * own condition: this only narrows where the primary key is looked up.
 */
export function countyProbeSql(table: string, countyPrefix: string, params: unknown[]): string {
  if (!/^[a-z_]+$/.test(table)) throw new Error(`countyProbeSql: bad table name ${table}`);
  if (countyPrefix.length >= 6) {
    params.push(countyPrefix.slice(0, 6));
    return `SELECT $${params.length}::varchar`;
  }
  params.push(countyPrefix.padEnd(6, '0'), countyPrefix.padEnd(6, '9'));
  const [lo, hi] = [`$${params.length - 1}`, `$${params.length}`];
  return `WITH RECURSIVE cc(code) AS (
            SELECT min(county_code) FROM ${table} WHERE county_code BETWEEN ${lo} AND ${hi}
            UNION ALL
            SELECT (SELECT min(county_code) FROM ${table} WHERE county_code > cc.code AND county_code <= ${hi}) FROM cc WHERE cc.code IS NOT NULL)
          SELECT code FROM cc WHERE code IS NOT NULL`;
}
