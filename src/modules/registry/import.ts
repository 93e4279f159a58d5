import crypto from 'node:crypto';
import fs from 'node:fs';
import { audit } from '../../core/audit.js';
import type { Ctx } from '../../core/context.js';
import type { Queryable } from '../../core/db.js';
import { newId } from '../../core/ids.js';
import { assertCan } from '../access/policy.js';
import { actorCovers } from '../access/scope.js';
import { HOUSEHOLD_FIELDS, MEMBER_FIELDS } from './fields.js';
import { perCapitaNetSql } from './income.js';
import { countDeltaSql, factsUpdateSql } from './list-facts.js';
import { HOUSEHOLD_COLUMNS, INCOME_COLUMNS, MEMBER_COLUMNS } from './service.js';
import { H_KEYS, I_KEYS, M_KEYS, own, Stager, STAGE_CHUNK_BYTES, STAGE_H_COLS, STAGE_M_COLS, type ImportError } from './import-stage.js';
import { mergeStages, stageInWorker } from './import-worker.js';
import type { HouseholdValues, MemberValues } from './validate.js';
import { HOUSEHOLD_SHEET, MEMBER_SHEET } from './workbook/columns.js';
import { readRegistryRows } from './workbook/reader.js';
import type { FileIssue, RawRow, RegistrySource, SheetName } from './workbook/types.js';

export type { ImportError } from './import-stage.js';

/**
 * Registry import, all or nothing: the file is streamed, each row validated in JS and COPYed
 * into temporary staging tables, the cross-row rules are checked set-based in SQL, and only when
 * nothing is wrong are the rows moved into the registry, in the same transaction. Memory stays
 * bounded: no more than one COPY chunk of rows is held at a time.
 */

export interface ImportOptions {
  dryRun?: boolean;
  upsert?: boolean;
  fileName?: string;
  /** The most errors listed; the rest are counted. */
  maxErrors?: number;
  onProgress?: (rowsRead: number) => void;
  /**
   * A table's secondary indexes are dropped before a bulk insert and rebuilt after it (in the
   * same transaction) when the rows inserted are at least this many and at least a quarter of
   * the rows already there: one index build is several times faster than a million index
   * insertions (the GIN index on member names most of all). Default 20,000.
   */
  bulkIndexRows?: number;
  /**
   * Read and validate the file in a worker thread while this thread COPYs what it has made.
   * Default: for files of WORKER_MIN_BYTES and more (a thread costs ~0.5 s to start).
   */
  worker?: boolean;
}

export const WORKER_MIN_BYTES = 4 * 1024 * 1024;

export type ImportResult =
  | { ok: true; dryRun: boolean; batchId: string | null; households: number; members: number; created: number; updated: number; unchanged: number; warnings: ImportError[] }
  | { ok: false; batchId: string | null; errors: ImportError[]; errorCount: number; warnings: ImportError[] };

class Rollback extends Error {}

function fileBytes(src: RegistrySource): number {
  const paths = src.kind === 'xlsx' ? [src.path] : [src.households, src.members];
  return paths.reduce((n, p) => n + (fs.statSync(p, { throwIfNoEntry: false })?.size ?? 0), 0);
}

async function fileHash(src: RegistrySource): Promise<string> {
  const h = crypto.createHash('sha256');
  const paths = src.kind === 'xlsx' ? [src.path] : [src.households, src.members];
  for (const p of paths) {
    for await (const chunk of fs.createReadStream(p)) h.update(chunk as Buffer);
  }
  return h.digest('hex');
}

/** Rows made in the process (demo data, tests) instead of read from a file. */
export interface RowsSource {
  kind: 'rows';
  label: string;
  rows: AsyncIterable<RawRow | FileIssue> | Iterable<RawRow | FileIssue>;
}

