import { SingleBar, Presets } from 'cli-progress';
import { AppError, ValidationError } from '../core/errors.js';

/** Exit codes of DOMAIN.md: 0 success, 1 rejected input (reasons printed), 2 failure. */
export const EXIT_OK = 0;
export const EXIT_REJECTED = 1;
export const EXIT_FAILURE = 2;

export class Rejected extends Error {
  constructor(public readonly payload: unknown, message: string) {
    super(message);
  }
}

export interface Out {
  json: boolean;
  /** The result: one JSON document on stdout with --json, else the human text. */
  result(doc: unknown, human: string): void;
  info(msg: string): void;
  progress(label: string, total?: number): { update(n: number): void; stop(): void };
}

export function makeOut(json: boolean): Out {
  return {
    json,
    result(doc, human) {
      process.stdout.write(json ? JSON.stringify(doc, null, 2) + '\n' : human + '\n');
    },
    info(msg) {
      process.stderr.write(msg + '\n');
    },
    progress(label, total) {
      if (!process.stderr.isTTY) {
        let last = 0;
        return {
          update(n) {
            if (n - last >= 50_000) { last = n; process.stderr.write(`${label}: ${n}\n`); }
          },
          stop() { /* nothing drawn */ },
        };
      }
      const bar = new SingleBar({ format: `${label} [{bar}] {value}${total ? '/{total}' : ''} 行`, stream: process.stderr, hideCursor: true }, Presets.shades_classic);
      bar.start(total ?? 0, 0);
      return {
        update(n) {
          if (!total) bar.setTotal(n);
          bar.update(n);
        },
        stop() { bar.stop(); },
      };
    },
  };
}

/** Maps an error to an exit code and prints it (as JSON with --json). */
export function reportError(out: Out, e: unknown): number {
  if (e instanceof Rejected) {
    if (out.json) process.stdout.write(JSON.stringify(e.payload, null, 2) + '\n');
    else process.stderr.write(e.message + '\n');
    return EXIT_REJECTED;
  }
  if (e instanceof ValidationError || (e instanceof AppError && e.status < 500)) {
    const doc = { ok: false, code: e.code, message: e.message, details: e.details ?? null };
    if (out.json) process.stdout.write(JSON.stringify(doc, null, 2) + '\n');
    else process.stderr.write(`错误 ${e.code}: ${e.message}\n`);
    return EXIT_REJECTED;
  }
  const msg = e instanceof Error ? e.message : String(e);
  if (out.json) process.stdout.write(JSON.stringify({ ok: false, code: 'FAILURE', message: msg }, null, 2) + '\n');
  process.stderr.write(`失败: ${msg}\n`);
  if (process.env.TUOPIN_DEBUG && e instanceof Error) process.stderr.write((e.stack ?? '') + '\n');
  return EXIT_FAILURE;
}
