/**
 * A private, throw-away Dovecot IMAP server for tests.
 *
 * Every call to startDovecot() writes its own self-contained dovecot.conf into a temp dir
 * (base_dir, state_dir, passwd-file and maildirs all live there), picks a free port on 127.0.0.1
 * and runs `dovecot -F -c <conf>` as a child process. The system Dovecot (/etc/dovecot, port 143)
 * is never used.
 *
 *   const dc = await startDovecot({ users: ['alice'] });
 *   await dc.deliver('alice', rawMessage);          // like an MTA, through dovecot-lda
 *   new ImapFlow({ host: dc.host, port: dc.port, secure: false, auth: { user: 'alice', pass: dc.password } })
 *   await dc.stop(); await dc.start();               // same port, same mail store
 *   await dc.destroy();
 *
 * Facts worth knowing when writing tests against it:
 * - Dovecot notifies a client that is already in IDLE ~500 ms after a delivery (its own delay).
 *   A client that enters IDLE after the delivery hears about it at once.
 * - imapflow only starts auto-IDLE 15 s after the last command unless `autoIdleDelay` is set low
 *   (e.g. 50), or call `idle()` yourself.
 * - stop() takes the whole process tree down (clients get "* BYE Server shutting down." and a
 *   closed socket immediately); stopping only the master would leave imap processes serving their
 *   clients for ~10 s more.
 * - Mailbox hierarchy separator is "/" (e.g. "Team/Billing"); maildirs are per full login name
 *   (<dir>/mail/<user>/Maildir), so "support@acme.test" works as a user.
 * - Works as root (processes run as dovecot/dovenull, mail owned by dovecot) and as a normal user.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { ImapFlow } from 'imapflow';

export const DOVECOT_BIN = '/usr/sbin/dovecot';
export const DOVECOT_LDA = '/usr/lib/dovecot/dovecot-lda';

export interface StartDovecotOptions {
  /** IMAP login names; default ['alice', 'bob']. Names with '@' are fine (maildir is per full name). */
  users?: string[];
  /** One password for every user; default 'secret'. */
  password?: string;
  /** Copy Dovecot's own log lines to this process's stderr (also when DOVECOT_LOG=1). */
  log?: boolean;
}

export interface DeliverOptions {
  /** Envelope sender given to dovecot-lda (-f); default 'sender@example.test'. */
  from?: string;
  /** Target mailbox (-m), created if missing; default INBOX. */
  folder?: string;
}

export interface Dovecot {
  host: string;
  port: number;
  users: string[];
  password: string;
  /** The temp dir holding dovecot.conf, the passwd file, run/ and mail/<user>/Maildir. */
  dir: string;
  /** Path of the generated dovecot.conf. */
  confPath: string;
  /** True between a successful start and stop. */
  readonly running: boolean;
  /** PID of the Dovecot master process, or null while stopped. */
  readonly pid: number | null;
  /** What Dovecot wrote to stderr (its log) since the last start. */
  logs(): string;
  /**
   * Deliver a raw message like an MTA would, through dovecot-lda. While Dovecot is stopped (LDA
   * needs its auth service) the message is dropped into the maildir directly, as a
   * maildir-delivering MTA would; Dovecot picks it up when it is started again.
   */
  deliver(user: string, raw: Buffer | string, opts?: DeliverOptions): Promise<void>;
  /** IMAP APPEND through a short-lived imapflow client (creates the folder if it is missing). */
  append(user: string, raw: Buffer | string, folder?: string): Promise<void>;
  /** SIGTERM the master, wait for it to exit and for the port to be free. */
  stop(): Promise<void>;
  /** Start again with the same config, port and mail store. No-op when running. */
  start(): Promise<void>;
  /** Stop if running and remove the temp dir. */
  destroy(): Promise<void>;
}

const START_TIMEOUT_MS = 10_000;
const STOP_TIMEOUT_MS = 5_000;
const LOG_LIMIT = 256 * 1024;

