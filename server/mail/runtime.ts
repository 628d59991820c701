/**
 * Wires the mail side: the ingest pipeline, its sources (SMTP listener, IMAP mailboxes) and the
 * outbox worker. Pending messages left by a crash are finished before sources start.
 *
 * Mail settings change without a restart (issue 10): when they change — here, on another node
 * (NOTIFY) or by the CLI on the SQLite file — this node reads them again, gives the domain the new
 * addresses, swaps the outgoing transport and starts or stops IMAP watchers and Microsoft Graph
 * pollers. Each mailbox is watched by whichever node holds its lease (`imap:<name>`,
 * `graph:<name>`); a mailbox removed or paused stops on that node, a new one starts on whichever
 * node takes its lease.
 */
import type { Config, GraphMailboxConfig, ImapMailboxConfig } from '../config';
import type { DomainCtx } from '../domain/core/context';
import { ensureSupportBot } from '../domain/accounts/users';
import { createAttachmentStore, type AttachmentStore } from '../files/attachment-store';
import { log } from '../log';
import type { AddressBook } from './addresses';
import { createSmtpTransport, smtpTargetFromSettings } from './outbound/smtp-transport';
import { projectSmtpRefusal } from '../domain/mail-setup/project-smtp';
import { createIngest, type Ingest } from './inbound/receive';
import { createFolderTransport, type Transport } from './outbound/transport';
import { createTransportSet, type TransportSet } from './outbound/transport-set';
import { createOutboxWorker, type OutboxWorker } from './outbound/worker';
import { startImapWorker, type ImapWorker } from './sources/imap';
import { holdLease, type HeldLease } from '../domain/core/leases';
import { startSmtpListener, type SmtpListener } from './sources/smtp-listener';
import { mailContextOf, loadMailSetup, type GraphMailboxSetup, type MailboxSetup, type MailSetup, type SmtpChoice } from '../domain/mail-setup/effective';
import { startGraphWorker, type GraphWorker } from './sources/graph/graph';
import { graphClientState, graphNotificationUrl } from './sources/graph/client-state';
import { onGraphWake } from './sources/graph/wake';
import { onMailSettingsChange } from '../domain/mail-setup/signal';
import { reportMailboxState } from '../domain/mail-log/mailbox-checkpoint';
import type { SecretBox } from '../domain/core/secret-box';
import type { StorageHealth } from '../storage-health';

export interface MailRuntime {
  /** our addresses as they are now */
  readonly book: AddressBook;
  ingest: Ingest;
  /** attachment files, and raw mail kept apart from the database */
  files: AttachmentStore;
  outbox: OutboxWorker;
  /** the outgoing transport(s) the outbox sends through */
  transports: TransportSet;
  smtp: SmtpListener | null;
  /** the IMAP mailboxes this node runs now (each watched only while its lease is held) */
  readonly imap: ImapWorker[];
  /** the Microsoft Graph mailboxes this node runs now (each polled only while its lease is held) */
  readonly graph: GraphWorker[];
  /** the settings this node runs with */
  setup(): MailSetup;
  /** Reads the settings again and applies them (called by itself on every change). */
  reconfigure(): Promise<void>;
  stop(): Promise<void>;
}

/** What the instance transport was built from: an unchanged setting keeps its pooled connections. */
function smtpFingerprint(smtp: SmtpChoice): string {
  if (smtp.source === 'env') return `env ${smtp.url}`;
  if (smtp.source === 'settings') return `settings ${JSON.stringify(smtp.settings)}`;
  return 'folder';
}

function instanceTransport(smtp: SmtpChoice, secrets: SecretBox, dataDir: string): Transport {
  if (smtp.source === 'env') return createSmtpTransport(smtp.url);
  if (smtp.source === 'settings') {
    const s = smtp.settings;
    return createSmtpTransport(smtpTargetFromSettings(s, s.password ? secrets.open(s.password) : ''));
  }
  return createFolderTransport(dataDir);
}

/** A transport that only reports why it cannot send (a password this node cannot decrypt). */
function brokenTransport(name: string, why: string): Transport {
  return {
    name,
    async send() {
      return { ok: false, permanent: false, response: why };
    },
    async close() {},
  };
}

