import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { audit, verifyAudit } from '../src/core/audit.js';
import { SYSTEM_ACTOR } from '../src/core/context.js';
import { testDb, type TestDb } from './support/db.js';

let t: TestDb;
beforeAll(async () => {
  t = await testDb();
  await t.db.transaction(async (tx) => {
    for (let i = 0; i < 5; i++) await audit(tx, SYSTEM_ACTOR, 'req', { action: 'test.write', targetId: String(i), details: { i, note: '测试' } });
  });
});
afterAll(async () => { await t?.close(); });

describe('audit log', () => {
  it('verifies an intact chain', async () => {
    const v = await verifyAudit(t.db);
    expect(v).toMatchObject({ ok: true, problems: [] });
    expect(v.rows).toBeGreaterThanOrEqual(5);
  });

  it('refuses UPDATE and DELETE through SQL', async () => {
    await expect(t.db.execute(`UPDATE audit_log SET action = 'x' WHERE seq = 1`)).rejects.toThrow(/append-only/);
    await expect(t.db.execute('DELETE FROM audit_log WHERE seq = 1')).rejects.toThrow(/append-only/);
  });

  it('detects an edited row and a deleted row when the trigger is bypassed', async () => {
    const [{ max }] = (await t.db.query<{ max: number }>('SELECT max(seq)::int AS max FROM audit_log')) as [{ max: number }];
    await t.db.execute('ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_update');
    await t.db.execute(`UPDATE audit_log SET details = '{"i": 99}' WHERE seq = $1`, [max - 2]);
    await t.db.execute('DELETE FROM audit_log WHERE seq = $1', [max - 1]);
    await t.db.execute('ALTER TABLE audit_log ENABLE TRIGGER audit_log_no_update');
    const v = await verifyAudit(t.db);
    expect(v.ok).toBe(false);
    expect(v.problems).toEqual(expect.arrayContaining([
      expect.objectContaining({ seq: max - 2, code: 'HASH_MISMATCH' }),
      expect.objectContaining({ seq: max, code: 'SEQ_GAP' }),
      expect.objectContaining({ seq: max, code: 'CHAIN_BROKEN' }),
    ]));
  });
});
