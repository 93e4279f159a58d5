import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Db } from '../../core/db.js';
import { ValidationError } from '../../core/errors.js';
import { DICTIONARIES } from '../../domain/dictionaries.js';
import { ctxOf } from '../../server/auth.js';
import { sendXlsxFile } from '../../server/download.js';
import { assertCan } from '../access/policy.js';
import { requestIndicatorRefresh } from '../stats/indicators.js';
import { exportRegistry } from './export.js';
import { importErrors, writeImportErrors, writeImportTemplate } from './import-files.js';
import { HOUSEHOLD_FIELDS, INCOME_FIELDS, MEMBER_FIELDS, type FieldSpec } from './fields.js';
import { importRegistry } from './import.js';
import {
  addMember, createHousehold, getHousehold, householdEvents, removeHousehold, removeMember, searchHouseholds, updateHousehold, updateMember,
} from './service.js';
import { todayCn } from '../../domain/dates.js';

/** A zod schema per field from the one field table; semantic checks happen in the service. */
function fieldZod(f: FieldSpec): z.ZodType {
  const desc = f.label + (f.type.kind === 'dict' || f.type.kind === 'dictList' ? `（${DICTIONARIES[f.type.dict].entries.map((e) => e.label).join('、')}）` : '');
  let t: z.ZodType;
  switch (f.type.kind) {
    case 'yesNo': t = z.union([z.boolean(), z.string()]); break;
    case 'amount': case 'area': case 'year': case 'int': t = z.union([z.number(), z.string()]); break;
    case 'dictList': t = z.union([z.array(z.string()), z.string()]); break;
    default: t = z.string().max(2000);
  }
  return t.nullable().optional().describe(desc);
}
const objectOf = (fields: FieldSpec[]) => z.object(Object.fromEntries(fields.map((f) => [f.key, fieldZod(f)])));

const HouseholdFields = objectOf(HOUSEHOLD_FIELDS);
const MemberFields = objectOf(MEMBER_FIELDS);
const IncomeFields = objectOf(INCOME_FIELDS);
const IdParam = z.object({ id: z.string() });
const csv = z.string().optional().transform((s) => (s ? s.split(',').map((x) => x.trim()).filter(Boolean) : undefined));
const boolish = z.union([z.boolean(), z.enum(['1', '0', 'true', 'false'])]).optional().transform((v) => v === true || v === '1' || v === 'true');

const SearchQuery = z.object({
  region: z.string().regex(/^\d{12}$/).optional().describe('区划代码（12 位），含下级'),
  status: csv.describe('脱贫属性，逗号分隔'),
  category: csv.describe('贫困户属性，逗号分隔'),
  cause: z.string().optional().describe('致贫原因（主要或其他）'),
  name: z.string().max(40).optional().describe('成员姓名（模糊）'),
  idNumber: z.string().max(30).optional().describe('成员证件号码'),
  householdNumber: z.string().max(40).optional(),
  includeRemoved: boolish,
  page: z.coerce.number().int().min(1).default(1),
  pageSize: z.coerce.number().int().min(1).max(200).default(20),
  sort: z.enum(['householdNumber', 'villageCode', 'identificationYear', 'povertyStatus', 'updatedAt', 'memberCount', 'perCapitaNet']).default('householdNumber'),
  order: z.enum(['asc', 'desc']).default('asc'),
  unmasked: boolish.describe('显示完整证件号码和电话（需权限，记入审计）'),
});

