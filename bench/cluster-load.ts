/**
 * The load generator of `npm run bench -- cluster`, in its own process so that its client work
 * (SMTP sessions, 500 WebSocket clients parsing every event) does not share the orchestrator's
 * event loop. Started by bench/cluster.ts as
 *
 *   node --import tsx bench/cluster-load.ts <mode> '<json config>' <result file>
 *
 * It talks to the orchestrator in lines of JSON: on stdout it writes `{"type":"ready"}` (clients
 * subscribed), `{"type":"measuring"}` / `{"type":"measured"}` (the measured window, for CPU
 * accounting) and finally `{"type":"result"}` once it has written its result (JSON) to the file; in `fanout` mode it reads one line on stdin,
 * `{"noteIds":[…]}`, once the orchestrator has posted its notes. Progress goes to stderr.
 *
 * Modes:
 *   latency  sequential plain SMTP sessions to one node; end-of-DATA → `ticket.created` on a
 *            WebSocket client of another node (and end-of-DATA → 250), performance.now() here
 *   ingest   realistic messages round-robin over pooled nodemailer transports to every SMTP
 *            listener; one subscriber per node; first send → last `ticket.created` seen
 *   fanout   N subscribers spread over the nodes; for every note id it is told about, the wall
 *            time (bench/lib.ts wallNow) at which each client's onData got its `note.created`
 */
import { writeFileSync } from 'node:fs';
import net from 'node:net';
import readline from 'node:readline';
import { createTRPCClient, wsLink } from '@trpc/client';
import nodemailer from 'nodemailer';
import type { ProjectEventEnvelope } from '../shared/events';
import type { AppRouter } from '../server/trpc/router';
import { benchSession, realisticMessage, rng, wallNow } from './lib';

export interface LoadNode {
  name: string;
  url: string;
  smtpPort: number;
}

export interface LoadCommon {
  project: string;
  /** the project's Service Desk address */
  address: string;
  user: { email: string; password: string };
}

export interface LatencyConfig extends LoadCommon {
  /** SMTP goes to this node … */
  smtpNode: LoadNode;
  /** … the event is awaited on a client of this one */
  wsNode: LoadNode;
  samples: number;
  warmup: number;
}

export interface IngestConfig extends LoadCommon {
  nodes: LoadNode[];
  count: number;
  /** SMTP connections in total, split evenly over the nodes' pooled transports */
  connections: number;
  timeoutMs: number;
}

export interface FanoutConfig extends LoadCommon {
  nodes: LoadNode[];
  subscribers: number;
  timeoutMs: number;
}

export interface LatencyResult {
  endOfDataToEventMs: number[];
  endOfDataToAckMs: number[];
  timeouts: number;
}

export interface IngestResult {
  count: number;
  bytes: number;
  sendFailures: number;
  firstFailures: string[];
  /** ms after the first send */
  allAcceptedMs: number;
  /** per node: ms after the first send when its client had seen every ticket (NaN: never) */
  allSeenMsPerNode: Record<string, number>;
  seenPerNode: Record<string, number>;
  doubledPerNode: Record<string, number>;
  acceptedPerNode: Record<string, number>;
}

export interface FanoutResult {
  subscribers: number;
  perNode: Record<string, number>;
  /** note id → wall time (wallNow) of each client's onData, in client order; missing clients left out */
  receivedAt: Record<string, number[]>;
  /** note id → the envelope's `at` (server time when the write transaction was asked for) */
  at: Record<string, number>;
  missing: number;
  duplicates: number;
  errors: string[];
}

export type LoadResult = (LatencyResult | IngestResult | FanoutResult) & { cpuSeconds: number; wallSeconds: number };

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
const stdinLines = readline.createInterface({ input: process.stdin });
const queuedLines: string[] = [];
const lineWaiters: Array<(line: string) => void> = [];
stdinLines.on('line', (l) => {
  const w = lineWaiters.shift();
  if (w) w(l);
  else queuedLines.push(l);
});
/** The next line the orchestrator writes on stdin. */
function nextLine(): Promise<string> {
  const l = queuedLines.shift();
  return l !== undefined ? Promise.resolve(l) : new Promise((r) => lineWaiters.push(r));
}
/** Ends the measured window; waits until the orchestrator has taken its CPU snapshot. */
async function measured(): Promise<void> {
  say({ type: 'measured' });
  await nextLine();
}
const say = (msg: object) => process.stdout.write(`${JSON.stringify(msg)}\n`);
const progress = (msg: string) => process.stderr.write(`  [load] ${msg}\n`);