/**
 * A verified custom address whose SMTP server the admin's project-SMTP choice does not allow (set
 * after the address was verified) sends nothing: like a server whose password this node cannot
 * read, its email waits in the outbox (retried, with this as its last error on the Admin page)
 * until the server is allowed again or the project's SMTP server is removed. It is not sent
 * through the instance's server instead: the maintainers chose their server (the address's
 * domain may allow only it, SPF/DKIM), and removing it is one edit on the Service Desk tab.
 */
function notAllowedMessage(address: string, smtp: { host: string; port: number }, mode: 'any' | 'list' | 'off'): string {
  const rule = mode === 'off' ? 'allows no project SMTP servers' : 'does not list it';
  return `Not sent: ${address} is set to send through ${smtp.host}:${smtp.port}, and the administrator's choice of SMTP servers for projects (Admin → Mail settings) ${rule}. Allow it there, or remove the SMTP server from the project's custom address (Service Desk tab) so its email goes out through the instance's server; then it is sent on its next attempt (or at once with Retry).`;
}

async function applyTransports(transports: TransportSet, setup: MailSetup, dc: DomainCtx, dataDir: string): Promise<void> {
  await transports.setInstance(smtpFingerprint(setup.smtp), () => {
    try {
      return instanceTransport(setup.smtp, dc.secrets, dataDir);
    } catch (err) {
      return brokenTransport('smtp (unreadable password)', err instanceof Error ? err.message : String(err));
    }
  });
  const custom = new Map<number, { fingerprint: string; make(): Transport }>();
  for (const c of setup.customEmails) {
    const smtp = c.smtp;
    if (!smtp) continue;
    // The admin's choice holds for servers stored before it too (review round 7, finding 6).
    const refused = projectSmtpRefusal(setup.projectSmtp, smtp.host, smtp.port);
    if (refused) {
      const why = notAllowedMessage(c.address, smtp, setup.projectSmtp.mode);
      custom.set(c.projectId, {
        fingerprint: `refused ${JSON.stringify(smtp)} ${why}`,
        make: () => {
          log.warn('a project\'s SMTP server is not allowed: its email waits in the outbox', { projectId: c.projectId, server: `${smtp.host}:${smtp.port}` });
          return brokenTransport(`smtp ${smtp.host}:${smtp.port} (not allowed)`, why);
        },
      });
      continue;
    }
    custom.set(c.projectId, {
      fingerprint: JSON.stringify(smtp),
      make: () => {
        try {
          return createSmtpTransport(smtpTargetFromSettings(smtp, smtp.password ? dc.secrets.open(smtp.password) : ''));
        } catch (err) {
          return brokenTransport(`smtp ${smtp.host} (unreadable password)`, err instanceof Error ? err.message : String(err));
        }
      },
    });
  }
  await transports.setCustom(custom);
}

export async function createMailCore(dc: DomainCtx, config: Config, transport?: Transport) {
  const files = createAttachmentStore(config.dataDir, dc.db);
  const setup = await loadMailSetup(dc.db, config.mail);
  dc.mail = mailContextOf(setup, config, dc.secrets);
  const transports = transport ? createTransportSet(transport, 'given') : createTransportSet(createFolderTransport(config.dataDir), 'folder');
  // A transport given by the caller (tests, benches) stays; otherwise the settings choose.
  if (!transport) await applyTransports(transports, setup, dc, config.dataDir);
  const outbox = createOutboxWorker(dc, transports, { store: files, claimMs: config.mail.outboxClaimMs });
  const supportBot = await ensureSupportBot(dc);
  const ingest = createIngest({
    dc,
    files,
    maxEmailSize: config.mail.maxEmailSize,
    rateLimitPerMinute: config.mail.rateLimitPerMinute,
    supportBotId: supportBot.id,
    supportBot,
    onQueued: () => outbox.kick(),
  });
  return { get book() { return dc.mail.book; }, ingest, files, outbox, transports, setup, fixedTransport: !!transport };
}

