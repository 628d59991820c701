/**
 * Single sign-on routes: `GET /auth/oidc/start` sends the browser to the provider (authorization
 * code flow with PKCE S256, `state` and `nonce`), `GET /auth/oidc/callback` checks the answer
 * (openid-client verifies state, the ID token's signature, issuer, audience, nonce and expiry),
 * signs the matching account in and returns to the page the user started from. The state is also
 * kept in a cookie, so a callback only completes in the browser that started it. Failures land on
 * the sign-in page with a code (`?sso_error=`), never with provider details or tokens.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { timingSafeEqual } from 'node:crypto';
import { AppError, isErrorCode } from '../../shared/errors';
import type { Config } from '../config';
import { SESSION_COOKIE } from '../domain/accounts/sessions';
import { readSsoSettings, saveOidcState, signInWithOidc, ssoUsable, takeOidcState, type SsoSettings } from '../domain/accounts/sso';
import type { DomainCtx } from '../domain/core/context';
import { log } from '../log';
import { clientAddressResolver } from './client-address';
import { readCookie, setCookie } from './cookies';
import { oidcClient, openIdClient } from './oidc-client';
import { discoveryFailure, exchangeFailure } from './oidc-errors';

const STATE_COOKIE = 'tl_oidc_state';
const SCOPE = 'openid email profile';

function redirect(res: ServerResponse, location: string): void {
  res.writeHead(302, { Location: location, 'Cache-Control': 'no-store' }).end();
}

/**
 * Only a path on this site, never `//elsewhere` or a full URL. Browsers drop tabs and newlines
 * anywhere in a URL and read `\` as `/`, so `/\t/evil.test` would leave the site: the path is
 * read as a browser reads it and must stay on our origin; anything with controls or spaces is refused.
 */
export function safeReturn(next: string | null): string {
  if (!next || next.length >= 1000 || !next.startsWith('/') || /[\x00-\x20\x7f\\]/.test(next)) return '/';
  const base = 'http://threadline.invalid';
  let url: URL;
  try {
    url = new URL(next, base);
  } catch {
    return '/';
  }
  if (url.origin !== base || next.startsWith('//')) return '/';
  return `${url.pathname}${url.search}${url.hash}`;
}

function same(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** The error for the log: its message and its cause's (fetch says only "fetch failed"; the socket says why). */
function describe(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  const cause = err instanceof Error && err.cause instanceof Error ? err.cause.message : '';
  return cause && cause !== message ? `${message}: ${cause}` : message;
}

export function createOidcRoutes(dc: DomainCtx, config: Config) {
  const clientAddressOf = clientAddressResolver(config.trustProxy);
  const fail = (res: ServerResponse, code: string) => {
    setCookie(res, STATE_COOKIE, '', { maxAgeSeconds: 0, secure: config.secureCookies });
    redirect(res, `/login?sso_error=${encodeURIComponent(code)}`);
  };

  /** The provider's configuration; null once the browser has been sent back with the reason it is not. */
  async function discover(settings: SsoSettings, res: ServerResponse): Promise<Awaited<ReturnType<typeof oidcClient>> | null> {
    try {
      return await oidcClient(settings);
    } catch (err) {
      const code = discoveryFailure(err);
      log.warn('OpenID provider discovery failed', { issuer: settings.issuer, code, err: describe(err) });
      fail(res, code);
      return null;
    }
  }

  async function start(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const settings = await readSsoSettings(dc, config.oidc);
    if (!ssoUsable(settings)) return fail(res, 'SSO_NOT_CONFIGURED');
    const query = new URL(req.url ?? '/', 'http://x').searchParams;
    const oidc = await discover(settings, res);
    if (!oidc) return;
    const client = await openIdClient();
    const codeVerifier = client.randomPKCECodeVerifier();
    const state = client.randomState();
    const nonce = client.randomNonce();
    const invitation = query.get('invitation');
    await saveOidcState(dc, { state, codeVerifier, nonce, returnTo: safeReturn(query.get('next')), invitationToken: invitation && invitation.length <= 200 ? invitation : undefined });
    const url = client.buildAuthorizationUrl(oidc, {
      redirect_uri: `${dc.mail.publicUrl}/auth/oidc/callback`,
      scope: SCOPE,
      code_challenge: await client.calculatePKCECodeChallenge(codeVerifier),
      code_challenge_method: 'S256',
      state,
      nonce,
    });
    setCookie(res, STATE_COOKIE, state, { maxAgeSeconds: 600, secure: config.secureCookies });
    redirect(res, url.href);
  }

  async function callback(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const current = new URL(req.url ?? '/', dc.mail.publicUrl);
    const state = current.searchParams.get('state') ?? '';
    const cookieState = readCookie(req, STATE_COOKIE) ?? '';
    if (current.searchParams.has('error')) return fail(res, current.searchParams.get('error') === 'access_denied' ? 'SSO_CANCELLED' : 'SSO_FAILED');
    if (!state || !cookieState || !same(state, cookieState)) return fail(res, 'SSO_FAILED');
    const pending = await takeOidcState(dc, state);
    if (!pending) return fail(res, 'SSO_FAILED');
    const settings = await readSsoSettings(dc, config.oidc);
    if (!ssoUsable(settings)) return fail(res, 'SSO_NOT_CONFIGURED');
    const oidc = await discover(settings, res);
    if (!oidc) return;
    let identity;
    try {
      const client = await openIdClient();
      const tokens = await client.authorizationCodeGrant(oidc, current, {
        pkceCodeVerifier: pending.codeVerifier,
        expectedState: state,
        expectedNonce: pending.nonce,
        idTokenExpected: true,
      });
      const claims = tokens.claims();
      if (!claims) throw new Error('no ID token');
      let info: Record<string, unknown> = claims;
      if (typeof claims.email !== 'string') info = { ...(await client.fetchUserInfo(oidc, tokens.access_token, claims.sub)), ...claims };
      identity = {
        subject: `${settings.issuer}#${claims.sub}`,
        email: typeof info.email === 'string' ? info.email : null,
        emailVerified: info.email_verified === true,
        name: typeof info.name === 'string' ? info.name : null,
      };
    } catch (err) {
      const code = exchangeFailure(err);
      log.warn('OpenID sign-in failed', { code, err: describe(err) });
      return fail(res, code);
    }
    try {
      const signedIn = await signInWithOidc(dc, settings, identity, {
        invitationHash: pending.invitationHash,
        ttlMs: config.sessionTtlMs,
        meta: { userAgent: req.headers['user-agent'], clientAddress: clientAddressOf(req) },
      });
      setCookie(res, STATE_COOKIE, '', { maxAgeSeconds: 0, secure: config.secureCookies });
      setCookie(res, SESSION_COOKIE, signedIn.sessionToken, { maxAgeSeconds: Math.floor(config.sessionTtlMs / 1000), secure: config.secureCookies });
      redirect(res, signedIn.projectPath ? `/p/${signedIn.projectPath}` : pending.returnTo);
    } catch (err) {
      if (err instanceof AppError && isErrorCode(err.code)) return fail(res, err.code);
      throw err;
    }
  }

  return (req: IncomingMessage, res: ServerResponse): void => {
    const path = (req.url ?? '').split('?')[0];
    const run = path === '/auth/oidc/start' ? start : path === '/auth/oidc/callback' ? callback : null;
    if (!run) {
      res.writeHead(404).end();
      return;
    }
    run(req, res).catch((err: unknown) => {
      log.error('single sign-on route failed', { err });
      if (!res.headersSent) fail(res, 'SSO_FAILED');
    });
  };
}
