import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Db } from '../../core/db.js';
import { ctxOf } from '../../server/auth.js';
import { childrenOf, listScopeRegions, validateRegionCode } from './service.js';

const Region = z.object({
  code: z.string(), name: z.string(), level: z.string(), parentCode: z.string().nullable(), poorCounty: z.boolean(),
  poorVillage: z.boolean(), synthetic: z.boolean(), effectiveFrom: z.string(), effectiveTo: z.string().nullable(),
});

export function regionRoutes(app: FastifyInstance, db: Db): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  r.get('/api/regions', {
    schema: {
      tags: ['regions'], summary: '本人辖区内的行政区划（含下级）',
      querystring: z.object({ maxLevel: z.enum(['province', 'city', 'county', 'township', 'village']).optional() }),
      response: { 200: z.object({ items: z.array(Region) }) },
    },
  }, async (request) => ({ items: await listScopeRegions(ctxOf(db, request), { maxLevel: request.query.maxLevel }) }));

  r.get('/api/regions/:code/children', {
    schema: { tags: ['regions'], summary: '下级区划', params: z.object({ code: z.string() }), response: { 200: z.object({ items: z.array(Region) }) } },
  }, async (request) => ({ items: await childrenOf(ctxOf(db, request), validateRegionCode(request.params.code)) }));
}