export async function startMail(dc: DomainCtx, config: Config, opts: { transport?: Transport; storage?: StorageHealth } = {}): Promise<MailRuntime> {
  const core = await createMailCore(dc, config, opts.transport);
  const { ingest, files, outbox, transports } = core;
  let setup = core.setup;
  // Only rows whose node is gone: the others are being processed right now by a live node. On
  // SQLite one server owns the file, so rows without a recorded node are ours to finish at once.
  const recovered = await ingest.recoverPending(dc.db.engine === 'sqlite' ? 0 : STALE_PENDING_MS);
  if (recovered) log.info('finished messages left pending by a restart', { count: recovered });
  outbox.start();
  const smtp = config.mail.smtpListen
    ? await startSmtpListener({ ...config.mail.smtpListen, book: () => dc.mail.book, ingest, maxEmailSize: config.mail.maxEmailSize, ...(opts.storage ? { storage: opts.storage } : {}) })
    : null;

  /** running watchers by mailbox name, with what they were started from */
  const watchers = new Map<string, { fingerprint: string; worker: ImapWorker }>();
  /** paused mailboxes already recorded as such by this node */
  const pausedSeen = new Set<string>();
  async function applyMailboxes(boxes: MailboxSetup[]): Promise<void> {
    const wanted = new Map<string, { fingerprint: string; box: MailboxSetup }>();
    // `updatedAt` changes with pausing alone: what the watcher connects with is the rest.
    const fingerprintOf = (box: MailboxSetup) => JSON.stringify(box.env ?? { ...box.row, updatedAt: 0, paused: false });
    for (const box of boxes) if (!box.paused) wanted.set(box.name, { fingerprint: fingerprintOf(box), box });
    for (const [name, w] of watchers) {
      if (wanted.get(name)?.fingerprint === w.fingerprint) continue;
      watchers.delete(name);
      await w.worker.stop();
    }
    for (const [name, { fingerprint, box }] of wanted) {
      if (watchers.has(name)) continue;
      let cfg: ImapMailboxConfig;
      try {
        cfg = imapConfigOf(box, dc.secrets);
      } catch (err) {
        await reportMailboxState(dc, name, 'error', err).catch(() => undefined);
        continue;
      }
      watchers.set(name, { fingerprint, worker: leasedImapWorker(dc, cfg, ingest, config.mail.maxEmailSize) });
    }
    for (const box of boxes) {
      if (!box.paused) pausedSeen.delete(box.name);
      else if (!pausedSeen.has(box.name)) {
        pausedSeen.add(box.name);
        await markPaused(dc, box.name);
      }
    }
  }
  await applyMailboxes(setup.mailboxes);

  const graphWatchers = new Map<string, { fingerprint: string; worker: GraphWorker }>();
  async function applyGraphMailboxes(boxes: GraphMailboxSetup[]): Promise<void> {
    const wanted = new Map<string, { fingerprint: string; box: GraphMailboxSetup }>();
    const fingerprintOf = (box: GraphMailboxSetup) => JSON.stringify(box.env ?? { ...box.row, updatedAt: 0, paused: false });
    for (const box of boxes) if (!box.paused) wanted.set(box.name, { fingerprint: fingerprintOf(box), box });
    for (const [name, w] of graphWatchers) {
      if (wanted.get(name)?.fingerprint === w.fingerprint) continue;
      graphWatchers.delete(name);
      // removed, paused or edited: its subscription ends too (an edited one subscribes anew)
      await w.worker.stop({ unsubscribe: true });
    }
    for (const [name, { fingerprint, box }] of wanted) {
      if (graphWatchers.has(name)) continue;
      let cfg: GraphMailboxConfig;
      try {
        cfg = graphConfigOf(box, dc.secrets);
      } catch (err) {
        await reportMailboxState(dc, name, 'error', err).catch(() => undefined);
        continue;
      }
      graphWatchers.set(name, { fingerprint, worker: leasedGraphWorker(dc, cfg, ingest, config) });
    }
    for (const box of boxes) {
      if (!box.paused) pausedSeen.delete(box.name);
      else if (!pausedSeen.has(box.name)) {
        pausedSeen.add(box.name);
        await markPaused(dc, box.name);
      }
    }
  }
  await applyGraphMailboxes(setup.graphMailboxes);
  // A change notification reached some node: the node polling that mailbox starts a round now.
  const stopWake = onGraphWake(dc, (name) => graphWatchers.get(name)?.worker.wake());

  // Changes arrive in bursts (a save, its NOTIFY, another process's commit): apply one at a time,
  // and once more after a change that came in while applying.
  let applying: Promise<void> | null = null;
  let again = false;
  async function reconfigure(): Promise<void> {
    if (applying) {
      again = true;
      return applying;
    }
    applying = (async () => {
      do {
        again = false;
        try {
          setup = await loadMailSetup(dc.db, config.mail);
          dc.mail = mailContextOf(setup, config, dc.secrets);
          if (!core.fixedTransport) await applyTransports(transports, setup, dc, config.dataDir);
          await applyMailboxes(setup.mailboxes);
          await applyGraphMailboxes(setup.graphMailboxes);
        } catch (err) {
          log.error('applying the mail settings failed', { err });
        }
      } while (again && !stopped);
    })().finally(() => {
      applying = null;
    });
    return applying;
  }
  let stopped = false;
  const stopWatching = onMailSettingsChange(dc, () => void reconfigure());

  // A node that died and never came back leaves pending messages: one node finishes them.
  let sweepTimer: NodeJS.Timeout | null = null;
  const sweep = holdLease(dc, 'inbound-recovery', {
    ttlMs: 15_000,
    renewMs: 5_000,
    onAcquire() {
      const run = () => {
        sweepTimer = setTimeout(async () => {
          try {
            const n = await ingest.recoverPending(STALE_PENDING_MS);
            if (n) log.info('finished messages another node left pending', { count: n });
          } catch (err) {
            log.warn('pending-message sweep failed', { err });
          }
          if (sweepTimer) run();
        }, SWEEP_EVERY_MS);
        sweepTimer.unref();
      };
      run();
    },
    onLose() {
      if (sweepTimer) clearTimeout(sweepTimer);
      sweepTimer = null;
    },
  });
  return {
    get book() {
      return dc.mail.book;
    },
    ingest,
    files,
    outbox,
    transports,
    smtp,
    get imap() {
      return [...watchers.values()].map((w) => w.worker);
    },
    get graph() {
      return [...graphWatchers.values()].map((w) => w.worker);
    },
    setup: () => setup,
    reconfigure,
    async stop() {
      stopped = true;
      stopWatching();
      await applying;
      await sweep.stop();
      stopWake();
      await Promise.all([...watchers.values(), ...graphWatchers.values()].map((w) => w.worker.stop()));
      watchers.clear();
      graphWatchers.clear();
      await smtp?.close();
      await outbox.stop();
    },
  };
}

