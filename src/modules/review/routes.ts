import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Db } from '../../core/db.js';
import { CLUE_SOURCES, MONITORING_CATEGORIES, PROPOSAL_TYPES, WORKFLOWS } from '../../domain/review/workflows.js';
import { ctxOf } from '../../server/auth.js';
import { closeCycle, currentCycle, getCycle, listCycles, openCycle, snapshotSummary } from './cycles.js';
import { closeNotice, listNotices, lodgeObjection, postNotice, publicNotice, publicNotices, resolveObjection } from './notices.js';
import { actOnProposal, createProposal, getProposal, householdProposals, listProposals } from './proposals.js';

const Id = z.object({ id: z.string().max(64) });
const Day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, '日期格式应为 YYYY-MM-DD');
const boolish = z.union([z.boolean(), z.enum(['1', '0', 'true', 'false'])]).optional().transform((v) => v === true || v === '1' || v === 'true');

export function reviewRoutes(app: FastifyInstance, db: Db): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['review'];

  r.get('/api/review/workflows', { schema: { tags, summary: '各类申报的办理流程（环节、签署角色、公示天数、依据）' } }, async (request) => {
    ctxOf(db, request);
    return { workflows: WORKFLOWS, monitoringCategories: MONITORING_CATEGORIES, clueSources: CLUE_SOURCES };
  });

  r.get('/api/review/cycles', { schema: { tags, summary: '动态管理周期（按季度）' } }, async (request) => {
    const ctx = ctxOf(db, request);
    return { items: await listCycles(ctx), current: await currentCycle(ctx) };
  });

  r.post('/api/review/cycles', {
    schema: {
      tags, summary: '开启季度动态管理周期（市级）',
      body: z.object({
        year: z.number().int(), quarter: z.number().int(),
        villageDeadline: Day, townshipDeadline: Day, countyDeadline: Day, note: z.string().max(2000).optional(),
      }),
    },
  }, async (request, reply) => reply.status(201).send(await openCycle(ctxOf(db, request), request.body)));

  r.get('/api/review/cycles/:id', { schema: { tags, params: Id } }, async (request) => getCycle(ctxOf(db, request), request.params.id));

  r.post('/api/review/cycles/:id/close', {
    schema: { tags, summary: '关闭周期并冻结本期统计（须全部申报已审定）', params: Id, body: z.object({ version: z.number().int() }) },
  }, async (request) => closeCycle(ctxOf(db, request), request.params.id, request.body.version));

  r.get('/api/review/cycles/:id/snapshot', {
    schema: { tags, summary: '已关闭周期冻结的统计（按下级区划）', params: Id, querystring: z.object({ region: z.string().regex(/^\d{12}$/).optional() }) },
  }, async (request) => snapshotSummary(ctxOf(db, request), request.params.id, request.query.region));

  r.get('/api/review/proposals', {
    schema: {
      tags, summary: '申报列表（inbox=1：待我办理；overdue=1：逾期）',
      querystring: z.object({
        cycleId: z.string().uuid().optional(), type: z.enum(PROPOSAL_TYPES).optional(),
        state: z.enum(['in_progress', 'approved', 'done', 'rejected', 'withdrawn']).optional(),
        region: z.string().regex(/^\d{12}$/).optional(), householdId: z.string().uuid().optional(),
        inbox: boolish, overdue: boolish,
        page: z.coerce.number().int().min(1).default(1), pageSize: z.coerce.number().int().min(1).max(200).default(50),
      }),
    },
  }, async (request) => listProposals(ctxOf(db, request), request.query));

  r.post('/api/review/proposals', {
    schema: {
      tags, summary: '提出申报（识别、退出、返贫、剔除、纳入监测、风险消除）',
      body: z.object({
        type: z.enum(PROPOSAL_TYPES),
        householdId: z.string().uuid().optional(),
        householdNumber: z.string().max(40).optional(),
        reason: z.string().max(2000),
        household: z.object({ household: z.record(z.string(), z.unknown()), members: z.array(z.record(z.string(), z.unknown())).max(30), income: z.record(z.string(), z.unknown()).nullable().optional() }).optional(),
        monitoringCategory: z.string().max(20).optional(),
        clueSource: z.string().max(20).optional(),
        firstClueOn: Day.optional(),
      }),
    },
  }, async (request, reply) => reply.status(201).send(await createProposal(ctxOf(db, request), request.body)));

  r.get('/api/review/proposals/:id', { schema: { tags, params: Id } }, async (request) => getProposal(ctxOf(db, request), request.params.id));

  r.post('/api/review/proposals/:id/act', {
    schema: {
      tags, summary: '办理当前环节：approve 通过（县级审定即批准）、send_back 退回复核、reject 不予批准（县级）、withdraw 撤回',
      params: Id,
      body: z.object({
        action: z.enum(['approve', 'send_back', 'reject', 'withdraw']), version: z.number().int(),
        comment: z.string().max(2000).optional(), evidence: z.record(z.string().max(40), z.string().max(2000)).optional(),
      }),
    },
  }, async (request) => actOnProposal(ctxOf(db, request), request.params.id, request.body));

  r.get('/api/review/households/:id/proposals', {
    schema: { tags, summary: '一户历次动态管理申报（跨周期）', params: Id },
  }, async (request) => ({ items: await householdProposals(ctxOf(db, request), request.params.id) }));

  r.get('/api/review/notices', {
    schema: { tags, querystring: z.object({ cycleId: z.string().uuid().optional(), status: z.enum(['posted', 'closed']).optional() }) },
  }, async (request) => ({ items: await listNotices(ctxOf(db, request), request.query) }));

  r.post('/api/review/notices', {
    schema: {
      tags, summary: '发布公示（或公告）：同一村（乡镇、县）、同一环节的申报',
      body: z.object({ proposalIds: z.array(z.string().max(64)).min(1).max(500), startsOn: Day.optional(), objectionsTo: z.string().max(200).optional() }),
    },
  }, async (request, reply) => reply.status(201).send(await postNotice(ctxOf(db, request), request.body)));

  r.post('/api/review/notices/:id/close', {
    schema: { tags, summary: '公示期满结束公示，无异议的申报进入下一环节', params: Id },
  }, async (request) => closeNotice(ctxOf(db, request), request.params.id));

  r.post('/api/review/notices/:id/objections', {
    schema: { tags, summary: '代群众登记异议', params: Id, body: z.object({ proposalNumber: z.string().max(60), content: z.string().max(4000), contact: z.string().max(200).optional() }) },
  }, async (request, reply) => reply.status(201).send(await lodgeObjection(ctxOf(db, request), request.params.id, request.body)));

  r.post('/api/review/objections/:id/resolve', {
    schema: { tags, summary: '复核异议：dismissed 异议不成立（继续办理）或 upheld 异议成立（撤回申报）', params: Id, body: z.object({ outcome: z.enum(['dismissed', 'upheld']), resolution: z.string().max(2000) }) },
  }, async (request) => resolveObjection(ctxOf(db, request), request.params.id, request.body));

  // Public: no login. Notices are frozen and masked when posted.
  r.get('/api/public/notices', {
    schema: { tags: ['public'], summary: '公示公告（公开，无需登录）', querystring: z.object({ region: z.string().regex(/^\d{6,12}$/).optional() }) },
  }, async (request) => ({ items: await publicNotices(db, request.query) }));

  r.get('/api/public/notices/:id', { schema: { tags: ['public'], params: Id } }, async (request) => publicNotice(db, request.params.id));

  r.post('/api/public/notices/:id/objections', {
    config: { rateLimit: { max: 5, timeWindow: '10 minutes' } },
    schema: {
      tags: ['public'], summary: '对公示提出异议（公开，无需登录；每个地址 10 分钟内最多 5 次）',
      params: Id, body: z.object({ proposalNumber: z.string().max(60), content: z.string().max(4000), contact: z.string().max(200).optional() }),
    },
  }, async (request, reply) => reply.status(201).send(await lodgeObjection({ db, public: true }, request.params.id, request.body)));
}
