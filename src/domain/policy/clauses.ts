/**
 * Seed clause references ('二', '二(二)', '二(二)1') and how to find a clause in the policy
 * text, so that a page can show the words a rule rests on and tests can check citations.
 * Pure: the caller passes the text.
 */

export interface ClauseRef {
  /** 一 … 五: the part (一、总体要求 …). */
  part: string;
  /** (一) … (八) inside the part, or null. */
  section: string | null;
  /** 1 … 6 inside the section, or null. */
  item: number | null;
}

const NUMERALS = '一二三四五六七八九十';
const CLAUSE_RE = new RegExp(`^([${NUMERALS}]+)(?:\\(([${NUMERALS}]+)\\)(\\d+)?)?$`);

/** Parse '二(二)1' into its parts; null when the string is not a seed clause reference. */
export function parseClause(clause: string): ClauseRef | null {
  const m = CLAUSE_RE.exec(clause.trim().replace(/（/g, '(').replace(/）/g, ')'));
  if (!m) return null;
  const part = m[1] ?? '';
  return { part, section: m[2] ?? null, item: m[3] === undefined ? null : Number(m[3]) };
}

export function isSeedClause(clause: string): boolean {
  return parseClause(clause) !== null;
}

function lines(text: string): string[] {
  return text.replace(/\r\n?/g, '\n').split('\n');
}

const PART_HEAD = new RegExp(`^\\s*[${NUMERALS}]+、`);
const SECTION_HEAD = new RegExp(`^\\s*[(（][${NUMERALS}]+[)）]`);
const ITEM_HEAD = /^\s*\d+[.．、]/;

/** Index range [start, end) of the lines after `from` up to the next head matching `stop`. */
function block(all: string[], from: number, to: number, start: RegExp, stop: RegExp[]): [number, number] | null {
  const begin = all.findIndex((l, i) => i >= from && i < to && start.test(l));
  if (begin === -1) return null;
  let end = to;
  for (let i = begin + 1; i < to; i++) {
    const l = all[i] ?? '';
    if (stop.some((r) => r.test(l))) {
      end = i;
      break;
    }
  }
  return [begin, end];
}

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * The text of a clause of the seed (heading included), or null when the clause does not exist in
 * `text`. '二' is the whole part, '二(二)' the section, '二(二)1' the numbered item.
 */
export function clauseText(text: string, clause: string): string | null {
  const ref = parseClause(clause);
  if (!ref) return null;
  const all = lines(text);
  const part = block(all, 0, all.length, new RegExp(`^\\s*${ref.part}、`), [PART_HEAD]);
  if (!part) return null;
  let [from, to] = part;
  if (ref.section !== null) {
    const sec = block(all, from, to, new RegExp(`^\\s*[(（]${ref.section}[)）]`), [SECTION_HEAD, PART_HEAD]);
    if (!sec) return null;
    [from, to] = sec;
    if (ref.item !== null) {
      const item = block(all, from, to, new RegExp(`^\\s*${escape(String(ref.item))}[.．、]`), [ITEM_HEAD, SECTION_HEAD]);
      if (!item) return null;
      [from, to] = item;
    }
  }
  return all.slice(from, to).join('\n').trim();
}
