/**
 * A small streaming XML tokenizer for the parts of an .xlsx the reader scans itself (worksheets,
 * shared strings). It is fed decoded text in chunks of any size and calls open / close / text
 * with index ranges into the current chunk, so that the hot path makes no strings it does not
 * need. It understands what Excel, WPS, LibreOffice, openpyxl and exceljs write: namespace
 * prefixes (the subclass compares local names), self-closing tags, attribute values in either
 * quote, comments, processing instructions and CDATA. A DOCTYPE is refused (no entity
 * expansion), as is a tag longer than 1 MB.
 */

/** Longest tag, comment or processing instruction accepted (a cell tag is ~30 characters). */
const MAX_TAG = 1 << 20;

export abstract class XmlTokenizer {
  stopped = false;
  private carry = '';

  /**
   * A start tag: its name and attributes are s[from, to); `to` is before '/>' or '>', and the
   * tag ends at `after`. May return an index past `after` when it consumed what follows itself.
   */
  protected abstract open(s: string, from: number, to: number, selfClosing: boolean, after: number): number | void;
  /** An end tag: its name is s[from, to). */
  protected abstract close(s: string, from: number, to: number): void;
  /** Character data s[from, to), entities still encoded. */
  protected abstract text(s: string, from: number, to: number): void;
  /** The XML cannot be read; tokenizing has stopped. */
  protected abstract onMalformed(detail: string): void;

  write(chunk: string): void {
    if (this.stopped) return;
    const s = this.carry === '' ? chunk : this.carry + chunk;
    this.carry = '';
    const n = s.length;
    let i = 0;
    while (i < n && !this.stopped) {
      const lt = s.indexOf('<', i);
      if (lt === -1) {
        this.text(s, i, n);
        return;
      }
      if (lt > i) this.text(s, i, lt);
      const end = this.markup(s, lt);
      if (end === -1) {
        this.carry = s.slice(lt);
        if (this.carry.length > MAX_TAG) this.malformed('XML 标记过长');
        return;
      }
      i = end;
    }
  }

  end(): void {
    if (this.stopped) return;
    if (this.carry.trim() !== '') this.malformed('XML 不完整');
  }

  protected malformed(detail: string): void {
    this.stopped = true;
    this.onMalformed(detail);
  }

  /** Handles the markup starting at `lt`; returns the index after it, or -1 when incomplete. */
  private markup(s: string, lt: number): number {
    const n = s.length;
    if (lt + 1 >= n) return -1;
    const c1 = s.charCodeAt(lt + 1);
    if (c1 === 47 /* / */) {
      const gt = s.indexOf('>', lt + 2);
      if (gt === -1) return -1;
      this.close(s, lt + 2, gt);
      return gt + 1;
    }
    if (c1 === 63 /* ? */) {
      const e = s.indexOf('?>', lt + 2);
      return e === -1 ? -1 : e + 2;
    }
    if (c1 === 33 /* ! */) {
      if (lt + 9 > n) return -1;
      if (s.startsWith('<!--', lt)) {
        const e = s.indexOf('-->', lt + 4);
        return e === -1 ? -1 : e + 3;
      }
      if (s.startsWith('<![CDATA[', lt)) {
        const e = s.indexOf(']]>', lt + 9);
        if (e === -1) return -1;
        // CDATA is literal: escape it, as text() gets encoded text
        const escaped = escapeXml(s.slice(lt + 9, e));
        this.text(escaped, 0, escaped.length);
        return e + 3;
      }
      this.malformed('不支持的 XML 声明（DOCTYPE）');
      return n;
    }
    const gt = tagEnd(s, lt + 1);
    if (gt === -1) return -1;
    const selfClosing = s.charCodeAt(gt - 1) === 47;
    return this.open(s, lt + 1, selfClosing ? gt - 1 : gt, selfClosing, gt + 1) ?? gt + 1;
  }
}

export function isSpace(c: number): boolean {
  return c === 32 || c === 9 || c === 10 || c === 13;
}

/** Start of the local name of the tag name beginning at `from` (after any prefix). */
export function localStart(s: string, from: number, nameEnd: number): number {
  let start = from;
  for (let i = from; i < nameEnd; i++) if (s.charCodeAt(i) === 58 /* : */) start = i + 1;
  return start;
}

/** End of the tag name beginning at `from` (the first space, or `to`). */
export function nameEnd(s: string, from: number, to: number): number {
  let i = from;
  while (i < to && s.charCodeAt(i) > 32) i++;
  return i;
}

/** Whether s[start, end) is exactly `name`. */
export function isName(s: string, start: number, end: number, name: string): boolean {
  return end - start === name.length && s.startsWith(name, start);
}

/** Index of the '>' ending the start tag that begins at `from`, skipping quoted values. */
function tagEnd(s: string, from: number): number {
  const n = s.length;
  let i = from;
  while (i < n) {
    const c = s.charCodeAt(i);
    if (c === 62 /* > */) return i;
    if (c === 34 /* " */ || c === 39 /* ' */) {
      const q = s.indexOf(c === 34 ? '"' : "'", i + 1);
      if (q === -1) return -1;
      i = q + 1;
    } else i++;
  }
  return -1;
}

/**
 * Calls `each(nameStart, nameEnd, valueStart, valueEnd)` for the attributes in s[from, to)
 * (name by its local part, value still encoded).
 */
export function eachAttribute(
  s: string,
  from: number,
  to: number,
  each: (ns: number, ne: number, vs: number, ve: number) => void,
): void {
  let i = from;
  while (i < to) {
    if (s.charCodeAt(i) <= 32) {
      i++;
      continue;
    }
    const eq = s.indexOf('=', i);
    if (eq === -1 || eq >= to) return;
    let ne = eq;
    while (ne > i && s.charCodeAt(ne - 1) <= 32) ne--;
    const ns = localStart(s, i, ne);
    let q = eq + 1;
    while (q < to && s.charCodeAt(q) <= 32) q++;
    const quote = s.charCodeAt(q);
    if (quote !== 34 && quote !== 39) return;
    const close = s.indexOf(quote === 34 ? '"' : "'", q + 1);
    if (close === -1 || close >= to) return;
    each(ns, ne, q + 1, close);
    i = close + 1;
  }
}

/** Value of attribute `name` (matched by local name) in s[from, to), decoded, or null. */
export function attr(s: string, from: number, to: number, name: string): string | null {
  let found: string | null = null;
  eachAttribute(s, from, to, (ns, ne, vs, ve) => {
    if (found === null && isName(s, ns, ne, name)) found = decodeXml(s.slice(vs, ve));
  });
  return found;
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

/** XML entities and OOXML's _xHHHH_ escapes (Excel writes a carriage return as _x000D_). */
export function decodeXml(raw: string): string {
  let s = raw;
  if (s.includes('&')) {
    s = s.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|[a-z]+);/g, (m, e: string) => {
      if (e.charCodeAt(0) === 35 /* # */) {
        const code = e[1] === 'x' ? Number.parseInt(e.slice(2), 16) : Number.parseInt(e.slice(1), 10);
        return code >= 0 && code <= 0x10ffff ? String.fromCodePoint(code) : m;
      }
      return ENTITIES[e] ?? m;
    });
  }
  return decodeOoxmlEscapes(s);
}

export function decodeOoxmlEscapes(s: string): string {
  if (!s.includes('_x')) return s;
  return s.replace(/_x([0-9a-fA-F]{4})_/g, (_m, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)));
}

function escapeXml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;');
}
