import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Db } from '../../core/db.js';
import { ctxOf } from '../../server/auth.js';
import { byRegion, overview, trends } from './service.js';

const Code = z.string().regex(/^\d{12}$/, '区划代码应为 12 位数字');
const Bucket = z.object({ key: z.string(), households: z.number(), people: z.number() });
const Level = z.enum(['province', 'city', 'county', 'township', 'village']);
const RegionRef = z.object({ code: z.string(), name: z.string(), level: Level });
const RegionStats = RegionRef.extend({
  poorVillage: z.boolean(), hasChildren: z.boolean(),
  households: z.number(), people: z.number(), poorHouseholds: z.number(), poorPeople: z.number(),
  exitedHouseholds: z.number(), exitedPeople: z.number(),
  ruralPopulation: z.number().nullable(), populationBasis: z.enum(['own', 'sum']).nullable(), incidence: z.number().nullable(),
});
const YearCount = z.object({ year: z.number(), households: z.number(), people: z.number() });

export function statsRoutes(app: FastifyInstance, db: Db): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['stats'];

  r.get('/api/stats/overview', {
    schema: {
      tags, summary: '辖区概况：按脱贫属性、贫困户属性、主要致贫原因统计户数和人数',
      querystring: z.object({ region: Code.optional().describe('区划代码（默认本人辖区）') }),
      response: {
        200: z.object({
          region: RegionRef, households: z.number(), people: z.number(), poorHouseholds: z.number(), poorPeople: z.number(),
          byStatus: z.array(Bucket), byCategory: z.array(Bucket), byCause: z.array(Bucket),
        }),
      },
    },
  }, async (request) => overview(ctxOf(db, request), { region: request.query.region }));

  r.get('/api/stats/by-region', {
    schema: {
      tags, summary: '下级区划的贫困人口与贫困发生率（贫困人口 ÷ 农村户籍人口；人口未知时为空）',
      querystring: z.object({
        parent: Code.optional().describe('上级区划代码（默认本人辖区）'),
        year: z.coerce.number().int().min(2000).max(2100).optional().describe('人口年度（默认最近一年）'),
      }),
      response: { 200: z.object({ parent: RegionStats, populationYear: z.number().nullable(), items: z.array(RegionStats) }) },
    },
  }, async (request) => byRegion(ctxOf(db, request), { parent: request.query.parent, year: request.query.year }));

  r.get('/api/stats/trends', {
    schema: {
      tags, summary: '按识别年度、脱贫年度统计户数和人数',
      querystring: z.object({ region: Code.optional().describe('区划代码（默认本人辖区）') }),
      response: { 200: z.object({ region: RegionRef, identification: z.array(YearCount), exit: z.array(YearCount), exitStillOut: z.array(YearCount) }) },
    },
  }, async (request) => trends(ctxOf(db, request), { region: request.query.region }));
}