export async function importRegistry(ctx: Ctx, src: RegistrySource | RowsSource, opts: ImportOptions = {}): Promise<ImportResult> {
  assertCan(ctx.actor, 'registry.import');
  const maxErrors = opts.maxErrors ?? 10_000;
  const hash = src.kind === 'rows' ? 'generated' : await fileHash(src).catch(() => 'unreadable');
  const fileName = opts.fileName ?? (src.kind === 'rows' ? src.label : src.kind === 'xlsx' ? src.path : `${src.households} + ${src.members}`);
  const villages = new Set((await ctx.db.query<{ code: string }>(`SELECT code FROM regions WHERE level = 'village'`)).map((r) => r.code));

  const errors: ImportError[] = [];
  const warnings: ImportError[] = [];
  let errorCount = 0;
  const addError = (e: ImportError) => {
    errorCount++;
    if (errors.length < maxErrors) errors.push({ ...e, column: own(e.column), value: own(e.value), message: own(e.message) });
  };

  let outcome: ImportResult | null = null;
  try {
    await ctx.db.transaction(async (tx) => {
      // On a server, sorts and hashes over a million staged rows stay in memory and index
      // rebuilds sort in one pass (PGlite keeps its defaults: its memory never shrinks).
      if (tx.engine === 'postgres') await tx.execute(`SET LOCAL work_mem = '64MB'; SET LOCAL maintenance_work_mem = '256MB'`);
      await tx.execute(`CREATE TEMP TABLE stage_h (row int, id uuid, event_id uuid, county_code text, ok boolean,
          ${H_KEYS.map((k) => `${HOUSEHOLD_COLUMNS[k]} ${sqlType(k)}`).join(', ')},
          ${I_KEYS.map((k) => `inc_${INCOME_COLUMNS[k]} ${k === 'year' ? 'int' : 'numeric(14,2)'}`).join(', ')}) ON COMMIT DROP`);
      await tx.execute(`CREATE TEMP TABLE stage_m (row int, id uuid, household_id uuid, county_code text, household_number text, relation_raw text, ok boolean,
          ${M_KEYS.map((k) => `${MEMBER_COLUMNS[k]} ${memberSqlType(k)}`).join(', ')}) ON COMMIT DROP`);

      const copyH = (lines: Uint8Array) => (lines.length ? tx.copyCsv('stage_h', STAGE_H_COLS, [lines]) : undefined);
      const copyM = (lines: Uint8Array) => (lines.length ? tx.copyCsv('stage_m', STAGE_M_COLS, [lines]) : undefined);
      let read = 0;
      let sawH = false;
      let sawM = false;
      if (src.kind !== 'rows' && (opts.worker ?? fileBytes(src) >= WORKER_MIN_BYTES)) {
        // A CSV pair is read by two workers side by side, one per file; an .xlsx by one.
        const sheets: (SheetName | undefined)[] = src.kind === 'csv' ? [HOUSEHOLD_SHEET, MEMBER_SHEET] : [undefined];
        const streams = sheets.map((sheet) => stageInWorker({ src, ...(sheet ? { sheet } : {}), villages: [...villages], actor: ctx.actor }));
        // Each worker's errors and warnings are kept apart and listed households first, exactly
        // as one reader going through the files in order lists them.
        const found = sheets.map(() => ({ errors: [] as ImportError[], count: 0, warnings: [] as ImportError[], read: 0 }));
        for await (const [i, msg] of mergeStages(streams)) {
          const f = found[i]!;
          for (const e of msg.errors) if (f.count++ < maxErrors) f.errors.push(e);
          f.warnings.push(...msg.warnings);
          f.read = msg.read;
          read = found.reduce((n, x) => n + x.read, 0);
          if (msg.type === 'done') {
            sawH ||= msg.sawH;
            sawM ||= msg.sawM;
          } else {
            opts.onProgress?.(read);
            await (msg.table === 'h' ? copyH(msg.lines) : copyM(msg.lines));
          }
        }
        for (const f of found) {
          for (const e of f.errors) addError(e);
          errorCount += f.count - f.errors.length;
          warnings.push(...f.warnings);
        }
      } else {
        const stager = new Stager(villages, ctx.actor, addError, (w) => warnings.push(w));
        for await (const item of src.kind === 'rows' ? src.rows : readRegistryRows(src)) {
          stager.take(item);
          if (opts.onProgress && stager.read !== read && stager.read % 10_000 === 0) opts.onProgress(stager.read);
          read = stager.read;
          if (stager.hBytes > STAGE_CHUNK_BYTES) await copyH(stager.takeH());
          if (stager.mBytes > STAGE_CHUNK_BYTES) await copyM(stager.takeM());
        }
        await copyH(stager.takeH());
        await copyM(stager.takeM());
        sawH = stager.sawH;
        sawM = stager.sawM;
      }
      opts.onProgress?.(read);
      if (!sawH && !errors.some((e) => e.sheet === HOUSEHOLD_SHEET)) addError({ sheet: HOUSEHOLD_SHEET, row: null, column: null, value: null, code: 'EMPTY_SHEET', message: '「户信息」表没有数据行' });
      if (!sawM && !errors.some((e) => e.sheet === MEMBER_SHEET)) addError({ sheet: MEMBER_SHEET, row: null, column: null, value: null, code: 'EMPTY_SHEET', message: '「家庭成员」表没有数据行' });

      // Per 户编号 of the members sheet: size and names (for the new households' list facts,
      // events and per-capita income) and 户主 rows (for the one-head rule).
      await tx.execute(`CREATE TEMP TABLE stage_n ON COMMIT DROP AS
        SELECT household_number, count(*)::int AS size, string_agg(name, '|' ORDER BY name) AS names,
               count(*) FILTER (WHERE relation_raw = '户主')::int AS heads,
               array_agg(row ORDER BY row) FILTER (WHERE relation_raw = '户主') AS head_rows
          FROM stage_m GROUP BY household_number`);
      await tx.execute('ANALYZE stage_h (household_number, id)');
      await tx.execute('ANALYZE stage_m (household_number, id_number, household_id)');
      await tx.execute('ANALYZE stage_n');
      let indexed = false;
      const allChecks = async () => {
        if (!indexed) {
          await tx.execute('CREATE INDEX ON stage_h (household_number)');
          await tx.execute('CREATE INDEX ON stage_m (household_number)');
          indexed = true;
        }
        for (const e of await setChecks(tx, ctx, !!opts.upsert, maxErrors)) addError(e);
      };
      const reject = () => {
        errors.sort(byPosition);
        outcome = { ok: false, batchId: null, errors, errorCount, warnings };
        return new Rollback();
      };
      // A plain import of a file without errors so far: only the rules within the file that no
      // unique key enforces are checked here. Duplicates (in the file, or against the registry)
      // are left to the unique keys of household_keys and person_keys as the rows go in; if one
      // is hit, everything is rolled back to before the inserts and all the checks run, listing
      // every error as they always do. A file that breaks an in-file rule gets all the checks now.
      const insertOnly = !opts.upsert && !opts.dryRun && errorCount === 0;
      if (!insertOnly || (await fileChecks(tx, maxErrors)).length > 0) await allChecks();

      const [{ h, m }] = (await tx.query<{ h: number; m: number }>(
        'SELECT (SELECT count(*)::int FROM stage_h) AS h, (SELECT count(*)::int FROM stage_m) AS m',
      )) as [{ h: number; m: number }];

      if (errorCount > 0) throw reject();
      if (opts.dryRun) {
        const [{ existing }] = (await tx.query<{ existing: number }>(
          'SELECT count(*)::int AS existing FROM stage_h s JOIN household_keys k ON k.household_number = s.household_number',
        )) as [{ existing: number }];
        outcome = { ok: true, dryRun: true, batchId: null, households: h, members: m, created: h - existing, updated: existing, unchanged: 0, warnings };
        throw new Rollback();
      }
      const batchId = newId();
      await tx.execute('SAVEPOINT apply');
      let applied: Awaited<ReturnType<typeof apply>>;
      try {
        applied = await apply(tx, ctx, batchId, !!opts.upsert, opts.bulkIndexRows ?? 20_000, h, m);
        await tx.execute('RELEASE SAVEPOINT apply');
      } catch (e) {
        if (!(e instanceof KeyConflict || isUniqueViolation(e))) throw e;
        // A 户编号 or 证件号码 taken twice (or by a commit since the checks): undo the inserts and
        // list every error the full checks find.
        await tx.execute('ROLLBACK TO SAVEPOINT apply');
        await allChecks();
        if (errorCount === 0) throw e;
        throw reject();
      }
      await tx.execute(
        `INSERT INTO import_batches (id, file_name, file_hash, user_id, username, mode, status, households, members, warnings, finished_at)
         VALUES ($1,$2,$3,$4,$5,$6,'imported',$7,$8,$9, now())`,
        [batchId, fileName, hash, ctx.actor.id, ctx.actor.username, opts.upsert ? 'upsert' : 'insert', h, m, JSON.stringify(warnings)],
      );
      await audit(tx, ctx.actor, ctx.requestId, {
        action: 'registry.import', targetType: 'import_batch', targetId: batchId,
        details: { fileName, fileHash: hash, households: h, members: m, ...applied, upsert: !!opts.upsert },
      });
      outcome = { ok: true, dryRun: false, batchId, households: h, members: m, ...applied, warnings };
    });
  } catch (e) {
    if (!(e instanceof Rollback)) throw e;
  }
  const result = outcome as ImportResult | null;
  if (!result) throw new Error('import finished without an outcome');
  if (result.ok && !result.dryRun && result.households > 0) {
    // Fresh planner statistics after a bulk load: PGlite never runs autovacuum, and without
    // them the list and statistics queries choose nested loops over the whole registry.
    // VACUUM also sets the visibility map, so counts over the registry run as index-only scans.
    await ctx.db.execute('VACUUM (ANALYZE) households, members, household_incomes, person_keys, household_keys');
  }
  if (!result.ok) {
    // Keep a record of the rejected file and why (nothing else was written).
    const batchId = newId();
    await ctx.db.transaction(async (tx) => {
      await tx.execute(
        `INSERT INTO import_batches (id, file_name, file_hash, user_id, username, mode, status, errors, warnings, finished_at)
         VALUES ($1,$2,$3,$4,$5,$6,'rejected',$7,$8, now())`,
        [batchId, fileName, hash, ctx.actor.id, ctx.actor.username, opts.dryRun ? 'dry-run' : opts.upsert ? 'upsert' : 'insert',
          JSON.stringify(result.errors.slice(0, 1000)), JSON.stringify(result.warnings)],
      );
      await audit(tx, ctx.actor, ctx.requestId, { action: 'registry.import_rejected', targetType: 'import_batch', targetId: batchId, details: { fileName, fileHash: hash, errors: result.errorCount } });
    });
    return { ...result, batchId };
  }
  return result;
}

