import type { Actor } from '../../core/context.js';
import { csvField } from '../../core/db.js';
import { newId } from '../../core/ids.js';
import { actorCovers } from '../access/scope.js';
import { HOUSEHOLD_COLUMNS, INCOME_COLUMNS, MEMBER_COLUMNS } from './service.js';
import { validateHousehold, validateIncome, validateMember, type HouseholdValues, type IncomeValues, type MemberValues } from './validate.js';
import { HOUSEHOLD_SHEET, MEMBER_SHEET } from './workbook/columns.js';
import type { FileIssue, RawRow } from './workbook/types.js';

/**
 * The per-row half of an import: each row of the file validated and turned into a CSV line for
 * the staging tables. Pure of I/O, so it runs in the import's own thread or in a worker thread
 * (import-worker.ts) while the main thread COPYs the lines already made.
 */

export interface ImportError {
  sheet: string | null;
  row: number | null;
  column: string | null;
  value: string | null;
  code: string;
  message: string;
}

export const H_KEYS = Object.keys(HOUSEHOLD_COLUMNS) as (keyof HouseholdValues)[];
export const I_KEYS = Object.keys(INCOME_COLUMNS) as (keyof IncomeValues)[];
export const M_KEYS = Object.keys(MEMBER_COLUMNS) as (keyof MemberValues)[];

export const STAGE_H_COLS = ['row', 'id', 'event_id', 'county_code', 'ok', ...H_KEYS.map((k) => HOUSEHOLD_COLUMNS[k]), ...I_KEYS.map((k) => 'inc_' + INCOME_COLUMNS[k])];
export const STAGE_M_COLS = ['row', 'id', 'household_id', 'county_code', 'household_number', 'relation_raw', 'ok', ...M_KEYS.map((k) => MEMBER_COLUMNS[k])];

/**
 * A flat copy of a string. The file readers hand out slices of large decoded chunks, and V8
 * keeps a whole chunk alive for as long as any slice of it is referenced; anything an import
 * keeps until the end (error values, the household map) is copied so memory stays bounded.
 */
export function own(s: string): string;
export function own(s: string | null): string | null;
export function own(s: string | null): string | null {
  return s === null ? null : Buffer.from(s, 'utf8').toString('utf8');
}

