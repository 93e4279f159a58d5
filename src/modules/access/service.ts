import crypto from 'node:crypto';
import { z } from 'zod';
import { audit } from '../../core/audit.js';
import { ROLES, type Actor, type Ctx, type Role } from '../../core/context.js';
import type { Db } from '../../core/db.js';
import { ConflictError, RateLimitedError, UnauthenticatedError, ValidationError } from '../../core/errors.js';
import { newId } from '../../core/ids.js';
import { normalizeRegionCode } from '../../domain/regions.js';
import { getRegion } from '../regions/service.js';
import { hashPassword, passwordProblem, verifyPassword } from './passwords.js';
import { actorCovers, significantPrefix } from './scope.js';
import { assertCan } from './policy.js';

export const CreateUserInput = z.object({
  username: z.string().trim().min(2).max(64).regex(/^[A-Za-z0-9_.\-\u4e00-\u9fa5]+$/, '用户名只能包含字母、数字、汉字和 _ . -'),
  displayName: z.string().trim().min(1).max(64).optional(),
  role: z.enum(ROLES),
  regionCode: z.string(),
  password: z.string(),
  demo: z.boolean().optional(),
});
export type CreateUserInput = z.infer<typeof CreateUserInput>;

export interface UserView {
  id: string;
  username: string;
  displayName: string;
  role: Role;
  regionCode: string;
  regionName: string | null;
  active: boolean;
}

const LOCK_AFTER = 5;
const LOCK_MINUTES = 15;

export async function createUser(ctx: Ctx, raw: CreateUserInput): Promise<UserView> {
  assertCan(ctx.actor, 'users.manage');
  const input = CreateUserInput.parse(raw);
  const code = normalizeRegionCode(input.regionCode);
  if (!code) throw new ValidationError(`区划代码「${input.regionCode}」格式不正确`, { field: 'regionCode', value: input.regionCode });
  if (!actorCovers(ctx.actor, code)) throw new ValidationError('只能在本人辖区内创建用户', { field: 'regionCode', value: code });
  const problem = input.demo ? null : passwordProblem(input.password);
  if (problem) throw new ValidationError(problem, { field: 'password' });
  const passwordHash = await hashPassword(input.password);
  return ctx.db.transaction(async (tx) => {
    const region = await getRegion(tx, code);
    if (!region) throw new ValidationError(`区划代码 ${code} 不存在`, { field: 'regionCode', value: code });
    const exists = await tx.query('SELECT 1 FROM users WHERE username = $1', [input.username]);
    if (exists.length) throw new ConflictError(`用户名「${input.username}」已存在`, { field: 'username' }, 'USERNAME_TAKEN');
    const id = newId();
    const displayName = input.displayName ?? input.username;
    await tx.execute(
      `INSERT INTO users (id, username, display_name, role, region_code, password_hash, demo) VALUES ($1,$2,$3,$4,$5,$6,$7)`,
      [id, input.username, displayName, input.role, code, passwordHash, input.demo ?? false],
    );
    await audit(tx, ctx.actor, ctx.requestId, {
      action: 'user.create', targetType: 'user', targetId: id,
      details: { username: input.username, role: input.role, regionCode: code, demo: input.demo ?? false },
    });
    return { id, username: input.username, displayName, role: input.role, regionCode: code, regionName: region.name, active: true };
  });
}

export async function listUsers(ctx: Ctx): Promise<UserView[]> {
  assertCan(ctx.actor, 'users.manage');
  const prefix = significantPrefix(ctx.actor.regionCode);
  const rows = await ctx.db.query<{ id: string; username: string; display_name: string; role: Role; region_code: string; name: string | null; active: boolean }>(
    `SELECT u.id, u.username, u.display_name, u.role, u.region_code, r.name, u.active
       FROM users u LEFT JOIN regions r ON r.code = u.region_code
      WHERE u.region_code LIKE $1 || '%' ORDER BY u.region_code, u.username`,
    [prefix],
  );
  return rows.map((r) => ({ id: r.id, username: r.username, displayName: r.display_name, role: r.role, regionCode: r.region_code, regionName: r.name, active: r.active }));
}

function tokenHash(token: string): string {
  return crypto.createHash('sha256').update(token).digest('hex');
}

export interface LoginResult {
  token: string;
  expiresAt: Date;
  actor: Actor;
}