function byPosition(a: ImportError, b: ImportError): number {
  const s = (x: ImportError) => (x.sheet === HOUSEHOLD_SHEET ? 0 : x.sheet === MEMBER_SHEET ? 1 : -1);
  return s(a) - s(b) || (a.row ?? 0) - (b.row ?? 0);
}

function sqlType(k: keyof HouseholdValues): string {
  switch (k) {
    case 'identificationYear': case 'exitYear': return 'int';
    case 'otherCauses': return 'text[]';
    case 'dangerousHouse': case 'safeWater': case 'militaryFamily': case 'relocated': return 'boolean';
    case 'cultivatedLand': case 'irrigatedLand': case 'forestLand': case 'pastureLand': return 'numeric(10,2)';
    case 'monitoringIdentifiedAt': case 'monitoringEliminatedAt': return 'date';
    default: return 'text';
  }
}

function memberSqlType(k: keyof MemberValues): string {
  switch (k) {
    case 'birthDate': return 'date';
    case 'workMonths': return 'int';
    case 'medicalInsurance': case 'seriousIllnessInsurance': case 'pensionInsurance': case 'dibao': case 'tekun': case 'activeMilitary': return 'boolean';
    default: return 'text';
  }
}

/** The rules that span rows, as set-based SQL over the staging tables. */
async function setChecks(tx: Queryable, ctx: Ctx, upsert: boolean, limit: number): Promise<ImportError[]> {
  const out: ImportError[] = [];
  const H = HOUSEHOLD_SHEET;
  const M = MEMBER_SHEET;
  const push = (sheet: string, row: number, column: string, value: string | null, code: string, message: string) =>
    out.push({ sheet, row, column, value, code, message });

  for (const r of await tx.query<{ row: number; household_number: string; first: number }>(
    `SELECT row, household_number, min(row) OVER (PARTITION BY household_number) AS first FROM stage_h
      WHERE household_number IS NOT NULL ORDER BY row LIMIT $1`, [limit * 4],
  )) {
    if (r.row !== r.first) push(H, r.row, '户编号', r.household_number, 'DUPLICATE_IN_FILE', `户编号与第 ${r.first} 行重复`);
  }
  for (const r of await tx.query<{ row: number; id_number: string; first: number }>(
    `SELECT row, id_number, first FROM (SELECT row, id_number, min(row) OVER (PARTITION BY id_number) AS first FROM stage_m WHERE id_number IS NOT NULL) x
      WHERE row <> first ORDER BY row LIMIT $1`, [limit],
  )) push(M, r.row, '证件号码', r.id_number, 'DUPLICATE_IN_FILE', `证件号码与第 ${r.first} 行重复，一人只能登记一次`);

  out.push(...await fileChecks(tx, limit));

  // Against the registry.
  for (const r of await tx.query<{ row: number; household_number: string; county_code: string; village_code: string; poverty_status: string; stage_county: string | null }>(
    `SELECT s.row, s.household_number, k.county_code, h.village_code, h.poverty_status, s.county_code AS stage_county
       FROM stage_h s JOIN household_keys k ON k.household_number = s.household_number
       JOIN households h ON h.county_code = k.county_code AND h.id = k.household_id ORDER BY s.row LIMIT $1`, [limit],
  )) {
    if (!upsert) push(H, r.row, '户编号', r.household_number, 'DUPLICATE_HOUSEHOLD', '户编号已存在于系统中；如需更新已有户，请使用「更新已有户」（--upsert）');
    else if (!actorCovers(ctx.actor, r.village_code)) push(H, r.row, '户编号', r.household_number, 'OUT_OF_SCOPE', '该户不在您的辖区内，不能更新');
    else if (r.poverty_status === '已剔除') push(H, r.row, '户编号', r.household_number, 'HOUSEHOLD_REMOVED', '该户已剔除，不能通过导入更新');
    else if (r.stage_county && r.stage_county !== r.county_code) push(H, r.row, '行政区划代码', r.household_number, 'CROSS_COUNTY', '不能通过导入把已有户迁到其他县区');
  }
  for (const r of await tx.query<{ row: number; id_number: string; household_number: string }>(
    `SELECT m.row, m.id_number, h.household_number
       FROM stage_m m JOIN person_keys k ON k.id_number = m.id_number
       JOIN households h ON h.county_code = k.county_code AND h.id = k.household_id
      WHERE h.household_number IS DISTINCT FROM m.household_number ORDER BY m.row LIMIT $1`, [limit],
  )) push(M, r.row, '证件号码', r.id_number, 'DUPLICATE_PERSON', `该证件号码已在户 ${r.household_number} 中登记，一人只能属于一个在册户`);
  return out;
}

