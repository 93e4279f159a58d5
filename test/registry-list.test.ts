import fs from 'node:fs';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemCtx } from '../src/core/context.js';
import { makeIdNumber } from '../src/domain/idnumber.js';
import { importRegistry } from '../src/modules/registry/import.js';
import { listFactsDrift } from '../src/modules/registry/list-facts.js';
import { COUNT_CAP } from '../src/modules/registry/service.js';
import { testDb, type TestDb } from './support/db.js';
import { householdPayload, loginCookie, makeApp, nextId, seedUser, seedVillages, V1, V2, V_OTHER_TOWNSHIP } from './support/factories.js';
import { sampleHousehold, tmpDir, writeCsvPair, type Sheet } from './support/files.js';

/**
 * The household list's stored facts (member count, names, latest per-capita income) and counts
 * stay exact through every registry write path, and the list answers from them: sorted by size
 * and income, searched by name, with totals that match a recount.
 */

let t: TestDb;
let app: FastifyInstance;
let dir: string;
const cookies: Record<string, string> = {};

beforeAll(async () => {
  t = await testDb();
  await seedVillages(t.db);
  await seedUser(t.db, 'county', 'county', '620123000000');
  await seedUser(t.db, 'township', 'township', '620123100000');
  await seedUser(t.db, 'village1', 'village', V1);
  await seedUser(t.db, 'other-county', 'county', '620121000000');
  app = await makeApp(t.db);
  for (const u of ['county', 'township', 'village1', 'other-county']) cookies[u] = await loginCookie(app, u);
  dir = tmpDir();
});
afterAll(async () => {
  await app?.close();
  await t?.close();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

const req = (user: string | null, method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, payload?: unknown) =>
  app.inject({ method, url, payload: payload as object, headers: user ? { cookie: cookies[user]! } : {} });

interface Item { id: string; householdNumber: string; memberCount: number; perCapitaNet: number | null; incomeYear: number | null }
const list = async (user: string, query: string) => {
  const r = await req(user, 'GET', '/api/households?' + query);
  expect(r.statusCode, r.body).toBe(200);
  return r.json() as { total: number; totalExact: boolean; items: Item[] };
};
const row = async (number: string) => (await list('county', 'householdNumber=' + encodeURIComponent(number))).items[0]!;

async function expectExact(): Promise<void> {
  expect(await listFactsDrift(t.db)).toEqual({ households: [], counts: [] });
}

describe('list facts kept by every write path', () => {
  it('create, add/rename/remove a member, edit income, change status, remove: the list shows the change and a recount agrees', async () => {
    const p = householdPayload(V1);
    p.members[0]!.name = '司马光明';
    const h = (await req('village1', 'POST', '/api/households', p)).json();
    let r = await row(h.householdNumber);
    expect(r).toMatchObject({ memberCount: 3, incomeYear: 2017, perCapitaNet: 2900.17 });
    await expectExact();

    let v = (await req('village1', 'POST', `/api/households/${h.id}/members`, { version: h.version, member: { name: '新生儿', idNumber: nextId('20170101'), relation: '之孙子' } })).json();
    expect((await row(h.householdNumber)).memberCount).toBe(4);
    expect((await list('county', 'name=' + encodeURIComponent('新生'))).items.map((x) => x.id)).toContain(h.id);
    await expectExact();

    const baby = v.members.find((m: { name: string }) => m.name === '新生儿');
    v = (await req('village1', 'PATCH', `/api/households/${h.id}/members/${baby.id}`, { version: baby.version, member: { name: '上官小雨' } })).json();
    expect((await list('county', 'name=' + encodeURIComponent('新生'))).items.map((x) => x.id)).not.toContain(h.id);
    expect((await list('county', 'name=' + encodeURIComponent('上官小'))).items.map((x) => x.id)).toEqual([h.id]);
    await expectExact();

    const renamed = v.members.find((m: { name: string }) => m.name === '上官小雨');
    v = (await req('village1', 'DELETE', `/api/households/${h.id}/members/${renamed.id}`, { version: renamed.version, reason: '户口迁出' })).json();
    expect((await row(h.householdNumber)).memberCount).toBe(3);
    expect((await list('county', 'name=' + encodeURIComponent('上官'))).total).toBe(0);
    await expectExact();

    // A newer year's income becomes the list's figure: (9000 + 0 + 0 + 0 − 0) ÷ 3 = 3000.
    v = (await req('village1', 'PATCH', `/api/households/${h.id}`, { version: v.version, income: { year: 2018, wage: 9000, business: 0, property: 0, transfer: 0, businessCost: 0 } })).json();
    r = await row(h.householdNumber);
    expect(r).toMatchObject({ incomeYear: 2018, perCapitaNet: 3000 });
    await expectExact();

    const before = (await list('county', 'status=' + encodeURIComponent('已脱贫'))).total;
    v = (await req('village1', 'PATCH', `/api/households/${h.id}`, { version: v.version, household: { povertyStatus: '已脱贫', exitYear: 2018, otherCauses: ['缺资金', '因病'] } })).json();
    expect((await list('county', 'status=' + encodeURIComponent('已脱贫'))).total).toBe(before + 1);
    await expectExact();

    const all = (await list('county', '')).total;
    expect((await req('county', 'DELETE', `/api/households/${h.id}`, { version: v.version, reason: '核实为错评' })).statusCode).toBe(200);
    expect((await list('county', '')).total).toBe(all - 1);
    expect((await list('county', 'includeRemoved=1')).total).toBe(all);
    await expectExact();
  });

  it('import (new households, then an upsert that changes members, income and status) keeps facts and counts exact', async () => {
    const hs: Sheet = [];
    const ms: Sheet = [];
    for (let i = 0; i < 6; i++) {
      const s = sampleHousehold(`LF${i}`, i % 2 ? V1 : V_OTHER_TOWNSHIP, 1 + i % 3);
      hs.push(s.household);
      ms.push(...s.members);
    }
    const files = writeCsvPair(path.join(dir), hs, ms, 'utf8');
    const first = await importRegistry(systemCtx(t.db), { kind: 'csv', ...files });
    expect(first.ok).toBe(true);
    // sampleHousehold: (6000 + 1500.5 + 0 + 1200 − 300) ÷ size
    expect(await row('LF2')).toMatchObject({ memberCount: 3, incomeYear: 2017, perCapitaNet: 2800.17 });
    await expectExact();

    // LF2 loses a member and reports a new year's income; LF3 exits poverty with another cause.
    hs[2] = { ...hs[2]!, 收入年度: 2018, 工资性收入: 8000, 生产经营性收入: 0, 转移性收入: 0, 生产经营性支出: 0 };
    hs[3] = { ...hs[3]!, 脱贫属性: '已脱贫', 脱贫年度: 2018, 其他致贫原因: '缺水' };
    const lf2 = ms.filter((m) => m.户编号 === 'LF2');
    const kept = ms.filter((m) => m !== lf2[2]);
    const again = writeCsvPair(path.join(dir), hs, kept, 'utf8');
    const exitedBefore = (await list('county', 'status=' + encodeURIComponent('已脱贫') + '&cause=' + encodeURIComponent('缺水'))).total;
    const up = await importRegistry(systemCtx(t.db), { kind: 'csv', ...again }, { upsert: true });
    expect(up.ok, JSON.stringify(up)).toBe(true);
    expect(await row('LF2')).toMatchObject({ memberCount: 2, incomeYear: 2018, perCapitaNet: 4000 });
    expect((await list('county', 'status=' + encodeURIComponent('已脱贫') + '&cause=' + encodeURIComponent('缺水'))).total).toBe(exitedBefore + 1);
    await expectExact();
  });

  it('sorts by member count and by income through the stored facts, households without income last both ways', async () => {
    const p = householdPayload(V2);
    const h = (await req('county', 'POST', '/api/households', { household: p.household, members: p.members })).json();
    const desc = await list('county', 'sort=perCapitaNet&order=desc&pageSize=200');
    const asc = await list('county', 'sort=perCapitaNet&order=asc&pageSize=200');
    for (const l of [desc, asc]) expect(l.items.at(-1)!.id).toBe(h.id);
    const incomes = (l: { items: Item[] }) => l.items.filter((x) => x.perCapitaNet !== null).map((x) => x.perCapitaNet!);
    expect(incomes(desc)).toEqual([...incomes(desc)].sort((a, b) => b - a));
    expect(incomes(asc)).toEqual([...incomes(asc)].sort((a, b) => a - b));
    const bySize = await list('county', 'sort=memberCount&order=desc&pageSize=200');
    const sizes = bySize.items.map((x) => x.memberCount);
    expect(sizes).toEqual([...sizes].sort((a, b) => b - a));
    expect(sizes[0]).toBeGreaterThan(sizes.at(-1)!);
  });
});

describe('list totals and name search', () => {
  it('totals are exact and scoped at city, county, township and village level, for every filter', async () => {
    const [{ n }] = await t.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM households WHERE county_code = '620123' AND poverty_status <> '已剔除'`) as [{ n: number }];
    const county = await list('county', '');
    expect(county).toMatchObject({ total: n, totalExact: true });
    const recount = async (where: string) => (await t.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM households WHERE ${where}`))[0]!.n;
    expect((await list('township', '')).total).toBe(await recount(`village_code LIKE '620123100%' AND poverty_status <> '已剔除'`));
    expect((await list('village1', '')).total).toBe(await recount(`village_code = '${V1}' AND poverty_status <> '已剔除'`));
    expect((await list('county', 'cause=' + encodeURIComponent('缺资金'))).total)
      .toBe(await recount(`county_code = '620123' AND poverty_status <> '已剔除' AND (main_cause = '缺资金' OR '缺资金' = ANY(other_causes))`));
    expect((await list('county', `region=620123100000&category=${encodeURIComponent('一般贫困户')}&status=${encodeURIComponent('未脱贫')}`)).total)
      .toBe(await recount(`village_code LIKE '620123100%' AND category = '一般贫困户' AND poverty_status = '未脱贫'`));
    // Another county's office sees none of them.
    expect((await list('other-county', '')).total).toBe(0);
    expect((await list('other-county', 'region=620123000000')).total).toBe(0);
  });

  it('finds 1, 2 and 3 character names among current members only, never across two people', async () => {
    const p = householdPayload(V1);
    p.members[0]!.name = '诸葛亮';
    p.members[1]!.name = '黄月英';
    const h = (await req('village1', 'POST', '/api/households', p)).json();
    for (const q of ['葛', '诸葛', '诸葛亮', '月英']) {
      expect((await list('county', 'name=' + encodeURIComponent(q))).items.map((x) => x.id), q).toEqual([h.id]);
    }
    // '亮黄' joins the end of one name to the start of the next: no one is called that.
    expect((await list('county', 'name=' + encodeURIComponent('亮黄'))).total).toBe(0);
    expect((await list('county', 'name=' + encodeURIComponent('诸 葛'))).items.map((x) => x.id)).toEqual([h.id]);
    expect((await list('other-county', 'name=' + encodeURIComponent('诸葛'))).total).toBe(0);
  });

  it(`a name matching more than ${COUNT_CAP} households says so instead of counting on`, async () => {
    const hs: Sheet = [];
    const ms: Sheet = [];
    for (let i = 0; i <= COUNT_CAP; i++) {
      const s = sampleHousehold(`CAP${String(i).padStart(5, '0')}`, V2, 1);
      s.members[0]!.姓名 = '欧阳' + String.fromCharCode(0x4e00 + i);
      s.members[0]!.证件号码 = makeIdNumber('620123', `${1930 + (i % 20)}0101`, 900 + Math.floor(i / 20));
      hs.push(s.household);
      ms.push(...s.members);
    }
    const files = writeCsvPair(dir, hs, ms, 'utf8');
    expect((await importRegistry(systemCtx(t.db), { kind: 'csv', ...files })).ok).toBe(true);
    const many = await list('county', 'name=' + encodeURIComponent('欧阳'));
    expect(many).toMatchObject({ total: COUNT_CAP, totalExact: false });
    expect(many.items).toHaveLength(20);
    const one = await list('county', 'name=' + encodeURIComponent('欧阳' + String.fromCharCode(0x4e00 + 7)));
    expect(one).toMatchObject({ total: 1, totalExact: true });
    await expectExact();
  });

  it('the recount check finds a stale fact or count (so the checks above can fail)', async () => {
    await t.db.execute(`UPDATE households SET member_count = member_count + 1 WHERE household_number = 'LF0'`);
    await t.db.execute(`UPDATE household_counts SET households = households + 1 WHERE cause = '' AND township_code = '620123100000' AND poverty_status = '未脱贫' AND category = '一般贫困户'`);
    const drift = await listFactsDrift(t.db);
    expect(drift.households).toHaveLength(1);
    expect(drift.counts).toHaveLength(1);
    await t.db.execute(`UPDATE households SET member_count = member_count - 1 WHERE household_number = 'LF0'`);
    await t.db.execute(`UPDATE household_counts SET households = households - 1 WHERE cause = '' AND township_code = '620123100000' AND poverty_status = '未脱贫' AND category = '一般贫困户'`);
    await expectExact();
  });

  it('refuses anonymous callers', async () => {
    expect((await req(null, 'GET', '/api/households?name=' + encodeURIComponent('王'))).statusCode).toBe(401);
  });
});
