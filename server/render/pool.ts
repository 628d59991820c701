/**
 * A small pool of worker threads for conversions of untrusted text. The main thread never runs
 * them: a pathological input can only cost a worker its time budget, after which the worker is
 * stopped and replaced and the caller gets `{ ok: false }` (and uses its plain-text fallback).
 */
import os from 'node:os';
import v8 from 'node:v8';
import { Worker } from 'node:worker_threads';
import type { Tasks, TaskName } from './tasks';

export type TaskResult<K extends TaskName> =
  | { ok: true; value: Awaited<ReturnType<Tasks[K]>> }
  | { ok: false; reason: 'timeout' | 'error' | 'crashed'; message: string };

interface Job {
  task: TaskName;
  args: unknown[];
  budgetMs: number;
  resolve: (r: TaskResult<TaskName>) => void;
}

interface Slot {
  worker: Worker;
  ready: boolean;
  job: (Job & { id: number; timer: NodeJS.Timeout }) | null;
}

export interface RenderPoolOptions {
  size?: number;
  /** heap limit per worker: a memory bomb ends the worker, not the server */
  maxHeapMb?: number;
}

const here = new URL('.', import.meta.url);
const entryFile = import.meta.url.endsWith('.ts') ? 'worker.ts' : 'worker.js';

/**
 * Lets a heap grow to 3× its live size before the next full GC (V8's own factor for a worker
 * capped at a few hundred MB is ~1.3, so a busy render worker ran a full GC every ~0.6 s).
 * V8 keeps a function's optimised code only while a closure holding it is alive; the parsers and
 * sanitiser we run create their callbacks per call, so every full GC threw that code away and
 * the compiler threads rebuilt it: ~20 recompilations per GC, 15–20% of all CPU while ingesting.
 * With this, full GCs in each worker drop from ~12 to ~5 per 1,500 messages and the CPU per
 * ingested message by ~4% (`npm run bench -- ingest-cpu`, 3,000 messages). The flag is
 * process-wide, so the main thread's heap may also grow to 3× its live size between full GCs.
 * HEAP_GROWING_PERCENT sets it (0: V8's own, for a tight memory limit); set before the workers start.
 */
let heapGrowingPercent = 200;
let gcTuned = false;
export function setHeapGrowingPercent(percent: number): void {
  heapGrowingPercent = percent;
}
function tuneHeapGrowth(): void {
  if (gcTuned) return;
  gcTuned = true;
  if (heapGrowingPercent > 0) v8.setFlagsFromString(`--heap-growing-percent=${heapGrowingPercent}`);
}

export function createRenderPool(opts: RenderPoolOptions = {}) {
  tuneHeapGrowth();
  const size = opts.size ?? Math.max(1, Math.min(2, os.availableParallelism()));
  const slots: Slot[] = [];
  const queue: Job[] = [];
  let nextId = 1;
  let closed = false;
  let startFailures = 0;

  function spawn(): Slot {
    const worker = new Worker(new URL('boot.mjs', here), {
      workerData: { entry: new URL(entryFile, here).href },
      resourceLimits: { maxOldGenerationSizeMb: opts.maxHeapMb ?? 384 },
      stdout: false,
      stderr: false,
    });
    const slot: Slot = { worker, ready: false, job: null };
    worker.unref();
    worker.on('message', (msg: { ready?: true; id?: number; ok?: boolean; value?: unknown; message?: string }) => {
      if (msg.ready) {
        slot.ready = true;
        startFailures = 0;
        pump();
        return;
      }
      const job = slot.job;
      if (!job || job.id !== msg.id) return;
      finish(slot, msg.ok ? { ok: true, value: msg.value as never } : { ok: false, reason: 'error', message: msg.message ?? 'failed' });
    });
    const gone = (why: string) => {
      const i = slots.indexOf(slot);
      if (i === -1) return;
      slots.splice(i, 1);
      if (!slot.ready) startFailures++;
      if (slot.job) finish(slot, { ok: false, reason: 'crashed', message: why });
      if (!closed) refill();
    };
    worker.on('error', (err) => gone(err.message));
    worker.on('exit', (code) => gone(`worker exited with code ${code}`));
    slots.push(slot);
    return slot;
  }

  function refill(): void {
    // A worker that cannot even start (broken install) must not leave callers waiting forever.
    if (startFailures >= 3) {
      for (const job of queue.splice(0)) job.resolve({ ok: false, reason: 'crashed', message: 'render workers cannot start' });
      startFailures = 0;
      return;
    }
    while (slots.length < size && (queue.length > 0 || slots.length === 0)) spawn();
  }

  function finish(slot: Slot, result: TaskResult<TaskName>): void {
    const job = slot.job;
    if (!job) return;
    clearTimeout(job.timer);
    slot.job = null;
    slot.worker.unref();
    job.resolve(result);
    pump();
  }

  function pump(): void {
    for (const slot of slots) {
      if (!slot.ready || slot.job) continue;
      const job = queue.shift();
      if (!job) return;
      const id = nextId++;
      const timer = setTimeout(() => {
        // The only way to interrupt synchronous work: stop the thread, start a fresh one.
        const i = slots.indexOf(slot);
        if (i !== -1) slots.splice(i, 1);
        void slot.worker.terminate();
        if (!closed) refill();
        finish(slot, { ok: false, reason: 'timeout', message: `took longer than ${job.budgetMs} ms` });
      }, job.budgetMs);
      slot.job = { ...job, id, timer };
      slot.worker.ref();
      slot.worker.postMessage({ id, task: job.task, args: job.args });
    }
  }

  return {
    run<K extends TaskName>(task: K, args: Parameters<Tasks[K]>, budgetMs: number): Promise<TaskResult<K>> {
      if (closed) return Promise.resolve({ ok: false, reason: 'crashed', message: 'render pool closed' });
      return new Promise((resolve) => {
        queue.push({ task, args, budgetMs, resolve: resolve as (r: TaskResult<TaskName>) => void });
        refill();
        pump();
      });
    },
    /** Starts every worker now, so the first conversion does not wait for one to load. */
    warm(): void {
      while (!closed && slots.length < size) spawn();
    },
    async close(): Promise<void> {
      closed = true;
      for (const job of queue.splice(0)) job.resolve({ ok: false, reason: 'crashed', message: 'render pool closed' });
      await Promise.all(slots.splice(0).map((s) => s.worker.terminate()));
    },
  };
}

export type RenderPool = ReturnType<typeof createRenderPool>;
