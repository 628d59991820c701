/**
 * The CPU time a process's main thread (its event loop) has used, for tests that bound how long
 * work holds the event loop up. Unlike the clock or performance.eventLoopUtilization(), it does
 * not count the time the thread waited for a core, so a busy CI machine does not fail such a test.
 */
import { readFileSync } from 'node:fs';

/**
 * In ms, from Linux's /proc/<pid>/task/<pid>/stat (utime + stime, in 10 ms ticks); null where
 * there is no /proc. The main thread's task id is the process id.
 */
export function mainThreadCpuMs(pid: number | undefined = process.pid): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/task/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ms = (Number(fields[11]) + Number(fields[12])) * 10;
    return Number.isFinite(ms) ? ms : null;
  } catch {
    return null;
  }
}

/**
 * The CPU time `fn` takes, in ms (this process's, which for synchronous work is the calling
 * thread's), with its result: for bounds on pure work that a loaded machine must not fail.
 */
export function cpuMsOf<T>(fn: () => T): { ms: number; value: T } {
  const before = process.cpuUsage();
  const value = fn();
  const used = process.cpuUsage(before);
  return { ms: (used.user + used.system) / 1000, value };
}
