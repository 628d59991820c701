/**
 * What GitLab, GitHub, Gitea and Forgejo send to a webhook, read into one shape. Pure: no
 * database, no network. The host is told by its event header; the signature is checked on the
 * raw body before anything in it is read.
 *
 * - GitLab: `X-Gitlab-Event: Merge Request Hook`, `X-Gitlab-Token: <secret>` (the secret itself),
 *   `X-Gitlab-Event-UUID`; merged when `object_attributes.action == "merge"`.
 * - GitHub: `X-GitHub-Event: pull_request`, `X-Hub-Signature-256: sha256=<hex HMAC-SHA256 of the
 *   body>`, `X-GitHub-Delivery`; merged when `action == "closed"` and `pull_request.merged`.
 * - Gitea: `X-Gitea-Event: pull_request`, `X-Gitea-Signature: <hex HMAC-SHA256>`,
 *   `X-Gitea-Delivery`; Forgejo sends the same with `X-Forgejo-*` beside them. A merge is
 *   `action == "closed"` with `pull_request.merged` (Gitea's MergePullRequest notifier).
 * Gitea and Forgejo also send GitHub's and Gogs' headers, so they are recognised first.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { CodeHost } from '../../../shared/views';
import { safeUrl } from '../notes/safe-url';

export type Headers = Record<string, string | string[] | undefined>;

export interface Delivery {
  host: CodeHost;
  /** the event header's value, cut to 100 characters */
  event: string;
  deliveryId: string | null;
}

export const HOST_NAMES: Record<CodeHost, string> = { gitlab: 'GitLab', github: 'GitHub', gitea: 'Gitea', forgejo: 'Forgejo' };

function header(h: Headers, name: string): string | null {
  const v = h[name];
  const one = Array.isArray(v) ? v[0] : v;
  return one === undefined ? null : one.slice(0, 500);
}

const short = (s: string | null) => (s === null ? null : s.replace(/[^\x20-\x7e]/g, '').slice(0, 100));

/** Which host sent this, by its event header; null when none of ours is there. */
export function detectHost(h: Headers): Delivery | null {
  const forgejo = header(h, 'x-forgejo-event');
  if (forgejo !== null) return { host: 'forgejo', event: short(forgejo) ?? '', deliveryId: short(header(h, 'x-forgejo-delivery') ?? header(h, 'x-gitea-delivery')) };
  const gitea = header(h, 'x-gitea-event');
  if (gitea !== null) return { host: 'gitea', event: short(gitea) ?? '', deliveryId: short(header(h, 'x-gitea-delivery')) };
  const gitlab = header(h, 'x-gitlab-event');
  if (gitlab !== null) return { host: 'gitlab', event: short(gitlab) ?? '', deliveryId: short(header(h, 'x-gitlab-event-uuid')) };
  const github = header(h, 'x-github-event');
  if (github !== null) return { host: 'github', event: short(github) ?? '', deliveryId: short(header(h, 'x-github-delivery')) };
  return null;
}

const sha256 = (s: string | Buffer) => createHash('sha256').update(s).digest();

/** Equal-length digests compared in constant time, so neither length nor content leaks by timing. */
function sameSecret(given: string, expected: string): boolean {
  return timingSafeEqual(sha256(given), sha256(expected));
}

function sameHmac(hex: string, body: Buffer, secret: string): boolean {
  if (!/^[0-9a-f]{64}$/i.test(hex)) return false;
  const want = createHmac('sha256', secret).update(body).digest();
  return timingSafeEqual(Buffer.from(hex, 'hex'), want);
}

export type Verdict = { ok: true } | { ok: false; reason: string };

