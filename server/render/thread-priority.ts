/**
 * Render workers run below the event loop's priority: on a busy machine (two cores, say, and a
 * burst of mail) the thread that answers SMTP, HTTP and WebSockets is never made to wait behind
 * Markdown or MIME parsing; the workers take the CPU the event loop leaves. Linux only (a thread
 * is a task with its own nice value there); elsewhere, and without permission, nothing changes.
 */
import os from 'node:os';
import { readlinkSync } from 'node:fs';

export const RENDER_WORKER_NICENESS = 5;

export function lowerThisThreadsPriority(by = RENDER_WORKER_NICENESS): void {
  if (process.platform !== 'linux') return;
  try {
    // /proc/thread-self → "<pid>/task/<tid>"
    const tid = Number(readlinkSync('/proc/thread-self').split('/').pop());
    if (!Number.isInteger(tid) || tid <= 0) return;
    os.setPriority(tid, Math.min(19, os.getPriority(tid) + by));
  } catch {
    // not permitted or no /proc: run at the process's priority
  }
}
