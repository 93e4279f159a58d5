import { audit } from '../../core/audit.js';
import type { Ctx } from '../../core/context.js';
import type { Queryable } from '../../core/db.js';
import { ValidationError } from '../../core/errors.js';
import {
  BUILTIN_EFFECTIVE_FROM,
  BUILTIN_REGIONS,
  BUILTIN_SOURCE,
  normalizeRegionCode,
  parentCode,
  regionLevel,
  type RegionLevel,
} from '../../domain/regions.js';
import { assertCan } from '../access/policy.js';
import { scopeSql, significantPrefix } from '../access/scope.js';

export interface Region {
  code: string;
  name: string;
  level: RegionLevel;
  parentCode: string | null;
  poorCounty: boolean;
  poorVillage: boolean;
  synthetic: boolean;
  effectiveFrom: string;
  effectiveTo: string | null;
}

interface RegionRow {
  code: string; name: string; level: RegionLevel; parent_code: string | null; poor_county: boolean; poor_village: boolean;
  synthetic: boolean; effective_from: string; effective_to: string | null;
}

const toRegion = (r: RegionRow): Region => ({
  code: r.code, name: r.name, level: r.level, parentCode: r.parent_code, poorCounty: r.poor_county, poorVillage: r.poor_village,
  synthetic: r.synthetic, effectiveFrom: r.effective_from, effectiveTo: r.effective_to,
});

export async function getRegion(q: Queryable, code: string): Promise<Region | null> {
  const rows = await q.query<RegionRow>('SELECT * FROM regions WHERE code = $1', [code]);
  return rows[0] ? toRegion(rows[0]) : null;
}

/** Built-in: Gansu, Lanzhou, its counties and the 2018 townships of the four poor counties. */
export async function ensureBuiltinRegions(q: Queryable): Promise<number> {
  let n = 0;
  for (const r of BUILTIN_REGIONS) {
    n += await q.execute(
      `INSERT INTO regions (code, name, level, parent_code, poor_county, effective_from, source)
       VALUES ($1,$2,$3,$4,$5,$6,$7) ON CONFLICT (code) DO NOTHING`,
      [r.code, r.name, r.level, r.parentCode, r.poorCounty ?? false, BUILTIN_EFFECTIVE_FROM, BUILTIN_SOURCE],
    );
  }
  return n;
}

export interface RegionImportRow {
  row: number;
  code: string;
  name: string;
  poorVillage?: string;
}

export interface RegionImportError {
  row: number;
  column: string;
  value: string;
  code: string;
  message: string;
}

/**
 * `tuopin regions import`: codes of 12 digits; level and parent follow from the code. Existing
 * regions are updated (so a file may repeat built-in counties and townships and re-running is
 * harmless). All or nothing: any bad row rejects the file.
 */
