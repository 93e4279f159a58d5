import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDb, type TestDb } from './support/db.js';
import { loginCookie, makeApp, PASSWORD, seedUser, seedVillages, V1, V_OTHER_COUNTY } from './support/factories.js';

let t: TestDb;
let app: FastifyInstance;
beforeAll(async () => {
  t = await testDb();
  await seedVillages(t.db);
  await seedUser(t.db, 'city', 'city', '620100000000');
  await seedUser(t.db, 'county', 'county', '620123000000');
  await seedUser(t.db, 'village', 'village', V1);
  await seedUser(t.db, 'locked', 'village', V1);
  app = await makeApp(t.db);
});
afterAll(async () => {
  await app?.close();
  await t?.close();
});

describe('sign-in, sessions and scope', () => {
  it('login sets an HttpOnly SameSite=Strict cookie; /me tells who; logout ends the session', async () => {
    const r = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'county', password: PASSWORD } });
    expect(r.statusCode).toBe(200);
    expect(r.json()).toMatchObject({ username: 'county', role: 'county', roleLabel: '县级扶贫办', regionCode: '620123000000' });
    const setCookie = String(r.headers['set-cookie']);
    expect(setCookie).toMatch(/HttpOnly/i);
    expect(setCookie).toMatch(/SameSite=Strict/i);
    const c = `tuopin_sid=${r.cookies.find((x) => x.name === 'tuopin_sid')!.value}`;
    expect((await app.inject({ method: 'GET', url: '/api/auth/me', headers: { cookie: c } })).json().username).toBe('county');
    expect((await app.inject({ method: 'POST', url: '/api/auth/logout', headers: { cookie: c } })).statusCode).toBe(200);
    expect((await app.inject({ method: 'GET', url: '/api/auth/me', headers: { cookie: c } })).statusCode).toBe(401);
  });

  it('a wrong password and an unknown user get the same answer; both are audited', async () => {
    const a = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'county', password: 'wrong-password-1' } });
    const b = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'nobody', password: 'wrong-password-1' } });
    expect(a.statusCode).toBe(401);
    expect(b.statusCode).toBe(401);
    expect(a.json().message).toBe(b.json().message);
    const rows = await t.db.query(`SELECT 1 FROM audit_log WHERE action = 'auth.login_failed'`);
    expect(rows.length).toBeGreaterThanOrEqual(2);
  });

  it('five wrong passwords lock the account, even for the right password afterwards', async () => {
    for (let i = 0; i < 5; i++) await app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'locked', password: 'nope-nope-1' }, remoteAddress: `10.9.0.${i}` });
    const r = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'locked', password: PASSWORD }, remoteAddress: '10.9.0.99' });
    expect(r.statusCode).toBe(429);
    expect(r.json().code).toBe('RATE_LIMITED');
  });

  it('login is rate-limited per address', async () => {
    const codes: number[] = [];
    for (let i = 0; i < 12; i++) {
      const r = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'x' + i, password: 'y-y-y-y-y-1' }, remoteAddress: '10.8.0.1' });
      codes.push(r.statusCode);
    }
    expect(codes.filter((c) => c === 429).length).toBeGreaterThan(0);
  });

  it('region lists are scoped: a village sees its own chain, a county its subtree, never another county', async () => {
    const village = await loginCookie(app, 'village');
    const county = await loginCookie(app, 'county');
    const city = await loginCookie(app, 'city');
    const codes = async (c: string) => (await app.inject({ method: 'GET', url: '/api/regions', headers: { cookie: c } })).json().items.map((r: { code: string }) => r.code);
    expect(await codes(village)).toEqual([V1]);
    const cc = await codes(county);
    expect(cc).toContain('620123000000');
    expect(cc).toContain(V1);
    expect(cc).not.toContain(V_OTHER_COUNTY);
    expect(await codes(city)).toContain(V_OTHER_COUNTY);
    const kids = await app.inject({ method: 'GET', url: '/api/regions/620121000000/children', headers: { cookie: county } });
    expect(kids.json().items).toEqual([]);
    expect((await app.inject({ method: 'GET', url: '/api/regions' })).statusCode).toBe(401);
  });

  it('users: a county creates users only inside its county; a village cannot manage users', async () => {
    const county = await loginCookie(app, 'county');
    const ok = await app.inject({ method: 'POST', url: '/api/users', headers: { cookie: county }, payload: { username: 'new-village', role: 'village', regionCode: V1, password: 'Another-pass-2018' } });
    expect(ok.statusCode, ok.body).toBe(201);
    const out = await app.inject({ method: 'POST', url: '/api/users', headers: { cookie: county }, payload: { username: 'evil', role: 'county', regionCode: '620121000000', password: 'Another-pass-2018' } });
    expect(out.statusCode).toBe(400);
    const village = await loginCookie(app, 'village');
    expect((await app.inject({ method: 'GET', url: '/api/users', headers: { cookie: village } })).statusCode).toBe(403);
    expect((await app.inject({ method: 'GET', url: '/api/users' })).statusCode).toBe(401);
    const list = await app.inject({ method: 'GET', url: '/api/users', headers: { cookie: county } });
    expect(list.json().items.map((u: { username: string }) => u.username)).not.toContain('city');
  });

  it('audit routes are for inspectors and the city only', async () => {
    const city = await loginCookie(app, 'city');
    const county = await loginCookie(app, 'county');
    expect((await app.inject({ method: 'GET', url: '/api/audit/verify', headers: { cookie: city } })).json()).toMatchObject({ ok: true });
    expect((await app.inject({ method: 'GET', url: '/api/audit/verify', headers: { cookie: county } })).statusCode).toBe(403);
    expect((await app.inject({ method: 'GET', url: '/api/audit', headers: { cookie: city } })).json().items.length).toBeGreaterThan(0);
    expect((await app.inject({ method: 'GET', url: '/api/audit' })).statusCode).toBe(401);
  });

  it('garbage never crashes the server', async () => {
    const county = await loginCookie(app, 'county');
    const bad = [
      { method: 'POST' as const, url: '/api/households', payload: '{"household": ', headers: { 'content-type': 'application/json', cookie: county } },
      { method: 'POST' as const, url: '/api/households', payload: { household: { householdNumber: 'x'.repeat(100000) }, members: [] }, headers: { cookie: county } },
      { method: 'PATCH' as const, url: '/api/households/%00', payload: { version: 'x' }, headers: { cookie: county } },
      { method: 'GET' as const, url: '/api/households?page=-1&pageSize=100000&sort=drop', headers: { cookie: county } },
      { method: 'GET' as const, url: '/api/households?region=1%27%3B%20DROP%20TABLE%20households', headers: { cookie: county } },
      { method: 'POST' as const, url: '/api/auth/login', payload: { username: ['a'], password: { $ne: 1 } } },
    ];
    for (const b of bad) {
      const r = await app.inject(b);
      expect(r.statusCode, `${b.method} ${b.url} ${r.body}`).toBeGreaterThanOrEqual(400);
      expect(r.statusCode).toBeLessThan(500);
      expect(r.json()).toHaveProperty('code');
    }
    expect((await app.inject({ method: 'GET', url: '/api/health' })).statusCode).toBe(200);
  });
});
