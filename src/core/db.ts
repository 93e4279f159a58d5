import fs from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';

/**
 * One SQL dialect, two engines: PGlite (PostgreSQL compiled to WASM, embedded, data on disk)
 * and a PostgreSQL server through `pg`. Everything above this file talks to `Db`/`Queryable`.
 */
export type Engine = 'pglite' | 'postgres';

export type Row = Record<string, unknown>;

export interface Queryable {
  readonly engine: Engine;
  /** A parameterised query ($1, $2 …); returns the rows. */
  query<T = Row>(text: string, params?: unknown[]): Promise<T[]>;
  /** A statement; returns the number of affected rows. */
  execute(text: string, params?: unknown[]): Promise<number>;
  /**
   * COPY CSV text into a table (chunks of complete CSV lines, no header). The fast path for
   * bulk loads on both engines. Returns nothing; count with a query afterwards.
   */
  /** COPY … FROM csv: the chunks are CSV text, as strings or as UTF-8 bytes. */
  copyCsv(table: string, columns: string[], chunks: AsyncIterable<string | Uint8Array> | Iterable<string | Uint8Array>): Promise<void>;
}

/** One connection of the database's, for work that needs a session of its own (session advisory locks). */
export interface Connection extends Queryable {
  /** One transaction on this connection: commit when fn resolves, roll back when it throws. */
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>;
}

export interface Db extends Queryable {
  /** One transaction: commit when fn resolves, roll back when it throws. */
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>;
  /**
   * fn on one connection held until it settles (PostgreSQL: taken from the pool, then returned;
   * PGlite has one connection: the database itself). Other work goes on on the others.
   */
  connection<T>(fn: (c: Connection) => Promise<T>): Promise<T>;
  close(): Promise<void>;
  /** A short description for logs ("PGlite ./data" or "PostgreSQL host/db"), never a password. */
  readonly describe: string;
}

// Type parsers shared by both engines: numeric and bigint come back as numbers (amounts have
// two decimals and stay far below 2^53), dates as 'YYYY-MM-DD' strings.
const NUMERIC = 1700;
const INT8 = 20;
const DATE = 1082;
const parseNum = (v: string) => Number(v);
const parseDate = (v: string) => v;

/** A tiny async mutex: PGlite has one connection, so work is serialised in this process. */
class Mutex {
  private last: Promise<void> = Promise.resolve();
  run<T>(fn: () => Promise<T>): Promise<T> {
    const prev = this.last;
    let release!: () => void;
    this.last = new Promise<void>((r) => (release = r));
    return prev.then(fn).finally(release);
  }
}

export interface OpenOptions {
  databaseUrl?: string;
  dataDir: string;
  /** PGlite: keep fsync on (durable). Default true. Benchmarks may turn it off. */
  fsync?: boolean;
  /** pg pool size. */
  poolSize?: number;
}

export async function openDb(opts: OpenOptions): Promise<Db> {
  if (opts.databaseUrl) return openPostgres(opts.databaseUrl, opts.poolSize ?? 10);
  return openPglite(opts.dataDir, opts.fsync ?? true);
}

// ---------------------------------------------------------------------------------------------
// PGlite

type PgliteLike = {
  query<T>(q: string, params?: unknown[], options?: { blob?: Blob }): Promise<{ rows: T[]; affectedRows?: number }>;
};

function pgliteQueryable(c: PgliteLike): Queryable {
  return {
    engine: 'pglite',
    async query<T>(text: string, params?: unknown[]) {
      return (await c.query<T>(text, params)).rows;
    },
    async execute(text, params) {
      return (await c.query(text, params)).affectedRows ?? 0;
    },
    async copyCsv(table, columns, chunks) {
      // PGlite reads COPY data from a virtual /dev/blob. Feed it in chunks of ~16 MB so memory
      // stays bounded whatever the size of the load.
      const sql = `COPY ${table} (${columns.join(', ')}) FROM '/dev/blob' WITH (FORMAT csv)`;
      let parts: (string | Uint8Array)[] = [];
      let size = 0;
      const flush = async () => {
        if (size === 0) return;
        const blob = new Blob(parts as ConstructorParameters<typeof Blob>[0]); // bytes made by this process, never a SharedArrayBuffer
        parts = [];
        size = 0;
        await c.query(sql, [], { blob });
      };
      for await (const chunk of chunks) {
        parts.push(chunk);
        size += chunk.length;
        if (size >= 16 * 1024 * 1024) await flush();
      }
      await flush();
    },
  };
}

async function openPglite(dataDir: string, fsync: boolean): Promise<Db> {
  fs.mkdirSync(dataDir, { recursive: true });
  // PGlite starts postgres with -F (fsync off). We drop that flag so a committed transaction
  // is flushed to disk before COMMIT returns (see README: durability).
  const startParams = PGlite.defaultStartParams.filter((p) => fsync ? p !== '-F' : true);
  const pgl = await PGlite.create({
    dataDir,
    startParams,
    extensions: { pg_trgm },
    parsers: {
      [NUMERIC]: parseNum,
      [INT8]: parseNum,
      [DATE]: parseDate,
    },
  });
  const mutex = new Mutex();
  const base = pgliteQueryable(pgl as unknown as PgliteLike);
  const db: Db = {
    engine: 'pglite',
    describe: `PGlite ${dataDir}`,
    query: (t, p) => mutex.run(() => base.query(t, p)),
    execute: (t, p) => mutex.run(() => base.execute(t, p)),
    copyCsv: (t, c, ch) => mutex.run(() => base.copyCsv(t, c, ch)),
    transaction<T>(fn: (tx: Queryable) => Promise<T>) {
      return mutex.run(() => pgl.transaction((tx) => fn(pgliteQueryable(tx as unknown as PgliteLike))));
    },
    connection<T>(fn: (c: Connection) => Promise<T>) {
      return fn(db);
    },
    close: () => mutex.run(() => pgl.close()),
  };
  return db;
}

