import { describe, expect, it } from 'vitest';
import { idRange } from './compare.js';

describe('idRange', () => {
  it('gives UUIDv7 text for base + ordinal, distinct across calls', () => {
    const r = idRange();
    const make = (n: number) => r.prefix + (r.base + n).toString(16).padStart(12, '0');
    for (const n of [1, 2, 2 ** 32 - 1]) expect(make(n)).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    const other = idRange();
    expect(other.prefix + other.base).not.toBe(r.prefix + r.base);
  });
});
