import { createEffect, createSignal, getOwner, on } from 'solid-js';
import { connection } from '../stores/live';
import { noteAuthError } from '../stores/session';
import { errorCode, errorMessage, isUnreachable } from './errors';
import type { ErrorCode } from '../../shared/errors';

/** Wraps a mutation for a form: tracks pending, keeps the server's error message to show. */
export function createAction<A extends unknown[], R>(fn: (...args: A) => Promise<R>) {
  const [pending, setPending] = createSignal(false);
  const [error, setError] = createSignal<string | null>(null);
  const [code, setCode] = createSignal<ErrorCode | null>(null);
  let unreachable = false;
  // "Cannot reach the server" is stale once the live connection is back. Whether the action happened
  // is unknown (the server may have done it and only its answer was lost): check before retrying.
  if (getOwner()) {
    createEffect(
      on(
        connection,
        (c) => {
          if (c !== 'live' || !unreachable) return;
          unreachable = false;
          setError('The connection is back. This may not have gone through: check before you try again.');
        },
        { defer: true },
      ),
    );
  }
  async function run(...args: A): Promise<R | undefined> {
    // The button pressed is disabled while its action runs, which drops focus to the page: it gets it back.
    const from = document.activeElement;
    setPending(true);
    unreachable = false;
    setError(null);
    setCode(null);
    try {
      return await fn(...args);
    } catch (err) {
      noteAuthError(err);
      unreachable = isUnreachable(err);
      setError(errorMessage(err));
      setCode(errorCode(err));
      return undefined;
    } finally {
      setPending(false);
      if (from instanceof HTMLElement && from.isConnected && (!document.activeElement || document.activeElement === document.body)) from.focus({ preventScroll: true });
    }
  }
  return { run, pending, error, code, setError };
}

/**
 * Focus fell to the page because the control that had it went away or stays disabled (an "Add"
 * whose field was just emptied): it goes to `to` instead, so the keyboard carries on from there.
 */
export function focusIfLost(to: HTMLElement | null | undefined): void {
  const at = document.activeElement;
  if (to?.isConnected && (!at || at === document.body || (at as HTMLButtonElement).disabled)) to.focus({ preventScroll: true });
}
