import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { audit } from '../../core/audit.js';
import type { Ctx } from '../../core/context.js';
import type { Connection, Db, Queryable } from '../../core/db.js';
import { idRange, idRangeSql, newId } from '../../core/ids.js';
import { ValidationError } from '../../core/errors.js';
import { assertCan } from '../access/policy.js';
import { scopeSql } from '../access/scope.js';
import { ID_HEADER, isKind, KIND_SPECS, KINDS, NAME_HEADER, type ColSpec, type Kind } from './kinds.js';
import { mapHeader, parseRow, type ColumnMatch, type RowIssue } from './parse.js';
import { effectiveRules, LANZHOU_COUNTIES, OUTSIDE_COUNTY, RULES, type EffectiveRule, type FindingCode } from './rules.js';
import { Stager } from './stage.js';
import { detectFormat, readPieces, readTableBatches, TableFileError, type CsvPiece } from './table-reader.js';
import { todayCn } from '../../domain/dates.js';

/**
 * Department data comparison, set-based: the file is streamed into a staging table by COPY
 * (stage.ts: a plain .csv line whose fields are already in their staged form goes as written; any
 * other row is normalised by parseRow, and rejected rows are listed), matched to the registry's
 * members by the normalised ID number in SQL once (only the rows some rule's condition holds for),
 * and every rule reads that match in one statement that upserts its findings into
 * comparison_findings (unique per county, code, ID number and rule key, so a re-run updates
 * instead of duplicating). Open findings of the same kind and year within the uploader's scope
 * that this dataset no longer shows are closed. On PostgreSQL the staging table is committed
 * before the comparison's transaction, so that a second connection counts the matched rows while
 * the first writes the findings (compareDataset, sweepStages); on PGlite it is a temporary table.
 *
 * The comparison covers the part of the registry within the uploader's scope (the whole registry
 * for the city office or a city-level department). The year defaults to the current year; the
 * reference date for "active" 低保 rows and the rule parameters is 31 December of that year, or
 * today for the current year. Age for PENSION_GAP is the age reached in that year
 * (year − birth year from the ID number).
 */

export interface CompareInput {
  path: string;
  kind: string;
  year?: number;
  purpose: string;
  authorisation: string;
  fileName?: string;
  onProgress?: (rows: number) => void;
}

export interface CompareSummary {
  rows: { total: number; accepted: number; rejected: number; matched: number };
  findings: { total: number; new: number; seen: number; closed: number };
  byCode: Record<string, number>;
}

export type CompareResult =
  | ({ ok: true; datasetId: string; kind: Kind; year: number; columns: ColumnMatch[]; rejected: RowIssue[]; issues: RowIssue[] } & CompareSummary)
  | { ok: false; errors: RowIssue[] };

const MAX_LISTED = 1000;

/** TUOPIN_COMPARE_TIMING=1 prints each phase's time to stderr (benchmarking). */
const TIMING = process.env.TUOPIN_COMPARE_TIMING === '1';
let lastMark = performance.now();
function mark(label: string): void {
  if (!TIMING) return;
  const now = performance.now();
  process.stderr.write(`[compare] ${label}: ${((now - lastMark) / 1000).toFixed(2)} s\n`);
  lastMark = now;
}

function lit(v: unknown): string {
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  if (Array.isArray(v)) return `ARRAY[${v.map((x) => lit(String(x))).join(', ')}]::text[]`;
  return `'${String(v).replace(/'/g, "''")}'`;
}
const likeAny = (v: unknown) => lit((Array.isArray(v) ? v : [v]).map((x) => `%${String(x).replace(/[%_\\]/g, '\\$&')}%`));
const num = (v: unknown) => lit(Number(v));

export async function fileSha256(p: string): Promise<string> {
  const h = crypto.createHash('sha256');
  for await (const chunk of fs.createReadStream(p)) h.update(chunk as Buffer);
  return h.digest('hex');
}

export function currentYear(): number {
  return Number(todayCn().slice(0, 4));
}

export function referenceDate(year: number): string {
  const now = todayCn();
  if (year >= Number(now.slice(0, 4))) return now;
  return `${year}-12-31`;
}

/** Kind and file checks common to preview and compare: a file-level problem is thrown as ValidationError. */
function checkKind(kind: string): Kind {
  if (!isKind(kind)) throw new ValidationError(`未知的数据类别「${kind}」，应为 ${KINDS.join('、')} 之一`, { errors: [{ row: null, column: null, value: kind, code: 'UNKNOWN_KIND', message: `未知的数据类别「${kind}」` }] }, 'UNKNOWN_KIND');
  return kind;
}

export interface PreviewResult {
  kind: Kind;
  columns: ColumnMatch[];
  missing: string[];
  header: string[];
  /** The first rows as written in the file (sample). */
  rows: { row: number; cells: string[] }[];
  /** Every row checked as the comparison would (nothing written): counts and the rejected rows with their reasons (the first 1000). */
  counts: { total: number; accepted: number; rejected: number };
  rejected: RowIssue[];
}

