import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDb, type TestDb } from './support/db.js';
import { loginCookie, makeApp, seedUser, seedVillages, V1, V2 } from './support/factories.js';
import { chinaDay } from '../src/domain/dates.js';

/** 调度 (五(一)) through the HTTP API: working groups, task lists with overdue work, meetings at the cadence. */
let t: TestDb;
let app: FastifyInstance;
const cookies: Record<string, string> = {};
const call = (user: string | null, method: 'GET' | 'POST' | 'PATCH', url: string, payload?: unknown) =>
  app.inject({ method, url, headers: user ? { cookie: cookies[user]! } : {}, ...(payload === undefined ? {} : { payload: payload as object }) });

/** A day relative to today in Lanzhou (the server's calendar is UTC+8 whatever the machine's zone). */
const day = (offset: number) => chinaDay(Date.now() + offset * 86_400_000);

beforeAll(async () => {
  t = await testDb();
  await seedVillages(t.db);
  await seedUser(t.db, 'city', 'city', '620100000000');
  await seedUser(t.db, 'county', 'county', '620123000000');
  await seedUser(t.db, 'yongdeng', 'county', '620121000000');
  await seedUser(t.db, 'village1', 'village', V1);
  await seedUser(t.db, 'helper', 'helper', V1);
  await seedUser(t.db, 'inspector', 'inspector', '620100000000');
  app = await makeApp(t.db);
  for (const u of ['city', 'county', 'yongdeng', 'village1', 'helper', 'inspector']) cookies[u] = await loginCookie(app, u);
});
afterAll(async () => {
  await app?.close();
  await t?.close();
});

