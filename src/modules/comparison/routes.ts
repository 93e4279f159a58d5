import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Db } from '../../core/db.js';
import { ValidationError } from '../../core/errors.js';
import { ctxOf } from '../../server/auth.js';
import { assertCan } from '../access/policy.js';
import { compareDataset, previewDataset } from './compare.js';
import { KINDS } from './kinds.js';
import { FINDING_CODES } from './rules.js';
import { closeCandidate, listCandidates, proposeFromCandidate } from './candidates.js';
import { findingSummary, getDataset, listDatasets, listFindings, listRules, setRuleParams, STATUSES } from './service.js';
import { openFindingNow, openPendingFindings, verifyFinding } from './verify.js';

const boolish = z.union([z.boolean(), z.enum(['1', '0', 'true', 'false'])]).optional().transform((v) => v === true || v === '1' || v === 'true');
const IdParam = z.object({ id: z.string().max(64) });
const Region = z.string().regex(/^\d{12}$/).optional().describe('区划代码（12 位），含下级');

const FindingsQuery = z.object({
  kind: z.enum(KINDS).optional(),
  code: z.enum(FINDING_CODES).optional(),
  region: Region,
  status: z.enum(STATUSES).optional(),
  datasetId: z.string().uuid().optional(),
  householdNumber: z.string().max(40).optional(),
  page: z.coerce.number().int().min(1).default(1),
  pageSize: z.coerce.number().int().min(1).max(200).default(50),
  unmasked: boolish.describe('显示完整证件号码（需权限，记入审计）'),
});

const VerifyBody = z.object({
  decision: z.enum(['confirm', 'dismiss']).describe('confirm 属实 / dismiss 不属实'),
  reason: z.string().min(2).max(1000).describe('核实意见'),
  version: z.number().int().optional(),
  villageCode: z.string().max(12).optional().describe('DIBAO_NOT_REGISTERED：此人所在的村（12 位区划代码），生成识别候选'),
});

const CandidatesQuery = z.object({
  status: z.enum(['open', 'proposed', 'closed']).optional(),
  region: Region,
  page: z.coerce.number().int().min(1).default(1),
  pageSize: z.coerce.number().int().min(1).max(200).default(50),
  unmasked: boolish.describe('显示完整证件号码（需权限，记入审计）'),
});

const CandidateProposalBody = z.object({
  reason: z.string().max(1500).describe('申报理由'),
  household: z.object({
    household: z.record(z.string(), z.unknown()),
    members: z.array(z.record(z.string(), z.unknown())).min(1).max(30),
    income: z.record(z.string(), z.unknown()).nullable().optional(),
  }).describe('申请户的户信息和家庭成员（候选人须在成员中，证件号码可为列表中的脱敏形式）'),
});

const UploadFields = z.object({
  kind: z.enum(KINDS),
  year: z.coerce.number().int().min(2000).max(2100).optional(),
  purpose: z.string().max(500).default(''),
  authorisation: z.string().max(500).default(''),
});

