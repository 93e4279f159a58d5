import { describe, expect, it } from 'vitest';
import { idRange, newId } from './ids.js';

describe('newId', () => {
  it('makes UUIDv7s that are unique and sort in the order they were made, across many pool refills', () => {
    const ids = Array.from({ length: 20_000 }, () => newId());
    for (const id of ids.slice(0, 50)) expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort()).toEqual(ids);
    // The time prefix is now (milliseconds since the epoch in the first 48 bits).
    const ms = parseInt(ids[0]!.replace(/-/g, '').slice(0, 12), 16);
    expect(Math.abs(ms - Date.now())).toBeLessThan(60_000);
  });
});

describe('idRange', () => {
  it('gives UUIDv7 text for base + ordinal, distinct across calls', () => {
    const r = idRange();
    const make = (n: number) => r.prefix + (r.base + n).toString(16).padStart(12, '0');
    for (const n of [1, 2, 2 ** 32 - 1]) expect(make(n)).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    const other = idRange();
    expect(other.prefix + other.base).not.toBe(r.prefix + r.base);
  });
});
