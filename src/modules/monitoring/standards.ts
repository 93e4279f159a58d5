import { audit } from '../../core/audit.js';
import type { Ctx } from '../../core/context.js';
import type { Queryable } from '../../core/db.js';
import { ConflictError, ValidationError } from '../../core/errors.js';
import {
  BUILTIN_STANDARDS, isStandardKind, standardEntryErrors, standardsFor, STANDARD_KINDS,
  type StandardKindCode, type StandardsForYear, type StandardValue,
} from '../../domain/standards.js';
import { assertCan } from '../access/policy.js';

/**
 * Standards by year: the `standards` table seeded with DOMAIN.md's values (never overwriting an
 * edit), read by `getStandards(db, year)` for the exit checks, the scan and the review workflows,
 * and edited by the city office with its source (audited, before and after).
 */

type Row = Record<string, unknown>;

export interface StandardRow extends StandardValue {
  title: string;
  enteredBy: string;
  effective: string;
  version: number;
  updatedAt: string;
}

function toRow(r: Row): StandardRow {
  const kind = r.kind as StandardKindCode;
  return {
    kind, title: STANDARD_KINDS[kind]?.title ?? kind, year: r.year as number, value: Number(r.value), unit: r.unit as string,
    source: r.source as string, verified: r.verified as boolean, note: (r.note as string) ?? null, enteredBy: r.entered_by as string,
    effective: r.effective as string, version: r.version as number,
    updatedAt: r.updated_at instanceof Date ? r.updated_at.toISOString() : String(r.updated_at),
  };
}

/** Inserts the built-in values that are missing; an edited or entered value is left alone. */
export async function seedStandards(tx: Queryable): Promise<void> {
  for (const s of BUILTIN_STANDARDS) {
    await tx.execute(
      `INSERT INTO standards (kind, year, value, unit, source, verified, note, entered_by, effective)
       VALUES ($1,$2,$3,$4,$5,$6,$7,'builtin',$8) ON CONFLICT (kind, year) DO NOTHING`,
      [s.kind, s.year, s.value, s.unit, s.source, s.verified, s.note, `${s.year}-01-01`],
    );
  }
}

/** The standards in force for `year` (each kind's row; a kind without a value is absent). */
export async function getStandards(db: Queryable, year: number): Promise<StandardsForYear> {
  const rows = await db.query<Row>('SELECT * FROM standards WHERE year <= $1', [year]);
  return standardsFor(rows.map(toRow), year);
}

/** The standards in force for each of `years`, read in one query (the scan needs three years). */
export async function getStandardsForYears(db: Queryable, years: readonly number[]): Promise<StandardsForYear[]> {
  const rows = (await db.query<Row>('SELECT * FROM standards WHERE year <= $1', [Math.max(...years)])).map(toRow);
  return years.map((y) => standardsFor(rows, y));
}

export async function listStandards(ctx: Ctx, q: { kind?: string } = {}): Promise<{ items: StandardRow[]; kinds: typeof STANDARD_KINDS }> {
  assertCan(ctx.actor, 'standards.read');
  const rows = q.kind
    ? await ctx.db.query<Row>('SELECT * FROM standards WHERE kind = $1 ORDER BY year', [q.kind])
    : await ctx.db.query<Row>('SELECT * FROM standards ORDER BY kind, year');
  return { items: rows.map(toRow), kinds: STANDARD_KINDS };
}

export interface SetStandardInput {
  kind: string;
  year: number;
  value: number;
  source: string;
  verified?: boolean;
  note?: string | null;
  effective?: string;
  /** The row's version when changing an existing value (409 when stale). */
  version?: number;
}

/** Enter or change one value (city office). Bad input names the field; a stale version is 409. */
export async function setStandard(ctx: Ctx, input: SetStandardInput): Promise<StandardRow> {
  assertCan(ctx.actor, 'standards.write');
  const errors = standardEntryErrors(input);
  if (errors.length) {
    throw new ValidationError(errors.map((e) => e.message).join('；'), {
      errors: errors.map((e) => ({ field: e.field, value: String((input as unknown as Record<string, unknown>)[e.field] ?? ''), code: 'INVALID', message: e.message })),
    });
  }
  if (!isStandardKind(input.kind)) throw new ValidationError('标准类别无效');
  const kind = input.kind;
  const effective = input.effective ?? `${input.year}-01-01`;
  if (!/^\d{4}-\d{2}-\d{2}$/.test(effective)) {
    throw new ValidationError('生效日期应为 YYYY-MM-DD', { errors: [{ field: 'effective', value: effective, code: 'DATE', message: '生效日期应为 YYYY-MM-DD' }] });
  }
  return ctx.db.transaction(async (tx) => {
    const existing = (await tx.query<Row>('SELECT * FROM standards WHERE kind = $1 AND year = $2 FOR UPDATE', [kind, input.year]))[0];
    const by = ctx.actor.username;
    if (existing) {
      if (input.version === undefined) throw new ConflictError('该年度已有取值：修改时须带 version', { current: toRow(existing) }, 'VERSION_REQUIRED');
      if (existing.version !== input.version) throw new ConflictError('该标准已被他人修改，请刷新后重试', { currentVersion: existing.version, yourVersion: input.version }, 'STALE_VERSION');
      await tx.execute(
        `UPDATE standards SET value = $3, unit = $4, source = $5, verified = $6, note = $7, entered_by = $8, effective = $9, version = version + 1, updated_at = now()
          WHERE kind = $1 AND year = $2`,
        [kind, input.year, input.value, STANDARD_KINDS[kind].unit, input.source.trim(), input.verified ?? true, input.note ?? null, by, effective],
      );
    } else {
      await tx.execute(
        `INSERT INTO standards (kind, year, value, unit, source, verified, note, entered_by, effective) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9)`,
        [kind, input.year, input.value, STANDARD_KINDS[kind].unit, input.source.trim(), input.verified ?? true, input.note ?? null, by, effective],
      );
    }
    const after = toRow((await tx.query<Row>('SELECT * FROM standards WHERE kind = $1 AND year = $2', [kind, input.year]))[0]!);
    await audit(tx, ctx.actor, ctx.requestId, {
      action: existing ? 'standard.update' : 'standard.create', targetType: 'standard', targetId: `${kind}:${input.year}`,
      details: {
        before: existing ? { value: Number(existing.value), source: existing.source, verified: existing.verified } : null,
        after: { value: after.value, source: after.source, verified: after.verified },
      },
    });
    return after;
  });
}
