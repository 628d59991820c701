/** Shared bench helpers: percentiles, results file, deterministic realistic mail. */
import type { AppRouter } from '../server/trpc/router';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const RESULTS_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), 'results');

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i] as number;
}

export function summary(samples: number[]): { n: number; p50: number; p99: number; max: number } {
  const s = [...samples].sort((a, b) => a - b);
  const r = (x: number) => Math.round(x * 100) / 100;
  return { n: s.length, p50: r(percentile(s, 50)), p99: r(percentile(s, 99)), max: r(s[s.length - 1] ?? NaN) };
}

export function writeResults(name: string, data: unknown): string {
  mkdirSync(RESULTS_DIR, { recursive: true });
  const file = path.join(RESULTS_DIR, `${name}.json`);
  writeFileSync(file, `${JSON.stringify(data, null, 2)}\n`);
  return file;
}

/** mulberry32: the same "random" corpus every run */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const WORDS = 'order invoice printer shipment account password refund delivery login error screen update broken please thanks urgent help customer support ticket problem since yesterday again working not'.split(' ');

/** A realistic customer email of 5–50 KB: text + HTML alternative, sometimes a small attachment. */
export function realisticMessage(i: number, to: string, random: () => number): string {
  const target = 5_000 + Math.floor(random() * 45_000);
  const para = () => Array.from({ length: 40 + Math.floor(random() * 40) }, () => WORDS[Math.floor(random() * WORDS.length)]).join(' ');
  const paras: string[] = [];
  let size = 0;
  const withAttachment = random() < 0.3;
  const textBudget = withAttachment ? target * 0.4 : target * 0.5;
  while (size < textBudget) {
    const p = para();
    paras.push(p);
    size += p.length;
  }
  const text = paras.join('\r\n\r\n');
  const html = `<html><body>${paras.map((p) => `<p>${p}</p>`).join('')}</body></html>`;
  const b = `b${i}x`;
  const parts = [
    `--${b}\r\nContent-Type: multipart/alternative; boundary="${b}a"\r\n\r\n--${b}a\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n${text}\r\n--${b}a\r\nContent-Type: text/html; charset=utf-8\r\n\r\n${html}\r\n--${b}a--`,
  ];
  if (withAttachment) {
    const bytes = Buffer.alloc(Math.floor(target * 0.15), i % 251);
    parts.push(`--${b}\r\nContent-Type: application/pdf; name="doc${i}.pdf"\r\nContent-Disposition: attachment; filename="doc${i}.pdf"\r\nContent-Transfer-Encoding: base64\r\n\r\n${bytes.toString('base64').replace(/.{76}/g, '$&\r\n')}`);
  }
  return (
    `From: Customer ${i} <customer${i}@bench.test>\r\nTo: ${to}\r\nSubject: Bench message ${i}\r\nMessage-ID: <bench-${i}-${Date.now()}@bench.test>\r\n` +
    `Date: Sun, 22 Nov 2026 10:00:00 +0000\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary="${b}"\r\n\r\n${parts.join('\r\n')}\r\n--${b}--\r\n`
  );
}

/** A signed-in tRPC client over HTTP, and WebSocket clients carrying the same session cookie. */
export async function benchSession(url: string, email: string, password: string) {
  const { createTRPCClient, createWSClient, httpLink } = await import('@trpc/client');
  const { default: WebSocket } = await import('ws');
  let cookie = '';
  const http = createTRPCClient<AppRouter>({
    links: [
      httpLink({
        url: `${url}/trpc`,
        fetch: async (u, init) => {
          const headers = new Headers(init?.headers);
          if (cookie) headers.set('cookie', cookie);
          const res = await fetch(u, { ...init, headers } as RequestInit);
          const c = res.headers.getSetCookie().find((x) => x.startsWith('tl_session='));
          if (c) cookie = c.split(';')[0] as string;
          return res;
        },
      }),
    ],
  });
  await http.auth.login.mutate({ email, password });
  class CookieWS extends WebSocket {
    constructor(address: string) {
      super(address, { headers: { cookie, origin: url } });
    }
  }
  return {
    http,
    ws: () => createWSClient({ url: `${url.replace('http', 'ws')}/trpc`, WebSocket: CookieWS as unknown as typeof globalThis.WebSocket }),
  };
}

