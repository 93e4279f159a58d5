import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Db } from '../../core/db.js';
import { ENTRY_STATUSES } from '../../domain/targets/entry.js';
import { ctxOf } from '../../server/auth.js';
import { sendXlsxFile } from '../../server/download.js';
import { actOnEntry, listEntries, reportedTargets, saveEntry } from './entries.js';
import { exportIncidence, exportProgress } from './export.js';
import { reportTargets } from './service.js';
import { todayCn } from '../../domain/dates.js';

const Code = z.string().regex(/^\d{12}$/, '区划代码应为 12 位数字');
const Year = z.coerce.number().int().min(2000).max(2100);
const Rag = z.enum(['green', 'amber', 'red', 'unknown']);
const Status = z.enum(ENTRY_STATUSES);

const TargetRowSchema = z.object({
  id: z.string(), clause: z.string(), text: z.string(), indicator: z.string(), unit: z.string(), region: z.string(),
  year: z.number().nullable(), period: z.string().nullable(), planned: z.number(), comparison: z.string(),
  reached: z.number().nullable(), status: Rag, reachedBy: z.string(),
  detail: z.string().nullable().describe('计算口径的明细（如调度：应调度、已记录、按时、补录、缺少的次数和按时率）'),
});

const ReportedTargetSchema = z.object({
  id: z.string(), clause: z.string(), text: z.string(), indicator: z.string(), unit: z.string(), region: z.string(),
  year: z.number().nullable(), period: z.string().nullable(), planned: z.number(), comparison: z.string(), per: z.string().nullable(),
  entryLevel: z.string(), department: z.string(), years: z.array(z.number()),
});

const EntrySchema = z.object({
  id: z.string(), targetId: z.string(), indicator: z.string(), clause: z.string(), unit: z.string(), planned: z.number(),
  regionCode: z.string(), regionName: z.string().nullable(), year: z.number(), value: z.number(), meetsPlan: z.boolean(),
  note: z.string().nullable(), status: Status, returnReason: z.string().nullable(), enteredBy: z.string(),
  submittedBy: z.string().nullable(), submittedAt: z.string().nullable(), countyApprovedBy: z.string().nullable(),
  countyApprovedAt: z.string().nullable(), cityApprovedBy: z.string().nullable(), cityApprovedAt: z.string().nullable(),
  version: z.number(), updatedAt: z.string(),
});

const SaveBody = z.object({
  targetId: z.string().min(1).max(100),
  regionCode: Code,
  year: z.number().int().min(2000).max(2100),
  value: z.number().describe('数值，单位为目标的单位'),
  note: z.string().max(2000).nullable().optional(),
  version: z.number().int().optional().describe('修改已有的填报时必填'),
});

const ActBody = z.object({
  version: z.number().int(),
  reason: z.string().max(1000).optional().describe('退回原因（退回时必填）'),
});

export function targetsRoutes(app: FastifyInstance, db: Db): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['targets'];

  r.get('/api/targets/report', {
    schema: {
      tags, summary: '三年行动方案的量化目标：计划值与实际值（系统计算或已批准的填报值）、红黄绿状态',
      querystring: z.object({ year: Year.optional() }),
      response: { 200: z.object({ asOf: z.string(), targets: z.array(TargetRowSchema) }) },
    },
  }, async (request) => {
    const res = await reportTargets(ctxOf(db, request), { year: request.query.year });
    return { asOf: res.asOf, targets: res.targets };
  });

  r.get('/api/targets/forms', {
    schema: {
      tags, summary: '需填报的目标（填报表）：填报层级与可填报年度',
      response: { 200: z.object({ items: z.array(ReportedTargetSchema) }) },
    },
  }, async (request) => ({ items: reportedTargets(ctxOf(db, request)) }));

  r.get('/api/targets/entries', {
    schema: {
      tags, summary: '目标填报值（本人辖区）',
      querystring: z.object({
        targetId: z.string().max(100).optional(), region: Code.optional(), year: Year.optional(), status: Status.optional(),
        belowPlan: z.enum(['1', 'true']).optional().describe('只看未达计划值的（如村集体收入不足5万元）'),
      }),
      response: { 200: z.object({ items: z.array(EntrySchema) }) },
    },
  }, async (request) => {
    const q = request.query;
    return { items: await listEntries(ctxOf(db, request), { targetId: q.targetId, region: q.region, year: q.year, status: q.status, belowPlan: q.belowPlan !== undefined }) };
  });

  r.put('/api/targets/entries', {
    schema: { tags, summary: '填报或修改（未上报的）目标数值', body: SaveBody, response: { 200: EntrySchema } },
  }, async (request) => saveEntry(ctxOf(db, request), request.body));

  for (const action of ['submit', 'approve', 'unapprove'] as const) {
    r.post(`/api/targets/entries/:id/${action}`, {
      schema: {
        tags,
        summary: { submit: '上报', approve: '审批（县级审核，市级批准）', unapprove: '退回（撤销审批，须填原因）' }[action],
        params: z.object({ id: z.string().max(64) }), body: ActBody, response: { 200: EntrySchema },
      },
    }, async (request) => actOnEntry(ctxOf(db, request), request.params.id, { action, version: request.body.version, reason: request.body.reason }));
  }

  r.get('/api/exports/targets-progress', {
    schema: {
      tags, summary: '导出目标进度（.xlsx）：全部目标的计划值、实际值、红黄绿状态，及分县进度（各期间）',
      querystring: z.object({ year: Year.optional(), region: Code.optional().describe('区划代码（默认本人辖区）') }),
    },
  }, async (request, reply) => sendXlsxFile(reply, (file) => exportProgress(ctxOf(db, request), file, request.query), 'report.xlsx', `目标进度_${today()}.xlsx`));

  r.get('/api/exports/incidence', {
    schema: {
      tags, summary: '导出人口与贫困发生率（.xlsx）：按乡镇、按村',
      querystring: z.object({ region: Code.optional().describe('区划代码（默认本人辖区）'), period: z.string().max(10).optional().describe('current 或年度 YYYY') }),
    },
  }, async (request, reply) => sendXlsxFile(reply, (file) => exportIncidence(ctxOf(db, request), file, request.query), 'report.xlsx', `人口与贫困发生率_${today()}.xlsx`));
}

const today = todayCn;