export async function importRegions(ctx: Ctx, rows: RegionImportRow[], opts: { synthetic?: boolean; effectiveFrom?: string; source?: string } = {}) {
  assertCan(ctx.actor, 'regions.write');
  const errors: RegionImportError[] = [];
  const parsed: { code: string; name: string; level: RegionLevel; parent: string | null; poor: boolean | null; row: number }[] = [];
  const seen = new Map<string, number>();
  for (const r of rows) {
    const raw = r.code.trim();
    const code = /^\d{12}$/.test(raw) ? normalizeRegionCode(raw) : null;
    if (!code) {
      errors.push({ row: r.row, column: '区划代码', value: r.code, code: 'REGION_CODE', message: '区划代码必须是 12 位数字' });
      continue;
    }
    const name = r.name.trim();
    if (!name) {
      errors.push({ row: r.row, column: '名称', value: r.name, code: 'REQUIRED', message: '名称不能为空' });
      continue;
    }
    let poor: boolean | null = null;
    const pv = (r.poorVillage ?? '').trim();
    if (pv === '是') poor = true;
    else if (pv === '否') poor = false;
    else if (pv !== '') {
      errors.push({ row: r.row, column: '是否贫困村', value: pv, code: 'YES_NO', message: '只能填「是」或「否」' });
      continue;
    }
    const level = regionLevel(code);
    if (poor && level !== 'village') {
      errors.push({ row: r.row, column: '是否贫困村', value: pv, code: 'NOT_VILLAGE', message: '只有村级区划可标为贫困村' });
      continue;
    }
    const prev = seen.get(code);
    if (prev !== undefined) {
      errors.push({ row: r.row, column: '区划代码', value: code, code: 'DUPLICATE', message: `与第 ${prev} 行重复` });
      continue;
    }
    seen.set(code, r.row);
    parsed.push({ code, name, level, parent: parentCode(code), poor, row: r.row });
  }
  if (errors.length) return { ok: false as const, errors };
  return ctx.db.transaction(async (tx) => {
    // Parents must exist already or come in the same file.
    const inFile = new Set(parsed.map((p) => p.code));
    const existing = new Set(
      (await tx.query<{ code: string }>('SELECT code FROM regions')).map((r) => r.code),
    );
    for (const p of parsed) {
      if (p.parent && p.level !== 'province' && !inFile.has(p.parent) && !existing.has(p.parent)) {
        errors.push({ row: p.row, column: '区划代码', value: p.code, code: 'NO_PARENT', message: `上级区划 ${p.parent} 不存在，请先导入上级` });
      }
    }
    if (errors.length) return { ok: false as const, errors };
    // Parents first, so the tree is consistent at every step.
    const order: RegionLevel[] = ['province', 'city', 'county', 'township', 'village'];
    parsed.sort((a, b) => order.indexOf(a.level) - order.indexOf(b.level));
    let created = 0;
    let updated = 0;
    for (const p of parsed) {
      const had = existing.has(p.code);
      await tx.execute(
        `INSERT INTO regions (code, name, level, parent_code, poor_village, synthetic, effective_from, source)
         VALUES ($1,$2,$3,$4,COALESCE($5,false),$6,$7,$8)
         ON CONFLICT (code) DO UPDATE SET name = EXCLUDED.name,
           poor_village = COALESCE($5, regions.poor_village)`,
        [p.code, p.name, p.level, p.parent, p.poor, opts.synthetic ?? false, opts.effectiveFrom ?? BUILTIN_EFFECTIVE_FROM, opts.source ?? 'tuopin regions import'],
      );
      if (had) updated++;
      else created++;
    }
    await audit(tx, ctx.actor, ctx.requestId, { action: 'regions.import', details: { created, updated, rows: parsed.length } });
    return { ok: true as const, created, updated };
  });
}

/** Every region in the actor's scope (its subtree and the chain of ancestors above it). */
export async function listScopeRegions(ctx: Ctx, opts: { maxLevel?: RegionLevel } = {}): Promise<Region[]> {
  assertCan(ctx.actor, 'regions.read');
  const params: unknown[] = [];
  const cond = scopeSql(ctx.actor, 'code', params);
  const levels: RegionLevel[] = ['province', 'city', 'county', 'township', 'village'];
  const max = levels.indexOf(opts.maxLevel ?? 'village');
  params.push(levels.slice(0, max + 1));
  const rows = await ctx.db.query<RegionRow>(
    `SELECT * FROM regions WHERE ${cond} AND level = ANY($${params.length}) AND (effective_to IS NULL OR effective_to > CURRENT_DATE) ORDER BY code`,
    params,
  );
  return rows.map(toRegion);
}

export async function childrenOf(ctx: Ctx, parent: string): Promise<Region[]> {
  assertCan(ctx.actor, 'regions.read');
  const p = significantPrefix(ctx.actor.regionCode);
  if (!parent.startsWith(p) && !p.startsWith(significantPrefix(parent))) return [];
  const rows = await ctx.db.query<RegionRow>('SELECT * FROM regions WHERE parent_code = $1 ORDER BY code', [parent]);
  return rows.map(toRegion).filter((r) => r.code.startsWith(p));
}

export function validateRegionCode(raw: string): string {
  const code = normalizeRegionCode(raw);
  if (!code) throw new ValidationError(`区划代码「${raw}」格式不正确`, { field: 'regionCode', value: raw });
  return code;
}