/**
 * The rules within the file that no unique key enforces: each member's household is in the
 * file, and each household has members, exactly one of them 户主 (over stage_n, the members
 * sheet grouped by 户编号).
 */
async function fileChecks(tx: Queryable, limit: number): Promise<ImportError[]> {
  const out: ImportError[] = [];
  const H = HOUSEHOLD_SHEET;
  const push = (sheet: string, row: number, column: string, value: string | null, code: string, message: string) =>
    out.push({ sheet, row, column, value, code, message });
  const [{ orphans }] = (await tx.query<{ orphans: boolean }>(
    `SELECT EXISTS (SELECT 1 FROM stage_n n WHERE n.household_number IS NOT NULL
        AND NOT EXISTS (SELECT 1 FROM stage_h h WHERE h.household_number = n.household_number)) AS orphans`,
  )) as [{ orphans: boolean }];
  if (orphans) for (const r of await tx.query<{ row: number; household_number: string }>(
    `SELECT m.row, m.household_number FROM stage_m m WHERE m.household_number IS NOT NULL
        AND NOT EXISTS (SELECT 1 FROM stage_h h WHERE h.household_number = m.household_number) ORDER BY m.row LIMIT $1`, [limit],
  )) push(MEMBER_SHEET, r.row, '户编号', r.household_number, 'HOUSEHOLD_NOT_IN_FILE', `「户信息」表中没有户编号 ${r.household_number}`);

  for (const r of await tx.query<{ row: number; household_number: string; heads: number; n: number; head_rows: number[] | null }>(
    `SELECT h.row, h.household_number, coalesce(n.size, 0) AS n, coalesce(n.heads, 0) AS heads, n.head_rows
       FROM stage_h h LEFT JOIN stage_n n ON n.household_number = h.household_number
      WHERE h.household_number IS NOT NULL AND coalesce(n.heads, 0) <> 1 ORDER BY h.row LIMIT $1`, [limit],
  )) {
    if (r.n === 0) push(H, r.row, '户编号', r.household_number, 'NO_MEMBERS', '「家庭成员」表中没有该户的成员');
    else if (r.heads === 0) push(H, r.row, '户编号', r.household_number, 'NO_HEAD', '该户没有户主（与户主关系为「户主」的成员）');
    else push(H, r.row, '户编号', r.household_number, 'MULTIPLE_HEADS', `该户有 ${r.heads} 名户主（家庭成员表第 ${(r.head_rows ?? []).join('、')} 行），只能有一名`);
  }
  return out;
}

