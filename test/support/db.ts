import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { inject } from 'vitest';
import { openDb, type Db } from '../../src/core/db.js';

export interface TestDb {
  db: Db;
  engine: 'pglite' | 'postgres';
  /** PGlite data dir (for CLI tests), or '' on PostgreSQL. */
  dataDir: string;
  /** DATABASE_URL of this test's database on PostgreSQL, or undefined. */
  databaseUrl: string | undefined;
  close(): Promise<void>;
}

/** A fresh database for one test file, cloned from the migrated template. */
export async function testDb(): Promise<TestDb> {
  const engine = inject('engine');
  if (engine === 'pglite') {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tuopin-test-'));
    fs.cpSync(inject('templateDir'), dir, { recursive: true });
    const db = await openDb({ dataDir: dir, fsync: false });
    return {
      db, engine, dataDir: dir, databaseUrl: undefined,
      async close() {
        await db.close();
        fs.rmSync(dir, { recursive: true, force: true });
      },
    };
  }
  const base = process.env.DATABASE_URL!;
  const name = `tuopin_t_${process.pid}_${Math.random().toString(36).slice(2, 10)}`;
  const admin = await openDb({ databaseUrl: base, dataDir: '' });
  // CREATE DATABASE … TEMPLATE needs the template to have no other connections: retry briefly.
  for (let i = 0; ; i++) {
    try {
      await admin.execute(`CREATE DATABASE ${name} TEMPLATE ${inject('templateDb')}`);
      break;
    } catch (e) {
      if (i > 20) throw e;
      await new Promise((r) => setTimeout(r, 100 + Math.random() * 200));
    }
  }
  const u = new URL(base);
  u.pathname = '/' + name;
  const db = await openDb({ databaseUrl: u.toString(), dataDir: '', poolSize: 5 });
  return {
    db, engine, dataDir: '', databaseUrl: u.toString(),
    async close() {
      await db.close();
      await admin.execute(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.close();
    },
  };
}