export function comparisonRoutes(app: FastifyInstance, db: Db): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['comparison'];

  // multipart: field "file" (.xlsx or .csv) and fields kind, year, purpose, authorisation; ?preview=1 only reads the columns.
  r.post('/api/comparison/datasets', {
    schema: { tags, summary: '上传部门数据并比对（preview=1 只预览表头和前几行）', querystring: z.object({ preview: boolish }) },
  }, async (request, reply) => {
    const ctx = ctxOf(db, request);
    assertCan(ctx.actor, 'comparison.upload');
    if (!request.isMultipart()) throw new ValidationError('请以 multipart/form-data 上传文件', undefined, 'NOT_MULTIPART');
    const dir = await fs.promises.mkdtemp(path.join(os.tmpdir(), 'tuopin-compare-'));
    try {
      const fields: Record<string, string> = {};
      let file: { path: string; name: string } | null = null;
      for await (const part of request.parts()) {
        if (part.type === 'file') {
          const p = path.join(dir, `upload${path.extname(part.filename || '').toLowerCase().replace(/[^.a-z]/g, '')}`);
          await pipeline(part.file, fs.createWriteStream(p));
          if (part.file.truncated) throw new ValidationError('文件超过大小上限', undefined, 'FILE_TOO_LARGE');
          file = { path: p, name: part.filename };
        } else {
          fields[part.fieldname] = String(part.value ?? '');
        }
      }
      if (!file) throw new ValidationError('请上传一个 .xlsx 或 .csv 文件（字段 file）', undefined, 'NO_FILE');
      const f = UploadFields.safeParse({ ...fields, year: fields.year || undefined });
      if (!f.success) throw new ValidationError('上传参数无效：kind 为数据类别，year 为年度', { issues: f.error.issues }, 'BAD_FIELDS');
      if (request.query.preview) return await previewDataset(ctx, file.path, f.data.kind);
      const res = await compareDataset(ctx, { path: file.path, kind: f.data.kind, year: f.data.year, purpose: f.data.purpose, authorisation: f.data.authorisation, fileName: file.name });
      if (!res.ok) throw new ValidationError('文件被拒绝：' + res.errors.map((e) => e.message).join('；'), { errors: res.errors }, 'FILE_REJECTED');
      return reply.status(201).send(res);
    } finally {
      await fs.promises.rm(dir, { recursive: true, force: true });
    }
  });

  r.get('/api/comparison/datasets', {
    schema: { tags, summary: '比对数据集', querystring: z.object({ kind: z.enum(KINDS).optional(), page: z.coerce.number().int().min(1).default(1), pageSize: z.coerce.number().int().min(1).max(200).default(20) }) },
  }, async (request) => listDatasets(ctxOf(db, request), request.query));

  r.get('/api/comparison/datasets/:id', { schema: { tags, summary: '数据集详情（列、被拒行、问题）', params: IdParam } }, async (request) =>
    getDataset(ctxOf(db, request), request.params.id));

  r.get('/api/comparison/findings', { schema: { tags, summary: '比对线索（辖区内）', querystring: FindingsQuery } }, async (request) =>
    listFindings(ctxOf(db, request), request.query));

  r.post('/api/comparison/findings/:id/verify', { schema: { tags, summary: '核实线索：属实或不属实（须填原因）', params: IdParam, body: VerifyBody } }, async (request) =>
    verifyFinding(ctxOf(db, request), request.params.id, request.body));

  r.post('/api/comparison/findings/open-pending', {
    schema: { tags, summary: '全部立即申报：辖区内待开启（确认时没有开启周期）的剔除线索逐条生成剔除申报；不能生成的列出原因' },
  }, async (request) => openPendingFindings(ctxOf(db, request)));

  r.post('/api/comparison/findings/:id/open', {
    schema: { tags, summary: '立即申报：已确认的剔除线索在开启周期后生成剔除申报（幂等：已生成或已关联的原样返回）', params: IdParam },
  }, async (request) => openFindingNow(ctxOf(db, request), request.params.id));

  r.get('/api/comparison/candidates', { schema: { tags, summary: '识别候选（低保对象未纳入建档立卡，核实属实后由村评议）', querystring: CandidatesQuery } }, async (request) =>
    listCandidates(ctxOf(db, request), request.query));

  r.post('/api/comparison/candidates/:id/proposal', {
    schema: { tags, summary: '由识别候选提出识别申报（候选人须为家庭成员）', params: IdParam, body: CandidateProposalBody },
  }, async (request, reply) => reply.status(201).send(await proposeFromCandidate(ctxOf(db, request), request.params.id, request.body)));

  r.post('/api/comparison/candidates/:id/close', {
    schema: {
      tags, summary: '不予识别：村级评估后关闭识别候选（须写明理由；记入审计）', params: IdParam,
      body: z.object({ reason: z.string().max(1000).describe('不予识别的理由'), version: z.number().int() }),
    },
  }, async (request) => closeCandidate(ctxOf(db, request), request.params.id, request.body));

  r.get('/api/comparison/summary', {
    schema: { tags, summary: '按类别和区划汇总', querystring: z.object({ region: Region, kind: z.enum(KINDS).optional() }) },
  }, async (request) => findingSummary(ctxOf(db, request), request.query));

  r.get('/api/comparison/rules', {
    schema: { tags, summary: '比对规则及其在某日生效的参数', querystring: z.object({ date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/).optional() }) },
  }, async (request) => listRules(ctxOf(db, request), request.query.date));

  r.post('/api/comparison/rules/:id', {
    schema: {
      tags, summary: '设置规则参数（自生效日期起用于比对；市级，记入审计）', params: IdParam,
      body: z.object({ effectiveFrom: z.string(), params: z.record(z.string(), z.unknown()), source: z.string().max(500) }),
    },
  }, async (request) => setRuleParams(ctxOf(db, request), request.params.id, request.body));
}
