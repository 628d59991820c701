import { createSignal } from 'solid-js';
import { noteAuthError } from '../stores/session';
import { errorCode, errorMessage } from './errors';
import type { ErrorCode } from '../../shared/errors';

/** Wraps a mutation for a form: tracks pending, keeps the server's error message to show. */
export function createAction<A extends unknown[], R>(fn: (...args: A) => Promise<R>) {
  const [pending, setPending] = createSignal(false);
  const [error, setError] = createSignal<string | null>(null);
  const [code, setCode] = createSignal<ErrorCode | null>(null);
  async function run(...args: A): Promise<R | undefined> {
    // The button pressed is disabled while its action runs, which drops focus to the page: it gets it back.
    const from = document.activeElement;
    setPending(true);
    setError(null);
    setCode(null);
    try {
      return await fn(...args);
    } catch (err) {
      noteAuthError(err);
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