/** A plain import met a 户编号 already in the registry (found by apply, not by the checks). */
class KeyConflict extends Error {}

function isUniqueViolation(e: unknown): boolean {
  return typeof e === 'object' && e !== null && (e as { code?: unknown }).code === '23505';
}

/** Moves the staged rows into the registry: inserts, updates with change events, incomes. */
async function apply(tx: Queryable, ctx: Ctx, batchId: string, upsert: boolean, bulkRows: number, allH: number, newM: number): Promise<{ created: number; updated: number; unchanged: number }> {
  const source = `import:${batchId}`;
  const [{ newH }] = (await tx.query<{ newH: number }>(
    `SELECT count(*)::int AS "newH" FROM stage_h s WHERE NOT EXISTS (SELECT 1 FROM household_keys k WHERE k.household_number = s.household_number)`,
  )) as [{ newH: number }];
  // Every household new (a first load, or --upsert of new households only): the statements that
  // compare with, update or re-count existing households and members have nothing to do, and
  // skipping them saves several full scans of the staged rows.
  const existing = allH - newH;
  // Without --upsert the checks reject existing households; one here came after them (or the
  // checks were left to the unique keys): the caller rolls back and lists it.
  if (existing && !upsert) throw new KeyConflict();
  await tx.execute('ALTER TABLE stage_h ADD COLUMN existing_id uuid, ADD COLUMN changed boolean NOT NULL DEFAULT false');
  if (existing) await tx.execute('UPDATE stage_h s SET existing_id = k.household_id FROM household_keys k WHERE k.household_number = s.household_number');
  const hCols = H_KEYS.map((k) => HOUSEHOLD_COLUMNS[k]);
  const mCols = M_KEYS.map((k) => MEMBER_COLUMNS[k]);
  // An upsert changes only what the workbook carries: fields entered elsewhere (land areas,
  // monitoring dates, 现役军人 …) are not wiped by a file that has no column for them.
  const hUpd = HOUSEHOLD_FIELDS.filter((f) => f.column !== null).map((f) => HOUSEHOLD_COLUMNS[f.key as keyof HouseholdValues]);
  const mUpd = MEMBER_FIELDS.filter((f) => f.column !== null && f.key !== 'idNumber').map((f) => MEMBER_COLUMNS[f.key as keyof MemberValues]).concat(['sex', 'birth_date']);
  // Events use the API's camelCase keys, so the timeline reads the same whatever made the change.
  const camel = (c: string) => c.replace(/_([a-z])/g, (_, x: string) => x.toUpperCase());
  const jsonOf = (alias: string, cols: string[]) => `jsonb_build_object(${cols.map((c) => `'${camel(c)}', ${alias}.${c}`).join(', ')})`;
  // Only the fields that differ go into an update event's before/after.
  const changedOnly = (b: string, a: string, side: 'b' | 'a') =>
    `(SELECT jsonb_object_agg(x.key, ${side === 'b' ? 'x' : 'y'}.value) FROM jsonb_each(${b}) x JOIN jsonb_each(${a}) y ON y.key = x.key WHERE x.value IS DISTINCT FROM y.value)`;
  const params = [ctx.actor.id, ctx.actor.username, source, ctx.requestId];

  const perCapita = (s: string, n: string) => perCapitaNetSql({ wage: `${s}.inc_wage`, business: `${s}.inc_business`, property: `${s}.inc_property`, transfer: `${s}.inc_transfer`, businessCost: `${s}.inc_business_cost`, ledger: '0', size: `${n}.size` });
  // New households. No insert here has an ON CONFLICT clause (a 户编号 or 证件号码 taken
  // twice fails a unique key, and the caller lists it), so a bulk load may rebuild the keys too;
  // person_keys and household_incomes keep theirs when an upsert may meet existing rows.
  await withBulkIndexes(tx, 'household_keys', newH, bulkRows, (bulk) => tx.execute(`INSERT INTO household_keys (household_number, county_code, household_id)
                    SELECT household_number, county_code, id FROM stage_h WHERE existing_id IS NULL ${bulk ? '' : 'ORDER BY household_number COLLATE "C"'}`), true);
  const created = await withBulkIndexes(tx, 'households', newH, bulkRows, () => tx.execute(
    `INSERT INTO households (county_code, id, ${hCols.join(', ')}, member_count, member_names, income_year, per_capita_net, created_by, updated_by)
     SELECT s.county_code, s.id, ${hCols.map((c) => 's.' + c).join(', ')}, n.size, n.names, s.inc_year,
            CASE WHEN s.inc_year IS NOT NULL THEN ${perCapita('s', 'n')} END, $1::uuid, $1::uuid
       FROM stage_h s JOIN stage_n n ON n.household_number = s.household_number WHERE s.existing_id IS NULL`, [ctx.actor.id],
  ), true);
  // Existing households (upsert): mark those whose fields differ, record before/after, update.
  if (existing) await tx.execute(
    `UPDATE stage_h s SET changed = true FROM households h
      WHERE h.county_code = s.county_code AND h.id = s.existing_id
        AND (${hUpd.map((c) => `h.${c} IS DISTINCT FROM s.${c}`).join(' OR ')})`,
  );
  if (existing) await tx.execute(
    `INSERT INTO change_events (county_code, id, household_id, entity, action, before, after, user_id, username, source, request_id)
     SELECT z.county_code, tuopin_uuidv7(), z.id, 'household', 'update', ${changedOnly('z.b', 'z.a', 'b')}, ${changedOnly('z.b', 'z.a', 'a')}, $1, $2, $3, $4
       FROM (SELECT h.county_code, h.id, ${jsonOf('h', hUpd)} AS b, ${jsonOf('s', hUpd)} AS a
               FROM stage_h s JOIN households h ON h.county_code = s.county_code AND h.id = s.existing_id WHERE s.changed) z`, params,
  );
  // The list's counts: new households added, changed ones moved from their old key to the new.
  const keyCols = 'county_code, village_code, poverty_status, category, main_cause, other_causes';
  await tx.execute(countDeltaSql(
    `SELECT 1, ${keyCols} FROM stage_h WHERE existing_id IS NULL` + (existing ? `
     UNION ALL SELECT -1, ${keyCols.split(', ').map((c) => 'h.' + c).join(', ')} FROM stage_h s JOIN households h ON h.county_code = s.county_code AND h.id = s.existing_id WHERE s.changed
     UNION ALL SELECT 1, ${keyCols} FROM stage_h WHERE existing_id IS NOT NULL AND changed` : ''),
  ));
  if (existing) await tx.execute(
    `UPDATE households h SET ${hUpd.map((c) => `${c} = s.${c}`).join(', ')}, version = h.version + 1, updated_at = now(), updated_by = $1
       FROM stage_h s WHERE h.county_code = s.county_code AND h.id = s.existing_id AND s.changed`, [ctx.actor.id],
  );
  // Resolve each member to its household and, for existing households, to its existing member.
  await tx.execute('ALTER TABLE stage_m ADD COLUMN existing_id uuid, ADD COLUMN changed boolean NOT NULL DEFAULT false');
  // With every household new, the inserts below take each member's household from stage_h
  // instead (members read apart from their households, by a second worker, have none yet).
  if (existing) await tx.execute(`UPDATE stage_m m SET household_id = COALESCE(h.existing_id, h.id), county_code = h.county_code
                      FROM stage_h h WHERE h.household_number = m.household_number AND (m.household_id IS NULL OR h.existing_id IS NOT NULL)`);
  // stage_m's rows as they go into the registry: (county_code, id, household_id, id_number, …).
  const memberRows = existing
    ? `SELECT county_code, id, household_id, ${mCols.join(', ')} FROM stage_m WHERE existing_id IS NULL`
    : `SELECT h.county_code, m.id, h.id AS household_id, ${mCols.map((c) => 'm.' + c).join(', ')} FROM stage_m m JOIN stage_h h ON h.household_number = m.household_number`;
  if (existing) await tx.execute(`UPDATE stage_m m SET existing_id = x.id FROM members x
                     WHERE x.county_code = m.county_code AND x.household_id = m.household_id AND x.id_number = m.id_number AND x.left_at IS NULL`);
  if (existing) {
    // Members of existing households who are not in the file any more leave the household.
    await tx.execute(
      `INSERT INTO change_events (county_code, id, household_id, member_id, entity, action, before, after, user_id, username, source, reason, request_id)
       SELECT x.county_code, tuopin_uuidv7(), x.household_id, x.id, 'member', 'leave', jsonb_build_object('name', x.name), NULL, $1, $2, $3, '导入文件中未列出该成员', $4
         FROM members x JOIN stage_h h ON h.county_code = x.county_code AND h.existing_id = x.household_id
        WHERE x.left_at IS NULL AND NOT EXISTS (SELECT 1 FROM stage_m m WHERE m.existing_id = x.id)`, params,
    );
    await tx.execute(
      `DELETE FROM person_keys k USING members x, stage_h h
        WHERE k.member_id = x.id AND h.county_code = x.county_code AND h.existing_id = x.household_id
          AND x.left_at IS NULL AND NOT EXISTS (SELECT 1 FROM stage_m m WHERE m.existing_id = x.id)`,
    );
    await tx.execute(
      `UPDATE members x SET left_at = now(), left_reason = '导入文件中未列出该成员', version = x.version + 1, updated_at = now()
         FROM stage_h h WHERE h.county_code = x.county_code AND h.existing_id = x.household_id
          AND x.left_at IS NULL AND NOT EXISTS (SELECT 1 FROM stage_m m WHERE m.existing_id = x.id)`,
    );
    // Changed members.
    const mDataCols = mUpd;
    await tx.execute(
      `UPDATE stage_m m SET changed = true FROM members x WHERE x.county_code = m.county_code AND x.id = m.existing_id
          AND (${mDataCols.map((c) => `x.${c} IS DISTINCT FROM m.${c}`).join(' OR ')})`,
    );
    await tx.execute(
      `INSERT INTO change_events (county_code, id, household_id, member_id, entity, action, before, after, user_id, username, source, request_id)
       SELECT z.county_code, tuopin_uuidv7(), z.household_id, z.id, 'member', 'update', ${changedOnly('z.b', 'z.a', 'b')}, ${changedOnly('z.b', 'z.a', 'a')}, $1, $2, $3, $4
         FROM (SELECT x.county_code, x.household_id, x.id, ${jsonOf('x', mDataCols)} AS b, ${jsonOf('m', mDataCols)} AS a
                 FROM stage_m m JOIN members x ON x.county_code = m.county_code AND x.id = m.existing_id WHERE m.changed) z`, params,
    );
    await tx.execute(
      `UPDATE members x SET ${mDataCols.map((c) => `${c} = m.${c}`).join(', ')}, version = x.version + 1, updated_at = now()
         FROM stage_m m WHERE x.county_code = m.county_code AND x.id = m.existing_id AND m.changed`,
    );
  }
  // New members (of new and of existing households).
  await withBulkIndexes(tx, 'members', newM, bulkRows, () => tx.execute(
    `INSERT INTO members (county_code, id, household_id, ${mCols.join(', ')}) ${memberRows}`,
  ), true);
  if (existing) await tx.execute(
    `INSERT INTO change_events (county_code, id, household_id, member_id, entity, action, before, after, user_id, username, source, request_id)
     SELECT m.county_code, tuopin_uuidv7(), m.household_id, m.id, 'member', 'create', NULL,
            jsonb_build_object('name', m.name, 'relation', m.relation, 'idNumber', substr(m.id_number, 1, 6) || '********' || substr(m.id_number, 15, 4)), $1, $2, $3, $4
       FROM stage_m m JOIN stage_h h ON h.household_number = m.household_number WHERE m.existing_id IS NULL AND h.existing_id IS NOT NULL`, params,
  );
  // A new household's people cannot be in person_keys (DUPLICATE_PERSON was checked above, or
  // is left to this insert's unique key), so a plain INSERT does; ON CONFLICT's speculative
  // insertion costs twice as much per row. Rows go in key order for the index's sake (unless the
  // key is rebuilt after); "C" sorts these digit strings in the same order as the database's
  // collation, several times faster (byte comparison with abbreviated keys instead of strcoll).
  // With every household new, no person can be in person_keys either (the checks list anyone
  // who is) and the key may be rebuilt.
  const onConflict = upsert && existing > 0;
  await withBulkIndexes(tx, 'person_keys', newM, bulkRows, (bulk) => tx.execute(
    `INSERT INTO person_keys (id_number, county_code, household_id, member_id)
     SELECT id_number, county_code, household_id, id FROM (${memberRows}) m ${bulk ? '' : 'ORDER BY id_number COLLATE "C"'}
     ${onConflict ? 'ON CONFLICT (id_number) DO UPDATE SET county_code = EXCLUDED.county_code, household_id = EXCLUDED.household_id, member_id = EXCLUDED.member_id' : ''}`,
  ), !onConflict);
  // Households that only changed in their members still move to a new version.
  if (existing) await tx.execute(
    `UPDATE households h SET version = h.version + 1, updated_at = now(), updated_by = $1
       FROM stage_h s WHERE h.county_code = s.county_code AND h.id = s.existing_id AND NOT s.changed
        AND (EXISTS (SELECT 1 FROM stage_m m WHERE m.household_number = s.household_number AND (m.changed OR m.existing_id IS NULL))
             OR EXISTS (SELECT 1 FROM members x WHERE x.county_code = h.county_code AND x.household_id = h.id AND x.left_at >= now()))`,
    [ctx.actor.id],
  );
  // One creation event per new household: its fields, under the API's camelCase names, from the
  // staged columns, and its number of members. (Building the JSON here costs the same as parsing
  // a copy made while staging, and staging one doubled stage_h's bytes and the COPY's time.)
  await withBulkIndexes(tx, 'change_events', newH, bulkRows, () => tx.execute(
    `INSERT INTO change_events (county_code, id, household_id, entity, action, before, after, user_id, username, source, request_id)
     SELECT s.county_code, s.event_id, s.id, 'household', 'create', NULL,
            ${jsonOf('s', hCols).slice(0, -1)}, 'members', n.size),
            $1, $2, $3, $4
       FROM stage_h s JOIN stage_n n ON n.household_number = s.household_number WHERE s.existing_id IS NULL`, params,
  ), true);
  // Income of the year given, per household, with the household size from the file; per-capita net
  // by the registry's one rule (income.ts), keeping what a ledger added to an existing year. New
  // households have no income rows yet: without existing ones (onConflict false), a plain insert.
  const iCols = I_KEYS.map((k) => INCOME_COLUMNS[k]);
  await withBulkIndexes(tx, 'household_incomes', newH, bulkRows, () => tx.execute(
    `INSERT INTO household_incomes (county_code, household_id, ${iCols.join(', ')}, household_size, per_capita_net, updated_at)
     SELECT s.county_code, COALESCE(s.existing_id, s.id), ${iCols.map((c) => `s.inc_${c}`).join(', ')}, n.size,
            ${perCapitaNetSql({ wage: 's.inc_wage', business: 's.inc_business', property: 's.inc_property', transfer: 's.inc_transfer', businessCost: 's.inc_business_cost', ledger: '0', size: 'n.size' })}, now()
       FROM stage_h s JOIN stage_n n ON n.household_number = s.household_number
      WHERE s.inc_year IS NOT NULL
     ${onConflict ? `ON CONFLICT (county_code, household_id, year) DO UPDATE SET
       ${iCols.filter((c) => c !== 'year').map((c) => `${c} = EXCLUDED.${c}`).join(', ')},
       household_size = EXCLUDED.household_size, updated_at = now(),
       per_capita_net = ${perCapitaNetSql({ wage: 'EXCLUDED.wage', business: 'EXCLUDED.business', property: 'EXCLUDED.property', transfer: 'EXCLUDED.transfer', businessCost: 'EXCLUDED.business_cost', ledger: 'household_incomes.ledger_income', size: 'EXCLUDED.household_size' })}` : ''}`,
  ), !onConflict);
  // Existing households' list facts, after their members and income changed above.
  if (!existing) return { created, updated: 0, unchanged: 0 };
  await tx.execute(factsUpdateSql('SELECT county_code, existing_id FROM stage_h WHERE existing_id IS NOT NULL'));
  const [{ updated, unchanged }] = (await tx.query<{ updated: number; unchanged: number }>(
    `SELECT count(*) FILTER (WHERE existing_id IS NOT NULL AND (changed OR EXISTS (SELECT 1 FROM stage_m m WHERE m.household_number = stage_h.household_number AND (m.changed OR m.existing_id IS NULL))))::int AS updated,
            count(*) FILTER (WHERE existing_id IS NOT NULL)::int AS unchanged FROM stage_h`,
  )) as [{ updated: number; unchanged: number }];
  return { created, updated, unchanged: unchanged - updated };
}