/** A paused mailbox shows as paused in health, whichever node paused it. */
async function markPaused(dc: DomainCtx, name: string): Promise<void> {
  await reportMailboxState(dc, name, 'paused').catch((err: unknown) => log.warn('could not record a paused mailbox', { mailbox: name, err }));
}

/** The IMAP connection settings of a mailbox, its stored password decrypted (in memory only). */
export function imapConfigOf(box: Pick<MailboxSetup, 'env' | 'row'>, secrets: SecretBox): ImapMailboxConfig {
  if (box.env) return box.env;
  const r = box.row;
  if (!r) throw new Error('mailbox without settings');
  return {
    name: r.name,
    host: r.host,
    port: r.port,
    secure: r.security === 'tls',
    doSTARTTLS: r.security === 'starttls' ? true : r.security === 'none' ? false : undefined,
    user: r.username,
    password: secrets.open(r.password),
    mailbox: r.folder,
    after: r.after,
    moveTo: r.moveTo,
    existingMail: r.existingMail,
  };
}

/** A message still pending this long after it arrived was left by a node that died. */
const STALE_PENDING_MS = 2 * 60 * 1000;
/** how often the holder of `inbound-recovery` looks for rows of nodes that died */
const SWEEP_EVERY_MS = 5_000;

/** A mailbox worker as `leasedWorker` runs it. */
interface LeasableWorker {
  stop(opts?: { handover?: boolean }): Promise<void>;
  ready(): Promise<void>;
}

