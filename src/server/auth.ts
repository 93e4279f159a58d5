import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Actor, Ctx } from '../core/context.js';
import type { Db } from '../core/db.js';
import type { Config } from '../core/config.js';
import { UnauthenticatedError } from '../core/errors.js';
import { sessionActor } from '../modules/access/service.js';

export const SESSION_COOKIE = 'tuopin_sid';

declare module 'fastify' {
  interface FastifyRequest {
    actor: Actor | null;
    sessionToken: string | null;
  }
}

/** Resolves the session cookie to an actor on every /api request. */
export function installAuth(app: FastifyInstance, db: Db, config: Config): void {
  app.decorateRequest('actor', null);
  app.decorateRequest('sessionToken', null);
  app.addHook('onRequest', async (request) => {
    if (!request.url.startsWith('/api/')) return;
    const token = request.cookies?.[SESSION_COOKIE];
    if (token) {
      request.sessionToken = token;
      request.actor = await sessionActor(db, token, config.sessionTtl);
    }
    // Anonymous callers get 401 before any body is parsed or validated.
    if (!request.actor && !isPublic(request.url)) throw new UnauthenticatedError();
  });
}

/** Routes open without login: health, login, the API docs, and the public portal. */
export function isPublic(url: string): boolean {
  const p = url.split('?')[0]!;
  return p === '/api/health' || p === '/api/auth/login' || p === '/api/docs' || p.startsWith('/api/docs/') || p.startsWith('/api/public/');
}

/** The service context for a request; 401 for an anonymous caller. */
export function ctxOf(db: Db, request: FastifyRequest): Ctx {
  if (!request.actor) throw new UnauthenticatedError();
  return { db, actor: request.actor, requestId: String(request.id) };
}

export function setSessionCookie(reply: FastifyReply, token: string, expiresAt: Date, config: Config): void {
  reply.setCookie(SESSION_COOKIE, token, {
    path: '/',
    httpOnly: true,
    sameSite: 'strict',
    secure: config.secureCookies,
    // A browser-session cookie; the server enforces the sliding expiry (sessions.expires_at).
  });
  void expiresAt;
}

export function clearSessionCookie(reply: FastifyReply, config: Config): void {
  reply.clearCookie(SESSION_COOKIE, { path: '/', httpOnly: true, sameSite: 'strict', secure: config.secureCookies });
}
