/**
 * The relying party's view of the OpenID provider (openid-client): discovered once per settings
 * and kept, so a sign-in costs no discovery round-trip. Keyed by the settings, so a change made
 * on the Admin page (on any node) is picked up at the next sign-in.
 */
import type * as OpenIdClient from 'openid-client';
import type { SsoSettings } from '../domain/accounts/sso';
import { SsoSettingsError } from './oidc-errors';

const cache = new Map<string, Promise<OpenIdClient.Configuration>>();

/** openid-client, loaded at the first single sign-on (most instances never use it). */
export function openIdClient(): Promise<typeof OpenIdClient> {
  return import('openid-client');
}

/** Plain http is allowed only to a provider on this machine (tests, a local provider). */
function isLoopback(url: URL): boolean {
  return url.hostname === 'localhost' || url.hostname === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(url.hostname);
}

export function oidcClient(s: SsoSettings): Promise<OpenIdClient.Configuration> {
  const key = JSON.stringify([s.issuer, s.clientId, s.clientSecret]);
  let found = cache.get(key);
  if (!found) {
    let issuer: URL;
    try {
      issuer = new URL(s.issuer);
    } catch {
      return Promise.reject(new SsoSettingsError('the issuer is not a URL'));
    }
    const insecure = issuer.protocol === 'http:';
    if (insecure && !isLoopback(issuer)) return Promise.reject(new SsoSettingsError('the issuer must use https (plain http only for a provider on this machine)'));
    found = openIdClient().then((client) =>
      client.discovery(issuer, s.clientId, s.clientSecret || undefined, s.clientSecret ? client.ClientSecretPost(s.clientSecret) : client.None(), {
        ...(insecure ? { execute: [client.allowInsecureRequests] } : {}),
        timeout: 10,
      }),
    );
    // A failed discovery is not kept: the next sign-in tries again.
    found.catch(() => cache.delete(key));
    cache.set(key, found);
  }
  return found;
}

export function forgetOidcClient(): void {
  cache.clear();
}

