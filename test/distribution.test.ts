import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DISTRIBUTION } from '../src/core/distribution.js';
import { testDb, type TestDb } from './support/db.js';

let t: TestDb;
beforeAll(async () => { t = await testDb(); });
afterAll(async () => { await t?.close(); });

describe('distribution rule (Citus-ready)', () => {
  it('every table is declared, household-scoped tables are distributed by county_code, and every key contains the distribution column', async () => {
    const tables = (await t.db.query<{ table_name: string }>(
      `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY 1`,
    )).map((r) => r.table_name);
    expect(tables.length).toBeGreaterThan(10);
    const undeclared = tables.filter((x) => !(x in DISTRIBUTION));
    expect(undeclared, 'declare new tables in src/core/distribution.ts').toEqual([]);

    const keys = await t.db.query<{ table_name: string; constraint_name: string; constraint_type: string; columns: string[] }>(
      `SELECT tc.table_name, tc.constraint_name, tc.constraint_type, array_agg(kcu.column_name::text ORDER BY kcu.ordinal_position) AS columns
         FROM information_schema.table_constraints tc
         JOIN information_schema.key_column_usage kcu ON kcu.constraint_name = tc.constraint_name AND kcu.table_schema = tc.table_schema
        WHERE tc.table_schema = 'public' AND tc.constraint_type IN ('PRIMARY KEY', 'UNIQUE')
        GROUP BY 1, 2, 3`,
    );
    const cols = await t.db.query<{ table_name: string; column_name: string }>(
      `SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = 'public'`,
    );
    const problems: string[] = [];
    for (const table of tables) {
      const d = DISTRIBUTION[table]!;
      const tableCols = cols.filter((c) => c.table_name === table).map((c) => c.column_name);
      if (tableCols.includes('household_id') && !(d.kind === 'distributed')) {
        problems.push(`${table} holds household rows but is not distributed`);
      }
      if (d.kind !== 'distributed') continue;
      if (!tableCols.includes(d.column)) problems.push(`${table} lacks its distribution column ${d.column}`);
      const tableKeys = keys.filter((k) => k.table_name === table);
      if (!tableKeys.some((k) => k.constraint_type === 'PRIMARY KEY')) problems.push(`${table} has no primary key`);
      for (const k of tableKeys) {
        if (!k.columns.includes(d.column)) problems.push(`${table}.${k.constraint_name} (${k.columns.join(', ')}) lacks ${d.column}`);
      }
    }
    // Household-scoped tables proper (not the two key tables) are distributed by county.
    for (const table of ['households', 'members', 'household_incomes', 'change_events']) {
      expect(DISTRIBUTION[table]).toEqual({ kind: 'distributed', column: 'county_code' });
    }
    expect(problems).toEqual([]);
  });
});
