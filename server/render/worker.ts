/** Entry of a render worker thread: runs one task at a time from TASKS and posts the result. */
import { parentPort } from 'node:worker_threads';
import { TASKS, type TaskName } from './tasks';
import { lowerThisThreadsPriority } from './thread-priority';

interface Request {
  id: number;
  task: TaskName;
  args: unknown[];
}

const port = parentPort;
if (!port) throw new Error('render/worker.ts runs only as a worker thread');

port.on('message', async ({ id, task, args }: Request) => {
  try {
    const fn = TASKS[task] as (...a: unknown[]) => unknown;
    port.postMessage({ id, ok: true, value: await fn(...args) });
  } catch (err) {
    port.postMessage({ id, ok: false, message: err instanceof Error ? `${err.name}: ${err.message}` : String(err) });
  }
});
lowerThisThreadsPriority();
port.postMessage({ ready: true });