type Live = ReturnType<typeof createTRPCClient<AppRouter>>;

/** One signed-in session per node; `subscribe` opens a WebSocket to that node for each call. */
async function sessions(nodes: LoadNode[], user: LoadCommon['user']) {
  const out = new Map<string, Awaited<ReturnType<typeof benchSession>>>();
  for (const n of nodes) if (!out.has(n.url)) out.set(n.url, await benchSession(n.url, user.email, user.password));
  return out;
}

function subscribe(
  session: Awaited<ReturnType<typeof benchSession>>,
  project: string,
  onEvent: (env: ProjectEventEnvelope) => void,
  onError: (e: unknown) => void,
): { started: Promise<void>; close(): void } {
  const ws = session.ws();
  const live: Live = createTRPCClient<AppRouter>({ links: [wsLink({ client: ws })] });
  let ready: () => void = () => undefined;
  const started = new Promise<void>((r) => (ready = r));
  const sub = live.events.project.subscribe({ projectPath: project }, {
    onStarted: () => ready(),
    onData: (item: unknown) => onEvent((item as { data: ProjectEventEnvelope }).data),
    onError,
  });
  return {
    started,
    close() {
      sub.unsubscribe();
      void ws.close();
    },
  };
}

/** A bare SMTP client: the exact moment the terminating "." leaves is the start of the measurement. */
class SmtpConnection {
  private buf = '';
  private lines: string[] = [];
  private waiters: Array<(reply: { code: number; text: string }) => void> = [];
  private replyLines: string[] = [];
  private constructor(private sock: net.Socket) {
    sock.setNoDelay(true);
    sock.on('data', (d: Buffer) => {
      this.buf += d.toString('latin1');
      let i: number;
      while ((i = this.buf.indexOf('\r\n')) >= 0) {
        const line = this.buf.slice(0, i);
        this.buf = this.buf.slice(i + 2);
        this.replyLines.push(line);
        if (line[3] !== '-') {
          const text = this.replyLines.join('\n');
          this.replyLines = [];
          const w = this.waiters.shift();
          if (w) w({ code: Number(line.slice(0, 3)), text });
          else this.lines.push(text);
        }
      }
    });
  }

  static async open(port: number): Promise<SmtpConnection> {
    const sock = net.connect(port, '127.0.0.1');
    await new Promise<void>((resolve, reject) => sock.once('connect', resolve).once('error', reject));
    const c = new SmtpConnection(sock);
    await c.expect(220);
    await c.command('EHLO bench.test', 250);
    return c;
  }

  reply(): Promise<{ code: number; text: string }> {
    const queued = this.lines.shift();
    if (queued) return Promise.resolve({ code: Number(queued.slice(0, 3)), text: queued });
    return new Promise((r) => this.waiters.push(r));
  }

  async expect(code: number): Promise<void> {
    const r = await this.reply();
    if (r.code !== code) throw new Error(`SMTP: expected ${code}, got ${r.text}`);
  }

  async command(line: string, code: number): Promise<void> {
    this.sock.write(`${line}\r\n`);
    await this.expect(code);
  }

  /** MAIL, RCPT, DATA, then the message; returns when the "." was written and the 250 promise. */
  async send(from: string, to: string, raw: string): Promise<{ endOfData: number; accepted: Promise<number> }> {
    await this.command(`MAIL FROM:<${from}>`, 250);
    await this.command(`RCPT TO:<${to}>`, 250);
    await this.command('DATA', 354);
    const body = raw.replace(/\r\n\./g, '\r\n..');
    const accepted = this.expect(250).then(() => performance.now());
    this.sock.write(`${body}${body.endsWith('\r\n') ? '' : '\r\n'}.\r\n`);
    return { endOfData: performance.now(), accepted };
  }

  close(): void {
    this.sock.end('QUIT\r\n');
  }
}

