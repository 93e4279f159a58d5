import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { openDb } from '../../src/core/db.js';
import { migrate } from '../../src/core/migrate.js';
import { seedReference } from '../../src/server/bootstrap.js';

/**
 * Migrates one template database per run; each test file clones it (a PGlite data dir copy, or
 * CREATE DATABASE … TEMPLATE on PostgreSQL), as creating a database from scratch takes seconds.
 */
declare module 'vitest' {
  export interface ProvidedContext {
    templateDir: string;
    templateDb: string;
    engine: 'pglite' | 'postgres';
  }
}

export default async function setup(project: TestProject) {
  const engine = project.name === 'postgres' ? 'postgres' : 'pglite';
  project.provide('engine', engine);
  if (engine === 'pglite') {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tuopin-tpl-'));
    const db = await openDb({ dataDir: dir, fsync: false });
    await migrate(db);
    await seedReference(db);
    await db.close();
    project.provide('templateDir', dir);
    project.provide('templateDb', '');
    return async () => fs.rmSync(dir, { recursive: true, force: true });
  }
  const url = process.env.DATABASE_URL;
  if (!url) throw new Error('TUOPIN_TEST_ENGINE=postgres needs DATABASE_URL');
  const name = `tuopin_tpl_${process.pid}_${Date.now()}`;
  const admin = await openDb({ databaseUrl: url, dataDir: '' });
  await admin.execute(`CREATE DATABASE ${name}`);
  const u = new URL(url);
  u.pathname = '/' + name;
  const db = await openDb({ databaseUrl: u.toString(), dataDir: '' });
  await migrate(db);
  await seedReference(db);
  await db.close();
  project.provide('templateDir', '');
  project.provide('templateDb', name);
  return async () => {
    await admin.execute(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.close();
  };
}
