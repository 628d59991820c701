import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Config } from '../config';
import type { MailRuntime } from '../mail/runtime';
import type { PresenceHub } from '../events/presence';
import type { EventFeed } from '../events/feed';
import type { DomainCtx } from '../domain/core/context';
import { resolveSession, SESSION_COOKIE } from '../domain/accounts/sessions';
import type { UserRow } from '../domain/accounts/users';
import { clientAddressResolver } from '../http/client-address';
import { readCookie } from '../http/cookies';

export interface AppDeps {
  dc: DomainCtx;
  config: Config;
  mail: MailRuntime;
  presence: PresenceHub;
  feed: EventFeed;
}

export interface Context {
  dc: DomainCtx;
  config: Config;
  mail: MailRuntime;
  presence: PresenceHub;
  feed: EventFeed;
  user: UserRow | null;
  /** the raw session token, for logout */
  sessionToken: string | undefined;
  clientAddress: string;
  /** the browser's User-Agent, shown in the list of active sessions */
  userAgent: string | undefined;
  /** present on HTTP requests (for Set-Cookie); absent on WebSocket calls */
  res: ServerResponse | null;
}

export function createContextFactory(deps: AppDeps) {
  const clientAddressOf = clientAddressResolver(deps.config.trustProxy);
  return async ({ req, res }: { req: IncomingMessage; res?: ServerResponse | undefined }): Promise<Context> => {
    const token = readCookie(req, SESSION_COOKIE);
    return {
      dc: deps.dc,
      config: deps.config,
      mail: deps.mail,
      presence: deps.presence,
      feed: deps.feed,
      user: await resolveSession(deps.dc, token),
      sessionToken: token,
      clientAddress: clientAddressOf(req),
      userAgent: req.headers['user-agent'],
      res: res && 'setHeader' in res ? res : null,
    };
  };
}
