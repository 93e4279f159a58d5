/**
 * Reads and validates an import file in a worker thread (see importRegistry): the worker parses
 * the file, validates each row and makes the staging CSV, while the main thread COPYs what the
 * worker has already made. At most CREDITS pieces are in flight, so memory stays bounded.
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parentPort, Worker, workerData } from 'node:worker_threads';
import type { Actor } from '../../core/context.js';
import { Stager, STAGE_CHUNK_BYTES, type ImportError } from './import-stage.js';
import { readCsvSheet, readRegistryRows } from './workbook/reader.js';
import type { RegistrySource, SheetName } from './workbook/types.js';

interface Input {
  /** Marks the worker's data, so that this module run in some other worker does nothing. */
  tuopinImportWorker: true;
  src: RegistrySource;
  /** Only this sheet's file of a CSV pair (two workers read the pair side by side). */
  sheet?: SheetName;
  villages: string[];
  actor: Actor;
}

/** What the worker sends: staging lines with the errors and warnings found while making them. */
export type StageMessage =
  | { type: 'chunk'; table: 'h' | 'm'; lines: Uint8Array; errors: ImportError[]; warnings: ImportError[]; read: number }
  | { type: 'done'; errors: ImportError[]; warnings: ImportError[]; read: number; sawH: boolean; sawM: boolean }
  | { type: 'failed'; message: string; stack: string | undefined };

const CREDITS = 2;

/**
 * How to start this file as a worker. The sources run through tsx (no build step), and on
 * Node 20 a worker does not inherit tsx's loader, so a .ts worker starts with a line of
 * JavaScript that loads this file through tsx's API.
 */
function workerEntry(): [string, { eval?: boolean }] {
  const self = import.meta.url;
  if (!self.endsWith('.ts')) return [fileURLToPath(self), {}];
  // The ESM build of tsx's API (require.resolve would give the CommonJS one).
  const api = pathToFileURL(path.join(path.dirname(createRequire(self).resolve('tsx/package.json')), 'dist/esm/api/index.mjs')).href;
  return [`import(${JSON.stringify(api)}).then((m) => m.tsImport(${JSON.stringify(self)}, ${JSON.stringify(self)}))`, { eval: true }];
}

/** The main thread's side: the worker's messages in order; each one taken asks for the next. */
export async function* stageInWorker(input: Omit<Input, 'tuopinImportWorker'>): AsyncGenerator<Extract<StageMessage, { type: 'chunk' | 'done' }>> {
  const workerData = { ...input, tuopinImportWorker: true } satisfies Input;
  const [entry, how] = workerEntry();
  const worker = new Worker(entry, { ...how, workerData });
  const queue: StageMessage[] = [];
  let wake: (() => void) | null = null;
  let failure: Error | null = null;
  let exited = false;
  worker.on('message', (m: StageMessage) => { queue.push(m); wake?.(); });
  worker.on('error', (e) => { failure = e; wake?.(); });
  worker.on('exit', () => { exited = true; wake?.(); });
  try {
    for (;;) {
      while (queue.length === 0 && !failure && !exited) await new Promise<void>((r) => (wake = r));
      wake = null;
      const m = queue.shift();
      if (!m) throw failure ?? new Error('import worker stopped before the end of the file');
      if (m.type === 'failed') throw Object.assign(new Error(m.message), { stack: m.stack });
      yield m;
      if (m.type === 'done') return;
      worker.postMessage('more');
    }
  } finally {
    await worker.terminate();
  }
}

/**
 * Several workers' messages as they come, each tagged with its worker's index; each worker keeps
 * its own order and credits. A failure in one stops all.
 */
export async function* mergeStages<T>(streams: AsyncGenerator<T>[]): AsyncGenerator<[number, T]> {
  // Settled, never rejected: a failure is rethrown when its turn comes, never left unhandled.
  const next = (i: number) => streams[i]!.next().then((r) => ({ i, r, failure: null }), (failure: unknown) => ({ i, r: null, failure }));
  const pending = new Map(streams.map((_, i) => [i, next(i)] as const));
  try {
    while (pending.size) {
      const { i, r, failure } = await Promise.race(pending.values());
      if (!r) throw failure;
      if (r.done) {
        pending.delete(i);
        continue;
      }
      yield [i, r.value];
      pending.set(i, next(i));
    }
  } finally {
    // Ends the workers still running (a failure elsewhere, or the consumer stopped early).
    await Promise.allSettled(streams.map((s) => s.return(undefined)));
  }
}

async function run(port: NonNullable<typeof parentPort>, input: Input): Promise<void> {
  let credits = CREDITS;
  let wait: (() => void) | null = null;
  port.on('message', () => { credits++; wait?.(); wait = null; });
  let errors: ImportError[] = [];
  let warnings: ImportError[] = [];
  const stager = new Stager(new Set(input.villages), input.actor, (e) => errors.push(e), (e) => warnings.push(e));
  const send = async (table: 'h' | 'm', lines: Uint8Array) => {
    while (credits === 0) await new Promise<void>((r) => (wait = r));
    credits--;
    // The lines' buffer moves to the main thread (transferred, not copied).
    port.postMessage({ type: 'chunk', table, lines, errors, warnings, read: stager.read } satisfies StageMessage, [lines.buffer as ArrayBuffer]);
    errors = [];
    warnings = [];
  };
  const rows = input.sheet && input.src.kind === 'csv' ? readCsvSheet(input.src, input.sheet) : readRegistryRows(input.src);
  for await (const item of rows) {
    stager.take(item);
    if (stager.hBytes > STAGE_CHUNK_BYTES) await send('h', stager.takeH());
    if (stager.mBytes > STAGE_CHUNK_BYTES) await send('m', stager.takeM());
  }
  if (stager.hBytes) await send('h', stager.takeH());
  if (stager.mBytes) await send('m', stager.takeM());
  port.postMessage({ type: 'done', errors, warnings, read: stager.read, sawH: stager.sawH, sawM: stager.sawM } satisfies StageMessage);
}

if (parentPort && (workerData as Partial<Input> | null)?.tuopinImportWorker === true) {
  const port = parentPort;
  run(port, workerData as Input).catch((e: unknown) => {
    const err = e instanceof Error ? e : new Error(String(e));
    port.postMessage({ type: 'failed', message: err.message, stack: err.stack } satisfies StageMessage);
  });
}
