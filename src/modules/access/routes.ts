import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ROLE_LABELS, ROLES } from '../../core/context.js';
import type { Config } from '../../core/config.js';
import type { Db } from '../../core/db.js';
import { verifyAudit } from '../../core/audit.js';
import { clearSessionCookie, ctxOf, setSessionCookie } from '../../server/auth.js';
import { assertCan, can, PERMISSIONS, type Permission } from './policy.js';
import { CreateUserInput, createUser, listUsers, login, logout } from './service.js';

const Me = z.object({
  id: z.string().nullable(),
  username: z.string(),
  displayName: z.string(),
  role: z.string(),
  roleLabel: z.string(),
  regionCode: z.string(),
  permissions: z.array(z.string()),
});

export function accessRoutes(app: FastifyInstance, db: Db, config: Config): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const me = (actor: NonNullable<import('fastify').FastifyRequest['actor']>) => ({
    id: actor.id, username: actor.username, displayName: actor.displayName, role: actor.role,
    roleLabel: actor.role === 'system' ? '系统' : ROLE_LABELS[actor.role], regionCode: actor.regionCode,
    permissions: (Object.keys(PERMISSIONS) as Permission[]).filter((p) => can(actor, p)),
  });

  r.post('/api/auth/login', {
    config: { rateLimit: { max: 10, timeWindow: '1 minute' } },
    schema: { tags: ['access'], summary: '登录', body: z.object({ username: z.string().min(1).max(64), password: z.string().min(1).max(200) }), response: { 200: Me } },
  }, async (request, reply) => {
    const res = await login(db, request.body.username.trim(), request.body.password, config.sessionTtl, { ip: request.ip, requestId: String(request.id) });
    setSessionCookie(reply, res.token, res.expiresAt, config);
    return me(res.actor);
  });

  r.post('/api/auth/logout', { schema: { tags: ['access'], summary: '退出登录' } }, async (request, reply) => {
    const ctx = ctxOf(db, request);
    if (request.sessionToken) await logout(db, request.sessionToken, ctx.actor, ctx.requestId);
    clearSessionCookie(reply, config);
    return { ok: true };
  });

  r.get('/api/auth/me', { schema: { tags: ['access'], summary: '当前用户', response: { 200: Me } } }, async (request) => me(ctxOf(db, request).actor));

  r.get('/api/users', { schema: { tags: ['access'], summary: '辖区内的用户' } }, async (request) => ({ items: await listUsers(ctxOf(db, request)) }));

  r.post('/api/users', { schema: { tags: ['access'], summary: '新建用户', body: CreateUserInput.omit({ demo: true }) } }, async (request, reply) => {
    const user = await createUser(ctxOf(db, request), request.body);
    return reply.status(201).send(user);
  });

  r.get('/api/roles', { schema: { tags: ['access'], summary: '角色列表' } }, async (request) => {
    ctxOf(db, request);
    return { items: ROLES.map((role) => ({ role, label: ROLE_LABELS[role] })) };
  });

  r.get('/api/audit/verify', { schema: { tags: ['access'], summary: '校验审计日志哈希链' } }, async (request) => {
    const ctx = ctxOf(db, request);
    assertCan(ctx.actor, 'audit.read');
    return verifyAudit(db);
  });

  r.get('/api/audit', {
    schema: { tags: ['access'], summary: '审计日志', querystring: z.object({ targetId: z.string().optional(), action: z.string().optional(), limit: z.coerce.number().int().min(1).max(500).default(100), beforeSeq: z.coerce.number().int().optional() }) },
  }, async (request) => {
    const ctx = ctxOf(db, request);
    assertCan(ctx.actor, 'audit.read');
    const q = request.query;
    const params: unknown[] = [];
    const where: string[] = ['TRUE'];
    if (q.targetId) { params.push(q.targetId); where.push(`target_id = $${params.length}`); }
    if (q.action) { params.push(q.action); where.push(`action = $${params.length}`); }
    if (q.beforeSeq) { params.push(q.beforeSeq); where.push(`seq < $${params.length}`); }
    params.push(q.limit);
    const rows = await db.query(`SELECT seq, at, username, action, target_type, target_id, county_code, request_id, details FROM audit_log WHERE ${where.join(' AND ')} ORDER BY seq DESC LIMIT $${params.length}`, params);
    return { items: rows };
  });
}