/**
 * Wall-clock milliseconds with sub-millisecond resolution, comparable between processes on one
 * machine (both derive it from the same realtime clock at start plus the monotonic clock since):
 * for timings whose start and end are taken in different processes.
 */
export function wallNow(): number {
  return performance.timeOrigin + performance.now();
}

/** CPU seconds (user + system) a live process has used so far, from /proc (Linux); NaN if gone. */
export function procCpuSeconds(pid: number | undefined, withReapedChildren = false): number {
  if (!pid) return NaN;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // fields after the command name (which may contain spaces): state is field 3, utime 14, stime 15, cutime 16, cstime 17
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(f[11]) + Number(f[12]) + (withReapedChildren ? Number(f[13]) + Number(f[14]) : 0);
    return ticks / CLOCK_TICKS;
  } catch {
    return NaN;
  }
}
const CLOCK_TICKS = 100; // sysconf(_SC_CLK_TCK) on Linux

/** Pids of the live children of `pid` (e.g. PostgreSQL's backends under its postmaster), from /proc. */
/** CPU seconds of a PostgreSQL cluster: the postmaster (with what it reaped) and its processes. */
export function postgresCpuSeconds(dataDir: string): number {
  const pid = Number(readFileSync(path.join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
  return procCpuSeconds(pid, true) + childPids(pid).reduce((n, p) => n + (procCpuSeconds(p, true) || 0), 0);
}

export function childPids(pid: number): number[] {
  const out: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === pid) out.push(Number(entry));
    } catch {
      // exited meanwhile
    }
  }
  return out;
}

/** CPU seconds used so far by the main thread of `pid` alone (its JavaScript event loop), from /proc. */
export function mainThreadCpuSeconds(pid: number | undefined): number {
  return pid ? procTaskCpuSeconds(`/proc/${pid}/task/${pid}/stat`) : NaN;
}

function procTaskCpuSeconds(file: string): number {
  try {
    const stat = readFileSync(file, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(f[11]) + Number(f[12])) / CLOCK_TICKS;
  } catch {
    return NaN;
  }
}

/** CPU seconds the whole machine has been busy so far (all cores; /proc/stat, Linux). */
export function machineBusyCpuSeconds(): number {
  try {
    const [, ...f] = (readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '').trim().split(/\s+/);
    const [user, nice, system, , , irq, softirq, steal] = f.map(Number);
    return ((user ?? 0) + (nice ?? 0) + (system ?? 0) + (irq ?? 0) + (softirq ?? 0) + (steal ?? 0)) / CLOCK_TICKS;
  } catch {
    return NaN;
  }
}

/**
 * BENCH_PG_DELAY_MS=<ms>: a TCP proxy in front of PostgreSQL that holds every chunk for `ms` in
 * each direction, like a database on another machine (a round trip costs 2 × ms more; Node's
 * timers make 1 ms the least). What a write costs under the cluster-wide lock is then mostly its
 * round trips, as it is in a real multi-node deployment. Returns the URL to use and a stop function.
 */
export async function delayedPostgres(url: string, oneWayMs: number): Promise<{ url: string; stop(): void }> {
  if (!(oneWayMs > 0)) return { url, stop() {} };
  const net = await import('node:net');
  const target = new URL(url);
  const sockets = new Set<import('node:net').Socket>();
  const relay = (from: import('node:net').Socket, to: import('node:net').Socket) => {
    from.on('data', (chunk) => {
      setTimeout(() => {
        if (!to.destroyed) to.write(chunk);
      }, oneWayMs);
    });
    from.on('close', () => setTimeout(() => to.destroy(), oneWayMs));
    from.on('error', () => to.destroy());
  };
  const server = net.createServer((client) => {
    client.setNoDelay(true);
    const upstream = net.connect(Number(target.port || 5432), target.hostname);
    upstream.setNoDelay(true);
    sockets.add(client).add(upstream);
    relay(client, upstream);
    relay(upstream, client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const proxied = new URL(url);
  proxied.hostname = '127.0.0.1';
  proxied.port = String((server.address() as import('node:net').AddressInfo).port);
  return {
    url: proxied.href,
    stop() {
      server.close();
      for (const s of sockets) s.destroy();
    },
  };
}
