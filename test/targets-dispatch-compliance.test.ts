import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '../src/core/ids.js';
import { DISPATCH_CADENCE, periodOf } from '../src/domain/targets/dispatch.js';
import { entryLevelOf } from '../src/domain/targets/entry.js';
import { dispatchCompliance } from '../src/modules/targets/dispatch-cadence.js';
import { testDb, type TestDb } from './support/db.js';
import { loginCookie, makeApp, seedUser, seedVillages, V1, V2 } from './support/factories.js';

/**
 * The 五(一) targets (T-5-1-*) computed from the dispatch records, against a hand-counted 2019:
 *
 *   city 兰州市 (1 region × 12 months): held every month but July (11); March entered
 *     2019-04-01 23:59:59Z (the last second of its grace day: on time), April entered
 *     2019-05-02 00:00Z and May entered 2019-09-01 (late) → on time 9, late 2, missing 1.
 *   counties (9, DOMAIN.md) × 53 ISO weeks overlapping 2019 (2019-W01 starts 2018-12-31, and
 *     2019-12-31 lies in 2020-W01, which ends 2020-01-05): 榆中县 every week on time, the others
 *     none → 477 owed, 53 held.
 *   townships (60: 七里河 15, 永登 16, 皋兰 6, 榆中 23) and villages (the 4 test villages) × 365 days:
 *     城关镇 of 榆中 on 2019-03-01 on time; V1 on 2019-03-01 on time and 2019-03-02 late.
 */
let t: TestDb;
let app: FastifyInstance;
const cookies: Record<string, string> = {};
const TOWNSHIP = '620123100000';

async function report(region: string, heldOn: string, recordedAt: string): Promise<void> {
  const cadence = DISPATCH_CADENCE[entryLevelOf(region)!];
  await t.db.execute(
    `INSERT INTO dispatch_reports (id, region_code, held_on, period, chair, summary, reported_by, created_at) VALUES ($1, $2, $3, $4, '主要负责人', '调度', 'test', $5)`,
    [newId(), region, heldOn, periodOf(cadence, heldOn), recordedAt]);
}

const pad = (n: number) => String(n).padStart(2, '0');

beforeAll(async () => {
  t = await testDb();
  await seedVillages(t.db);
  await seedUser(t.db, 'city', 'city', '620100000000');
  await seedUser(t.db, 'county', 'county', '620123000000');
  app = await makeApp(t.db);
  for (const u of ['city', 'county']) cookies[u] = await loginCookie(app, u);
  for (let m = 1; m <= 12; m++) {
    if (m === 7) continue;
    const held = `2019-${pad(m)}-10`;
    const recorded = m === 3 ? '2019-04-01T23:59:59+08:00' : m === 4 ? '2019-05-02T00:00:00+08:00' : m === 5 ? '2019-09-01T08:00:00Z' : `${held}T12:00:00Z`;
    await report('620100000000', m === 3 ? '2019-03-31' : held, recorded);
  }
  // 榆中县: every Monday from 2018-12-31 to 2019-12-30 (53 weeks), entered the same day.
  for (let ms = Date.UTC(2018, 11, 31); ms <= Date.UTC(2019, 11, 30); ms += 7 * 86_400_000) {
    const d = new Date(ms).toISOString().slice(0, 10);
    await report('620123000000', d, `${d}T09:00:00Z`);
  }
  await report(TOWNSHIP, '2019-03-01', '2019-03-01T10:00:00Z');
  await report(V1, '2019-03-01', '2019-03-02T20:00:00+08:00'); // the evening after, in Lanzhou
  await report(V1, '2019-03-02', '2019-03-05T08:00:00Z');
});
afterAll(async () => {
  await app?.close();
  await t?.close();
});

type Row = { id: string; reached: number | null; status: string; detail: string | null; reachedBy: string };
const targets = async (year?: number): Promise<Record<string, Row>> => {
  const r = await app.inject({ method: 'GET', url: `/api/targets/report${year ? `?year=${year}` : ''}`, headers: { cookie: cookies.city! } });
  expect(r.statusCode, r.body).toBe(200);
  return Object.fromEntries((r.json().targets as Row[]).map((x) => [x.id, x]));
};

