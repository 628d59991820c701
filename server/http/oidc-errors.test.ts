/**
 * The failures the real provider cannot easily be made to produce in a test (a timeout, a provider
 * behind a proxy that answers 502, a refused code), built as openid-client builds them.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ClientError } from 'openid-client';
import { discoveryFailure, exchangeFailure } from './oidc-errors';

/** As openid-client's errorHandler makes them (its constructor's type leaves out the `code` it takes). */
const clientError = (message: string, cause: unknown, code: string) => Object.assign(new ClientError(message, { cause }), { code });
const fetchFailed = (code: string) => new TypeError('fetch failed', { cause: Object.assign(new Error(code), { code }) });

test('timeouts and connections that fail are "unreachable", at discovery and at the token endpoint alike', () => {
  const timedOut = clientError('operation timed out', new DOMException('signal timed out', 'TimeoutError'), 'OAUTH_TIMEOUT');
  for (const err of [timedOut, fetchFailed('UND_ERR_CONNECT_TIMEOUT'), fetchFailed('ENOTFOUND'), fetchFailed('ECONNRESET'), fetchFailed('UND_ERR_SOCKET')]) {
    assert.equal(discoveryFailure(err), 'SSO_UNREACHABLE', String(err.cause));
    assert.equal(exchangeFailure(err), 'SSO_UNREACHABLE', String(err.cause));
  }
});

test('a provider that answers with a server error, or refuses the code, is neither unreachable nor a settings problem', () => {
  const badGateway = clientError('unexpected HTTP response status code', new Response('', { status: 502 }), 'OAUTH_RESPONSE_IS_NOT_CONFORM');
  assert.equal(discoveryFailure(badGateway), 'SSO_FAILED');
  const notFound = clientError('unexpected HTTP response status code', new Response('', { status: 404 }), 'OAUTH_RESPONSE_IS_NOT_CONFORM');
  assert.equal(discoveryFailure(notFound), 'SSO_MISCONFIGURED');
  const invalidGrant = Object.assign(new Error('server responded with an error in the response body'), { code: 'OAUTH_RESPONSE_BODY_ERROR', error: 'invalid_grant' });
  assert.equal(exchangeFailure(invalidGrant), 'SSO_FAILED');
  assert.equal(exchangeFailure(new Error('no ID token')), 'SSO_FAILED');
  assert.equal(exchangeFailure(fetchFailed('DEPTH_ZERO_SELF_SIGNED_CERT')), 'SSO_FAILED', 'a certificate problem is not a provider that is down');
});
