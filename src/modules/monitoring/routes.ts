import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Db } from '../../core/db.js';
import { CLUE_KIND_CODES, CLUE_KINDS, CLUE_SOURCES, MONITORING_CATEGORIES, RISK_RULE_CODES, RISK_RULES } from '../../domain/monitoring/risk.js';
import { STANDARD_KIND_CODES } from '../../domain/standards.js';
import { SYSTEM_ACTOR } from '../../core/context.js';
import { ctxOf } from '../../server/auth.js';
import { childrenOf } from '../regions/service.js';
import { exitCheck, setVillageConditions } from './exit.js';
import { addFollowUp, listInspections, recordInspection, sampleInspections } from './inspections.js';
import { runScan } from './scan.js';
import { closeClue, createClue, linkClue, listClues, listMonitored, listWarnings, resolveWarning, riskEliminationFor, selfReport } from './service.js';
import { listStandards, setStandard } from './standards.js';

const boolish = z.union([z.boolean(), z.enum(['1', '0', 'true', 'false'])]).optional().transform((v) => v === true || v === '1' || v === 'true');
const IdParam = z.object({ id: z.string().max(64) });
const DateStr = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, '日期应为 YYYY-MM-DD');
const Region = z.string().regex(/^\d{12}$/).optional().describe('区划代码（12 位），含下级');
const Year = z.coerce.number().int().min(2010).max(2100);
const Page = { page: z.coerce.number().int().min(1).default(1), pageSize: z.coerce.number().int().min(1).max(200).default(50) };
const ClueKind = z.enum(CLUE_KIND_CODES as [keyof typeof CLUE_KINDS, ...(keyof typeof CLUE_KINDS)[]]);
const Facts = z.object({
  year: z.number().int().min(2013).max(2100).optional(),
  annualOutOfPocket: z.number().min(0).max(1e8).optional().describe('年度个人自付医疗费用（元）'),
  singleStayOutOfPocket: z.number().min(0).max(1e8).optional().describe('单次住院三重保障后个人自付（元）'),
  lossAmount: z.number().min(0).max(1e8).optional().describe('灾害或事故损失（元）'),
}).strict();

const StandardBody = z.object({
  value: z.number(),
  source: z.string().max(500).describe('来源文件（必填）'),
  verified: z.boolean().optional(),
  note: z.string().max(500).nullable().optional(),
  effective: DateStr.optional(),
  version: z.number().int().optional().describe('修改已有取值时必填'),
});

const tri = z.boolean().nullable().optional();
const ConditionsBody = z.object({
  year: z.number().int().min(2013).max(2100),
  road: tri, water: tri, electricity: tri, clinic: tri, broadband: tri,
  collectiveIncome: z.number().min(0).nullable().optional(),
  source: z.string().min(2).max(500).describe('数据来源（如：村级退出验收表）'),
});

