import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Db } from '../../core/db.js';
import { ctxOf } from '../../server/auth.js';
import { completeTask, createGroup, createTask, getTask, listGroups, listTasks, recordProgress, updateGroup, updateTask } from './dispatch.js';
import { addReport, cadenceStatus, complianceFor, listReports } from './dispatch-cadence.js';

const Code = z.string().regex(/^\d{12}$/, '区划代码应为 12 位数字');
const Day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, '日期应为 YYYY-MM-DD');
const Level = z.enum(['city', 'county', 'township', 'village']);
const Cadence = z.enum(['monthly', 'weekly', 'daily']);
const Id = z.object({ id: z.string().max(64) });

const Group = z.object({
  id: z.string(), name: z.string(), lead: z.string(), regionCode: z.string(), regionName: z.string().nullable(), members: z.array(z.string()),
  version: z.number(), openTasks: z.number(), overdueTasks: z.number(),
});
const Task = z.object({
  id: z.string(), groupId: z.string().nullable(), groupName: z.string().nullable(), regionCode: z.string(), regionName: z.string().nullable(),
  title: z.string(), owner: z.string(), deadline: z.string(), targetId: z.string().nullable(), doneOn: z.string().nullable(),
  doneNote: z.string().nullable(), overdue: z.boolean(), overdueDays: z.number(), status: z.enum(['open', 'overdue', 'done']),
  progress: z.number(), progressNote: z.string().nullable(), progressAt: z.string().nullable(), createdBy: z.string(), version: z.number(),
});
const Progress = z.object({ id: z.string(), percent: z.number(), note: z.string(), recordedBy: z.string(), recordedAt: z.string() });
const Report = z.object({
  id: z.string(), regionCode: z.string(), regionName: z.string().nullable(), level: Level, heldOn: z.string(), period: z.string(), chair: z.string(),
  summary: z.string(), reportedBy: z.string(), recordedAt: z.string(), onTime: z.boolean(),
});
const CadenceRowSchema = z.object({
  regionCode: z.string(), regionName: z.string().nullable(), level: Level, cadence: Cadence,
  held: z.number(), onTime: z.number(), expected: z.number(), missing: z.array(z.string()), late: z.array(z.string()), lastHeldOn: z.string().nullable(),
});
const ComplianceSchema = z.object({
  level: Level, cadence: Cadence, from: z.string(), to: z.string().nullable(), units: z.number(), periods: z.number(), expected: z.number(),
  held: z.number(), onTime: z.number(), late: z.number(), missing: z.number(), onTimeShare: z.number().nullable(), heldShare: z.number().nullable(),
});
const Members = z.array(z.string().max(200)).max(100);