async function latency(cfg: LatencyConfig): Promise<LatencyResult> {
  const [session] = [...(await sessions([cfg.wsNode], cfg.user)).values()];
  const waiters = new Map<string, (at: number) => void>();
  const client = subscribe(session!, cfg.project, (env) => {
    if (env.event.type === 'ticket.created') waiters.get(env.event.ticket.title)?.(performance.now());
  }, (e) => progress(`subscription error: ${String(e)}`));
  await client.started;
  await sleep(300);
  const smtp = await SmtpConnection.open(cfg.smtpNode.smtpPort);
  const run = Date.now().toString(36);
  const endOfDataToEventMs: number[] = [];
  const endOfDataToAckMs: number[] = [];
  let timeouts = 0;
  for (let i = -cfg.warmup; i < cfg.samples; i++) {
    if (i === 0) say({ type: 'measuring' });
    const title = `Latency ${run} ${i}`;
    const seen = new Promise<number>((resolve) => {
      const timer = setTimeout(() => resolve(NaN), 10_000);
      waiters.set(title, (at) => {
        clearTimeout(timer);
        resolve(at);
      });
    });
    const raw = [
      'From: Latency <lat@bench.test>',
      `To: ${cfg.address}`,
      `Subject: ${title}`,
      `Message-ID: <lat-${run}-${i}@bench.test>`,
      'Date: Sun, 22 Nov 2026 10:00:00 +0000',
      'MIME-Version: 1.0',
      'Content-Type: text/plain; charset=utf-8',
      '',
      'How fast is this?',
      '',
    ].join('\r\n');
    const { endOfData, accepted } = await smtp.send('lat@bench.test', cfg.address, raw);
    const [ack, event] = await Promise.all([accepted, seen]);
    waiters.delete(title);
    if (Number.isNaN(event)) timeouts++;
    if (i < 0) continue;
    endOfDataToAckMs.push(ack - endOfData);
    if (!Number.isNaN(event)) endOfDataToEventMs.push(event - endOfData);
  }
  await measured();
  smtp.close();
  client.close();
  return { endOfDataToEventMs, endOfDataToAckMs, timeouts };
}

async function ingest(cfg: IngestConfig): Promise<IngestResult> {
  const random = rng(42);
  const messages = Array.from({ length: cfg.count }, (_, i) => realisticMessage(i, cfg.address, random));
  const bytes = messages.reduce((n, m) => n + Buffer.byteLength(m), 0);
  const all = await sessions(cfg.nodes, cfg.user);
  const clientNodes = [...new Map(cfg.nodes.map((n) => [n.url, n])).values()];
  let t0 = 0;
  const seen = new Map<string, Map<string, number>>();
  const allSeen: Record<string, number> = {};
  let doneSeeing: () => void = () => undefined;
  const everySeen = new Promise<void>((r) => (doneSeeing = r));
  const subs = clientNodes.map((n) => {
    const titles = new Map<string, number>();
    seen.set(n.name, titles);
    return subscribe(all.get(n.url)!, cfg.project, (env) => {
      if (env.event.type !== 'ticket.created' || !env.event.ticket.title.startsWith('Bench message ')) return;
      const t = env.event.ticket.title;
      titles.set(t, (titles.get(t) ?? 0) + 1);
      if (titles.size === cfg.count && allSeen[n.name] === undefined) {
        allSeen[n.name] = performance.now() - t0;
        if (Object.keys(allSeen).length === clientNodes.length) doneSeeing();
      }
    }, (e) => progress(`subscription error on ${n.name}: ${String(e)}`));
  });
  await Promise.all(subs.map((s) => s.started));
  await sleep(300);

  const per = Math.max(1, Math.round(cfg.connections / clientNodes.length));
  const transports = clientNodes.map((n) => {
    const t = nodemailer.createTransport({ host: '127.0.0.1', port: n.smtpPort, secure: false, ignoreTLS: true, pool: true, maxConnections: per, maxMessages: Infinity, socketTimeout: 60_000 });
    t.on('error', () => undefined);
    return t;
  });
  const acceptedBy = clientNodes.map(() => 0);
  const failures: string[] = [];
  let sendFailures = 0;
  say({ type: 'measuring' });
  t0 = performance.now();
  await Promise.all(
    messages.map(async (raw, i) => {
      for (let attempt = 0; ; attempt++) {
        const k = (i + attempt) % transports.length;
        try {
          await transports[k]!.sendMail({ envelope: { from: `customer${i}@bench.test`, to: [cfg.address] }, raw });
          acceptedBy[k]!++;
          return;
        } catch (err) {
          sendFailures++;
          if (failures.length < 10) failures.push(`#${i} on ${clientNodes[k]!.name}: ${(err as Error).message}`);
          if (attempt >= 5) return;
          await sleep(50);
        }
      }
    }),
  );
  const allAcceptedMs = performance.now() - t0;
  progress(`all ${cfg.count} accepted after ${Math.round(allAcceptedMs)} ms; waiting for every client to see every ticket`);
  await Promise.race([everySeen, sleep(cfg.timeoutMs)]);
  await measured();
  for (const t of transports) t.close();
  for (const s of subs) s.close();
  const nodeMap = <T>(f: (name: string, i: number) => T) => Object.fromEntries(clientNodes.map((n, i) => [n.name, f(n.name, i)]));
  return {
    count: cfg.count,
    bytes,
    sendFailures,
    firstFailures: failures,
    allAcceptedMs,
    allSeenMsPerNode: nodeMap((name) => allSeen[name] ?? NaN),
    seenPerNode: nodeMap((name) => seen.get(name)!.size),
    doubledPerNode: nodeMap((name) => [...seen.get(name)!.values()].filter((c) => c > 1).length),
    acceptedPerNode: nodeMap((_, i) => acceptedBy[i]!),
  };
}

