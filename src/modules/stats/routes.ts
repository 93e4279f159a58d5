import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Db } from '../../core/db.js';
import { ctxOf } from '../../server/auth.js';
import { indicatorTrend, refreshIndicators, regionIndicators } from './indicators.js';
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

  const Indicator = z.object({
    regionCode: z.string(), name: z.string().nullable(), level: Level, period: z.string(),
    households: z.number(), people: z.number(), poorHouseholds: z.number(), poorPeople: z.number(),
    exitedHouseholds: z.number(), exitedPeople: z.number(), ruralPopulation: z.number().nullable(), incidence: z.number().nullable(),
  });
  const itags = ['indicators'];

  r.get('/api/indicators', {
    schema: {
      tags: itags, summary: '预汇总指标：区划及其下级的户数、人数、贫困人口、脱贫人口、贫困发生率（含计算时间）',
      querystring: z.object({
        region: Code.optional().describe('区划代码（默认本人辖区）'),
        period: z.string().max(10).optional().describe('current（按当前状态）或年度 YYYY（年末口径）'),
      }),
      response: {
        200: z.object({
          computedAt: z.string().nullable(), stale: z.boolean().describe('导入后数据已变、指标待更新或正在更新'), refreshing: z.boolean(),
          requestedAt: z.string().nullable(), error: z.string().nullable(), period: z.string(), region: Indicator.nullable(), children: z.array(Indicator),
        }),
      },
    },
  }, async (request) => regionIndicators(ctxOf(db, request), { region: request.query.region, period: request.query.period }));

  r.get('/api/indicators/trend', {
    schema: {
      tags: itags, summary: '区划指标按年度的变化（年末口径），最后一行为当前',
      querystring: z.object({ region: Code.optional().describe('区划代码（默认本人辖区）') }),
      response: { 200: z.object({ computedAt: z.string().nullable(), stale: z.boolean(), items: z.array(Indicator) }) },
    },
  }, async (request) => indicatorTrend(ctxOf(db, request), { region: request.query.region }));

  r.post('/api/indicators/refresh', {
    schema: {
      tags: itags, summary: '重新计算全部预汇总指标（市级）',
      response: { 200: z.object({ regions: z.number(), periods: z.array(z.string()), rows: z.number(), computedAt: z.string(), ms: z.number() }) },
    },
  }, async (request) => refreshIndicators(ctxOf(db, request)));
}
