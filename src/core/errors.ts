/**
 * Errors with a stable code and an HTTP status. One handler (server/errors.ts) maps them to
 * `{ code, message, details }`. Never match on message text; match on `code`.
 */
export class AppError extends Error {
  constructor(
    public readonly code: string,
    message: string,
    public readonly status: number,
    public readonly details?: unknown,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** Bad input: the request or file is wrong. CLI exit code 1. */
export class ValidationError extends AppError {
  constructor(message: string, details?: unknown, code = 'VALIDATION_FAILED') {
    super(code, message, 400, details);
  }
}

/** "Not found" and "not allowed" look the same to a caller outside their scope. */
export class NotFoundError extends AppError {
  constructor(message = '记录不存在或无权访问', details?: unknown) {
    super('NOT_FOUND', message, 404, details);
  }
}

export class UnauthenticatedError extends AppError {
  constructor(message = '请先登录') {
    super('UNAUTHENTICATED', message, 401);
  }
}

export class ForbiddenError extends AppError {
  constructor(message = '当前角色无权执行此操作', details?: unknown, code = 'FORBIDDEN') {
    super(code, message, 403, details);
  }
}

/** A stale write (optimistic concurrency) or a duplicate key. Nothing was changed. */
export class ConflictError extends AppError {
  constructor(message: string, details?: unknown, code = 'CONFLICT') {
    super(code, message, 409, details);
  }
}

export class RateLimitedError extends AppError {
  constructor(message = '尝试次数过多，请稍后再试') {
    super('RATE_LIMITED', message, 429);
  }
}

export function isAppError(e: unknown): e is AppError {
  return e instanceof AppError;
}