/** Is the delivery signed (or, for GitLab, tokened) with the project's secret? */
export function verifyDelivery(host: CodeHost, h: Headers, body: Buffer, secret: string): Verdict {
  switch (host) {
    case 'gitlab': {
      const token = header(h, 'x-gitlab-token');
      if (token === null || token === '') return { ok: false, reason: 'no X-Gitlab-Token header: set the secret token in the webhook' };
      return sameSecret(token, secret) ? { ok: true } : { ok: false, reason: 'wrong X-Gitlab-Token' };
    }
    case 'github': {
      const sig = header(h, 'x-hub-signature-256');
      if (sig === null) return { ok: false, reason: 'no X-Hub-Signature-256 header: set the secret in the webhook' };
      const m = /^sha256=(.*)$/.exec(sig);
      return m && sameHmac(m[1] as string, body, secret) ? { ok: true } : { ok: false, reason: 'wrong X-Hub-Signature-256 signature' };
    }
    case 'gitea':
    case 'forgejo': {
      const name = host === 'forgejo' && header(h, 'x-forgejo-signature') !== null ? 'X-Forgejo-Signature' : 'X-Gitea-Signature';
      const sig = header(h, name.toLowerCase());
      if (sig === null || sig === '') return { ok: false, reason: `no ${name} header: set the secret in the webhook` };
      return sameHmac(sig, body, secret) ? { ok: true } : { ok: false, reason: `wrong ${name} signature` };
    }
  }
}

/** A merged change, as much of it as a ticket's note needs. */
export interface MergedChange {
  /** the merge request's iid or the pull request's number */
  number: number;
  title: string;
  description: string;
  /** its web page, checked to be http(s) */
  url: string;
  /** `group/project` or `owner/repo` */
  repository: string;
}

export type ChangeEvent = { kind: 'merged'; change: MergedChange } | { kind: 'ping' } | { kind: 'ignored'; reason: string };

type Json = Record<string, unknown>;
const obj = (v: unknown): Json | null => (v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : null);
const str = (v: unknown): string => (typeof v === 'string' ? v : '');

/** Control, bidi and line-breaking characters never reach a system note; whitespace runs become one space. */
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u00ad\u061c\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff]+/g;
export function oneLine(s: string, max: number): string {
  const clean = s.slice(0, max * 4).replace(UNSAFE, ' ').replace(/\s+/g, ' ').trim();
  return clean.length > max ? `${clean.slice(0, max - 1)}…` : clean;
}

const MAX_URL = 1000;

function change(fields: { number: unknown; title: unknown; description: unknown; url: unknown; repository: unknown }): ChangeEvent {
  const number = fields.number;
  if (typeof number !== 'number' || !Number.isSafeInteger(number) || number < 1) return { kind: 'ignored', reason: 'the payload has no change number' };
  const raw = str(fields.url);
  const url = raw.length <= MAX_URL ? safeUrl(raw, ['http', 'https'], { relative: false }) : null;
  if (!url || !/^https?:\/\/[^/?#\s@]+/i.test(url)) return { kind: 'ignored', reason: 'the payload has no http(s) address of the change' };
  return {
    kind: 'merged',
    change: { number, title: str(fields.title), description: str(fields.description), url, repository: oneLine(str(fields.repository), 200) },
  };
}

/** What a signed delivery means for us. `body` is the parsed JSON payload. */
export function readChangeEvent(d: Delivery, body: unknown): ChangeEvent {
  const p = obj(body);
  if (!p) return { kind: 'ignored', reason: 'the payload is not a JSON object' };
  if (d.host === 'gitlab') {
    if (d.event !== 'Merge Request Hook' || p.object_kind !== 'merge_request') return { kind: 'ignored', reason: `not a merge request event: ${d.event || 'no event'}` };
    const a = obj(p.object_attributes) ?? {};
    if (a.action !== 'merge') return { kind: 'ignored', reason: `merge request ${oneLine(str(a.action), 40) || 'event'}, not a merge` };
    return change({ number: a.iid, title: a.title, description: a.description, url: a.url, repository: obj(p.project)?.path_with_namespace });
  }
  if (d.event === 'ping') return { kind: 'ping' };
  if (d.event !== 'pull_request') return { kind: 'ignored', reason: `not a pull request event: ${d.event || 'no event'}` };
  const pr = obj(p.pull_request) ?? {};
  const action = oneLine(str(p.action), 40);
  if (action !== 'closed' || pr.merged !== true) return { kind: 'ignored', reason: action === 'closed' ? 'pull request closed without merging' : `pull request ${action || 'event'}, not a merge` };
  return change({ number: pr.number ?? p.number, title: pr.title, description: pr.body, url: pr.html_url, repository: obj(p.repository)?.full_name });
}