// ---------------------------------------------------------------------------------------------
// Cleanup: whatever happens to the test process, do not leave Dovecot masters behind.

const liveChildren = new Set<ChildProcess>();
const liveDirs = new Set<string>();
let exitHookInstalled = false;

function killAllSync(): void {
  for (const child of liveChildren) {
    // SIGTERM (not SIGKILL) so the processes shut down cleanly; the whole tree, see stop().
    if (!child.pid) continue;
    const tree = descendantsOf(child.pid);
    signal(child.pid, 'SIGTERM');
    for (const pid of tree) signal(pid, 'SIGTERM');
  }
  liveChildren.clear();
  for (const dir of liveDirs) {
    try {
      rmSync(dir, { recursive: true, force: true });
    } catch {
      /* best effort */
    }
  }
  liveDirs.clear();
}

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', killAllSync);
  // A signal that kills the process skips 'exit'. Clean up, then, if nobody else handles the
  // signal, re-raise it so the default behaviour (terminate) is unchanged.
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(sig, () => {
      killAllSync();
      if (process.listenerCount(sig) === 0) process.kill(process.pid, sig);
    });
  }
}

// ---------------------------------------------------------------------------------------------
// Installation

function isRoot(): boolean {
  return typeof process.getuid === 'function' && process.getuid() === 0;
}

function systemDovecotPid(): number | null {
  try {
    const pid = Number(readFileSync('/run/dovecot/master.pid', 'utf8').trim());
    if (!Number.isInteger(pid) || pid <= 0) return null;
    process.kill(pid, 0);
    return pid;
  } catch {
    return null;
  }
}

/** apt-get install, running apt-get update first only if the plain install fails. */
export function aptInstall(packages: string[]): void {
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const install = () => spawnSync('apt-get', ['install', '-y', '--no-install-recommends', ...packages], { env, encoding: 'utf8' });
  let res = install();
  if (res.status !== 0) {
    const upd = spawnSync('apt-get', ['update'], { env, encoding: 'utf8' });
    if (upd.status !== 0) throw new Error(`apt-get update failed:\n${upd.stderr || upd.stdout}`);
    res = install();
  }
  if (res.status !== 0) {
    throw new Error(`apt-get install -y ${packages.join(' ')} failed (exit ${res.status}):\n${res.stderr || res.stdout}`);
  }
}

/**
 * Make sure the Dovecot binaries exist (installing dovecot-imapd via apt when root). We always
 * run our own private instance; if installing the package started the system service, it is
 * stopped again (a system instance that was running before is left alone: it does not share
 * anything with ours — different config, base_dir and port).
 */
export function ensureDovecotInstalled(): void {
  if (existsSync(DOVECOT_BIN) && existsSync(DOVECOT_LDA)) return;
  if (!isRoot()) {
    throw new Error(
      `Dovecot is not installed (${DOVECOT_BIN} missing). Install it with: sudo apt-get install -y dovecot-imapd`,
    );
  }
  const runningBefore = systemDovecotPid() !== null;
  aptInstall(['dovecot-imapd']);
  if (!runningBefore && systemDovecotPid() !== null) {
    spawnSync('service', ['dovecot', 'stop'], { stdio: 'ignore' });
  }
  if (!existsSync(DOVECOT_BIN)) throw new Error(`apt-get installed dovecot-imapd but ${DOVECOT_BIN} is still missing`);
}

// ---------------------------------------------------------------------------------------------
// Ports

/** A port on 127.0.0.1 that was free a moment ago (bind port 0, read it, close). */
export function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.once('error', reject);
    srv.listen(0, host, () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => (port ? resolve(port) : reject(new Error('could not read a free port'))));
    });
  });
}

/**
 * True once the server on host:port sends a line starting with `expect` (e.g. the IMAP greeting).
 * Waiting for the greeting rather than a bare TCP connect matters: a login process still starting
 * up when the master is told to stop holds the shutdown up for seconds.
 */