/** 调度 (五(一)): working groups, task lists, dispatch meetings at the seed's cadence. */
export function dispatchRoutes(app: FastifyInstance, db: Db): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['dispatch'];
  r.get('/api/dispatch/groups', {
    schema: { tags, summary: '专责工作组（成员单位，未完成、逾期任务数）', response: { 200: z.object({ items: z.array(Group) }) } },
  }, async (request) => ({ items: await listGroups(ctxOf(db, request)) }));
  r.post('/api/dispatch/groups', {
    schema: {
      tags, summary: '新建专责工作组', body: z.object({ name: z.string().max(200), lead: z.string().max(200), regionCode: Code, members: Members.optional() }),
      response: { 201: Group },
    },
  }, async (request, reply) => reply.status(201).send(await createGroup(ctxOf(db, request), request.body)));
  r.patch('/api/dispatch/groups/:id', {
    schema: {
      tags, summary: '修改工作组牵头人或成员（需带 version）', params: Id,
      body: z.object({ version: z.number().int(), lead: z.string().max(200).optional(), members: Members.optional() }), response: { 200: Group },
    },
  }, async (request) => updateGroup(ctxOf(db, request), request.params.id, request.body));

  r.get('/api/dispatch/tasks', {
    schema: {
      tags, summary: '任务清单（逾期的标出逾期天数）',
      querystring: z.object({
        region: Code.optional(), groupId: z.string().uuid().optional(),
        status: z.enum(['open', 'overdue', 'done']).optional().describe('open 未到期未完成，overdue 逾期未完成，done 已完成'),
        overdue: z.enum(['1', 'true']).optional().describe('只看逾期未完成的'), open: z.enum(['1', 'true']).optional().describe('只看未完成的'),
      }),
      response: { 200: z.object({ items: z.array(Task) }) },
    },
  }, async (request) => {
    const q = request.query;
    return { items: await listTasks(ctxOf(db, request), { region: q.region, groupId: q.groupId, status: q.status, overdue: q.overdue !== undefined, open: q.open !== undefined }) };
  });
  r.get('/api/dispatch/tasks/:id', {
    schema: { tags, summary: '任务及其进展记录', params: Id, response: { 200: Task.extend({ history: z.array(Progress) }) } },
  }, async (request) => getTask(ctxOf(db, request), request.params.id));
  r.post('/api/dispatch/tasks', {
    schema: {
      tags, summary: '新建任务（责任人、完成时限）',
      body: z.object({
        groupId: z.string().uuid().nullable().optional(), regionCode: Code, title: z.string().max(1000), owner: z.string().max(200),
        deadline: Day, targetId: z.string().max(100).nullable().optional(),
      }),
      response: { 201: Task },
    },
  }, async (request, reply) => reply.status(201).send(await createTask(ctxOf(db, request), request.body)));
  r.patch('/api/dispatch/tasks/:id', {
    schema: {
      tags, summary: '修改未完成的任务（需带 version，过期的 version 返回 409）', params: Id,
      body: z.object({
        version: z.number().int(), title: z.string().max(1000).optional(), owner: z.string().max(200).optional(), deadline: Day.optional(),
        groupId: z.string().uuid().nullable().optional(), targetId: z.string().max(100).nullable().optional(),
      }),
      response: { 200: Task },
    },
  }, async (request) => updateTask(ctxOf(db, request), request.params.id, request.body));
  r.post('/api/dispatch/tasks/:id/progress', {
    schema: {
      tags, summary: '记录任务进展（0–100%，需带 version）', params: Id,
      body: z.object({ version: z.number().int(), percent: z.number().int(), note: z.string().max(2000) }), response: { 200: Task },
    },
  }, async (request) => recordProgress(ctxOf(db, request), request.params.id, request.body));
  r.post('/api/dispatch/tasks/:id/done', {
    schema: {
      tags, summary: '任务完成', params: Id,
      body: z.object({ version: z.number().int(), doneOn: Day.optional(), note: z.string().max(2000).optional() }), response: { 200: Task },
    },
  }, async (request) => completeTask(ctxOf(db, request), request.params.id, request.body));

  r.get('/api/dispatch/reports', {
    schema: {
      tags, summary: '调度记录（本人辖区，最近的在前，最多 500 条；补录的标出）',
      querystring: z.object({ region: Code.optional(), from: Day.optional(), to: Day.optional() }),
      response: { 200: z.object({ items: z.array(Report) }) },
    },
  }, async (request) => ({ items: await listReports(ctxOf(db, request), request.query) }));
  r.post('/api/dispatch/reports', {
    schema: {
      tags, summary: '记录一次调度（市级每月、县级每周、乡镇和村每天）',
      body: z.object({ regionCode: Code, heldOn: Day, chair: z.string().max(200), summary: z.string().max(5000) }),
      response: { 201: Report },
    },
  }, async (request, reply) => reply.status(201).send(await addReport(ctxOf(db, request), request.body)));
  r.get('/api/dispatch/cadence', {
    schema: {
      tags, summary: '调度频次落实情况：区划及其下一级在时间范围内应调度、已调度的期数，缺少的和补录的期间',
      querystring: z.object({ region: Code.optional(), from: Day, to: Day }),
      response: { 200: z.object({ items: z.array(CadenceRowSchema) }) },
    },
  }, async (request) => ({ items: await cadenceStatus(ctxOf(db, request), request.query) }));
  r.get('/api/dispatch/compliance', {
    schema: {
      tags, summary: '各层级调度按时率：应调度期次（区划数 × 已结束的期数）、已调度、按时记录、补录、缺少',
      querystring: z.object({ region: Code.optional(), from: Day, to: Day }),
      response: { 200: z.object({ items: z.array(ComplianceSchema) }) },
    },
  }, async (request) => ({ items: await complianceFor(ctxOf(db, request), request.query) }));
}