describe('dispatch', () => {
  it('refuses anonymous callers, roles without the permission and regions out of scope', async () => {
    for (const url of ['/api/dispatch/groups', '/api/dispatch/tasks', `/api/dispatch/cadence?from=${day(-7)}&to=${day(0)}`]) {
      expect((await call(null, 'GET', url)).statusCode).toBe(401);
      expect((await call('helper', 'GET', url)).statusCode).toBe(403);
    }
    expect((await call(null, 'POST', '/api/dispatch/reports', { regionCode: V1, heldOn: day(0), chair: '村支书', summary: '调度' })).statusCode).toBe(401);
    expect((await call('inspector', 'POST', '/api/dispatch/tasks', { regionCode: V1, title: 'x', owner: 'y', deadline: day(1) })).statusCode).toBe(403);
    expect((await call('yongdeng', 'POST', '/api/dispatch/tasks', { regionCode: V1, title: '危房改造', owner: '张三', deadline: day(1) })).statusCode).toBe(404);
    expect((await call('yongdeng', 'GET', '/api/dispatch/tasks?region=620123000000')).statusCode).toBe(404);
  });

  let taskId = '';
  it('groups own tasks; an open task past its deadline is overdue, a done one is not', async () => {
    const g = await call('city', 'POST', '/api/dispatch/groups', { name: '产业扶贫专责工作组', lead: '市农业农村局', regionCode: '620100000000' });
    expect(g.statusCode, g.body).toBe(201);
    expect((await call('city', 'POST', '/api/dispatch/groups', { name: '产业扶贫专责工作组', lead: 'x', regionCode: '620100000000' })).statusCode).toBe(409);
    const late = await call('county', 'POST', '/api/dispatch/tasks', { groupId: g.json().id, regionCode: '620123000000', title: '完成合作社全覆盖', owner: '县农业农村局', deadline: day(-3), targetId: 'T-3-5-poor-village-income-2018' });
    expect(late.statusCode, late.body).toBe(201);
    expect(late.json()).toMatchObject({ overdue: true, groupName: '产业扶贫专责工作组', regionName: '榆中县' });
    const soon = await call('village1', 'POST', '/api/dispatch/tasks', { regionCode: V1, title: '入户核实收入', owner: '第一书记', deadline: day(5) });
    expect(soon.json()).toMatchObject({ overdue: false });
    const bad = await call('county', 'POST', '/api/dispatch/tasks', { regionCode: '620123000000', title: '', owner: '县局', deadline: day(1) });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().details).toMatchObject({ field: 'title' });
    taskId = late.json().id;
    const overdue = (await call('county', 'GET', '/api/dispatch/tasks?overdue=1')).json().items;
    expect(overdue.map((x: { title: string }) => x.title)).toEqual(['完成合作社全覆盖']);
    expect((await call('city', 'GET', '/api/dispatch/groups')).json().items[0]).toMatchObject({ openTasks: 1, overdueTasks: 1 });
    // The village sees its own task only.
    expect((await call('village1', 'GET', '/api/dispatch/tasks')).json().items.map((x: { title: string }) => x.title)).toEqual(['入户核实收入']);
    const done = await call('county', 'POST', `/api/dispatch/tasks/${taskId}/done`, { version: late.json().version, note: '已完成' });
    expect(done.statusCode, done.body).toBe(200);
    expect(done.json()).toMatchObject({ overdue: false, doneOn: day(0) });
    expect((await call('county', 'POST', `/api/dispatch/tasks/${taskId}/done`, { version: done.json().version })).statusCode).toBe(409);
    const audit = await t.db.query<{ action: string }>(`SELECT action FROM audit_log WHERE action LIKE 'dispatch.%' ORDER BY seq`);
    expect(audit.map((a) => a.action)).toEqual(['dispatch.group_create', 'dispatch.task_create', 'dispatch.task_create', 'dispatch.task_done']);
  });

  it('counts meetings at the cadence: one per period, missing periods listed', async () => {
    const from = day(-3);
    const to = day(0);
    for (const d of [day(-3), day(-1)]) {
      const r = await call('village1', 'POST', '/api/dispatch/reports', { regionCode: V1, heldOn: d, chair: '村党支部书记', summary: '研究入户核实和产业项目' });
      expect(r.statusCode, r.body).toBe(201);
      expect(r.json().period).toBe(d);
    }
    const dup = await call('village1', 'POST', '/api/dispatch/reports', { regionCode: V1, heldOn: day(-1), chair: '第一书记', summary: '再次调度' });
    expect(dup.statusCode).toBe(409);
    const future = await call('village1', 'POST', '/api/dispatch/reports', { regionCode: V1, heldOn: day(2), chair: '第一书记', summary: '调度' });
    expect(future.statusCode).toBe(400);
    const rows = (await call('county', 'GET', `/api/dispatch/cadence?region=620123100000&from=${from}&to=${to}`)).json().items;
    const v1 = rows.find((x: { regionCode: string }) => x.regionCode === V1);
    // Days −3 and −1 held, −2 missing; today is still open.
    expect(v1).toMatchObject({ cadence: 'daily', held: 2, missing: [day(-2)], lastHeldOn: day(-1) });
    const v2 = rows.find((x: { regionCode: string }) => x.regionCode === V2);
    expect(v2).toMatchObject({ held: 0, missing: [day(-3), day(-2), day(-1)] });
    const township = rows.find((x: { regionCode: string }) => x.regionCode === '620123100000');
    expect(township).toMatchObject({ level: 'township', cadence: 'daily' });
    const county = (await call('city', 'GET', `/api/dispatch/cadence?from=${day(-60)}&to=${to}`)).json().items.find((x: { regionCode: string }) => x.regionCode === '620123000000');
    expect(county).toMatchObject({ level: 'county', cadence: 'weekly', held: 0 });
    expect(county.missing.length).toBeGreaterThanOrEqual(7);
    expect((await call('county', 'GET', `/api/dispatch/cadence?from=${to}&to=${from}`)).statusCode).toBe(400);
  });

  it('every new endpoint refuses anonymous callers (401) and records outside the scope (404)', async () => {
    const g = await call('county', 'POST', '/api/dispatch/groups', { name: '榆中县危房改造专责组', lead: '县住建局', regionCode: '620123000000', members: ['县住建局', '县财政局'] });
    expect(g.statusCode, g.body).toBe(201);
    expect(g.json()).toMatchObject({ members: ['县住建局', '县财政局'], version: 1, regionName: '榆中县' });
    const task = (await call('county', 'POST', '/api/dispatch/tasks', { regionCode: '620123000000', title: '危房鉴定', owner: '县住建局', deadline: day(3) })).json();
    const win = `from=${day(-7)}&to=${day(0)}`;
    for (const [method, url, body] of [
      ['GET', `/api/dispatch/tasks/${task.id}`, undefined],
      ['PATCH', `/api/dispatch/tasks/${task.id}`, { version: task.version, owner: 'x' }],
      ['POST', `/api/dispatch/tasks/${task.id}/progress`, { version: task.version, percent: 10, note: '已开始' }],
      ['PATCH', `/api/dispatch/groups/${g.json().id}`, { version: 1, lead: 'x' }],
      ['GET', `/api/dispatch/reports?${win}`, undefined],
      ['GET', `/api/dispatch/compliance?${win}`, undefined],
    ] as const) {
      expect((await call(null, method, url, body)).statusCode, `${method} ${url}`).toBe(401);
    }
    // 永登县 cannot see or touch 榆中县's task or group, nor read 榆中县's reports or compliance.
    expect((await call('yongdeng', 'GET', `/api/dispatch/tasks/${task.id}`)).statusCode).toBe(404);
    expect((await call('yongdeng', 'PATCH', `/api/dispatch/tasks/${task.id}`, { version: task.version, owner: 'x' })).statusCode).toBe(404);
    expect((await call('yongdeng', 'POST', `/api/dispatch/tasks/${task.id}/progress`, { version: task.version, percent: 10, note: '已开始' })).statusCode).toBe(404);
    expect((await call('yongdeng', 'PATCH', `/api/dispatch/groups/${g.json().id}`, { version: 1, lead: 'x' })).statusCode).toBe(404);
    expect((await call('yongdeng', 'GET', `/api/dispatch/reports?region=620123000000&${win}`)).statusCode).toBe(404);
    expect((await call('yongdeng', 'GET', `/api/dispatch/compliance?region=620123000000&${win}`)).statusCode).toBe(404);
    // A village below sees the county's group (it directs the village) but cannot change it.
    expect((await call('village1', 'PATCH', `/api/dispatch/groups/${g.json().id}`, { version: 1, lead: 'x' })).statusCode).toBe(404);
    expect((await call('village1', 'GET', `/api/dispatch/tasks/${task.id}`)).statusCode).toBe(404);
    // The inspector reads but does not write.
    expect((await call('inspector', 'GET', `/api/dispatch/tasks/${task.id}`)).statusCode).toBe(200);
    expect((await call('inspector', 'POST', `/api/dispatch/tasks/${task.id}/progress`, { version: task.version, percent: 10, note: '已开始' })).statusCode).toBe(403);
    expect((await call('helper', 'GET', `/api/dispatch/compliance?${win}`)).statusCode).toBe(403);
  });

  it('edits a task and records progress with its version; a stale version answers 409 and changes nothing', async () => {
    const task = (await call('county', 'POST', '/api/dispatch/tasks', { regionCode: '620123000000', title: '产业项目开工', owner: '县农业农村局', deadline: day(-2) })).json();
    expect(task).toMatchObject({ overdue: true, overdueDays: 2, status: 'overdue', progress: 0 });
    const edited = await call('county', 'PATCH', `/api/dispatch/tasks/${task.id}`, { version: task.version, owner: '县发改局', deadline: day(4) });
    expect(edited.statusCode, edited.body).toBe(200);
    expect(edited.json()).toMatchObject({ owner: '县发改局', deadline: day(4), overdue: false, overdueDays: 0, status: 'open', version: task.version + 1 });
    // Someone else still holding the first version.
    const stale = await call('county', 'PATCH', `/api/dispatch/tasks/${task.id}`, { version: task.version, owner: '别人' });
    expect(stale.statusCode).toBe(409);
    expect(stale.json()).toMatchObject({ code: 'STALE_VERSION' });
    expect(stale.json().message).toMatch(/已被他人修改/);
    const staleProgress = await call('county', 'POST', `/api/dispatch/tasks/${task.id}/progress`, { version: task.version, percent: 50, note: '过半' });
    expect(staleProgress.statusCode).toBe(409);
    const p1 = await call('county', 'POST', `/api/dispatch/tasks/${task.id}/progress`, { version: edited.json().version, percent: 40, note: '完成选址和招标' });
    expect(p1.statusCode, p1.body).toBe(200);
    expect(p1.json()).toMatchObject({ progress: 40, progressNote: '完成选址和招标', owner: '县发改局' });
    expect((await call('county', 'POST', `/api/dispatch/tasks/${task.id}/progress`, { version: p1.json().version, percent: 140, note: 'x' })).statusCode).toBe(400);
    const p2 = await call('county', 'POST', `/api/dispatch/tasks/${task.id}/progress`, { version: p1.json().version, percent: 70, note: '主体完工' });
    const detail = (await call('county', 'GET', `/api/dispatch/tasks/${task.id}`)).json();
    expect(detail.history.map((h: { percent: number; recordedBy: string }) => [h.percent, h.recordedBy])).toEqual([[70, 'county'], [40, 'county']]);
    const done = await call('county', 'POST', `/api/dispatch/tasks/${task.id}/done`, { version: p2.json().version });
    expect(done.json()).toMatchObject({ status: 'done', progress: 100 });
    expect((await call('county', 'PATCH', `/api/dispatch/tasks/${task.id}`, { version: done.json().version, owner: 'x' })).statusCode).toBe(409);
    const audit = await t.db.query<{ action: string }>(`SELECT action FROM audit_log WHERE target_id = $1 ORDER BY seq`, [task.id]);
    expect(audit.map((a) => a.action)).toEqual(['dispatch.task_create', 'dispatch.task_update', 'dispatch.task_progress', 'dispatch.task_progress', 'dispatch.task_done']);
  });

  it('filters tasks by status and updates a group with its version', async () => {
    const overdue = (await call('county', 'GET', '/api/dispatch/tasks?status=overdue')).json().items;
    expect(overdue.every((x: { overdue: boolean }) => x.overdue)).toBe(true);
    const done = (await call('county', 'GET', '/api/dispatch/tasks?status=done')).json().items;
    expect(done.length).toBeGreaterThan(0);
    expect(done.every((x: { status: string }) => x.status === 'done')).toBe(true);
    const open = (await call('county', 'GET', '/api/dispatch/tasks?status=open')).json().items;
    expect(open.every((x: { status: string }) => x.status === 'open')).toBe(true);
    const g = (await call('county', 'GET', '/api/dispatch/groups')).json().items.find((x: { name: string }) => x.name === '榆中县危房改造专责组');
    const u = await call('county', 'PATCH', `/api/dispatch/groups/${g.id}`, { version: g.version, members: ['县住建局', '县财政局', '县应急局'] });
    expect(u.statusCode, u.body).toBe(200);
    expect(u.json()).toMatchObject({ members: ['县住建局', '县财政局', '县应急局'], version: 2 });
    expect((await call('county', 'PATCH', `/api/dispatch/groups/${g.id}`, { version: 1, lead: '旧' })).statusCode).toBe(409);
  });

  it('marks late records on the cadence board and in the report list', async () => {
    // A meeting of 10 days ago recorded today: held, but late.
    const r = await call('village1', 'POST', '/api/dispatch/reports', { regionCode: V1, heldOn: day(-10), chair: '第一书记', summary: '补录调度' });
    expect(r.statusCode, r.body).toBe(201);
    expect(r.json()).toMatchObject({ onTime: false, level: 'village' });
    const rows = (await call('county', 'GET', `/api/dispatch/cadence?region=620123100000&from=${day(-10)}&to=${day(0)}`)).json().items;
    // Day −3 was recorded today too (two days past its grace day): late; day −1 is within it.
    expect(rows.find((x: { regionCode: string }) => x.regionCode === V1)).toMatchObject({ late: [day(-10), day(-3)], held: 3, onTime: 1 });
    const list = (await call('county', 'GET', `/api/dispatch/reports?region=620123100000&from=${day(-10)}&to=${day(0)}`)).json().items;
    expect(list.map((x: { heldOn: string; onTime: boolean }) => [x.heldOn, x.onTime])).toEqual([[day(-1), true], [day(-3), false], [day(-10), false]]);
    const comp = (await call('county', 'GET', `/api/dispatch/compliance?region=620123100000&from=${day(-10)}&to=${day(-1)}`)).json().items;
    // The township and its two villages, ten closed days each.
    expect(comp.map((c: { level: string }) => c.level)).toEqual(['township', 'village']);
    expect(comp[1]).toMatchObject({ units: 2, periods: 10, expected: 20, held: 3, onTime: 1, late: 2, missing: 17 });
  });
});