function greets(host: string, port: number, expect: string): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = net.connect({ host, port });
    let buf = '';
    const done = (ok: boolean) => {
      sock.removeAllListeners();
      sock.on('error', () => {});
      sock.destroy();
      resolve(ok);
    };
    sock.on('data', (chunk: Buffer) => {
      buf += chunk.toString('latin1');
      if (buf.includes('\n')) done(buf.startsWith(expect));
    });
    sock.once('error', () => done(false));
    sock.once('close', () => done(false));
    sock.setTimeout(2000, () => done(false));
  });
}

function canBind(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = net.createServer();
    srv.once('error', () => resolve(false));
    srv.listen(port, host, () => srv.close(() => resolve(true)));
  });
}

const delay = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

// ---------------------------------------------------------------------------------------------
// Process tree. Stopping only the master is not enough: Dovecot's imap processes outlive it by
// ~10 s and keep serving their (IDLE) clients, so a test that "stops the server" would not see the
// connection drop. We signal the master and every process under it.

function readStat(pid: number): { ppid: number; state: string } | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { state: rest[0] ?? '', ppid: Number(rest[1]) };
  } catch {
    return null;
  }
}

/** PIDs of all processes below `root` (Linux /proc; empty elsewhere). */
function descendantsOf(root: number): number[] {
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return [];
  }
  const children = new Map<number, number[]>();
  for (const name of entries) {
    if (!/^\d+$/.test(name)) continue;
    const pid = Number(name);
    const st = readStat(pid);
    if (!st) continue;
    const list = children.get(st.ppid);
    if (list) list.push(pid);
    else children.set(st.ppid, [pid]);
  }
  const out: number[] = [];
  const queue = [root];
  while (queue.length) {
    const pid = queue.shift() as number;
    for (const c of children.get(pid) ?? []) {
      out.push(c);
      queue.push(c);
    }
  }
  return out;
}

function isGone(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return true;
  }
  const st = readStat(pid);
  return !st || st.state === 'Z' || st.state === 'X';
}

function signal(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch {
    /* already gone */
  }
}

// ---------------------------------------------------------------------------------------------
// Config

interface Identity {
  /** Name for default_internal_user / default_login_user. */
  internalUser: string;
  /** Group for default_internal_group (null: Dovecot's default, the "dovecot" group). */
  internalGroup: string | null;
  loginUser: string;
  uid: number;
  gid: number;
}

function lookupPasswd(name: string): { uid: number; gid: number } | null {
  const lines = readFileSync('/etc/passwd', 'utf8').split('\n');
  for (const line of lines) {
    const f = line.split(':');
    if (f[0] === name && f[2] !== undefined && f[3] !== undefined) return { uid: Number(f[2]), gid: Number(f[3]) };
  }
  return null;
}

function groupName(gid: number): string {
  try {
    for (const line of readFileSync('/etc/group', 'utf8').split('\n')) {
      const f = line.split(':');
      if (f[0] && Number(f[2]) === gid) return f[0];
    }
  } catch {
    /* fall through */
  }
  throw new Error(`no group name for gid ${gid} in /etc/group`);
}

function identity(): Identity {
  if (isRoot()) {
    const dovecot = lookupPasswd('dovecot');
    if (!dovecot) throw new Error('the "dovecot" system user is missing (reinstall dovecot-core)');
    if (!lookupPasswd('dovenull')) throw new Error('the "dovenull" system user is missing (reinstall dovecot-core)');
    return { internalUser: 'dovecot', internalGroup: null, loginUser: 'dovenull', uid: dovecot.uid, gid: dovecot.gid };
  }
  const me = os.userInfo();
  return { internalUser: me.username, internalGroup: groupName(me.gid), loginUser: me.username, uid: me.uid, gid: me.gid };
}

