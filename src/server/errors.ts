import type { FastifyError, FastifyInstance } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { ZodError } from 'zod';
import { AppError } from '../core/errors.js';

/**
 * One error handler: AppError → its code and status; zod → 400 with every field; database
 * errors by SQLSTATE; anything else → 500 that says nothing about internals but the request id.
 */
export function installErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError | Error, request, reply) => {
    const requestId = request.id;
    if (err instanceof AppError) {
      return reply.status(err.status).send({ code: err.code, message: err.message, details: err.details ?? null, requestId });
    }
    if (hasZodFastifySchemaValidationErrors(err)) {
      const errors = err.validation.map((v) => ({
        field: [String(err.validationContext ?? ''), ...(v.instancePath ?? '').split('/').filter(Boolean)].filter(Boolean).join('.'),
        code: 'INVALID',
        message: v.message ?? '格式不正确',
      }));
      return reply.status(400).send({ code: 'VALIDATION_FAILED', message: `请求参数有误：${errors.map((e) => `${e.field} ${e.message}`).join('；')}`, details: { errors }, requestId });
    }
    if (err instanceof ZodError) {
      const errors = err.issues.map((i) => ({ field: i.path.join('.'), code: 'INVALID', message: i.message }));
      return reply.status(400).send({ code: 'VALIDATION_FAILED', message: `输入有误：${errors.map((e) => `${e.field} ${e.message}`).join('；')}`, details: { errors }, requestId });
    }
    const pgCode = (err as { code?: unknown }).code;
    if (typeof pgCode === 'string' && /^[0-9A-Z]{5}$/.test(pgCode)) {
      if (pgCode === '23505') return reply.status(409).send({ code: 'DUPLICATE', message: '记录已存在（唯一性冲突），未做任何修改', details: null, requestId });
      if (pgCode === '40001' || pgCode === '40P01') return reply.status(409).send({ code: 'CONCURRENT_UPDATE', message: '并发修改冲突，请重试', details: null, requestId });
      if (pgCode.startsWith('22')) return reply.status(400).send({ code: 'INVALID_VALUE', message: '数据格式不正确', details: null, requestId });
    }
    const fe = err as FastifyError;
    if (fe.statusCode && fe.statusCode >= 400 && fe.statusCode < 500) {
      const code = fe.statusCode === 413 ? 'PAYLOAD_TOO_LARGE' : fe.statusCode === 429 ? 'RATE_LIMITED' : fe.statusCode === 415 ? 'UNSUPPORTED_MEDIA_TYPE' : 'BAD_REQUEST';
      const message = fe.statusCode === 413 ? '上传的文件或请求过大' : fe.statusCode === 429 ? '请求过于频繁，请稍后再试' : fe.statusCode === 415 ? '不支持的请求格式' : '请求格式不正确';
      return reply.status(fe.statusCode).send({ code, message, details: null, requestId });
    }
    request.log.error({ err }, 'unhandled error');
    return reply.status(500).send({ code: 'INTERNAL', message: `服务器内部错误，请联系管理员并提供请求编号 ${requestId}`, details: null, requestId });
  });
}
