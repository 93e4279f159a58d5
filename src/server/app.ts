import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import cookie from '@fastify/cookie';
import multipart from '@fastify/multipart';
import rateLimit from '@fastify/rate-limit';
import fastifyStatic from '@fastify/static';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyInstance } from 'fastify';
import { jsonSchemaTransform, serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import crypto from 'node:crypto';
import type { Config } from '../core/config.js';
import type { Db } from '../core/db.js';
import { accessRoutes } from '../modules/access/routes.js';
import { assistanceRoutes } from '../modules/assistance/routes.js';
import { comparisonRoutes } from '../modules/comparison/routes.js';
import { monitoringRoutes } from '../modules/monitoring/routes.js';
import { regionRoutes } from '../modules/regions/routes.js';
import { registryRoutes } from '../modules/registry/routes.js';
import { reviewRoutes } from '../modules/review/routes.js';
import { indicatorRefreshClose, requestIndicatorRefresh, resumeIndicatorRefresh } from '../modules/stats/indicators.js';
import { statsRoutes } from '../modules/stats/routes.js';
import { dispatchRoutes } from '../modules/targets/dispatch-routes.js';
import { targetsRoutes } from '../modules/targets/routes.js';
import { installAuth } from './auth.js';

/**
 * Writes after which the indicators (households and people by status, incidence) may differ: the
 * registry's household and member edits, and a review step that may be a county decision.
 */
const CHANGES_INDICATORS = new Set([
  'POST /api/households', 'PATCH /api/households/:id', 'DELETE /api/households/:id',
  'POST /api/households/:id/members', 'PATCH /api/households/:id/members/:memberId', 'DELETE /api/households/:id/members/:memberId',
  'POST /api/review/proposals/:id/act',
]);
import { installErrorHandler } from './errors.js';

export interface AppOptions {
  db: Db;
  config: Config;
  logger?: boolean | object;
}

const WEB_DIST = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../web/dist');

/** Builds the app without listening, so tests can `inject` requests (fastify/demo's split). */
export async function buildApp({ db, config, logger = false }: AppOptions): Promise<FastifyInstance> {
  const app = Fastify({
    logger,
    bodyLimit: 2 * 1024 * 1024,
    genReqId: () => crypto.randomUUID(),
    trustProxy: process.env.TUOPIN_TRUST_PROXY === '1',
  });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  installErrorHandler(app);

  await app.register(cookie);
  await app.register(rateLimit, { global: false });
  await app.register(multipart, { limits: { fileSize: 500 * 1024 * 1024, files: 2, fields: 10, parts: 12 } });
  await app.register(swagger, {
    openapi: { info: { title: 'tuopin 脱贫攻坚管理平台 API', version: '0.1.0', description: '建档立卡、帮扶、动态管理、数据比对等接口。错误统一为 {code, message, details}。' } },
    transform: jsonSchemaTransform,
  });
  await app.register(swaggerUi, { routePrefix: '/api/docs' });
  installAuth(app, db, config);

  app.get('/api/health', async (_request, reply) => {
    try {
      await db.query('SELECT 1');
      return { status: 'ok' };
    } catch {
      return reply.status(503).send({ status: 'unavailable' });
    }
  });

  accessRoutes(app, db, config);
  regionRoutes(app, db);
  registryRoutes(app, db);
  statsRoutes(app, db);
  assistanceRoutes(app, db);
  comparisonRoutes(app, db);
  reviewRoutes(app, db);
  monitoringRoutes(app, db);
  targetsRoutes(app, db);
  dispatchRoutes(app, db);

  // Indicators asked for before a stop are refreshed after start; a run in progress ends before close.
  app.addHook('onReady', async () => {
    await resumeIndicatorRefresh(db, (e) => app.log.error(e, 'indicator refresh failed'));
  });
  app.addHook('onClose', async () => {
    await indicatorRefreshClose(db);
  });
  // After a registry edit or a county decision, the indicators follow within a few seconds (one
  // refresh for the edits of those seconds); until then the dashboard says they are being updated.
  if (config.indicatorRefreshDelay > 0) {
    app.addHook('onResponse', async (request, reply) => {
      if (reply.statusCode >= 300 || !request.actor || !CHANGES_INDICATORS.has(`${request.method} ${request.routeOptions.url ?? ''}`)) return;
      if (request.routeOptions.url === '/api/review/proposals/:id/act' && (request.body as { action?: string } | undefined)?.action !== 'approve') return;
      await requestIndicatorRefresh({ db, actor: request.actor, requestId: String(request.id) }, `${request.method} ${request.url}`,
        (e) => app.log.error(e, 'indicator refresh after an edit failed'), config.indicatorRefreshDelay * 1000).catch((e: unknown) => app.log.error(e, 'indicator refresh request failed'));
    });
  }

  const hasWeb = fs.existsSync(path.join(WEB_DIST, 'index.html'));
  if (hasWeb) await app.register(fastifyStatic, { root: WEB_DIST, wildcard: false });
  app.setNotFoundHandler((request, reply) => {
    if (request.url.startsWith('/api/') || !hasWeb || request.method !== 'GET') {
      return reply.status(404).send({ code: 'NOT_FOUND', message: '接口不存在', details: null, requestId: request.id });
    }
    // The single-page app answers every other path.
    return reply.sendFile('index.html');
  });
  return app;
}