/**
 * The detected columns, the first rows and every row's check (the rows a comparison would reject,
 * by row number and reason), without comparing or writing anything. With a required column
 * missing the rows are not checked (the comparison would refuse the file).
 */
export async function previewDataset(ctx: Ctx, p: string, kindIn: string, n = 20): Promise<PreviewResult> {
  assertCan(ctx.actor, 'comparison.upload');
  const kind = checkKind(kindIn);
  let header: string[] | null = null;
  let map: ReturnType<typeof mapHeader> | null = null;
  const rows: { row: number; cells: string[] }[] = [];
  const rejected: RowIssue[] = [];
  const counts = { total: 0, accepted: 0, rejected: 0 };
  const today = todayCn();
  try {
    for await (const batch of readTableBatches(p)) {
      for (const rec of batch) {
        if (!header) {
          header = rec.cells;
          map = mapHeader(kind, header);
          continue;
        }
        if (rows.length < n) rows.push(rec);
        if (map!.missing.length) continue;
        counts.total++;
        const { row, issues } = parseRow(kind, map!, rec, today);
        if (row) counts.accepted++;
        else {
          counts.rejected++;
          for (const i of issues) if (rejected.length < MAX_LISTED) rejected.push(i);
        }
      }
      if (map?.missing.length && rows.length >= n) break;
    }
  } catch (e) {
    if (e instanceof TableFileError) throw new ValidationError(e.message, { errors: [{ row: null, column: null, value: null, code: e.code, message: e.message }] }, e.code);
    throw e;
  }
  if (!header || !map) throw new ValidationError('文件没有表头行', { errors: [{ row: null, column: null, value: null, code: 'EMPTY_FILE', message: '文件没有表头行' }] }, 'EMPTY_FILE');
  return { kind, columns: map.columns, missing: map.missing, header, rows, counts, rejected };
}

export async function compareDataset(ctx: Ctx, input: CompareInput): Promise<CompareResult> {
  assertCan(ctx.actor, 'comparison.upload');
  const kind = checkKind(input.kind);
  const year = input.year ?? currentYear();
  if (!Number.isInteger(year) || year < 2000 || year > 2100) throw new ValidationError(`年度「${input.year}」无效`, undefined, 'BAD_YEAR');
  if (!input.purpose.trim()) throw new ValidationError('请填写比对目的', undefined, 'PURPOSE_REQUIRED');
  if (!input.authorisation.trim()) throw new ValidationError('请填写授权依据（农户书面授权或文件号）', undefined, 'AUTHORISATION_REQUIRED');
  lastMark = performance.now();
  const notFound: CompareResult = { ok: false, errors: [{ row: null, column: null, value: input.path, code: 'FILE_NOT_FOUND', message: `无法读取文件：${input.path}` }] };
  let format: 'csv' | 'xlsx';
  try {
    format = await detectFormat(input.path);
  } catch (e) {
    if (e instanceof TableFileError && e.code !== 'FILE_NOT_FOUND' && e.code !== 'READ_ERROR') return { ok: false, errors: [{ row: null, column: null, value: null, code: e.code, message: e.message }] };
    if (e instanceof TableFileError) return notFound;
    throw e;
  }
  // A .csv is hashed as it is read (one pass over the file); an .xlsx, read by random access, before.
  const hasher = crypto.createHash('sha256');
  const xlsxHash = format === 'xlsx' ? await fileSha256(input.path).catch(() => null) : null;
  if (format === 'xlsx' && xlsxHash === null) return notFound;
  const fileName = input.fileName ?? path.basename(input.path);
  const refDate = referenceDate(year);
  const rules = await effectiveRules(ctx.db, kind, refDate);
  const spec = KIND_SPECS[kind];
  const today = todayCn();

  // The header first (a file without the required columns is rejected before anything is written),
  // then the rows are checked while COPY streams them: the server loads one chunk as the next is read.
  const it = readPieces(input.path, format === 'csv' ? hasher : undefined)[Symbol.asyncIterator]();
  const fileIssue = (e: TableFileError): CompareResult => ({ ok: false, errors: [{ row: null, column: null, value: null, code: e.code, message: e.message }] });
  try {
    let first: IteratorResult<CsvPiece>;
    try {
      first = await it.next();
    } catch (e) {
      if (e instanceof TableFileError) return fileIssue(e);
      throw e;
    }
    if (first.done || !('header' in first.value)) return { ok: false, errors: [{ row: null, column: null, value: null, code: 'EMPTY_FILE', message: '文件没有表头行' }] };
    const headerRec = first.value.header;
    const map = mapHeader(kind, headerRec.cells);
    const columns = map.columns;
    if (map.missing.length) {
      return { ok: false, errors: map.missing.map((h) => ({ row: headerRec.row, column: h, value: null, code: 'MISSING_COLUMN', message: `缺少必需的列「${h}」（${spec.department}）` })) };
    }
    const stager = new Stager(kind, map, headerRec.cells, today, MAX_LISTED, input.onProgress);
    const lines = async function* (): AsyncGenerator<string> {
      for (;;) {
        const n = await it.next();
        if (n.done) return;
        const text = stager.piece(n.value);
        if (text) yield text;
      }
    };
    const present = spec.columns.filter((c) => map.index.has(c.header));
    const datasetId = newId();
    const rulesArgs = (stage: string, excl: WorkTable, match: WorkTable, countsDb: Db | null): RunArgs => {
      const c = stager.counts;
      input.onProgress?.(c.total);
      return {
        datasetId, stage, excl, match, countsDb, kind, year, refDate, rules, hash: xlsxHash ?? hasher.digest('hex'), fileName,
        purpose: input.purpose, authorisation: input.authorisation, columns, present,
        rejected: c.rejected, total: c.total, accepted: c.accepted, rejectedCount: c.rejectedCount,
      };
    };
    if (ctx.db.engine !== 'postgres') {
      // PGlite (one connection, no parallel query): everything in one transaction, on temporary tables.
      return await ctx.db.transaction(async (tx) => {
        await tx.execute(`CREATE TEMP TABLE cmp_stage (${stager.columnsSql}) ON COMMIT DROP`);
        await tx.copyCsv('cmp_stage', stager.copyColumns, lines());
        return runRules(tx, ctx, rulesArgs('cmp_stage', workTable(tx, 'cmp_excl', datasetId), workTable(tx, 'cmp_j', datasetId), null));
      });
    }
    return await onServer(() => ctx.db.connection(async (conn) => {
      // PostgreSQL: the staged file is a committed unlogged table, so that a second connection can
      // count the match while this one writes the findings. Its connection holds a session lock on its name while
      // it exists; a comparison whose process died leaves the table with its lock free, and the
      // next comparison, or the next start of the server, drops it (sweepStages).
      await sweepStages(conn);
      const stage = stageName(datasetId);
      await conn.query('SELECT pg_advisory_lock($1, hashtext($2))', [STAGE_LOCK, stage]);
      try {
        await conn.execute(`CREATE UNLOGGED TABLE ${stage} (${stager.columnsSql})`);
        // One COPY: two connections loading halves of the file were slower (1.15 s against 1.0 s for
        // 1M rows): the reader and checker in this process is then the bottleneck, and both loads
        // extend the one table.
        await conn.copyCsv(stage, stager.copyColumns, lines());
        return await conn.transaction(async (tx) => {
          const excl = workTable(tx, 'cmp_excl', datasetId);
          const match = workTable(tx, 'cmp_j', datasetId);
          const result = await runRules(tx, ctx, rulesArgs(stage, excl, match, ctx.db));
          await tx.execute(`DROP TABLE ${excl.name}, ${match.name}`);
          return result;
        });
      } finally {
        await conn.execute(`DROP TABLE IF EXISTS ${stage}`).catch(() => undefined);
        await conn.query('SELECT pg_advisory_unlock($1, hashtext($2))', [STAGE_LOCK, stage]).catch(() => undefined);
      }
    }));
  } catch (e) {
    if (e instanceof TableFileError) return fileIssue(e);
    throw e;
  } finally {
    await it.return?.(undefined);
  }
}

