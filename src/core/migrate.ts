import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Db } from './db.js';

/**
 * Applies drizzle-kit's generated SQL migrations (drizzle/NNNN_*.sql, in journal order), each in
 * its own transaction, recording them in tuopin_migrations. The same code runs on both engines.
 * A landed migration must never be edited: its hash is checked and a mismatch stops start-up.
 */
export const MIGRATIONS_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../drizzle');

interface JournalEntry {
  idx: number;
  tag: string;
}

export interface MigrationResult {
  applied: string[];
  total: number;
}

export async function migrate(db: Db, dir = MIGRATIONS_DIR): Promise<MigrationResult> {
  const journal = JSON.parse(fs.readFileSync(path.join(dir, 'meta/_journal.json'), 'utf8')) as {
    entries: JournalEntry[];
  };
  const entries = [...journal.entries].sort((a, b) => a.idx - b.idx);
  await db.execute(
    `CREATE TABLE IF NOT EXISTS tuopin_migrations (
       tag text PRIMARY KEY, hash text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`,
  );
  const applied: string[] = [];
  for (const entry of entries) {
    const text = fs.readFileSync(path.join(dir, `${entry.tag}.sql`), 'utf8');
    const hash = crypto.createHash('sha256').update(text).digest('hex');
    const done = await db.transaction(async (tx) => {
      // Serialise concurrent migrators on a server (several app instances starting at once).
      if (tx.engine === 'postgres') await tx.execute('SELECT pg_advisory_xact_lock(7420173)');
      const rows = await tx.query<{ hash: string }>('SELECT hash FROM tuopin_migrations WHERE tag = $1', [entry.tag]);
      if (rows[0]) {
        if (rows[0].hash !== hash) {
          throw new Error(`migration ${entry.tag} was edited after it was applied (hash differs); add a new migration instead`);
        }
        return false;
      }
      for (const stmt of text.split('--> statement-breakpoint')) {
        if (stmt.trim()) await tx.execute(stmt);
      }
      await tx.execute('INSERT INTO tuopin_migrations (tag, hash) VALUES ($1, $2)', [entry.tag, hash]);
      return true;
    });
    if (done) applied.push(entry.tag);
  }
  return { applied, total: entries.length };
}