async function fanout(cfg: FanoutConfig): Promise<FanoutResult> {
  const all = await sessions(cfg.nodes, cfg.user);
  const receivedAt = new Map<number, number[]>();
  const at = new Map<number, number>();
  const perNode: Record<string, number> = {};
  const errors: string[] = [];
  let duplicates = 0;
  let expected: Set<number> | null = null;
  let check: () => void = () => undefined;
  const clients = Array.from({ length: cfg.subscribers }, (_, i) => {
    const node = cfg.nodes[i % cfg.nodes.length]!;
    perNode[node.name] = (perNode[node.name] ?? 0) + 1;
    const mine = new Set<number>();
    return subscribe(all.get(node.url)!, cfg.project, (env) => {
      if (env.event.type !== 'note.created') return;
      const t = wallNow();
      const id = env.event.note.id;
      if (mine.has(id)) return void duplicates++;
      mine.add(id);
      let list = receivedAt.get(id);
      if (!list) {
        receivedAt.set(id, (list = []));
        at.set(id, Date.parse(env.at));
      }
      list.push(t);
      if (expected && list.length === cfg.subscribers) check();
    }, (e) => void (errors.length < 10 && errors.push(String(e))));
  });
  // open the sockets in waves so 500 handshakes do not all land in one tick
  for (let i = 0; i < clients.length; i += 50) await Promise.all(clients.slice(i, i + 50).map((c) => c.started));
  await sleep(500);
  progress(`${clients.length} subscribers started (${Object.entries(perNode).map(([n, k]) => `${n}: ${k}`).join(', ')})`);
  say({ type: 'ready' });

  const told = JSON.parse(await nextLine()) as { noteIds: number[] };
  expected = new Set(told.noteIds);
  const complete = () => [...expected!].every((id) => (receivedAt.get(id)?.length ?? 0) >= cfg.subscribers);
  if (!complete()) {
    await Promise.race([
      new Promise<void>((r) => (check = () => complete() && r())),
      sleep(cfg.timeoutMs),
    ]);
  }
  await measured();
  for (const c of clients) c.close();
  let missing = 0;
  for (const id of expected) missing += cfg.subscribers - (receivedAt.get(id)?.length ?? 0);
  return {
    subscribers: cfg.subscribers,
    perNode,
    receivedAt: Object.fromEntries([...expected].map((id) => [id, receivedAt.get(id) ?? []])),
    at: Object.fromEntries([...expected].map((id) => [id, at.get(id) ?? NaN])),
    missing,
    duplicates,
    errors,
  };
}

const [mode, json, resultFile] = process.argv.slice(2);
const cfg = JSON.parse(json ?? '{}');
const cpu0 = process.cpuUsage();
const wall0 = performance.now();
try {
  const result =
    mode === 'latency' ? await latency(cfg) : mode === 'ingest' ? await ingest(cfg) : mode === 'fanout' ? await fanout(cfg) : null;
  if (!result) throw new Error(`unknown mode ${mode}`);
  const cpu = process.cpuUsage(cpu0);
  // a file, not stdout: a result of 50,000 timestamps does not fit a pipe before process.exit
  writeFileSync(resultFile!, JSON.stringify({ ...result, cpuSeconds: (cpu.user + cpu.system) / 1e6, wallSeconds: (performance.now() - wall0) / 1000 }));
  say({ type: 'result' });
  stdinLines.close();
  process.exit(0);
} catch (err) {
  process.stderr.write(`cluster-load ${mode} failed: ${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
}