/** The session advisory lock (this key, hashtext of the table's name) its comparison holds on a staged file. */
const STAGE_LOCK = 7420601;
const STAGE_NAME = /^cmp_stage_[0-9a-f]{32}$/;
const stageName = (datasetId: string) => `cmp_stage_${datasetId.replace(/-/g, '')}`;

/**
 * Drops the staged files (PostgreSQL) that no comparison holds: left by a process that died
 * between staging and its end. Each is the file's ID numbers and names, so none may outlive its
 * comparison. Run before each comparison and when the server starts; returns how many it dropped.
 */
export async function sweepStages(conn: Connection): Promise<number> {
  if (conn.engine !== 'postgres') return 0;
  const found = await conn.query<{ name: string }>(
    `SELECT relname AS name FROM pg_class WHERE relkind = 'r' AND relnamespace = current_schema()::regnamespace AND relname LIKE 'cmp\\_stage\\_%'`);
  let dropped = 0;
  for (const { name } of found) {
    if (!STAGE_NAME.test(name)) continue;
    const [{ free }] = (await conn.query<{ free: boolean }>('SELECT pg_try_advisory_lock($1, hashtext($2)) AS free', [STAGE_LOCK, name])) as [{ free: boolean }];
    if (!free) continue;
    try {
      await conn.execute(`DROP TABLE IF EXISTS ${name}`);
      dropped++;
    } finally {
      await conn.query('SELECT pg_advisory_unlock($1, hashtext($2))', [STAGE_LOCK, name]);
    }
  }
  return dropped;
}

/**
 * At most two comparisons at a time per process on PostgreSQL: each holds one connection and takes
 * a second for the counts, so more at once could take the whole pool and wait on
 * each other; and two already keep both cores busy.
 */