function pgArray(a: string[]): string {
  return '{' + a.map((s) => '"' + s.replace(/["\\]/g, (c) => '\\' + c) + '"').join(',') + '}';
}

/** Staging lines are handed over in pieces of about this many bytes. */
export const STAGE_CHUNK_BYTES = 4 * 1024 * 1024;

/**
 * Staging CSV lines, encoded to UTF-8 as they are made into one growing buffer outside the
 * JavaScript heap: a line is garbage as soon as it is written (the collector never copies it
 * around), and a worker hands the whole buffer over without copying it.
 */
class LineBuffer {
  private buf: Buffer = Buffer.alloc(0);
  bytes = 0;

  /** One line: its fields as CSV, joined (the line break is written here, as a byte). */
  push(fields: string): void {
    // A UTF-16 code unit is at most 3 bytes of UTF-8.
    if (this.bytes + fields.length * 3 + 1 > this.buf.length) this.grow(this.bytes + fields.length * 3 + 1);
    this.bytes += this.buf.write(fields, this.bytes);
    this.buf[this.bytes++] = 10;
  }

  /** The lines since the last call; the buffer is the caller's (an empty one when none). */
  take(): Uint8Array {
    const out = new Uint8Array(this.buf.buffer, this.buf.byteOffset, this.bytes);
    this.buf = Buffer.alloc(0);
    this.bytes = 0;
    return out;
  }

  private grow(need: number): void {
    // Its own ArrayBuffer (never Node's shared pool), so that it can be transferred.
    const next = Buffer.from(new ArrayBuffer(Math.max(need, this.buf.length * 2, STAGE_CHUNK_BYTES + (STAGE_CHUNK_BYTES >> 2))));
    this.buf.copy(next, 0, 0, this.bytes);
    this.buf = next;
  }
}

export class Stager {
  /** Lines for stage_h and stage_m not handed over yet. */
  private readonly h = new LineBuffer();
  private readonly m = new LineBuffer();
  read = 0;
  sawH = false;
  sawM = false;

  constructor(
    private readonly villages: Set<string>,
    private readonly actor: Actor,
    private readonly onError: (e: ImportError) => void,
    private readonly onWarning: (e: ImportError) => void,
  ) {}

  /** Bytes of stage_h and stage_m lines not handed over yet. */
  get hBytes(): number {
    return this.h.bytes;
  }

  get mBytes(): number {
    return this.m.bytes;
  }

  take(item: RawRow | FileIssue): void {
    if ('severity' in item) {
      const issue = item as FileIssue;
      const e: ImportError = { sheet: issue.sheet, row: issue.row, column: issue.column, value: issue.value, code: issue.code, message: issue.message };
      if (issue.severity === 'warning') this.onWarning({ ...e, value: own(e.value) });
      else this.onError(e);
      return;
    }
    const row = item as RawRow;
    this.read++;
    if (row.sheet === HOUSEHOLD_SHEET) {
      this.sawH = true;
      this.h.push(this.household(row));
    } else if (row.sheet === MEMBER_SHEET) {
      this.sawM = true;
      this.m.push(this.member(row));
    }
  }

  /** The stage_h lines made since the last call, as UTF-8 CSV (empty when none). */
  takeH(): Uint8Array {
    return this.h.take();
  }

  takeM(): Uint8Array {
    return this.m.take();
  }

  private household(row: RawRow): string {
    const flagged = row.flagged ?? [];
    const at = (column: string | null, value: string | null, code: string, message: string) => {
      // A cell the file layer already reported (formula, too long …) gets no second message.
      if (column && flagged.includes(column)) return;
      this.onError({ sheet: HOUSEHOLD_SHEET, row: row.row, column, value, code, message });
    };
    const h = validateHousehold(row.values, 'column', row.numeric);
    for (const e of h.errors) at(e.column, e.value, e.code, e.message);
    const inc = validateIncome(row.values, 'column');
    for (const e of inc.errors) at(e.column, e.value, e.code, e.message);
    let ok = !!h.value && inc.errors.length === 0;
    if (h.value) {
      const v = h.value.villageCode;
      if (!this.villages.has(v)) {
        at('行政区划代码', v, 'REGION_NOT_FOUND', `行政区划代码 ${v} 不存在（请先导入村级区划）`);
        ok = false;
      } else if (!actorCovers(this.actor, v)) {
        at('行政区划代码', v, 'OUT_OF_SCOPE', '该村不在您的辖区内');
        ok = false;
      }
    }
    const hv = h.value;
    const number = hv?.householdNumber ?? (row.values['户编号'] ?? '').trim();
    const iv = inc.value;
    const county = hv ? hv.villageCode.slice(0, 6) : null;
    const values: unknown[] = [row.row, newId(), newId(), county, ok];
    for (const k of H_KEYS) {
      if (k === 'householdNumber') values.push(number || null);
      else if (!hv) values.push(null);
      else if (k === 'otherCauses') values.push(pgArray(hv.otherCauses));
      else values.push(hv[k]);
    }
    for (const k of I_KEYS) values.push(iv ? iv[k] : null);
    return values.map(csvField).join(',');
  }

  private member(row: RawRow): string {
    const m = validateMember(row.values, 'column', row.numeric);
    const flagged = row.flagged ?? [];
    for (const e of m.errors) {
      if (flagged.includes(e.column)) continue;
      this.onError({ sheet: MEMBER_SHEET, row: row.row, column: e.column, value: e.value, code: e.code, message: e.message });
    }
    const number = (row.values['户编号'] ?? '').trim();
    if (!number) this.onError({ sheet: MEMBER_SHEET, row: row.row, column: '户编号', value: '', code: 'REQUIRED', message: '「户编号」不能为空' });
    const mv = m.value;
    // The household's id and county are taken from stage_h in SQL (the members may be read
    // before, after or beside their households).
    const values: unknown[] = [row.row, newId(), null, null, number || null, (row.values['与户主关系'] ?? '').trim(), !!mv && !!number];
    for (const k of M_KEYS) values.push(mv ? mv[k] : null);
    return values.map(csvField).join(',');
  }
}
