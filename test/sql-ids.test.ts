import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDb, type TestDb } from './support/db.js';

let t: TestDb;
beforeAll(async () => { t = await testDb(); });
afterAll(async () => { await t?.close(); });

const V7 = /^([0-9a-f]{8})-([0-9a-f]{4})-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('tuopin_uuidv7(): ids made set-based in SQL', () => {
  it('makes distinct RFC 9562 version-7 ids carrying the current Unix milliseconds, in time order across milliseconds', async () => {
    const before = Date.now();
    const rows = await t.db.query<{ id: string }>('SELECT tuopin_uuidv7()::text AS id FROM generate_series(1, 20000)');
    const after = Date.now();
    expect(new Set(rows.map((r) => r.id)).size).toBe(20000);
    let prevMs = 0;
    for (const { id } of rows) {
      const m = V7.exec(id);
      expect(m, id).not.toBeNull();
      const ms = parseInt(m![1]! + m![2]!, 16);
      expect(ms).toBeGreaterThanOrEqual(before - 5);
      expect(ms).toBeLessThanOrEqual(after + 5);
      expect(ms).toBeGreaterThanOrEqual(prevMs);
      prevMs = ms;
    }
    // The random bits vary in every position that holds them (no constant or zero-padded tail).
    const tails = new Set(rows.map((r) => r.id.slice(-1)));
    expect(tails.size).toBe(16);
    const randA = new Set(rows.map((r) => r.id.slice(15, 18)));
    expect(randA.size).toBeGreaterThan(3000);
  });
});