// ---------------------------------------------------------------------------------------------
// PostgreSQL server

pg.types.setTypeParser(NUMERIC, parseNum);
pg.types.setTypeParser(INT8, parseNum);
pg.types.setTypeParser(DATE, parseDate);

/** Bytes of COPY data the producer may run ahead of the socket. */
const COPY_AHEAD = 8 << 20;

function pgQueryable(c: pg.PoolClient | pg.Pool): Queryable {
  return {
    engine: 'postgres',
    async query<T>(text: string, params?: unknown[]) {
      return (await c.query(text, params as unknown[])).rows as T[];
    },
    async execute(text, params) {
      return (await c.query(text, params as unknown[])).rowCount ?? 0;
    },
    async copyCsv(table, columns, chunks) {
      const client = 'release' in c ? c : await (c as pg.Pool).connect();
      try {
        // A deep write buffer (COPY_AHEAD): the producer keeps making lines while the socket drains,
        // so the server loads one chunk as the next is made instead of the two taking turns.
        const stream = client.query(copyFrom(`COPY ${table} (${columns.join(', ')}) FROM STDIN WITH (FORMAT csv)`, { highWaterMark: COPY_AHEAD }));
        await pipeline(Readable.from(batched(chunks), { objectMode: false }), stream);
      } finally {
        if (client !== c) (client as pg.PoolClient).release();
      }
    },
  };
}

async function openPostgres(url: string, poolSize: number): Promise<Db> {
  const pool = new pg.Pool({ connectionString: url, max: poolSize });
  // An idle connection dropped by the server (restart, admin command) must not crash the
  // process: the pool discards it and the next query opens a new one.
  pool.on('error', () => undefined);
  // Fail now, loudly, if the server cannot be reached.
  const probe = await pool.connect();
  probe.release();
  const base = pgQueryable(pool);
  const u = new URL(url);
  const inTransaction = async <T>(client: pg.PoolClient, fn: (tx: Queryable) => Promise<T>): Promise<T> => {
    await client.query('BEGIN');
    try {
      const result = await fn(pgQueryable(client));
      await client.query('COMMIT');
      return result;
    } catch (e) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw e;
    }
  };
  return {
    ...base,
    describe: `PostgreSQL ${u.hostname}:${u.port || 5432}${u.pathname}`,
    async transaction<T>(fn: (tx: Queryable) => Promise<T>) {
      const client = await pool.connect();
      try {
        return await inTransaction(client, fn);
      } finally {
        client.release();
      }
    },
    async connection<T>(fn: (c: Connection) => Promise<T>) {
      const client = await pool.connect();
      let failed = false;
      try {
        return await fn({ ...pgQueryable(client), transaction: (f) => inTransaction(client, f) });
      } catch (e) {
        failed = true;
        throw e;
      } finally {
        // After a failure the session may hold what fn took (locks, settings): it is closed, not reused.
        client.release(failed);
      }
    },
    close: () => pool.end(),
  };
}

/**
 * Joins many small CSV pieces into ~1 MB writes: one CopyData message per line is slow. Bytes
 * (already in large pieces) go through as they are.
 */
async function* batched(chunks: AsyncIterable<string | Uint8Array> | Iterable<string | Uint8Array>): AsyncGenerator<string | Uint8Array> {
  let parts: string[] = [];
  let size = 0;
  for await (const c of chunks) {
    if (typeof c !== 'string') {
      if (size) yield parts.join('');
      parts = [];
      size = 0;
      if (c.length) yield c;
      continue;
    }
    parts.push(c);
    size += c.length;
    if (size >= 1 << 20) {
      yield parts.join('');
      parts = [];
      size = 0;
    }
  }
  if (size) yield parts.join('');
}

/** CSV field quoting for COPY … (FORMAT csv): NULL is an unquoted empty field. */
const NEEDS_QUOTES = /[",\n\r]/;

/** True when the first or last character is white space (what trim() would remove). */
function padded(s: string): boolean {
  const a = s.charCodeAt(0);
  const b = s.charCodeAt(s.length - 1);
  // ASCII fast path; anything above 127 at an end is checked the slow way.
  if (a > 32 && a < 127 && b > 32 && b < 127) return false;
  return s.trim() !== s;
}

export function csvField(v: unknown): string {
  if (v === null || v === undefined) return '';
  // Numbers and booleans never need quoting (staging lines are mostly these).
  if (typeof v === 'number') return String(v);
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  const s = typeof v === 'string' ? v : v instanceof Date ? v.toISOString() : typeof v === 'object' ? JSON.stringify(v) : String(v);
  if (s === '' || NEEDS_QUOTES.test(s) || padded(s)) return '"' + s.replace(/"/g, '""') + '"';
  return s;
}

export function csvLine(values: unknown[]): string {
  return values.map(csvField).join(',') + '\n';
}
