import type { Config } from '../core/config.js';
import { openDb, type Db } from '../core/db.js';
import { migrate } from '../core/migrate.js';
import { DICTIONARIES } from '../domain/dictionaries.js';
import { sweepStages } from '../modules/comparison/compare.js';
import { seedStandards } from '../modules/monitoring/standards.js';
import { ensureBuiltinRegions } from '../modules/regions/service.js';

/**
 * Opens the database, applies migrations (a failure stops start-up with the reason) and makes
 * sure the built-in reference data (regions, code tables) is present, and drops what a comparison
 * that died left behind. Idempotent.
 */
export async function openAndPrepare(config: Pick<Config, 'databaseUrl' | 'dataDir'>, opts: { fsync?: boolean } = {}): Promise<Db> {
  const db = await openDb({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, fsync: opts.fsync });
  try {
    await migrate(db);
    await seedReference(db);
    // A comparison's staged file (ID numbers and names) left by a process that died (PostgreSQL).
    await db.connection((c) => sweepStages(c));
  } catch (e) {
    await db.close().catch(() => undefined);
    throw e;
  }
  return db;
}

export async function seedReference(db: Db): Promise<void> {
  await db.transaction(async (tx) => {
    await ensureBuiltinRegions(tx);
    for (const d of Object.values(DICTIONARIES)) {
      await tx.execute(
        `INSERT INTO dictionaries (name, version, title, effective_from, source, entries)
         VALUES ($1,$2,$3,$4,$5,$6)
         ON CONFLICT (name, version) DO UPDATE SET title = EXCLUDED.title, source = EXCLUDED.source, entries = EXCLUDED.entries, updated_at = now()`,
        [d.name, d.version, d.title, d.effectiveFrom, d.source, JSON.stringify(d.entries)],
      );
    }
    await seedStandards(tx);
  });
}
