/**
 * One Microsoft Graph mailbox (Exchange Online): a delta query on the inbox every few seconds
 * (sooner when a change notification wakes it), each new message's MIME through the one receive
 * pipeline, and only after its outcome is committed: marked read, optionally moved. The delta
 * link is the checkpoint, stored once every message before it is committed; an expired one
 * starts a full resync in which everything already received is skipped by its Graph id.
 */
import type { GraphMailboxConfig } from '../../../config';
import type { DomainCtx } from '../../../domain/core/context';
import { existingMailRule, graphCheckpoint, type ExistingMailRule, knownExternalIds, saveDeltaLink, saveGraphSubscription } from '../../../domain/mail-log/graph-checkpoint';
import { reportMailboxState } from '../../../domain/mail-log/mailbox-checkpoint';
import { log } from '../../../log';
import type { Ingest } from '../../inbound/receive';
import { createGraphClient, GraphError, MAX_RETRY_AFTER_MS, sleep, type GraphClient } from './graph-client';

const PAGE_SIZE = 50;
/** a delta page holds at most PAGE_SIZE entries; this bounds what a misbehaving server can make us do */
const MAX_PAGE_ENTRIES = 1000;
/** Immutable ids survive moves; small pages keep a crash's repeat small. */
const PREFER = `odata.maxpagesize=${PAGE_SIZE}, IdType="ImmutableId"`;
/** requested subscription lifetime (Outlook messages allow a little under three days) */
const SUBSCRIPTION_MS = 2 * 24 * 3600_000;
/** after a failed subscription attempt, polling alone for this long */
const SUBSCRIPTION_RETRY_MS = 15 * 60_000;
/** health is rewritten at least this often while idle, so the Admin page's lag means something */
const HEALTH_EVERY_MS = 60_000;
const WELL_KNOWN_FOLDERS = new Set(['archive', 'deleteditems', 'drafts', 'inbox', 'junkemail', 'outbox', 'sentitems', 'clutter', 'conversationhistory', 'recoverableitemsdeletions', 'scheduled', 'searchfolders', 'syncissues']);

interface DeltaEntry {
  id?: unknown;
  isRead?: unknown;
  receivedDateTime?: unknown;
  '@removed'?: unknown;
}
interface DeltaPage {
  value?: DeltaEntry[];
  '@odata.nextLink'?: string;
  '@odata.deltaLink'?: string;
}

export interface GraphWorker {
  name: string;
  /**
   * `handover`: another node polls the mailbox now, so its health row is left to that node;
   * `unsubscribe`: the mailbox was removed or paused, so its change notifications end too.
   */
  stop(opts?: { handover?: boolean; unsubscribe?: boolean }): Promise<void>;
  /** resolves after the first complete delta round (tests) */
  ready(): Promise<void>;
  /** start a delta round now (a change notification came in) */
  wake(): void;
}

export interface GraphWorkerOptions {
  maxEmailSize: number;
  /** where Graph should send change notifications; null: polling only */
  notificationUrl: string | null;
  /** the secret Graph echoes in every notification (see notifications.ts) */
  clientState: string;
}

function backoff(attempt: number): number {
  return Math.min(60_000, 1000 * 2 ** Math.min(attempt, 6)) * (0.8 + Math.random() * 0.4);
}

/** The delta token is gone or unusable: the documented answer is a fresh, full round. */
function needsResync(err: unknown): boolean {
  if (!(err instanceof GraphError)) return false;
  return err.status === 410 || /^(syncStateNotFound|resyncRequired|syncStateInvalid|SyncStateNotFound|ErrorInvalidSyncStateData)$/.test(err.code);
}

function isGone(err: unknown): boolean {
  return err instanceof GraphError && (err.status === 404 || err.code === 'ErrorItemNotFound');
}

