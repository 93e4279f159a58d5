import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Db } from '../../core/db.js';
import { CALCULATORS } from '../../domain/policy/index.js';
import { ctxOf } from '../../server/auth.js';
import { assertCan } from '../access/policy.js';
import { addBenefit, INCOME_RULE, listBenefits, recomputeIncome, updateBenefit, voidBenefit } from './benefits.js';
import { catalog, runCalculator } from './calc.js';
import { exportPlans } from './export.js';
import { assessHousehold, listAssessments } from './lianbuchou.js';
import {
  addTeamMember, createCadre, createPairing, getCadre, getVillageTeam, listCadres, listPairings, TEAM_ROLES, updateCadre, updatePairing, updateTeamMember,
} from './organisation.js';
import {
  addMeasure, approvePlan, createPlan, FUNDING_SOURCES, getPlan, listMeasures, listPlans, MEASURE_STATUSES, planHistory, updateMeasure, updatePlan,
} from './plans.js';
import { assistanceSummary } from './summary.js';
import { todayCn } from '../../domain/dates.js';

/** 帮扶 API: cadres, pairing, village teams, plans and measures, benefits, 两不愁三保障, catalog, calculators. */

const IdParam = z.object({ id: z.string() });
const Version = z.number().int();
const DateStr = z.string().max(10).describe('YYYY-MM-DD');
const boolish = z.union([z.boolean(), z.enum(['1', '0', 'true', 'false'])]).optional().transform((v) => v === true || v === '1' || v === 'true');
const Dimension = z.enum(['food', 'clothing', 'education', 'medical', 'housing', 'water']);
const Funding = z.record(z.string(), z.number()).describe(`资金来源（元）：${Object.entries(FUNDING_SOURCES).map(([k, v]) => `${k} ${v}`).join('、')}`);

const CadreBody = z.object({
  name: z.string().max(40),
  unit: z.string().max(100).describe('工作单位'),
  title: z.string().max(60).nullable().optional().describe('职务'),
  phone: z.string().max(20).nullable().optional(),
  userId: z.string().nullable().optional().describe('关联的帮扶责任人用户（角色 helper）'),
  regionCode: z.string().max(12).describe('管理区划（12 位）'),
  active: z.boolean().optional(),
});

const Goals = {
  incomeTarget: z.number().nullable().optional().describe('人均纯收入目标（元）'),
  closeDimensions: z.array(Dimension).optional().describe('要补齐的“两不愁三保障”及饮水安全短板'),
  responsibleCadreId: z.string().nullable().optional().describe('帮扶责任人'),
  notes: z.string().max(4000).nullable().optional(),
};

const MeasureBody = z.object({
  measureCode: z.string().max(60).describe('措施目录编码（见 /api/catalog）'),
  description: z.string().max(2000).nullable().optional(),
  memberId: z.string().nullable().optional().describe('受益成员（面向个人的措施）'),
  funding: Funding.optional(),
  status: z.enum(MEASURE_STATUSES).optional(),
});

const BenefitBody = z.object({
  memberId: z.string().nullable().optional(),
  measureCode: z.string().max(60),
  amount: z.number(),
  paidOn: DateStr,
  year: z.number().int().optional().describe('计入的收入年度（默认发放日期所在年度）'),
  department: z.string().max(100).describe('发放部门'),
  note: z.string().max(1000).nullable().optional(),
  includedInDeclared: z.boolean().optional().describe('该笔金额已包含在填报的家庭收入中（只登记，不重复计入）'),
});

