/**
 * What a failed exchange with the OpenID provider tells the person signing in (`?sso_error=`):
 * - `SSO_UNREACHABLE`: the provider did not answer (connection refused or reset, name not found,
 *   timeout): trying again later may work;
 * - `SSO_MISCONFIGURED`: it answered, but not as the settings say it would (plain http to another
 *   machine, another issuer in its metadata, no metadata at the issuer URL, the client refused):
 *   only an administrator can fix that;
 * - `SSO_FAILED`: anything else (a refused or expired code, a token that fails its checks).
 * openid-client passes fetch's own errors through (a TypeError whose cause holds the socket's
 * code) and wraps its timeouts and protocol errors in ClientError with a code of its own.
 */
import type { ErrorCode } from '../../shared/errors';

export type SsoFailure = Extract<ErrorCode, 'SSO_UNREACHABLE' | 'SSO_MISCONFIGURED' | 'SSO_FAILED'>;

/** Raised before any request when the settings cannot work (oidc-client.ts). */
export class SsoSettingsError extends Error {}

const NO_ANSWER = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'EHOSTDOWN',
  'ENETUNREACH',
  'ENETDOWN',
  'EPIPE',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
  // openid-client's names for its own request timeout (AbortSignal.timeout) and an aborted request
  'OAUTH_TIMEOUT',
  'OAUTH_ABORT',
]);

/** Metadata that came back, but not usable as the settings' issuer. */
const WRONG_METADATA = new Set([
  'OAUTH_JSON_ATTRIBUTE_COMPARISON_FAILED', // another issuer
  'OAUTH_RESPONSE_IS_NOT_CONFORM', // no metadata there (404, a redirect)
  'OAUTH_RESPONSE_IS_NOT_JSON',
  'OAUTH_INVALID_RESPONSE',
  'OAUTH_PARSE_ERROR',
  'OAUTH_MISSING_SERVER_METADATA',
  'OAUTH_INVALID_SERVER_METADATA',
  'OAUTH_HTTP_REQUEST_FORBIDDEN',
  'OAUTH_REQUEST_PROTOCOL_FORBIDDEN',
]);

/** The token endpoint's answers that mean the client id or secret is wrong. */
const CLIENT_REFUSED = new Set(['invalid_client', 'unauthorized_client']);

function field(value: unknown, key: string): unknown {
  return value !== null && typeof value === 'object' && key in value ? (value as Record<string, unknown>)[key] : undefined;
}

/** The error and its causes, outermost first (a few levels: fetch nests the socket's error). */
function chain(err: unknown): unknown[] {
  const out: unknown[] = [];
  for (let e = err; e !== undefined && e !== null && out.length < 6; e = field(e, 'cause')) out.push(e);
  return out;
}

function noAnswer(err: unknown): boolean {
  return chain(err).some((e) => {
    const code = field(e, 'code');
    const name = field(e, 'name');
    return (typeof code === 'string' && NO_ANSWER.has(code)) || name === 'TimeoutError';
  });
}

/** Finding the provider (discovery) failed. */
export function discoveryFailure(err: unknown): SsoFailure {
  if (noAnswer(err)) return 'SSO_UNREACHABLE';
  if (err instanceof SsoSettingsError) return 'SSO_MISCONFIGURED';
  const code = field(err, 'code');
  if (typeof code === 'string' && WRONG_METADATA.has(code)) {
    // A server error is the provider's trouble, not the settings'.
    const status = field(field(err, 'cause'), 'status');
    return typeof status === 'number' && status >= 500 ? 'SSO_FAILED' : 'SSO_MISCONFIGURED';
  }
  return 'SSO_FAILED';
}

/** Redeeming the code (token endpoint, user info) failed. */
export function exchangeFailure(err: unknown): SsoFailure {
  if (noAnswer(err)) return 'SSO_UNREACHABLE';
  const error = field(err, 'error');
  return typeof error === 'string' && CLIENT_REFUSED.has(error) ? 'SSO_MISCONFIGURED' : 'SSO_FAILED';
}