/**
 * Runs a mailbox worker only while this node holds `lease` (`imap:<name>`, `graph:<name>`): with
 * several nodes exactly one reads the mailbox; when that node dies another takes over within
 * about 8 s and goes on from the stored checkpoint. `stop(final)` ends the lease and stops the
 * worker this node still runs with `final` (a clean stop, not a handover).
 */
function leasedWorker<W extends LeasableWorker>(dc: DomainCtx, lease: string, start: () => W) {
  let worker: W | null = null;
  let markReady: () => void = () => undefined;
  const ready = new Promise<void>((r) => (markReady = r));
  const held: HeldLease = holdLease(dc, lease, {
    onAcquire() {
      worker = start();
      void worker.ready().then(markReady);
    },
    async onLose() {
      const w = worker;
      worker = null;
      await w?.stop({ handover: true });
    },
  });
  return {
    current: () => worker,
    ready: () => ready,
    async stop(final: (w: W) => Promise<void>): Promise<void> {
      const w = worker;
      await held.stop();
      if (w) await final(w).catch(() => undefined);
    },
  };
}

/** Watches one IMAP mailbox while this node holds its lease (`imap:<name>`). */
function leasedImapWorker(dc: DomainCtx, m: ImapMailboxConfig, ingest: Ingest, maxEmailSize: number): ImapWorker {
  const held = leasedWorker(dc, `imap:${m.name}`, () => startImapWorker(m, ingest, dc, { maxEmailSize }));
  // a clean stop (not a handover) records the mailbox as stopped
  return { name: m.name, stop: () => held.stop((w) => w.stop()), ready: held.ready };
}

/** A Graph mailbox's settings, its stored client secret decrypted (in memory only). */
export function graphConfigOf(box: Pick<GraphMailboxSetup, 'env' | 'row'>, secrets: SecretBox): GraphMailboxConfig {
  if (box.env) return box.env;
  const r = box.row;
  if (!r) throw new Error('mailbox without settings');
  return {
    name: r.name,
    tenantId: r.tenantId,
    clientId: r.clientId,
    clientSecret: secrets.open(r.clientSecret),
    mailbox: r.mailbox,
    baseUrl: r.baseUrl,
    loginUrl: r.loginUrl,
    pollSeconds: r.pollSeconds,
    after: r.after,
    moveTo: r.moveTo,
    existingMail: r.existingMail,
  };
}

/**
 * Change notifications need Graph to reach PUBLIC_URL, and Microsoft posts only to HTTPS: over
 * plain HTTP they are tried only against a Graph that is itself plain HTTP (a local stand-in).
 * When the subscription fails anyway (Graph's validation request did not get through), the
 * mailbox is polled alone.
 */
function notificationUrlFor(cfg: GraphMailboxConfig, publicUrl: string): string | null {
  const https = new URL(publicUrl).protocol === 'https:';
  return https || new URL(cfg.baseUrl).protocol === 'http:' ? graphNotificationUrl(publicUrl, cfg.name) : null;
}

/**
 * Polls one Graph mailbox while this node holds its lease (`graph:<name>`), going on from the
 * stored delta link after a takeover.
 */
function leasedGraphWorker(dc: DomainCtx, cfg: GraphMailboxConfig, ingest: Ingest, config: Config): GraphWorker {
  const held = leasedWorker(dc, `graph:${cfg.name}`, () =>
    startGraphWorker(cfg, ingest, dc, {
      maxEmailSize: config.mail.maxEmailSize,
      notificationUrl: notificationUrlFor(cfg, config.publicUrl),
      clientState: graphClientState(dc, cfg.name),
    }),
  );
  return {
    name: cfg.name,
    stop: (opts = {}) => held.stop((w) => w.stop({ unsubscribe: opts.unsubscribe ?? false })),
    ready: held.ready,
    wake: () => held.current()?.wake(),
  };
}