const tri = z.boolean().nullable().optional();
const LianbuchouBody = z.object({
  period: z.string().max(6).optional().describe('评估期：年度 2019 或季度 2019Q2（默认核查日期所在季度）'),
  checkedOn: DateStr.optional().describe('核查日期（默认今天）'),
  food: z.object({ secure: tri, note: z.string().max(500).optional() }).optional(),
  clothing: z.object({ secure: tri, note: z.string().max(500).optional() }).optional(),
  house: z.object({ grade: z.string().max(10).nullable().optional(), dangerous: tri, hasHouse: tri, relocation: z.object({ movedIn: z.boolean() }).nullable().optional() }).optional(),
  water: z.object({ safe: tri, quantity: tri, quality: tri, convenience: tri, reliability: tri }).optional(),
  members: z.array(z.object({
    memberId: z.string(),
    schoolStatus: z.string().max(20).optional(),
    enrolment: z.enum(['在读', '辍学', '休学', '毕业']).optional(),
    sendTeachingHome: z.boolean().optional(),
    completedCompulsory: z.boolean().optional(),
    deferredOrExempted: z.boolean().optional(),
    health: z.string().max(20).optional(),
    seriousIllnessTreated: tri,
    chronicManaged: tri,
    medicalInsured: tri,
    familyDoctorSigned: tri,
    compliantOutOfPocket: z.number().min(0).optional(),
  })).max(30).optional(),
  proposeIntoPlan: z.boolean().optional().describe('有短板时把目录措施作为待审措施列入当年计划（默认是）'),
});