export function registryRoutes(app: FastifyInstance, db: Db): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['registry'];

  r.get('/api/dictionaries', { schema: { tags, summary: '代码表（字典）' } }, async (request) => {
    ctxOf(db, request);
    return { items: Object.values(DICTIONARIES) };
  });

  r.get('/api/fields', { schema: { tags, summary: '户、成员、收入的字段定义' } }, async (request) => {
    ctxOf(db, request);
    return { household: HOUSEHOLD_FIELDS, member: MEMBER_FIELDS, income: INCOME_FIELDS };
  });

  r.get('/api/households', { schema: { tags, summary: '查询贫困户（辖区内）', querystring: SearchQuery } }, async (request) =>
    searchHouseholds(ctxOf(db, request), request.query));

  r.get('/api/households/:id', {
    schema: { tags, summary: '户详情（成员、收入）', params: IdParam, querystring: z.object({ unmasked: boolish }) },
  }, async (request) => getHousehold(ctxOf(db, request), request.params.id, { unmasked: request.query.unmasked }));

  r.post('/api/households', {
    schema: { tags, summary: '新建户', body: z.object({ household: HouseholdFields, members: z.array(MemberFields).min(1).max(30), income: IncomeFields.nullable().optional() }) },
  }, async (request, reply) => reply.status(201).send(await createHousehold(ctxOf(db, request), request.body)));

  r.patch('/api/households/:id', {
    schema: { tags, summary: '修改户信息（需带 version，过期返回 409）', params: IdParam, body: z.object({ version: z.number().int(), household: HouseholdFields.partial().optional(), income: IncomeFields.nullable().optional(), reason: z.string().max(500).optional() }) },
  }, async (request) => updateHousehold(ctxOf(db, request), request.params.id, request.body));

  r.delete('/api/households/:id', {
    schema: { tags, summary: '剔除（保留记录，须填原因）', params: IdParam, body: z.object({ version: z.number().int(), reason: z.string().max(500) }) },
  }, async (request) => removeHousehold(ctxOf(db, request), request.params.id, request.body));

  r.get('/api/households/:id/events', { schema: { tags, summary: '变更记录', params: IdParam } }, async (request) =>
    ({ items: await householdEvents(ctxOf(db, request), request.params.id) }));

  r.post('/api/households/:id/members', {
    schema: { tags, summary: '新增成员', params: IdParam, body: z.object({ version: z.number().int(), member: MemberFields, reason: z.string().max(500).optional() }) },
  }, async (request, reply) => reply.status(201).send(await addMember(ctxOf(db, request), request.params.id, request.body)));

  r.patch('/api/households/:id/members/:memberId', {
    schema: { tags, summary: '修改成员（需带成员 version）', params: z.object({ id: z.string(), memberId: z.string() }), body: z.object({ version: z.number().int(), member: MemberFields.partial(), reason: z.string().max(500).optional() }) },
  }, async (request) => updateMember(ctxOf(db, request), request.params.id, request.params.memberId, request.body));

  r.delete('/api/households/:id/members/:memberId', {
    schema: { tags, summary: '成员移出本户（保留记录，须填原因）', params: z.object({ id: z.string(), memberId: z.string() }), body: z.object({ version: z.number().int(), reason: z.string().max(500) }) },
  }, async (request) => removeMember(ctxOf(db, request), request.params.id, request.params.memberId, request.body));

  // Import: multipart with one .xlsx (field "file") or two .csv (fields "households" and "members").
  r.post('/api/imports', {
    schema: { tags, summary: '导入建档立卡数据（.xlsx 或两个 .csv），全部成功或全部不导入', querystring: z.object({ dryRun: boolish, upsert: boolish }) },
  }, async (request) => {
    const ctx = ctxOf(db, request);
    assertCan(ctx.actor, 'registry.import');
    if (!request.isMultipart()) throw new ValidationError('请以 multipart/form-data 上传文件', undefined, 'NOT_MULTIPART');
    const dir = await fs.promises.mkdtemp(path.join(os.tmpdir(), 'tuopin-import-'));
    try {
      const files: Record<string, { path: string; name: string }> = {};
      for await (const part of request.files()) {
        const safe = part.fieldname.replace(/[^a-z]/gi, '') || 'file';
        const p = path.join(dir, `${safe}${path.extname(part.filename || '').toLowerCase().replace(/[^.a-z]/g, '')}`);
        await pipeline(part.file, fs.createWriteStream(p));
        if (part.file.truncated) throw new ValidationError('文件超过大小上限', undefined, 'FILE_TOO_LARGE');
        files[safe] = { path: p, name: part.filename };
      }
      let src;
      let fileName: string;
      if (files.file) {
        src = { kind: 'xlsx' as const, path: files.file.path };
        fileName = files.file.name;
      } else if (files.households && files.members) {
        src = { kind: 'csv' as const, households: files.households.path, members: files.members.path };
        fileName = `${files.households.name} + ${files.members.name}`;
      } else {
        throw new ValidationError('请上传一个 .xlsx 文件（字段 file），或两个 .csv 文件（字段 households 和 members）', undefined, 'NO_FILE');
      }
      const res = await importRegistry(ctx, src, { dryRun: request.query.dryRun, upsert: request.query.upsert, fileName });
      if (!res.ok || res.dryRun || res.created + res.updated === 0) return res;
      // The indicators follow the registry: refreshed in the background, after this answer.
      await requestIndicatorRefresh(ctx, `import ${res.batchId ?? ''}`, (e) => request.log.error(e, 'indicator refresh after import failed'));
      return { ...res, indicators: 'refreshing' as const };
    } finally {
      await fs.promises.rm(dir, { recursive: true, force: true });
    }
  });

  r.get('/api/imports/template', { schema: { tags, summary: '下载空白导入模板（.xlsx：户信息、家庭成员两个工作表及填写说明）' } }, async (request, reply) => {
    const ctx = ctxOf(db, request);
    assertCan(ctx.actor, 'registry.import');
    return sendXlsxFile(reply, (file) => writeImportTemplate(file), 'template.xlsx', '建档立卡导入模板.xlsx');
  });

  r.get('/api/imports/:id/errors', {
    schema: { tags, summary: '下载被拒绝的导入（含预检）的错误清单（.xlsx；只有导入人本人可下载）', params: IdParam },
  }, async (request, reply) => {
    const ctx = ctxOf(db, request);
    const batch = await importErrors(ctx, request.params.id);
    return sendXlsxFile(reply, (file) => writeImportErrors(file, batch.errors), 'import-errors.xlsx', `导入错误清单_${batch.fileName.replace(/\.[^.]*$/, '')}.xlsx`);
  });

  r.get('/api/exports/registry', {
    schema: { tags, summary: '导出建档立卡数据（.xlsx，默认脱敏）', querystring: SearchQuery.omit({ page: true, pageSize: true, sort: true, order: true }) },
  }, async (request, reply) => {
    const ctx = ctxOf(db, request);
    const dir = await fs.promises.mkdtemp(path.join(os.tmpdir(), 'tuopin-export-'));
    const file = path.join(dir, 'registry.xlsx');
    try {
      await exportRegistry(ctx, file, request.query);
    } catch (e) {
      await fs.promises.rm(dir, { recursive: true, force: true });
      throw e;
    }
    const stream = fs.createReadStream(file);
    stream.on('close', () => void fs.promises.rm(dir, { recursive: true, force: true }));
    const name = `建档立卡_${todayCn()}.xlsx`;
    return reply
      .header('content-type', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
      .header('content-disposition', `attachment; filename="registry.xlsx"; filename*=UTF-8''${encodeURIComponent(name)}`)
      .send(stream);
  });
}
