/** Telling the code host from its headers, checking its signature, and reading its payload. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { detectHost, oneLine, readChangeEvent, verifyDelivery } from './code-hosts';

const SECRET = 's3cret-value';
const body = Buffer.from('{"action":"closed"}');
const hex = createHmac('sha256', SECRET).update(body).digest('hex');

test('the host is told by its own event header; Gitea and Forgejo win over the GitHub headers they also send', () => {
  assert.equal(detectHost({ 'x-github-event': 'pull_request', 'x-github-delivery': 'a' })?.host, 'github');
  assert.equal(detectHost({ 'x-gitlab-event': 'Merge Request Hook' })?.host, 'gitlab');
  assert.equal(detectHost({ 'x-github-event': 'pull_request', 'x-gitea-event': 'pull_request', 'x-gitea-delivery': 'g' })?.deliveryId, 'g');
  assert.equal(detectHost({ 'x-github-event': 'pull_request', 'x-gitea-event': 'pull_request', 'x-forgejo-event': 'pull_request' })?.host, 'forgejo');
  assert.equal(detectHost({ 'content-type': 'application/json' }), null);
  // Header values are kept short and printable.
  assert.equal(detectHost({ 'x-github-event': `ping\u0000${'x'.repeat(500)}` })?.event.length, 100);
});

test('signatures: the right one passes, a wrong, malformed, prefixed-wrongly or missing one does not', () => {
  assert.deepEqual(verifyDelivery('github', { 'x-hub-signature-256': `sha256=${hex}` }, body, SECRET), { ok: true });
  assert.equal(verifyDelivery('github', { 'x-hub-signature-256': hex }, body, SECRET).ok, false);
  assert.equal(verifyDelivery('github', { 'x-hub-signature-256': `sha1=${hex}` }, body, SECRET).ok, false);
  assert.equal(verifyDelivery('github', { 'x-hub-signature-256': `sha256=${hex.toUpperCase()}` }, body, SECRET).ok, true);
  assert.equal(verifyDelivery('github', {}, body, SECRET).ok, false);
  assert.equal(verifyDelivery('gitea', { 'x-gitea-signature': hex }, body, SECRET).ok, true);
  assert.equal(verifyDelivery('gitea', { 'x-gitea-signature': `sha256=${hex}` }, body, SECRET).ok, false);
  assert.equal(verifyDelivery('forgejo', { 'x-forgejo-signature': hex }, body, SECRET).ok, true);
  assert.equal(verifyDelivery('forgejo', { 'x-gitea-signature': hex }, body, SECRET).ok, true);
  assert.equal(verifyDelivery('forgejo', { 'x-forgejo-signature': hex.replace(/^./, (c) => (c === '0' ? '1' : '0')) }, body, SECRET).ok, false);
  assert.equal(verifyDelivery('gitlab', { 'x-gitlab-token': SECRET }, body, SECRET).ok, true);
  assert.equal(verifyDelivery('gitlab', { 'x-gitlab-token': SECRET.slice(0, -1) }, body, SECRET).ok, false);
  assert.equal(verifyDelivery('gitlab', { 'x-gitlab-token': '' }, body, SECRET).ok, false);
  // The signature is over the bytes: the same JSON re-serialised is another body.
  assert.equal(verifyDelivery('github', { 'x-hub-signature-256': `sha256=${hex}` }, Buffer.from('{ "action": "closed" }'), SECRET).ok, false);
});

test('payloads: only a merge is a change; its URL must be http(s)', () => {
  const gh = { host: 'github' as const, event: 'pull_request', deliveryId: null };
  const pr = (over: Record<string, unknown>) => ({ action: 'closed', pull_request: { number: 3, title: 't', body: null, html_url: 'https://github.com/a/b/pull/3', merged: true, ...over }, repository: { full_name: 'a/b' } });
  const merged = readChangeEvent(gh, pr({}));
  assert.equal(merged.kind, 'merged');
  assert.equal(merged.kind === 'merged' && merged.change.description, '');
  assert.deepEqual(readChangeEvent(gh, pr({ html_url: 'javascript:alert(1)' })), { kind: 'ignored', reason: 'the payload has no http(s) address of the change' });
  assert.deepEqual(readChangeEvent(gh, pr({ number: -1 })), { kind: 'ignored', reason: 'the payload has no change number' });
  assert.deepEqual(readChangeEvent(gh, pr({ merged: 'true' })), { kind: 'ignored', reason: 'pull request closed without merging' });
  assert.deepEqual(readChangeEvent(gh, []), { kind: 'ignored', reason: 'the payload is not a JSON object' });
  assert.deepEqual(readChangeEvent({ ...gh, event: 'ping' }, {}), { kind: 'ping' });
});

test('titles become one clean line', () => {
  assert.equal(oneLine('Fix\u202e the\n\tprinter\u200b  now', 200), 'Fix the printer now');
  assert.equal(oneLine('x'.repeat(300), 10), `${'x'.repeat(9)}…`);
});