describe('五(一) dispatch targets from the dispatch records', () => {
  it('counts the city, county, township and village periods of 2019 by hand', async () => {
    const rows = await dispatchCompliance(t.db, { root: '620100000000', from: '2019-01-01', to: '2019-12-31', today: '2026-01-15' });
    const by = Object.fromEntries(rows.map((r) => [r.level, r]));
    expect(by.city).toMatchObject({ units: 1, periods: 12, expected: 12, held: 11, onTime: 9, late: 2, missing: 1, onTimeShare: 0.75, from: '2019-01-01', to: '2019-12-31' });
    expect(by.county).toMatchObject({ units: 9, periods: 53, expected: 477, held: 53, onTime: 53, late: 0, missing: 424, from: '2018-12-31', to: '2020-01-05' });
    expect(by.township).toMatchObject({ units: 60, periods: 365, expected: 60 * 365, held: 1, onTime: 1 });
    expect(by.village).toMatchObject({ units: 4, periods: 365, expected: 4 * 365, held: 2, onTime: 1, late: 1 });
  });

  it('counts closed periods only, and a window inside one township', async () => {
    // On 2019-03-02 the day is still open: 2019-03-01 alone is owed.
    const open = await dispatchCompliance(t.db, { root: TOWNSHIP, from: '2019-03-01', to: '2019-03-03', today: '2019-03-02' });
    expect(open.map((r) => [r.level, r.units, r.periods, r.held])).toEqual([['township', 1, 1, 1], ['village', 2, 1, 1]]);
    const closed = await dispatchCompliance(t.db, { root: TOWNSHIP, from: '2019-03-01', to: '2019-03-03', today: '2020-01-01' });
    expect(closed[1]).toMatchObject({ units: 2, periods: 3, expected: 6, held: 2, onTime: 1, late: 1, missing: 4 });
    const none = await dispatchCompliance(t.db, { root: '620100000000', from: '2019-03-01', to: '2019-03-31', today: '2019-03-20', levels: ['city'] });
    expect(none[0]).toMatchObject({ periods: 0, expected: 0, onTimeShare: null, to: null });
  });

  it('reports T-5-1 in the targets report: the weakest region and period, with the counts beside it', async () => {
    const y = await targets(2019);
    const city = y['T-5-1-dispatch-city-monthly']!;
    expect(city).toMatchObject({ reached: 0, status: 'red' });
    expect(city.reachedBy).toMatch(/^dispatch: /);
    expect(city.detail).toContain('1 个区划 × 12 期（2019-01-01 至 2019-12-31）应调度 12 次，已记录 11 次（按时 9，补录 2），缺 1 次');
    expect(city.detail).toContain('按时率 75%');
    expect(y['T-5-1-dispatch-county-weekly']).toMatchObject({ reached: 0, status: 'red' });
    expect(y['T-5-1-dispatch-county-weekly']!.detail).toContain('9 个区划 × 53 期');
    expect(y['T-5-1-dispatch-township-village-daily']!.detail).toMatch(/乡镇一天一调度：60 个区划 × 365 期.*村一天一调度：4 个区划 × 365 期/);

    // July held (entered late): every month of 2019 has its meeting → 1 per month, met.
    await report('620100000000', '2019-07-15', '2020-02-01T00:00:00Z');
    const after = (await targets(2019))['T-5-1-dispatch-city-monthly']!;
    expect(after).toMatchObject({ reached: 1, status: 'green' });
    expect(after.detail).toContain('已记录 12 次（按时 9，补录 3），缺 0 次');
    // Over the plan's three years 2018 and 2020 are empty: not met.
    expect((await targets())['T-5-1-dispatch-city-monthly']).toMatchObject({ reached: 0, status: 'red' });
    expect((await targets())['T-5-1-dispatch-city-monthly']!.detail).toContain('1 个区划 × 36 期');
  });

  it('a county office does not see the city targets', async () => {
    const r = await app.inject({ method: 'GET', url: '/api/targets/report?year=2019', headers: { cookie: cookies.county! } });
    expect(r.json().targets.map((x: { id: string }) => x.id)).not.toContain('T-5-1-dispatch-city-monthly');
    expect(V2).toMatch(/^620123100/);
  });
});
