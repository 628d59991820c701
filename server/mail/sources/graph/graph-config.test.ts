/** The GRAPH_* variables and Retry-After, as an operator and Microsoft write them. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadConfig } from '../../../config';
import { MAX_RETRY_AFTER_MS, retryAfterMs } from './graph-client';

const full = { GRAPH_TENANT_ID: 'contoso.onmicrosoft.com', GRAPH_CLIENT_ID: 'abc', GRAPH_CLIENT_SECRET: 's', GRAPH_MAILBOX: 'support@contoso.com' };

test('no GRAPH_* variable: no Graph mailbox', () => {
  assert.equal(loadConfig({}).mail.graphMailbox, null);
  assert.equal(loadConfig({}).mail.fromEnv.graphMailbox, false);
});

test('all four: one mailbox with Microsoft defaults, named after the mailbox', () => {
  const g = loadConfig(full).mail.graphMailbox;
  assert.deepEqual(g, {
    name: 'support@contoso.com',
    tenantId: 'contoso.onmicrosoft.com',
    clientId: 'abc',
    clientSecret: 's',
    mailbox: 'support@contoso.com',
    baseUrl: 'https://graph.microsoft.com',
    loginUrl: 'https://login.microsoftonline.com',
    pollSeconds: 10,
    after: 'seen',
    moveTo: '',
    existingMail: 'unread',
  });
});

test('a partial setup names what is missing, and never echoes the secret', () => {
  assert.throws(() => loadConfig({ GRAPH_TENANT_ID: 't', GRAPH_CLIENT_SECRET: 'top-secret' }), (err: Error) => {
    assert.match(err.message, /missing: GRAPH_CLIENT_ID, GRAPH_MAILBOX/);
    assert.equal(err.message.includes('top-secret'), false);
    return true;
  });
  assert.throws(() => loadConfig({ ...full, GRAPH_AFTER: 'move' }), /GRAPH_AFTER=move needs GRAPH_MOVE_TO/);
  assert.throws(() => loadConfig({ ...full, GRAPH_AFTER: 'delete' }), /GRAPH_AFTER must be seen or move/);
  assert.throws(() => loadConfig({ ...full, GRAPH_POLL_SECONDS: '0' }), /GRAPH_POLL_SECONDS/);
});

test('Retry-After: seconds or an HTTP date, capped', () => {
  assert.equal(retryAfterMs('7'), 7000);
  assert.equal(retryAfterMs(null), null);
  assert.equal(retryAfterMs('soon'), null);
  assert.equal(retryAfterMs('100000'), MAX_RETRY_AFTER_MS);
  const now = Date.parse('2026-11-30T10:00:00Z');
  assert.equal(retryAfterMs('Mon, 30 Nov 2026 10:00:30 GMT', now), 30_000);
});