function buildConfig(dir: string, port: number, id: Identity): string {
  const root = isRoot();
  return `# Generated by server/testing/dovecot.ts — a private instance for tests.
base_dir = ${dir}/run
state_dir = ${dir}/state
instance_name = threadline-test-${port}
protocols = imap
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
log_path = /dev/stderr
info_log_path = /dev/stderr
debug_log_path = /dev/stderr
default_internal_user = ${id.internalUser}
default_login_user = ${id.loginUser}
${id.internalGroup ? `default_internal_group = ${id.internalGroup}\n` : ''}first_valid_uid = 1
first_valid_gid = 1
mail_location = maildir:${dir}/mail/%u/Maildir
namespace inbox {
  inbox = yes
  separator = /
}
mail_fsync = never
lda_mailbox_autocreate = yes
lda_mailbox_autosubscribe = yes
postmaster_address = postmaster@example.test
hostname = localhost

passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%u ${dir}/passwd
}
userdb {
  driver = passwd-file
  args = username_format=%u ${dir}/passwd
  default_fields = uid=${id.uid} gid=${id.gid} home=${dir}/mail/%u
}

service anvil {
  chroot =
}
service imap-login {
  chroot =
  inet_listener imap {
    address = 127.0.0.1
    port = ${port}
  }
}
service auth {
  unix_listener auth-userdb {
    mode = 0660
    user = ${id.internalUser}
  }
}
${
  root
    ? ''
    : `service auth-worker {
  user = ${id.internalUser}
}
service stats {
  unix_listener stats-reader {
    user = ${id.internalUser}
  }
  unix_listener stats-writer {
    user = ${id.internalUser}
  }
}
`
}protocol imap {
  mail_max_userip_connections = 100
}
`;
}

// ---------------------------------------------------------------------------------------------

function toBuffer(raw: Buffer | string): Buffer {
  return typeof raw === 'string' ? Buffer.from(raw, 'utf8') : raw;
}

let maildirSeq = 0;