/**
 * Password login. Five wrong passwords lock the account for 15 minutes (on top of the per-IP
 * rate limit on the route). The same message for unknown user and wrong password.
 */
export async function login(db: Db, username: string, password: string, ttlSeconds: number, meta: { ip?: string; requestId: string }): Promise<LoginResult> {
  const rows = await db.query<{ id: string; username: string; display_name: string; role: Role; region_code: string; password_hash: string; active: boolean; failed_logins: number; locked_until: Date | null }>(
    'SELECT * FROM users WHERE username = $1', [username],
  );
  const u = rows[0];
  const anon: Actor = { id: null, username, displayName: username, role: 'system', regionCode: '000000000000' };
  if (u && u.locked_until && u.locked_until.getTime() > Date.now()) {
    throw new RateLimitedError(`密码错误次数过多，账号已锁定至 ${u.locked_until.toLocaleTimeString('zh-CN', { hour12: false })}`);
  }
  const ok = u ? u.active && (await verifyPassword(u.password_hash, password)) : (await verifyPassword(DUMMY_HASH, password), false);
  if (!u || !ok) {
    await db.transaction(async (tx) => {
      if (u) {
        const failed = u.failed_logins + 1;
        const lock = failed >= LOCK_AFTER ? new Date(Date.now() + LOCK_MINUTES * 60_000) : null;
        await tx.execute('UPDATE users SET failed_logins = $2, locked_until = $3 WHERE id = $1', [u.id, lock ? 0 : failed, lock]);
      }
      await audit(tx, u ? { ...anon, id: u.id } : anon, meta.requestId, { action: 'auth.login_failed', targetType: 'user', targetId: u?.id ?? null, details: { username, ip: meta.ip ?? null } });
    });
    throw new UnauthenticatedError('用户名或密码错误');
  }
  const token = crypto.randomBytes(32).toString('base64url');
  const expiresAt = new Date(Date.now() + ttlSeconds * 1000);
  const actor: Actor = { id: u.id, username: u.username, displayName: u.display_name, role: u.role, regionCode: u.region_code };
  await db.transaction(async (tx) => {
    await tx.execute('UPDATE users SET failed_logins = 0, locked_until = NULL WHERE id = $1', [u.id]);
    await tx.execute('INSERT INTO sessions (token_hash, user_id, expires_at) VALUES ($1, $2, $3)', [tokenHash(token), u.id, expiresAt]);
    await audit(tx, actor, meta.requestId, { action: 'auth.login', targetType: 'user', targetId: u.id, details: { ip: meta.ip ?? null } });
  });
  return { token, expiresAt, actor };
}

// Verifying against a fixed hash for unknown users keeps the timing the same.
const DUMMY_HASH = '$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$2S3rJ6b2V2vOq0dJm6Yk9dHh6sX1xE2m9C8QbKc2m3Q';

/** The actor behind a session token, or null when it is unknown or expired. Sliding expiry. */
export async function sessionActor(db: Db, token: string, ttlSeconds: number): Promise<Actor | null> {
  const rows = await db.query<{ id: string; username: string; display_name: string; role: Role; region_code: string; active: boolean; expires_at: Date; last_seen_at: Date }>(
    `SELECT u.id, u.username, u.display_name, u.role, u.region_code, u.active, s.expires_at, s.last_seen_at
       FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.token_hash = $1`,
    [tokenHash(token)],
  );
  const r = rows[0];
  if (!r || !r.active || r.expires_at.getTime() <= Date.now()) return null;
  if (Date.now() - r.last_seen_at.getTime() > 60_000) {
    await db.execute('UPDATE sessions SET last_seen_at = now(), expires_at = $2 WHERE token_hash = $1', [tokenHash(token), new Date(Date.now() + ttlSeconds * 1000)]);
  }
  return { id: r.id, username: r.username, displayName: r.display_name, role: r.role, regionCode: r.region_code };
}

export async function logout(db: Db, token: string, actor: Actor, requestId: string): Promise<void> {
  await db.transaction(async (tx) => {
    await tx.execute('DELETE FROM sessions WHERE token_hash = $1', [tokenHash(token)]);
    await audit(tx, actor, requestId, { action: 'auth.logout', targetType: 'user', targetId: actor.id });
  });
}