export function monitoringRoutes(app: FastifyInstance, db: Db): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['monitoring'];

  // Standards by year --------------------------------------------------------------------------
  r.get('/api/standards', { schema: { tags, summary: '各年度标准（扶贫标准、监测线、退出条件、预警阈值）及来源', querystring: z.object({ kind: z.enum(STANDARD_KIND_CODES as [string, ...string[]]).optional() }) } },
    async (request) => listStandards(ctxOf(db, request), request.query));
  r.put('/api/standards/:kind/:year', {
    schema: { tags, summary: '录入或修改某年度标准（市级扶贫办；须注明来源，修改须带 version）', params: z.object({ kind: z.string().max(64), year: Year }), body: StandardBody },
  }, async (request) => setStandard(ctxOf(db, request), { kind: request.params.kind, year: request.params.year, ...request.body }));

  // Exit checks --------------------------------------------------------------------------------
  r.get('/api/exit-check', { schema: { tags, summary: '退出核查：未脱贫和返贫户、村、县是否达到退出条件及理由', querystring: z.object({ year: Year, region: Region }) } },
    async (request) => exitCheck(ctxOf(db, request), request.query));
  r.put('/api/villages/:code/exit-conditions', {
    schema: { tags, summary: '录入贫困村退出条件（道路、饮水、电力、卫生室、宽带、集体经济收入）', params: z.object({ code: z.string().max(12) }), body: ConditionsBody },
  }, async (request) => setVillageConditions(ctxOf(db, request), request.params.code, request.body));

  // Monitoring ----------------------------------------------------------------------------------
  r.get('/api/monitoring/rules', { schema: { tags, summary: '预警规则、线索来源、线索类别、监测对象类别' } }, async (request) => {
    ctxOf(db, request);
    return { rules: RISK_RULE_CODES.map((code) => ({ code, ...RISK_RULES[code] })), sources: CLUE_SOURCES, kinds: CLUE_KINDS, categories: MONITORING_CATEGORIES };
  });
  r.post('/api/monitoring/scan', {
    schema: { tags, summary: '平台监测预警：按规则扫描辖区（重复扫描不重复生成）', body: z.object({ year: Year.optional(), asOf: DateStr.optional(), since: DateStr.optional() }).optional() },
  }, async (request) => runScan(ctxOf(db, request), request.body ?? {}));
  r.get('/api/monitoring/warnings', {
    schema: {
      tags, summary: '风险预警（辖区内），含自首条线索起15天的认定期限和逾期标记',
      querystring: z.object({
        status: z.enum(['open', 'handled', 'dismissed']).optional(), rule: z.enum(RISK_RULE_CODES as [string, ...string[]]).optional(), region: Region,
        householdId: z.string().max(64).optional(), overdue: boolish, ...Page,
      }),
    },
  }, async (request) => listWarnings(ctxOf(db, request), request.query));
  r.post('/api/monitoring/warnings/:id/resolve', {
    schema: { tags, summary: '处置预警：handled 已帮扶/已纳入监测程序，dismissed 经核实无风险', params: IdParam, body: z.object({ decision: z.enum(['handled', 'dismissed']), resolution: z.string().min(2).max(1000), version: z.number().int() }) },
  }, async (request) => {
    await resolveWarning(ctxOf(db, request), request.params.id, request.body);
    return { ok: true };
  });
  r.get('/api/monitoring/clues', {
    schema: { tags, summary: '监测线索（农户申报、干部走访、部门预警、举报）', querystring: z.object({ status: z.enum(['open', 'closed']).optional(), source: z.string().max(20).optional(), region: Region, unmasked: boolish, ...Page }) },
  }, async (request) => listClues(ctxOf(db, request), request.query));
  r.post('/api/monitoring/clues', {
    schema: {
      tags, summary: '登记线索：干部走访、举报、代为申报（按户），部门预警（按证件号码）',
      body: z.object({
        householdId: z.string().max(64).optional(), householdNumber: z.string().max(40).optional(), idNumber: z.string().max(40).optional(),
        source: z.enum(['self_report', 'cadre_visit', 'department', 'complaint']), kind: ClueKind, description: z.string().max(2000),
        facts: Facts.optional(), firstSeen: DateStr.optional(),
      }),
    },
  }, async (request, reply) => reply.status(201).send(await createClue(ctxOf(db, request), request.body)));
  r.post('/api/monitoring/clues/:id/close', {
    schema: { tags, summary: '关闭线索（已核实处理）', params: IdParam, body: z.object({ reason: z.string().min(2).max(1000), version: z.number().int() }) },
  }, async (request) => {
    await closeClue(ctxOf(db, request), request.params.id, request.body);
    return { ok: true };
  });
  r.post('/api/monitoring/clues/:id/link', {
    schema: {
      tags, summary: '线索关联到户（入户核实后，按户编号）：未注明户的农户申报、按县区分流的部门预警', params: IdParam,
      body: z.object({ householdId: z.string().max(64).optional(), householdNumber: z.string().max(40).optional(), version: z.number().int() }),
    },
  }, async (request) => linkClue(ctxOf(db, request), request.params.id, request.body));
  r.get('/api/monitoring/households', {
    schema: { tags, summary: '监测对象（脱贫不稳定户、边缘易致贫户、突发严重困难户）', querystring: z.object({ category: z.enum(MONITORING_CATEGORIES).optional(), region: Region, ...Page }) },
  }, async (request) => listMonitored(ctxOf(db, request), request.query));
  r.get('/api/monitoring/households/:id/risk-elimination', {
    schema: { tags, summary: '风险消除条件核查（收入稳定超过监测线、三保障和饮水安全、无未处置风险、有劳动能力）', params: IdParam, querystring: z.object({ year: Year }) },
  }, async (request) => riskEliminationFor(ctxOf(db, request), request.params.id, request.query.year));
  r.post('/api/monitoring/households/:id/follow-up', {
    schema: {
      tags, summary: '回头帮：把帮扶措施列入本户当年计划（可同时处置一条预警）', params: IdParam,
      body: z.object({ measureCode: z.string().max(64), description: z.string().max(2000), year: z.number().int().min(2014).max(2100).optional(), warningId: z.string().max(64).optional(), funding: z.record(z.string(), z.number()).optional() }),
    },
  }, async (request, reply) => reply.status(201).send(await addFollowUp(ctxOf(db, request), request.params.id, request.body)));

  // 回头看 ---------------------------------------------------------------------------------------
  r.post('/api/monitoring/inspections/sample', {
    schema: {
      tags, summary: '回头看抽样：按周期从已脱贫户中抽取并分派给帮扶干部',
      body: z.object({ cycle: z.string().max(6), region: Region, ratio: z.number().optional(), count: z.number().int().optional(), cadreId: z.string().max(64).optional() }),
    },
  }, async (request, reply) => reply.status(201).send(await sampleInspections(ctxOf(db, request), request.body)));
  r.get('/api/monitoring/inspections', {
    schema: { tags, summary: '回头看任务（帮扶干部只看分派给自己的）', querystring: z.object({ cycle: z.string().max(6).optional(), status: z.enum(['assigned', 'done']).optional(), region: Region, ...Page }) },
  }, async (request) => listInspections(ctxOf(db, request), request.query));
  r.post('/api/monitoring/inspections/:id/record', {
    schema: { tags, summary: '记录回头看结果；发现风险时生成干部走访线索', params: IdParam, body: z.object({ visitedOn: DateStr, findings: z.string().max(2000), riskFound: z.boolean(), riskKind: ClueKind.optional(), version: z.number().int() }) },
  }, async (request) => recordInspection(ctxOf(db, request), request.params.id, request.body));

  // Public self-report (no login) ----------------------------------------------------------------
  // The form's cascade (county → township → village) within Lanzhou: names and codes only.
  r.get('/api/public/regions/:code/children', {
    config: { rateLimit: { max: 120, timeWindow: '1 minute' } },
    schema: { tags, summary: '自主申报表单用：下级区划（兰州市内，仅名称和代码）', params: z.object({ code: z.string().regex(/^\d{12}$/) }) },
  }, async (request) => {
    const ctx = { db, actor: { ...SYSTEM_ACTOR, username: 'public', regionCode: '620100000000' }, requestId: String(request.id) };
    const items = await childrenOf(ctx, request.params.code);
    return { items: items.filter((x) => !x.effectiveTo).map((x) => ({ code: x.code, name: x.name, level: x.level })) };
  });
  r.post('/api/public/monitoring/reports', {
    config: { rateLimit: { max: 5, timeWindow: '1 hour' } },
    schema: {
      tags, summary: '农户自主申报困难（无需登录；每个地址每小时最多5次）',
      body: z.object({ name: z.string().max(30), phone: z.string().max(20), idNumber: z.string().max(40).optional(), villageCode: z.string().max(12), kind: ClueKind, description: z.string().max(2000) }),
    },
  }, async (request, reply) => reply.status(201).send(await selfReport(db, request.body, String(request.id))));
}