const SERVER_SLOTS = 2;
let busy = 0;
const waiting: (() => void)[] = [];
async function onServer<T>(fn: () => Promise<T>): Promise<T> {
  if (busy >= SERVER_SLOTS) await new Promise<void>((r) => waiting.push(r));
  else busy++;
  try {
    return await fn();
  } finally {
    const next = waiting.shift();
    if (next) next();
    else busy--;
  }
}

/**
 * A work table of one comparison (the households not compared, the match). On PostgreSQL an
 * unlogged table of the comparison's own transaction, named by the dataset: invisible to others
 * until commit, dropped before it, and gone with the transaction on any failure. Not a temporary
 * table there, because parallel workers cannot read one, and the joins of the whole file with
 * members are the comparison's largest steps. PGlite has no parallel query: a temporary table.
 */
interface WorkTable { name: string; create: string; onCommit: string }

function workTable(tx: Queryable, base: string, datasetId: string): WorkTable {
  if (tx.engine !== 'postgres') return { name: base, create: `CREATE TEMP TABLE ${base}`, onCommit: ' ON COMMIT DROP' };
  const name = `${base}_${datasetId.replace(/-/g, '')}`;
  return { name, create: `CREATE UNLOGGED TABLE ${name}`, onCommit: '' };
}

interface Counts { matched: number; renamed: number }

interface RunArgs {
  datasetId: string;
  /** PostgreSQL: the database, for the counts of the match on a second connection (the staged file is committed). */
  countsDb: Db | null;
  /** The work tables (workTable): the households not compared, the match. */
  excl: WorkTable;
  match: WorkTable;
  /** The staging table (the file's rows as normalised). */
  stage: string;
  kind: Kind;
  year: number;
  refDate: string;
  rules: EffectiveRule[];
  hash: string;
  fileName: string;
  purpose: string;
  authorisation: string;
  columns: ColumnMatch[];
  /** The kind's columns the file has: the evidence shows these. */
  present: ColSpec[];
  rejected: RowIssue[];
  total: number;
  accepted: number;
  rejectedCount: number;
}

/** The SQL expression of the region a finding is routed to (its scope key); comparison_findings_route_idx indexes the same expression (schema.ts). */
export const ROUTE_SQL = (alias: string) =>
  `COALESCE(${alias}.village_code, CASE WHEN ${alias}.county_code = '${OUTSIDE_COUNTY}' THEN '620100000000' ELSE ${alias}.county_code || '000000' END)`;