export async function startDovecot(opts: StartDovecotOptions = {}): Promise<Dovecot> {
  ensureDovecotInstalled();
  installExitHook();

  const users = opts.users ?? ['alice', 'bob'];
  const password = opts.password ?? 'secret';
  const echoLog = opts.log ?? process.env.DOVECOT_LOG === '1';
  if (users.length === 0) throw new Error('startDovecot: at least one user is needed');
  for (const u of users) {
    if (!u || /[:\s/]/.test(u)) throw new Error(`startDovecot: unusable user name ${JSON.stringify(u)}`);
  }
  if (/[:\n]/.test(password)) throw new Error('startDovecot: the password must not contain ":" or a newline');

  const id = identity();
  const root = isRoot();
  const host = '127.0.0.1';
  const dir = mkdtempSync(path.join(os.tmpdir(), 'threadline-dovecot-'));
  liveDirs.add(dir);
  // The mail uid must be able to reach <dir>/mail (mkdtemp makes the dir 0700).
  chmodSync(dir, 0o755);
  const mailRoot = path.join(dir, 'mail');
  mkdirSync(mailRoot);
  for (const u of users) mkdirSync(path.join(mailRoot, u));
  if (root) {
    chownSync(mailRoot, id.uid, id.gid);
    for (const u of users) chownSync(path.join(mailRoot, u), id.uid, id.gid);
  }
  writeFileSync(path.join(dir, 'passwd'), users.map((u) => `${u}:{PLAIN}${password}::::::\n`).join(''), { mode: 0o644 });

  let port = await freePort(host);
  const confPath = path.join(dir, 'dovecot.conf');
  writeFileSync(confPath, buildConfig(dir, port, id), { mode: 0o644 });

  let child: ChildProcess | null = null;
  let log = '';
  let destroyed = false;

  const appendLog = (chunk: Buffer) => {
    const text = chunk.toString('utf8');
    if (echoLog) process.stderr.write(`[dovecot:${port}] ${text}`);
    log += text;
    if (log.length > LOG_LIMIT) log = log.slice(log.length - LOG_LIMIT);
  };

  async function start(): Promise<void> {
    if (destroyed) throw new Error('Dovecot instance was destroyed');
    if (child) return;
    log = ''; // logs() and errors show this run's log
    const proc = spawn(DOVECOT_BIN, ['-F', '-c', confPath], { stdio: ['ignore', 'pipe', 'pipe'] });
    child = proc;
    liveChildren.add(proc);
    proc.stdout?.on('data', appendLog);
    proc.stderr?.on('data', appendLog);
    let exited: { code: number | null; signal: NodeJS.Signals | null } | null = null;
    let spawnError: Error | null = null;
    proc.once('error', (err) => {
      spawnError = err;
    });
    proc.once('exit', (code, signal) => {
      exited = { code, signal };
      liveChildren.delete(proc);
      if (child === proc) child = null;
    });

    const deadline = Date.now() + START_TIMEOUT_MS;
    for (;;) {
      if (spawnError) throw new Error(`could not run ${DOVECOT_BIN}: ${(spawnError as Error).message}`);
      if (exited) {
        const e = exited as { code: number | null; signal: NodeJS.Signals | null };
        throw new Error(`Dovecot exited during start (code ${e.code}, signal ${e.signal}). Its log:\n${log}`);
      }
      if (await greets(host, port, '* OK')) return;
      if (Date.now() > deadline) {
        if (proc.pid) for (const pid of descendantsOf(proc.pid)) signal(pid, 'SIGKILL');
        proc.kill('SIGKILL');
        throw new Error(`Dovecot did not accept connections on ${host}:${port} within ${START_TIMEOUT_MS} ms. Its log:\n${log}`);
      }
      await delay(20);
    }
  }

  async function stop(): Promise<void> {
    const proc = child;
    if (proc) {
      if (proc.exitCode === null && proc.signalCode === null && proc.pid) {
        const tree = descendantsOf(proc.pid);
        let masterGone = false;
        const gone = new Promise<void>((resolve) =>
          proc.once('exit', () => {
            masterGone = true;
            resolve();
          }),
        );
        proc.kill('SIGTERM');
        for (const pid of tree) signal(pid, 'SIGTERM');
        const deadline = Date.now() + STOP_TIMEOUT_MS;
        let treeGoneAt = 0;
        for (;;) {
          const left = tree.filter((pid) => !isGone(pid));
          if (left.length === 0 && masterGone) break;
          if (left.length === 0 && !treeGoneAt) treeGoneAt = Date.now();
          // With nothing left to shut down, the master may still sit in a fixed sleep(1) of its
          // own shutdown path; cut that short.
          if (treeGoneAt && Date.now() - treeGoneAt > 200) proc.kill('SIGKILL');
          if (Date.now() > deadline) {
            for (const pid of left) signal(pid, 'SIGKILL');
            proc.kill('SIGKILL');
            break;
          }
          await delay(20);
        }
        await gone;
      }
      child = null;
      liveChildren.delete(proc);
    }
    // Login processes may hold the listening socket a moment after the master is gone.
    const deadline = Date.now() + STOP_TIMEOUT_MS;
    while (!(await canBind(host, port))) {
      if (Date.now() > deadline) throw new Error(`port ${port} still busy after Dovecot stopped. Its log:\n${log}`);
      await delay(20);
    }
  }

  function checkUser(user: string): void {
    if (!users.includes(user)) throw new Error(`unknown Dovecot test user ${JSON.stringify(user)} (have: ${users.join(', ')})`);
  }

  /** What a maildir-delivering MTA does: write to tmp/, rename into new/. */
  function dropIntoMaildir(user: string, data: Buffer, folder: string): void {
    const base = path.join(mailRoot, user, 'Maildir');
    const box = folder.toUpperCase() === 'INBOX' ? base : path.join(base, `.${folder.replace(/\//g, '.')}`);
    const created: string[] = [];
    for (const d of [base, box, path.join(box, 'cur'), path.join(box, 'new'), path.join(box, 'tmp')]) {
      if (!existsSync(d)) {
        mkdirSync(d, { mode: 0o700 });
        created.push(d);
      }
    }
    if (box !== base && !existsSync(path.join(box, 'maildirfolder'))) {
      writeFileSync(path.join(box, 'maildirfolder'), '');
      created.push(path.join(box, 'maildirfolder'));
    }
    const now = Date.now();
    const name = `${Math.floor(now / 1000)}.M${(now % 1000) * 1000}P${process.pid}Q${++maildirSeq}.${os.hostname()},S=${data.length}`;
    const tmp = path.join(box, 'tmp', name);
    writeFileSync(tmp, data, { mode: 0o600 });
    if (root) for (const p of [...created, tmp]) chownSync(p, id.uid, id.gid);
    renameSync(tmp, path.join(box, 'new', name));
  }

  function runLda(user: string, data: Buffer, opts: DeliverOptions): Promise<void> {
    const args = ['-c', confPath, '-d', user, '-f', opts.from ?? 'sender@example.test'];
    if (opts.folder) args.push('-m', opts.folder);
    return new Promise((resolve, reject) => {
      const lda = spawn(DOVECOT_LDA, args, { stdio: ['pipe', 'pipe', 'pipe'] });
      let out = '';
      lda.stdout.on('data', (c: Buffer) => (out += c.toString('utf8')));
      lda.stderr.on('data', (c: Buffer) => (out += c.toString('utf8')));
      lda.once('error', (err) => reject(new Error(`could not run ${DOVECOT_LDA}: ${err.message}`)));
      lda.once('close', (code, signal) => {
        if (code === 0) resolve();
        else reject(new Error(`dovecot-lda ${args.join(' ')} failed (code ${code}, signal ${signal}):\n${out}`));
      });
      lda.stdin.on('error', () => {
        /* reported through the exit code */
      });
      lda.stdin.end(data);
    });
  }

  const instance: Dovecot = {
    host,
    port,
    users,
    password,
    dir,
    confPath,
    get running() {
      return child !== null;
    },
    get pid() {
      return child?.pid ?? null;
    },
    logs: () => log,
    async deliver(user, raw, deliverOpts = {}) {
      checkUser(user);
      const data = toBuffer(raw);
      if (child) return runLda(user, data, deliverOpts);
      dropIntoMaildir(user, data, deliverOpts.folder ?? 'INBOX');
    },
    async append(user, raw, folder = 'INBOX') {
      checkUser(user);
      const client = new ImapFlow({
        host,
        port,
        secure: false,
        auth: { user, pass: password },
        logger: false,
        disableAutoIdle: true,
      });
      client.on('error', () => {
        /* surfaced by the awaited calls below */
      });
      await client.connect();
      try {
        if (folder.toUpperCase() !== 'INBOX') {
          const list = await client.list();
          if (!list.some((m) => m.path === folder)) await client.mailboxCreate(folder);
        }
        const res = await client.append(folder, toBuffer(raw));
        if (!res) throw new Error(`APPEND to ${folder} for ${user} failed`);
      } finally {
        await client.logout().catch(() => client.close());
      }
    },
    stop,
    start,
    async destroy() {
      if (destroyed) return;
      await stop();
      destroyed = true;
      rmSync(dir, { recursive: true, force: true });
      liveDirs.delete(dir);
    },
  };

  // The free port was only free a moment ago: if someone took it meanwhile, try another one.
  for (let attempt = 1; ; attempt++) {
    try {
      await start();
      break;
    } catch (err) {
      if (attempt < 3 && /Address already in use/.test(log)) {
        port = await freePort(host);
        instance.port = port;
        writeFileSync(confPath, buildConfig(dir, port, id), { mode: 0o644 });
        continue;
      }
      destroyed = true;
      rmSync(dir, { recursive: true, force: true });
      liveDirs.delete(dir);
      throw err;
    }
  }
  return instance;
}