export function startGraphWorker(cfg: GraphMailboxConfig, ingest: Ingest, dc: DomainCtx, opts: GraphWorkerOptions): GraphWorker {
  const source = `graph:${cfg.name}`;
  const scope = `${cfg.baseUrl} ${cfg.mailbox.toLowerCase()}`;
  const abort = new AbortController();
  let stopped = false;
  let woken = false;
  let wakeSleep: (() => void) | null = null;
  let markReady: () => void = () => undefined;
  const readyPromise = new Promise<void>((r) => (markReady = r));
  let lastState = '';
  let lastReport = 0;
  let destination: string | null = null;
  let subscriptionRetryAt = 0;
  let grantedMs = SUBSCRIPTION_MS;

  const setState = async (state: string, err?: unknown): Promise<void> => {
    if (!err && state === lastState && dc.now() - lastReport < HEALTH_EVERY_MS) return;
    lastState = state;
    lastReport = dc.now();
    try {
      await reportMailboxState(dc, cfg.name, state, err);
    } catch (e) {
      log.warn('could not record graph mailbox state', { mailbox: cfg.name, state, err: e });
    }
  };

  const client: GraphClient = createGraphClient(cfg, {
    signal: abort.signal,
    now: dc.now,
    onThrottle(waitMs, status) {
      log.info('microsoft graph throttled the mailbox; waiting', { mailbox: cfg.name, status, waitMs });
      void setState('throttled', new Error(`Microsoft Graph throttled requests (${status}); waiting ${Math.ceil(waitMs / 1000)} s as its Retry-After asks.`));
    },
  });

  const initialDelta = () => `${client.userRoot}/mailFolders/inbox/messages/delta?$select=id,isRead,receivedDateTime`;

  /** The folder id to move into: a well-known name as is, else a top-level folder of that name, else the value as an id. */
  async function moveDestination(): Promise<string> {
    if (destination) return destination;
    const want = cfg.moveTo.trim();
    if (WELL_KNOWN_FOLDERS.has(want.toLowerCase())) return (destination = want.toLowerCase());
    const filter = encodeURIComponent(`displayName eq '${want.replace(/'/g, "''")}'`);
    const found = await client.json<{ value?: { id?: unknown }[] }>('GET', `${client.userRoot}/mailFolders?$filter=${filter}&$select=id,displayName`);
    const id = found?.value?.[0]?.id;
    return (destination = typeof id === 'string' ? id : want);
  }

  /** After the outcome is committed: read, then moved if asked. A message already gone is fine. */
  async function afterCommit(id: string, isRead: boolean): Promise<void> {
    const url = `${client.userRoot}/messages/${encodeURIComponent(id)}`;
    try {
      if (!isRead) await client.json('PATCH', url, { isRead: true });
      if (cfg.after === 'move') await client.json('POST', `${url}/move`, { destinationId: await moveDestination() });
    } catch (err) {
      if (!isGone(err)) throw err;
    }
  }

  async function receiveOne(id: string): Promise<boolean> {
    let mime: { bytes: Buffer; size: number };
    try {
      mime = await client.mime(id, opts.maxEmailSize);
    } catch (err) {
      if (isGone(err)) return false; // deleted between the delta page and now
      throw err;
    }
    // receive() commits the outcome (or quarantine) before Graph hears anything from us.
    await ingest.receive(mime.bytes, { source, externalId: id, ...(mime.size > mime.bytes.length || mime.size > opts.maxEmailSize ? { size: mime.size } : {}) });
    return true;
  }

  /**
   * Mail received before Threadline first read the inbox (`rule.before`) is taken as the choice
   * made then says (`rule.choice`, kept however the setting is edited later): unread only (the
   * default: read mail is left alone, and marking it unread later brings it in), all of it, or
   * none. Everything received since is taken, read or not.
   */
  function leftAlone(e: DeltaEntry, isRead: boolean, rule: ExistingMailRule): boolean {
    if (rule.choice === 'all') return false;
    const received = typeof e.receivedDateTime === 'string' ? Date.parse(e.receivedDateTime) : Number.NaN;
    return received < rule.before && (isRead || rule.choice === 'none');
  }

  /** One delta round: every page, each message committed before the page's link is stored. */
  async function deltaRound(): Promise<number> {
    const existing = await existingMailRule(dc, cfg.name, scope, cfg.existingMail);
    let link = (await graphCheckpoint(dc, cfg.name, scope)).deltaLink ?? initialDelta();
    let resynced = false;
    let total = 0;
    while (!stopped) {
      let page: DeltaPage;
      try {
        page = await client.json<DeltaPage>('GET', link, undefined, { Prefer: PREFER });
      } catch (err) {
        if (!needsResync(err) || resynced) throw err;
        log.warn('microsoft graph delta token expired; resyncing the inbox (received mail is skipped by id)', { mailbox: cfg.name, code: (err as GraphError).code });
        await saveDeltaLink(dc, cfg.name, scope, null);
        link = initialDelta();
        resynced = true;
        continue;
      }
      const entries = (Array.isArray(page.value) ? page.value : []).slice(0, MAX_PAGE_ENTRIES);
      const live = entries.filter((e): e is DeltaEntry & { id: string } => typeof e.id === 'string' && e.id.length > 0 && e.id.length <= 1024 && e['@removed'] === undefined);
      const known = await knownExternalIds(dc, source, live.map((e) => e.id));
      let committed = 0;
      for (const e of live) {
        if (stopped) return total;
        const isRead = e.isRead === true;
        if (known.get(e.id) === 'done') {
          // received before (a resync, our own isRead change, or a crash before it was marked)
          if (!isRead || cfg.after === 'move') await afterCommit(e.id, isRead);
          continue;
        }
        if (leftAlone(e, isRead, existing)) continue;
        if (!(await receiveOne(e.id))) continue;
        committed++;
        await afterCommit(e.id, isRead);
      }
      total += committed;
      const next = page['@odata.nextLink'];
      const delta = page['@odata.deltaLink'];
      if (typeof next !== 'string' && typeof delta !== 'string') throw new GraphError('Microsoft Graph answered a delta page without @odata.nextLink or @odata.deltaLink.', 200, 'bad_delta_page');
      await saveDeltaLink(dc, cfg.name, scope, (typeof next === 'string' ? next : delta) as string, committed);
      if (typeof next !== 'string') return total;
      link = next;
    }
    return total;
  }

  /** Keeps a change-notification subscription alive; failing that, polling alone does the work. */
  async function ensureSubscription(): Promise<void> {
    if (!opts.notificationUrl || dc.now() < subscriptionRetryAt) return;
    const cp = await graphCheckpoint(dc, cfg.name, scope);
    const left = (cp.subscriptionExpiresAt ?? 0) - dc.now();
    if (cp.subscriptionId && left > Math.min(grantedMs / 2, 12 * 3600_000)) return;
    const asked = dc.now();
    const expirationDateTime = new Date(asked + SUBSCRIPTION_MS).toISOString();
    try {
      let sub: { id?: unknown; expirationDateTime?: unknown } | undefined;
      if (cp.subscriptionId) {
        try {
          sub = await client.json('PATCH', `${client.apiRoot}/subscriptions/${encodeURIComponent(cp.subscriptionId)}`, { expirationDateTime });
        } catch (err) {
          if (!isGone(err)) throw err;
        }
      }
      sub ??= await client.json('POST', `${client.apiRoot}/subscriptions`, {
        changeType: 'created',
        notificationUrl: opts.notificationUrl,
        resource: `users/${cfg.mailbox}/mailFolders('inbox')/messages`,
        expirationDateTime,
        clientState: opts.clientState,
        latestSupportedTlsVersion: 'v1_2',
      });
      const expires = Date.parse(String(sub?.expirationDateTime ?? ''));
      if (typeof sub?.id !== 'string' || Number.isNaN(expires)) throw new GraphError('Microsoft Graph answered a subscription without id or expirationDateTime.', 200, 'bad_subscription');
      grantedMs = Math.max(1000, expires - asked);
      await saveGraphSubscription(dc, cfg.name, scope, sub.id, expires);
    } catch (err) {
      if (stopped) return;
      subscriptionRetryAt = dc.now() + SUBSCRIPTION_RETRY_MS;
      log.info('microsoft graph change notifications unavailable; polling only', { mailbox: cfg.name, err: err instanceof Error ? err.message : String(err) });
    }
  }

  /** Ends the change-notification subscription (best effort: it expires by itself anyway). */
  async function unsubscribe(): Promise<void> {
    const cp = await graphCheckpoint(dc, cfg.name, scope).catch(() => null);
    if (!cp?.subscriptionId) return;
    const ending = createGraphClient(cfg, { signal: AbortSignal.timeout(10_000), now: dc.now });
    try {
      await ending.json('DELETE', `${ending.apiRoot}/subscriptions/${encodeURIComponent(cp.subscriptionId)}`);
    } catch (err) {
      if (!isGone(err)) log.info('could not end a microsoft graph subscription; it expires by itself', { mailbox: cfg.name, err: err instanceof Error ? err.message : String(err) });
    }
    await saveGraphSubscription(dc, cfg.name, scope, null, null).catch(() => undefined);
  }

  const loop = (async () => {
    let attempt = 0;
    await setState('connecting');
    while (!stopped) {
      let wait = cfg.pollSeconds * 1000;
      let wakeable = true;
      try {
        woken = false;
        const n = await deltaRound();
        if (stopped) break;
        // after a round: the checkpoint row knows which mailbox it belongs to by then
        await ensureSubscription();
        attempt = 0;
        if (n > 0) lastState = ''; // a round that brought mail is news: report it
        await setState('idle');
        markReady();
      } catch (err) {
        if (stopped) break;
        const retry = err instanceof GraphError ? err.retryAfterMs : null;
        // A failing or throttled mailbox waits out its backoff (or what Graph asked), whatever
        // notifications come in meanwhile: a burst of them must not become a burst of retries.
        wakeable = false;
        wait = retry ?? backoff(attempt++);
        wait = Math.min(wait, MAX_RETRY_AFTER_MS);
        await setState('error', err);
        log.warn('microsoft graph round failed; retrying', { mailbox: cfg.name, err: err instanceof Error ? err.message : String(err), attempt, waitMs: Math.round(wait) });
      }
      if (stopped) break;
      if (wakeable && woken) continue;
      await new Promise<void>((resolve) => {
        wakeSleep = wakeable ? resolve : null;
        void sleep(wait, abort.signal).then(resolve);
      });
      wakeSleep = null;
    }
  })();

  return {
    name: cfg.name,
    async stop(o = {}) {
      stopped = true;
      abort.abort();
      wakeSleep?.();
      // the message in hand finishes (its commit is atomic); network calls end at once
      await loop.catch(() => undefined);
      if (o.unsubscribe) await unsubscribe();
      if (!o.handover) await reportMailboxState(dc, cfg.name, 'stopped').catch(() => undefined);
    },
    ready: () => readyPromise,
    wake() {
      woken = true;
      wakeSleep?.();
    },
  };
}