export function assistanceRoutes(app: FastifyInstance, db: Db): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['assistance'];

  // Catalog and calculators -------------------------------------------------------------------
  r.get('/api/catalog', { schema: { tags, summary: '帮扶措施目录（八大行动、七项工程，含条款）、计算器、资金来源' } }, async (request) => {
    assertCan(ctxOf(db, request).actor, 'policy.read');
    return catalog();
  });

  r.get('/api/calc', { schema: { tags, summary: '政策计算器列表' } }, async (request) => {
    assertCan(ctxOf(db, request).actor, 'policy.read');
    return { items: CALCULATORS };
  });

  r.post('/api/calc/:calculator', {
    schema: {
      tags, summary: '政策计算：按适用日期的规则计算金额，并给出依据条款和理由',
      params: z.object({ calculator: z.string() }),
      body: z.object({ asOf: DateStr.optional().describe('规则适用日期（默认今天）'), facts: z.record(z.string(), z.unknown()) }),
    },
  }, async (request) => {
    assertCan(ctxOf(db, request).actor, 'policy.read');
    return runCalculator(request.params.calculator, request.body.facts, request.body.asOf);
  });

  // Cadres ------------------------------------------------------------------------------------
  r.get('/api/cadres', {
    schema: {
      tags, summary: '帮扶干部（辖区内）',
      querystring: z.object({
        region: z.string().regex(/^\d{12}$/).optional(), q: z.string().max(40).optional(),
        page: z.coerce.number().int().min(1).default(1), pageSize: z.coerce.number().int().min(1).max(200).default(50), unmasked: boolish,
      }),
    },
  }, async (request) => listCadres(ctxOf(db, request), request.query));

  r.post('/api/cadres', { schema: { tags, summary: '登记帮扶干部', body: CadreBody } }, async (request, reply) =>
    reply.status(201).send(await createCadre(ctxOf(db, request), request.body)));

  r.get('/api/cadres/:id', { schema: { tags, summary: '帮扶干部详情（结对户、所在工作队）', params: IdParam, querystring: z.object({ unmasked: boolish }) } }, async (request) =>
    getCadre(ctxOf(db, request), request.params.id, { unmasked: request.query.unmasked }));

  r.patch('/api/cadres/:id', { schema: { tags, summary: '修改帮扶干部（需带 version）', params: IdParam, body: CadreBody.partial().extend({ version: Version }) } }, async (request) =>
    updateCadre(ctxOf(db, request), request.params.id, request.body));

  // Pairings ----------------------------------------------------------------------------------
  r.get('/api/households/:id/pairings', { schema: { tags, summary: '本户结对帮扶（含历史）', params: IdParam } }, async (request) =>
    ({ items: await listPairings(ctxOf(db, request), request.params.id) }));

  r.post('/api/households/:id/pairings', {
    schema: { tags, summary: '结对帮扶', params: IdParam, body: z.object({ cadreId: z.string(), fromDate: DateStr, toDate: DateStr.nullable().optional() }) },
  }, async (request, reply) => reply.status(201).send(await createPairing(ctxOf(db, request), request.params.id, request.body)));

  r.patch('/api/households/:id/pairings/:pairingId', {
    schema: { tags, summary: '结束或调整结对（需带 version）', params: z.object({ id: z.string(), pairingId: z.string() }), body: z.object({ version: Version, toDate: DateStr.nullable().optional(), endReason: z.string().max(500).nullable().optional() }) },
  }, async (request) => updatePairing(ctxOf(db, request), request.params.id, request.params.pairingId, request.body));

  // Village teams -----------------------------------------------------------------------------
  const Code = z.object({ code: z.string() });
  r.get('/api/villages/:code/team', { schema: { tags, summary: '驻村工作队和第一书记（五(四)）', params: Code } }, async (request) =>
    getVillageTeam(ctxOf(db, request), request.params.code));

  r.post('/api/villages/:code/team', {
    schema: { tags, summary: '选派驻村工作队员或第一书记', params: Code, body: z.object({ cadreId: z.string(), role: z.enum(TEAM_ROLES), fromDate: DateStr, toDate: DateStr.nullable().optional() }) },
  }, async (request, reply) => reply.status(201).send(await addTeamMember(ctxOf(db, request), request.params.code, request.body)));

  r.patch('/api/villages/:code/team/:memberId', {
    schema: { tags, summary: '调整工作队员（结束任期、改角色；需带 version）', params: z.object({ code: z.string(), memberId: z.string() }), body: z.object({ version: Version, toDate: DateStr.nullable().optional(), role: z.enum(TEAM_ROLES).optional() }) },
  }, async (request) => updateTeamMember(ctxOf(db, request), request.params.code, request.params.memberId, request.body));

  // Plans -------------------------------------------------------------------------------------
  r.get('/api/households/:id/assistance', { schema: { tags, summary: '本户帮扶概况：当前帮扶责任人、最新计划、最近一次“两不愁三保障”评估', params: IdParam } }, async (request) =>
    assistanceSummary(ctxOf(db, request), request.params.id));

  r.get('/api/households/:id/plans', { schema: { tags, summary: '本户历年帮扶计划（一户一策）', params: IdParam } }, async (request) =>
    ({ items: await listPlans(ctxOf(db, request), request.params.id) }));

  r.post('/api/households/:id/plans', {
    schema: {
      tags, summary: '新建年度计划（默认以上一年度计划为底稿）', params: IdParam,
      body: z.object({ year: z.number().int(), copyPrevious: z.boolean().optional().describe('复制最近一年的目标和未取消的措施（默认是）'), ...Goals }),
    },
  }, async (request, reply) => reply.status(201).send(await createPlan(ctxOf(db, request), request.params.id, request.body)));

  r.get('/api/plans/:id', { schema: { tags, summary: '计划详情（目标、措施、资金合计、变更记录）', params: IdParam } }, async (request) =>
    getPlan(ctxOf(db, request), request.params.id));

  r.patch('/api/plans/:id', {
    schema: { tags, summary: '修改计划目标（需带 version；已审核的计划改后回到草稿）', params: IdParam, body: z.object({ version: Version, reason: z.string().max(500).optional(), ...Goals }) },
  }, async (request) => updatePlan(ctxOf(db, request), request.params.id, request.body));

  r.post('/api/plans/:id/approve', {
    schema: { tags, summary: '审核计划', params: IdParam, body: z.object({ version: Version, comment: z.string().max(500).nullable().optional() }) },
  }, async (request) => approvePlan(ctxOf(db, request), request.params.id, request.body));

  r.get('/api/plans/:id/history', { schema: { tags, summary: '计划及其措施的变更记录', params: IdParam } }, async (request) =>
    ({ items: await planHistory(ctxOf(db, request), request.params.id) }));

  r.get('/api/plans/:id/measures', { schema: { tags, summary: '计划的帮扶措施', params: IdParam } }, async (request) =>
    ({ items: await listMeasures(ctxOf(db, request), request.params.id) }));

  r.post('/api/plans/:id/measures', { schema: { tags, summary: '添加帮扶措施', params: IdParam, body: MeasureBody } }, async (request, reply) =>
    reply.status(201).send(await addMeasure(ctxOf(db, request), request.params.id, request.body)));

  r.patch('/api/plans/:id/measures/:measureId', {
    schema: { tags, summary: '修改帮扶措施（需带 version）', params: z.object({ id: z.string(), measureId: z.string() }), body: MeasureBody.partial().extend({ version: Version, reason: z.string().max(500).optional() }) },
  }, async (request) => updateMeasure(ctxOf(db, request), request.params.id, request.params.measureId, request.body));

  // Benefits ----------------------------------------------------------------------------------
  r.get('/api/households/:id/benefits', {
    schema: { tags, summary: `享受政策台账和计入收入情况。${INCOME_RULE}`, params: IdParam, querystring: z.object({ year: z.coerce.number().int().optional() }) },
  }, async (request) => listBenefits(ctxOf(db, request), request.params.id, request.query));

  r.post('/api/households/:id/benefits', { schema: { tags, summary: '登记享受政策（重算当年人均纯收入）', params: IdParam, body: BenefitBody } }, async (request, reply) =>
    reply.status(201).send(await addBenefit(ctxOf(db, request), request.params.id, request.body)));

  r.patch('/api/households/:id/benefits/:benefitId', {
    schema: { tags, summary: '修改享受政策记录（需带 version）', params: z.object({ id: z.string(), benefitId: z.string() }), body: BenefitBody.partial().extend({ version: Version, reason: z.string().max(500).optional() }) },
  }, async (request) => updateBenefit(ctxOf(db, request), request.params.id, request.params.benefitId, request.body));

  r.delete('/api/households/:id/benefits/:benefitId', {
    schema: { tags, summary: '作废享受政策记录（保留记录，须填原因）', params: z.object({ id: z.string(), benefitId: z.string() }), body: z.object({ version: Version, reason: z.string().max(500) }) },
  }, async (request) => voidBenefit(ctxOf(db, request), request.params.id, request.params.benefitId, request.body));

  r.post('/api/households/:id/incomes/:year/recompute', {
    schema: { tags, summary: '按填报收入和享受政策台账重算该年度人均纯收入', params: z.object({ id: z.string(), year: z.coerce.number().int() }) },
  }, async (request) => recomputeIncome(ctxOf(db, request), request.params.id, request.params.year));

  // 两不愁三保障 --------------------------------------------------------------------------------
  r.get('/api/households/:id/lianbuchou', { schema: { tags, summary: '“两不愁三保障”评估记录', params: IdParam } }, async (request) =>
    ({ items: await listAssessments(ctxOf(db, request), request.params.id) }));

  r.post('/api/households/:id/lianbuchou', {
    schema: { tags, summary: '“两不愁三保障”评估：登记数据 + 核查事实；有短板时向当年计划提出措施', params: IdParam, body: LianbuchouBody },
  }, async (request, reply) => reply.status(201).send(await assessHousehold(ctxOf(db, request), request.params.id, request.body)));

  // Export ------------------------------------------------------------------------------------
  r.get('/api/exports/plans', {
    schema: { tags, summary: '导出帮扶计划（.xlsx，每项措施一行）', querystring: z.object({ region: z.string().regex(/^\d{12}$/).optional(), year: z.coerce.number().int().optional() }) },
  }, async (request, reply) => {
    const ctx = ctxOf(db, request);
    const dir = await fs.promises.mkdtemp(path.join(os.tmpdir(), 'tuopin-plans-'));
    const file = path.join(dir, 'plans.xlsx');
    try {
      await exportPlans(ctx, file, request.query);
    } catch (e) {
      await fs.promises.rm(dir, { recursive: true, force: true });
      throw e;
    }
    const stream = fs.createReadStream(file);
    stream.on('close', () => void fs.promises.rm(dir, { recursive: true, force: true }));
    const name = `帮扶计划_${request.query.year ?? ''}_${todayCn()}.xlsx`;
    return reply
      .header('content-type', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
      .header('content-disposition', `attachment; filename="plans.xlsx"; filename*=UTF-8''${encodeURIComponent(name)}`)
      .send(stream);
  });
}