/**
 * Runs a bulk insert into `table`; when it adds many rows relative to the table's size, the
 * table's secondary (non-unique) indexes are dropped first and rebuilt after, exactly as they
 * were defined, in the same transaction. One index build sorts once; a million index insertions
 * descend the tree a million times (the GIN index on member names most of all).
 *
 * With `keys`, the primary key and unique constraints go the same way: the caller promises the
 * insert has no ON CONFLICT clause (which needs the key's index). Re-adding a key checks it over
 * the whole table, so a duplicate fails the rebuild with the same unique_violation (23505) an
 * insert would raise; keys are rebuilt before the other indexes, so that failure comes first.
 *
 * The drop takes the table's exclusive lock and holds it until the import commits (writers of
 * the table wait, readers too), which is why this is kept for loads at least a quarter the size
 * of the table.
 */
async function withBulkIndexes<T>(tx: Queryable, table: string, rows: number, minRows: number, insert: (bulk: boolean) => Promise<T>, keys = false): Promise<T> {
  const [{ existing }] = (await tx.query<{ existing: number }>(
    `SELECT greatest(reltuples, 0)::float8 AS existing FROM pg_class WHERE oid = $1::regclass`, [table],
  )) as [{ existing: number }];
  if (rows < minRows || rows * 4 < existing) return insert(false);
  const { constraints: all, indexes } = await keysAndIndexes(tx, table);
  const constraints = keys ? all : [];
  const t = quoteIdent(table);
  if (constraints.length) await tx.execute(`ALTER TABLE ${t} ${constraints.map((k) => `DROP CONSTRAINT ${k.name}`).join(', ')}`);
  if (indexes.length) await tx.execute(`DROP INDEX ${indexes.map((x) => x.name).join(', ')}`);
  const result = await insert(true);
  for (const k of constraints) await tx.execute(`ALTER TABLE ${t} ADD CONSTRAINT ${k.name} ${k.def}`);
  for (const x of indexes) await tx.execute(x.def);
  return result;
}

const quoteIdent = (name: string) => '"' + name.replace(/"/g, '""') + '"';

/**
 * A table's primary and unique keys (name and ADD CONSTRAINT definition) and its other indexes
 * (name and CREATE INDEX statement), as a bulk load sets them aside and rebuilds them.
 */
export async function keysAndIndexes(tx: Queryable, table: string): Promise<{ constraints: { name: string; def: string }[]; indexes: { name: string; def: string }[] }> {
  const constraints = await tx.query<{ name: string; def: string }>(
    `SELECT quote_ident(conname) AS name, pg_get_constraintdef(oid) AS def FROM pg_constraint
      WHERE conrelid = $1::regclass AND contype IN ('p', 'u') ORDER BY contype, conname`, [table],
  );
  const indexes = await tx.query<{ name: string; def: string }>(
    `SELECT quote_ident(c.relname) AS name, pg_get_indexdef(i.indexrelid) AS def
       FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
      WHERE i.indrelid = $1::regclass AND NOT i.indisunique AND NOT i.indisprimary
        AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid)
      ORDER BY c.relname`, [table],
  );
  return { constraints, indexes };
}
