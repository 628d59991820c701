/** Who is signed in: `undefined` while we ask the server, `null` when nobody is. */
import { createSignal } from 'solid-js';
import type { Me } from '../../shared/views';
import { errorCode } from '../lib/errors';
import { api } from '../lib/trpc';
import { startLive, stopLive } from './live';
import { startNotifications, stopNotifications } from './notifications';

const [me, setMe] = createSignal<Me | null | undefined>(undefined);
const [needsSetup, setNeedsSetup] = createSignal(false);

export { me, needsSetup };

/** After a page signed us in some other way (a reset or an invitation link). */
export function signedInAs(user: Me): void {
  signedIn(user);
}

/** My profile changed my name or notification mode. */
export function updateMe(patch: Partial<Me>): void {
  const current = me();
  if (current) setMe({ ...current, ...patch });
}

function sessionEnded(): void {
  stopNotifications();
  stopLive();
  setMe(null);
}

function signedIn(user: Me): void {
  setNeedsSetup(false);
  setMe(user);
  startLive(sessionEnded);
  void startNotifications(user).catch(() => undefined);
}

/**
 * Asks the server once at start-up (both answers usually come with the page). Having no session
 * is not an error: `auth.status` says so, so a signed-out page never asks `auth.me` and gets no
 * 401 for the browser to log.
 */
export async function loadSession(): Promise<void> {
  const status = await api.auth.status.query();
  if (status.signedIn) {
    try {
      return signedIn(await api.auth.me.query());
    } catch (err) {
      // The session ended between the two answers.
      if (errorCode(err) !== 'UNAUTHENTICATED') throw err;
    }
  }
  setNeedsSetup(status.needsSetup);
  setMe(null);
}

export async function login(email: string, password: string): Promise<void> {
  signedIn(await api.auth.login.mutate({ email, password }));
}

export async function setup(input: { email: string; name: string; password: string }): Promise<void> {
  signedIn(await api.auth.setup.mutate({ email: input.email, password: input.password, name: input.name.trim() || undefined }));
}

export async function logout(): Promise<void> {
  stopNotifications();
  stopLive();
  try {
    await api.auth.logout.mutate();
  } finally {
    setMe(null);
  }
}

/** Call with any failed request: if the session has ended, the app goes back to sign-in. */
export function noteAuthError(err: unknown): void {
  if (errorCode(err) === 'UNAUTHENTICATED') sessionEnded();
}
