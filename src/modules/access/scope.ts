import type { Actor } from '../../core/context.js';

/**
 * Region scope as ranges of 12-digit codes. Codes are hierarchical (province 2 digits, city 4,
 * county 6, township 9, village 12), so a subtree is one contiguous range: `code BETWEEN lo AND
 * hi`, which a plain btree index answers on both engines.
 */
export function significantPrefix(code12: string): string {
  if (/^0+$/.test(code12)) return '';
  if (code12.endsWith('0000000000')) return code12.slice(0, 2);
  if (code12.endsWith('00000000')) return code12.slice(0, 4);
  if (code12.endsWith('000000')) return code12.slice(0, 6);
  if (code12.endsWith('000')) return code12.slice(0, 9);
  return code12;
}

export function subtreeRange(code12: string): { lo: string; hi: string } {
  const p = significantPrefix(code12);
  return { lo: p.padEnd(12, '0'), hi: p.padEnd(12, '9') };
}

export function inSubtree(root12: string, code12: string): boolean {
  return code12.startsWith(significantPrefix(root12));
}

/** The actor's scope contains this region. */
export function actorCovers(actor: Actor, code12: string): boolean {
  return inSubtree(actor.regionCode, code12);
}

/**
 * A SQL condition restricting `column` (a 12-digit village code column) to the actor's subtree,
 * appended to `params`. Returns 'TRUE' for whole-country scope.
 */
export function scopeSql(actor: Actor, column: string, params: unknown[]): string {
  const p = significantPrefix(actor.regionCode);
  if (p === '') return 'TRUE';
  const { lo, hi } = subtreeRange(actor.regionCode);
  params.push(lo, hi);
  return `${column} BETWEEN $${params.length - 1} AND $${params.length}`;
}