async function runRules(tx: Queryable, ctx: Ctx, a: RunArgs): Promise<CompareResult> {
  const { datasetId, stage } = a;
  mark('stage (read + parse + COPY)');
  // One comparison of a kind at a time, from here to commit: the findings it meets, inserts and
  // closes are the kind's (the file was read and staged before, in parallel with any other).
  await tx.execute('SELECT pg_advisory_xact_lock(7420600, hashtext($1))', [a.kind]);
  // A small sample is enough for the plans below (row count, the rule columns' selectivity).
  await tx.execute('SET LOCAL default_statistics_target = 10');
  await tx.execute(`ANALYZE ${stage}`);
  await tx.execute('RESET default_statistics_target');
  // The statement below costs more than jit_above_cost, so PostgreSQL would spend tens of
  // milliseconds compiling its expressions, more than they save; it is I/O and join bound. (A
  // no-op on PGlite, which has no JIT.) Only for this transaction.
  await tx.execute('SET LOCAL jit = off');
  mark('analyze');
  // Households whose members are not compared: removed (已剔除) or outside the uploader's scope. A
  // small set in practice, so each join of the file with members below is one hash join plus an
  // anti-join with this set (none when the set is empty); households are joined again only for the
  // rows that become findings.
  const sp: unknown[] = [];
  const scope = scopeSql(ctx.actor, 'h.village_code', sp);
  const excl = a.excl.name;
  const match = a.match.name;
  await tx.execute(
    `${a.excl.create}${a.excl.onCommit} AS
     SELECT h.county_code, h.id FROM households h WHERE h.poverty_status = '已剔除' OR NOT (${scope})`, sp,
  );
  const [{ excluded }] = (await tx.query<{ excluded: boolean }>(`SELECT EXISTS (SELECT 1 FROM ${excl}) AS excluded`)) as [{ excluded: boolean }];
  const compared = excluded ? `NOT EXISTS (SELECT 1 FROM ${excl} x WHERE x.id = m.household_id AND x.county_code = m.county_code)` : 'TRUE';

  // The rules. A row rule is a condition on the file's columns (`stage`, null for every row) and
  // maybe one on the member's (`member`); each gives at most one finding per person (the first row
  // in `order`). The medical rules add up a person's settlements per year. Every rule reads the
  // one match below; DIBAO_NOT_REGISTERED reads the file's rows that match no compared member.
  interface RowRule { code: FindingCode; stage: string | null; member?: string; order?: string; extra?: string }
  const rowRules: RowRule[] = [];
  const groupRules: { code: FindingCode; cond: string }[] = [];
  let dibaoNotRegistered: EffectiveRule | null = null;
  const Y = a.year;
  const active = `(r.start_date IS NULL OR r.start_date <= DATE ${lit(a.refDate)}) AND (r.end_date IS NULL OR r.end_date >= DATE ${lit(a.refDate)})`;
  for (const rule of a.rules) {
    const p = rule.params;
    const code = rule.id;
    switch (code) {
      case 'DECEASED': case 'MOVED_OUT': case 'IMPRISONED': case 'MISSING':
        rowRules.push({ code, stage: `r.status = ${lit(p.status)}`, order: 'r.change_date DESC NULLS LAST, r.row' });
        break;
      case 'PUBLIC_PAYROLL':
        rowRules.push({ code, stage: null });
        break;
      case 'VEHICLE':
        rowRules.push({ code, stage: `r.price >= ${num(p.minPrice)} AND NOT (r.vehicle_type LIKE ANY (${likeAny(p.farmTypes)}))`, order: 'r.price DESC, r.row' });
        break;
      case 'BUSINESS':
        rowRules.push({ code, stage: `r.status = ANY (${lit(p.statuses)})` });
        break;
      case 'PROPERTY':
        rowRules.push({ code, stage: `r.house_use LIKE ANY (${likeAny(p.uses)})` });
        break;
      case 'DROPOUT':
        rowRules.push({ code, stage: `r.stage LIKE ANY (${likeAny(p.stages)}) AND r.status = ANY (${lit(p.statuses)})` });
        break;
      case 'UNINSURED':
        rowRules.push({ code, stage: `r.status = ANY (${lit(p.statuses)})` });
        break;
      case 'PENSION_GAP':
        rowRules.push({ code, stage: `r.status = ANY (${lit(p.statuses)}) AND (${Y} - substr(r.id_number, 7, 4)::int) BETWEEN ${num(p.minAge)} AND ${num(p.maxAge)}`,
          extra: `jsonb_build_object('年龄', ${Y} - substr(r.id_number, 7, 4)::int)` });
        break;
      case 'DIBAO_MISMATCH':
        rowRules.push({ code, stage: `r.assistance = ${lit(p.assistance)} AND ${active}`, member: 'r.m_dibao IS NOT TRUE',
          extra: `jsonb_build_object('登记是否享受低保', CASE WHEN r.m_dibao IS FALSE THEN '否' ELSE '未填' END)` });
        break;
      case 'DIBAO_NOT_REGISTERED':
        dibaoNotRegistered = rule;
        break;
      case 'DISABILITY_UNRECORDED':
        rowRules.push({ code, stage: null, member: `(r.m_health IS DISTINCT FROM '残疾' OR r.m_grade IS DISTINCT FROM r.grade)`,
          extra: `jsonb_build_object('登记健康状况', COALESCE(r.m_health, '未填'), '登记残疾等级', COALESCE(r.m_grade, '未填'))` });
        break;
      case 'LOAN_OVERDUE':
        rowRules.push({ code, stage: `r.overdue_days > ${num(p.overdueDaysOver)}`, order: 'r.overdue_days DESC, r.row' });
        break;
      case 'LOAN_MISUSE':
        rowRules.push({ code, stage: `r.purpose LIKE ANY (${likeAny(p.uses)})` });
        break;
      case 'MEDICAL_BURDEN':
        groupRules.push({ code, cond: `g.oop > ${num(p.maxOutOfPocket)}` });
        break;
      case 'REIMBURSEMENT_LOW':
        groupRules.push({ code, cond: `g.policy > 0 AND g.paid < ${num(p.minRatio)} * g.policy` });
        break;
    }
  }

  // The evidence row, built only for the rows that produce a finding: the file's columns as normalised, and the row number.
  const shown = (c: ColSpec) => (c.type === 'num' ? `trim_scale(r.${c.key})::text` : c.type === 'int' || c.type === 'date' ? `r.${c.key}::text` : `r.${c.key}`);
  const ev = `jsonb_build_object('${ID_HEADER}', r.id_number, '${NAME_HEADER}', r.name, ${a.present.map((c) => `'${c.header}', ${shown(c)}`).join(', ')}${a.present.length ? ', ' : ''}'行号', r.row)`;

  // The match: the file's rows joined with the compared members by ID number, kept in cmp_j (a work table) for
  // the rules, which all read it. Only the rows some rule's condition on the file's columns holds
  // for (candidates: every row for a kind with a rule on every row) are kept, with their columns and
  // their member's. When that is every row, cmp_j also gives the counts (matched, names that
  // differ); otherwise the counts come from a narrow join of their own (ID number and name): keeping
  // all of a 1M-row match for a few percent of candidates cost more than joining twice. Both joins
  // are statements PostgreSQL may run with parallel workers (no data-modifying CTE).
  const hitSql = groupRules.length || rowRules.some((r) => r.stage === null) ? 'TRUE'
    : rowRules.length ? rowRules.map((r) => `(${r.stage})`).join(' OR ') : 'FALSE';
  const everyRow = hitSql === 'TRUE';
  // Each rule's condition on the file is evaluated once, in the match (by its parallel workers):
  // as the match's own filter when it is the only one, else as a flag column the rule then reads
  // (re-evaluating the LIKE patterns over the match in the rules' serial statement cost ~0.1 s).
  const staged = rowRules.filter((r) => r.stage !== null);
  const flags = new Map<RowRule, string>(staged.length === 1 && !everyRow ? [] : staged.map((r, i) => [r, `_h${i}`]));
  const ruleFilter = (r: RowRule) => (r.stage === null || !flags.has(r) ? 'TRUE' : `r.${flags.get(r)!}`);
  const fileCols = ['row', ...KIND_SPECS[a.kind].columns.map((c) => c.key)];
  const memberSql = rowRules.map((r) => r.member ?? '').join(' ');
  const memberCols = ([['m_health', 'health'], ['m_grade', 'disability_grade'], ['m_dibao', 'dibao']] as const).filter(([k]) => memberSql.includes(`r.${k}`));
  const J = `SELECT ${everyRow ? 'r.name IS DISTINCT FROM m.name AS _renamed, ' : ''}${[...flags].map(([r, f]) => `(${r.stage}) AS ${f}, `).join('')}m.county_code AS m_county, m.id AS m_id, m.household_id AS m_household,
         ${[...memberCols.map(([k, c]) => `m.${c} AS ${k}`), ...['id_number', 'name', ...fileCols].map((c) => `r.${c}`)].join(', ')}
    FROM ${stage} r JOIN members m ON m.id_number = r.id_number AND m.left_at IS NULL
   WHERE ${everyRow ? '' : `(${hitSql}) AND `}${compared}`;
  // The counts' own join of the file with the compared members (`notCompared`: which members' households are left out).
  const countJoinSql = (notCompared: string) => `SELECT count(*)::int AS matched, count(*) FILTER (WHERE r.name IS DISTINCT FROM m.name)::int AS renamed
         FROM ${stage} r JOIN members m ON m.id_number = r.id_number AND m.left_at IS NULL WHERE ${notCompared}`;
  const countSql = everyRow ? `SELECT count(*)::int AS matched, count(*) FILTER (WHERE _renamed)::int AS renamed FROM ${match}` : countJoinSql(compared);

  const P: unknown[] = [];
  const branches: string[] = [];
  for (const r of rowRules) {
    branches.push(`(SELECT DISTINCT ON (r.id_number) r.m_county, r.m_household, r.m_id, r.id_number, r.name, '${r.code}', '${r.code}:${Y}', ${Y},
              ${ev}${r.extra ? ` || ${r.extra}` : ''}
         FROM ${match} r WHERE ${ruleFilter(r)} AND ${r.member ?? 'TRUE'} ORDER BY r.id_number, ${r.order ?? 'r.row'})`);
  }
  for (const g of groupRules) {
    branches.push(`SELECT g.m_county, g.m_household, g.m_id, g.id_number, g.name, '${g.code}', '${g.code}:' || g.y, g.y,
              jsonb_build_object('结算年度', g.y, '个人自付合计', g.oop, '政策范围内费用合计', g.policy, '三重保障支付合计', g.paid,
                                 '实际报销比例', CASE WHEN g.policy > 0 THEN round(g.paid / g.policy, 4) END, '结算记录', g.rows)
         FROM g WHERE ${g.cond}`);
  }
  if (dibaoNotRegistered) {
    const p = dibaoNotRegistered.params;
    const fscope = scopeSql(ctx.actor, ROUTE_SQL('x'), P);
    branches.push(`SELECT x.county_code, NULL::uuid, NULL::uuid, x.id_number, x.name, 'DIBAO_NOT_REGISTERED', 'DIBAO_NOT_REGISTERED:${Y}', ${Y}, x.evidence FROM (
         SELECT DISTINCT ON (r.id_number)
                CASE WHEN left(r.id_number, 6) = ANY (${lit(LANZHOU_COUNTIES)}) THEN left(r.id_number, 6) ELSE '${OUTSIDE_COUNTY}' END AS county_code,
                NULL::varchar(12) AS village_code, r.id_number, r.name, ${ev} AS evidence
           FROM ${stage} r
          WHERE r.assistance = ${lit(p.assistance)} AND r.dibao_class = ANY (${lit(p.classes)}) AND ${active}
            AND NOT EXISTS (SELECT 1 FROM members m JOIN households h ON h.county_code = m.county_code AND h.id = m.household_id
                             WHERE m.id_number = r.id_number AND m.left_at IS NULL AND h.poverty_status <> '已剔除')
          ORDER BY r.id_number, r.row) x
        WHERE ${fscope}`);
  }

  // PostgreSQL, when the counts need a join of their own: a second connection runs it in this
  // transaction's snapshot (exported here, so both see the same registry) while this one builds the
  // match and writes the findings. It cannot see this transaction's work tables: the households not
  // compared are its own anti-join.
  let countsLater: Promise<{ ok: Counts } | { err: unknown }> | null = null;
  if (!everyRow && a.countsDb) {
    const [{ snap }] = (await tx.query<{ snap: string }>('SELECT pg_export_snapshot() AS snap')) as [{ snap: string }];
    const bp: unknown[] = [];
    const notCompared = excluded
      ? `NOT EXISTS (SELECT 1 FROM households x WHERE x.county_code = m.county_code AND x.id = m.household_id AND (x.poverty_status = '已剔除' OR NOT (${scopeSql(ctx.actor, 'x.village_code', bp)})))`
      : 'TRUE';
    countsLater = a.countsDb.transaction(async (b) => {
      await b.execute('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ');
      await b.execute(`SET TRANSACTION SNAPSHOT ${lit(snap)}`);
      await b.execute('SET LOCAL jit = off');
      // One core's work: the other is writing the findings. With parallel workers it competed with
      // them and the two took longer together (2.3 s against 2.0 s for a 1M-row file).
      await b.execute('SET LOCAL max_parallel_workers_per_gather = 0');
      return ((await b.query<Counts>(countJoinSql(notCompared), bp)) as [Counts])[0];
    }).then((ok) => ({ ok }), (err: unknown) => ({ err }));
  }
  await tx.execute(`${a.match.create}${a.match.onCommit} AS ${J}`);
  // Its row count and columns for the rules' plan (a few percent of the file: the join with
  // households below is a hash join, not one index probe per finding).
  await tx.execute('SET LOCAL default_statistics_target = 10');
  await tx.execute(`ANALYZE ${match}`);
  await tx.execute('RESET default_statistics_target');
  mark('match');
  const countsNow = countsLater ? null : ((await tx.query<Counts>(countSql)) as [Counts])[0];
  mark('counts of the match');

  // Every rule in one statement, reading cmp_j, and its findings upserted into comparison_findings
  // (unique per county, code, ID number and rule key, so a re-run updates instead of duplicating;
  // new ids from one newId() and the row's ordinal). Households are joined only for the findings.
  // The rules applied are stored once, on the dataset (comparison_datasets.rules); a finding's rule
  // is its last dataset's (its own column stays null).
  const ruleJson: Record<string, unknown> = {};
  const opens: Record<string, string> = {};
  for (const r of a.rules) {
    ruleJson[r.id] = { id: r.id, title: r.title, params: r.params, effectiveFrom: r.effectiveFrom, source: r.source };
    opens[r.id] = RULES[r.id].opens;
  }
  // A kind compared for the first time has no findings to meet, so they are inserted without ON
  // CONFLICT (whose speculative insertion costs a third more). The kind's lock, taken before the
  // match, keeps another comparison of the kind from adding findings in between.
  const [{ seen }] = (await tx.query<{ seen: boolean }>('SELECT EXISTS (SELECT 1 FROM comparison_datasets WHERE kind = $1) AS seen', [a.kind])) as [{ seen: boolean }];
  const ids = idRange();
  const n = P.length;
  const $ = (i: number) => `$${n + i}`;
  // The counts by rule come back from the insert (RETURNING), new ones being those this dataset first found.
  const counts = branches.length === 0 ? [] : await tx.query<{ code: string; n: number; fresh: number }>(
      `WITH ${groupRules.length ? `g AS (SELECT r.id_number, COALESCE(r.settle_year, ${Y}) AS y, r.m_county, r.m_household, r.m_id, min(r.name) AS name,
                   sum(r.out_of_pocket) AS oop, sum(r.policy_cost) AS policy, sum(r.basic_paid + r.serious_paid + r.aid_paid) AS paid,
                   jsonb_agg(${ev} ORDER BY r.row) AS rows
              FROM ${match} r GROUP BY 1, 2, 3, 4, 5),
      ` : ''}ins AS (INSERT INTO comparison_findings AS f (county_code, id, kind, code, rule_key, year, id_number, name, household_id, household_number, member_id,
              village_code, rule, evidence, status, opens, dataset_id, first_dataset_id, last_dataset_id)
       SELECT c.county_code, ${idRangeSql(n + 4, n + 5)}, ${$(1)}, c.code, c.rule_key, c.year, c.id_number, c.name, c.household_id, h.household_number, c.member_id,
              h.village_code, NULL, c.evidence, 'open', ${$(2)}::jsonb ->> c.code, ${$(3)}, ${$(3)}, ${$(3)}
         FROM (${branches.join('\n        UNION ALL\n        ')}) AS c (county_code, household_id, member_id, id_number, name, code, rule_key, year, evidence)
         LEFT JOIN households h ON h.county_code = c.county_code AND h.id = c.household_id
       ${seen ? `ON CONFLICT (county_code, code, id_number, rule_key) DO UPDATE SET
              evidence = EXCLUDED.evidence, rule = NULL, name = EXCLUDED.name, household_id = EXCLUDED.household_id,
              household_number = EXCLUDED.household_number, member_id = EXCLUDED.member_id, village_code = EXCLUDED.village_code,
              last_dataset_id = EXCLUDED.last_dataset_id,
              status = CASE WHEN f.status = 'closed' THEN 'open' ELSE f.status END,
              closed_at = CASE WHEN f.status = 'closed' THEN NULL ELSE f.closed_at END,
              closed_by_dataset_id = CASE WHEN f.status = 'closed' THEN NULL ELSE f.closed_by_dataset_id END,
              version = f.version + 1, updated_at = now()` : ''}
       RETURNING f.code, f.first_dataset_id = ${$(3)} AS fresh)
       SELECT code, count(*)::int AS n, count(*) FILTER (WHERE fresh)::int AS fresh FROM ins GROUP BY code ORDER BY code`,
      [...P, a.kind, JSON.stringify(opens), datasetId, ids.prefix, ids.base],
    );
  mark('rules + insert findings');
  let counted = countsNow;
  if (!counted) {
    const r = await countsLater!;
    if ('err' in r) throw r.err;
    counted = r.ok;
  }
  const { matched, renamed } = counted;
  mark('counts (second connection)');
  const issues: RowIssue[] = renamed === 0 ? [] : (await tx.query<{ row: number; name: string; id_number: string }>(
    `SELECT s.row, s.name, s.id_number FROM ${stage} s JOIN members m ON m.id_number = s.id_number AND m.left_at IS NULL
      WHERE ${compared} AND s.name IS DISTINCT FROM m.name ORDER BY s.row LIMIT ${MAX_LISTED}`,
  )).map((r) => ({
    row: r.row, column: '姓名', value: r.name, code: 'NAME_MISMATCH',
    message: `证件号码 ${r.id_number.slice(0, 6)}********${r.id_number.slice(14)} 在建档立卡中登记的姓名与文件中的「${r.name}」不一致，请核实`,
  }));
  mark('name check');
  // Open findings of the kind and year in scope that this dataset no longer shows are closed (a
  // kind compared for the first time has none).
  const cp: unknown[] = [a.kind, a.year, datasetId];
  const closeScope = scopeSql(ctx.actor, ROUTE_SQL('f'), cp);
  // They are found through their last dataset, one of the kind's earlier ones (a finding's code
  // belongs to one kind): the index on last_dataset_id, dataset by dataset (OFFSET 0 keeps each a
  // lookup; the planner cannot know that a re-run leaves few findings with an earlier last
  // dataset), reads the kind's findings this dataset did not meet instead of every kind's
  // findings: 0.37 s -> 0.02 s with 2M findings in the table.
  const closed = !seen ? 0 : await tx.execute(
    `UPDATE comparison_findings f SET status = 'closed', closed_at = now(), closed_by_dataset_id = $3, version = f.version + 1, updated_at = now()
       FROM (SELECT x.county_code, x.id FROM comparison_datasets d
               CROSS JOIN LATERAL (SELECT x.county_code, x.id FROM comparison_findings x
                                    WHERE x.last_dataset_id = d.id AND x.kind = $1 AND x.year = $2 AND x.status = 'open' OFFSET 0) x
              WHERE d.kind = $1 AND d.id <> $3) c
      WHERE f.county_code = c.county_code AND f.id = c.id AND ${closeScope}
        -- Again on f itself: a finding a cadre confirms meanwhile is re-checked in its new version
        -- (READ COMMITTED), and stays confirmed.
        AND f.kind = $1 AND f.year = $2 AND f.status = 'open' AND f.last_dataset_id <> $3`, cp,
  );
  mark('close');
  const byCode: Record<string, number> = {};
  let totalF = 0;
  let fresh = 0;
  for (const c of counts) {
    byCode[c.code] = c.n;
    totalF += c.n;
    fresh += c.fresh;
  }
  const summary: CompareSummary = {
    rows: { total: a.total, accepted: a.accepted, rejected: a.rejectedCount, matched },
    findings: { total: totalF, new: fresh, seen: totalF - fresh, closed },
    byCode,
  };
  await tx.execute(
    `INSERT INTO comparison_datasets (id, kind, year, purpose, authorisation, file_name, file_hash, uploaded_by, uploader, scope_code,
        rows_total, rows_accepted, rows_rejected, rows_matched, findings_new, findings_seen, findings_closed, rejected, issues, columns, summary, rules)
     VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,$17,$18,$19,$20,$21,$22)`,
    [datasetId, a.kind, a.year, a.purpose, a.authorisation, a.fileName, a.hash, ctx.actor.id, ctx.actor.username, ctx.actor.regionCode,
      a.total, a.accepted, a.rejectedCount, matched, fresh, totalF - fresh, closed,
      JSON.stringify(a.rejected), JSON.stringify(issues), JSON.stringify(a.columns), JSON.stringify(summary), JSON.stringify(ruleJson)],
  );
  await audit(tx, ctx.actor, ctx.requestId, {
    action: 'comparison.run', targetType: 'comparison_dataset', targetId: datasetId,
    details: { kind: a.kind, year: a.year, purpose: a.purpose, authorisation: a.authorisation, fileName: a.fileName, fileHash: a.hash, ...summary },
  });
  mark('dataset + audit');
  return { ok: true, datasetId, kind: a.kind, year: a.year, columns: a.columns, rejected: a.rejected, issues, ...summary };
}
