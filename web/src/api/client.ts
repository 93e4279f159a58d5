import type { ApiErrorBody } from './types';

/**
 * The one API client. Every call goes through `request`, which sends the session cookie, parses
 * JSON, and turns a non-2xx answer into an ApiError carrying the server's code and message
 * (`{code, message, details, requestId}`). A 401 anywhere calls the unauthorized handler, which
 * the app sets to "go to the login page and come back here afterwards".
 */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly details: unknown;
  readonly requestId: string | undefined;

  constructor(status: number, body: ApiErrorBody) {
    super(body.message);
    this.name = 'ApiError';
    this.status = status;
    this.code = body.code;
    this.details = body.details;
    this.requestId = body.requestId;
  }

  /** Field errors of a 400 VALIDATION_FAILED, when the server sent them. */
  get fieldErrors(): { field: string; value?: unknown; code?: string; message: string }[] {
    const d = this.details as { errors?: unknown } | null | undefined;
    return Array.isArray(d?.errors) ? (d.errors as { field: string; message: string }[]) : [];
  }

  get isStale(): boolean {
    return this.status === 409 && this.code === 'STALE_VERSION';
  }
}

/** Network failures and non-JSON answers become an ApiError too, so screens handle one type. */
function networkError(e: unknown): ApiError {
  return new ApiError(0, { code: 'NETWORK', message: e instanceof Error ? `网络错误：${e.message}` : '网络错误' });
}

let onUnauthorized: (() => void) | null = null;
export function setUnauthorizedHandler(fn: (() => void) | null): void {
  onUnauthorized = fn;
}

type Query = Record<string, string | number | boolean | string[] | null | undefined>;

export function queryString(q: Query | undefined): string {
  if (!q) return '';
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(q)) {
    if (v === undefined || v === null || v === '' || (Array.isArray(v) && v.length === 0)) continue;
    p.set(k, Array.isArray(v) ? v.join(',') : String(v));
  }
  const s = p.toString();
  return s ? `?${s}` : '';
}

async function send(method: string, path: string, opts: { query?: Query; body?: unknown; form?: FormData } = {}): Promise<Response> {
  const headers: Record<string, string> = { accept: 'application/json' };
  let body: BodyInit | undefined;
  if (opts.form) body = opts.form;
  else if (opts.body !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(opts.body);
  }
  let res: Response;
  try {
    res = await fetch(path + queryString(opts.query), { method, headers, body, credentials: 'same-origin' });
  } catch (e) {
    throw networkError(e);
  }
  if (!res.ok) {
    let payload: ApiErrorBody;
    try {
      payload = (await res.json()) as ApiErrorBody;
    } catch {
      payload = { code: `HTTP_${res.status}`, message: `请求失败（HTTP ${res.status}）` };
    }
    const err = new ApiError(res.status, payload);
    if (res.status === 401 && !path.startsWith('/api/auth/')) onUnauthorized?.();
    throw err;
  }
  return res;
}

async function request<T>(method: string, path: string, opts: { query?: Query; body?: unknown; form?: FormData } = {}): Promise<T> {
  const res = await send(method, path, opts);
  if (res.status === 204) return undefined as T;
  try {
    return (await res.json()) as T;
  } catch (e) {
    throw networkError(e);
  }
}

export const api = {
  get: <T>(path: string, query?: Query) => request<T>('GET', path, { query }),
  post: <T>(path: string, body?: unknown, query?: Query) => request<T>('POST', path, { body: body ?? {}, query }),
  patch: <T>(path: string, body: unknown) => request<T>('PATCH', path, { body }),
  put: <T>(path: string, body: unknown) => request<T>('PUT', path, { body }),
  del: <T>(path: string, body?: unknown) => request<T>('DELETE', path, { body: body ?? {} }),
  upload: <T>(path: string, form: FormData, query?: Query) => request<T>('POST', path, { form, query }),
  /** A file download (export): fetched so errors show as messages, then saved. */
  async download(path: string, query: Query | undefined, fallbackName: string): Promise<void> {
    const res = await send('GET', path, { query });
    const blob = await res.blob();
    const cd = res.headers.get('content-disposition') ?? '';
    const m = /filename\*=UTF-8''([^;]+)/i.exec(cd);
    saveBlob(blob, m?.[1] ? decodeURIComponent(m[1]) : fallbackName);
  },
};

export function saveBlob(blob: Blob, name: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
