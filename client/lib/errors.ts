import { isTRPCClientError } from '@trpc/client';
import { SIGN_IN_ERRORS, type ErrorCode } from '../../shared/errors';

/** The call never reached the server: a dropped connection surfaces as a fetch TypeError wrapped by tRPC. */
export function isUnreachable(err: unknown): boolean {
  return isTRPCClientError(err) && err.cause instanceof TypeError;
}

/** The server's message for a failed call: clear sentences written for users. */
export function errorMessage(err: unknown): string {
  if (isTRPCClientError(err)) {
    if (isUnreachable(err)) return 'Cannot reach the server. Check your connection and try again.';
    // The API names the field ("addLabels.0: …"); a form shows the message beside the field itself.
    return errorCode(err) === 'INVALID_INPUT' ? err.message.replace(/(^|; )[\w.]+: /g, '$1') : err.message;
  }
  if (err instanceof Error) return err.message;
  return 'Something went wrong.';
}

export function errorCode(err: unknown): ErrorCode | null {
  if (!isTRPCClientError(err)) return null;
  const data: unknown = err.data;
  // The server sends only catalogue codes (server/trpc/init.ts); checking them here would ship the catalogue.
  return data && typeof data === 'object' && 'appCode' in data && typeof data.appCode === 'string' ? (data.appCode as ErrorCode) : null;
}

/** The sign-in page's message for a failed single sign-on (`/login?sso_error=CODE`). */
export function ssoErrorMessage(code: string): string {
  if (code === 'SSO_CANCELLED') return 'Sign-in with your identity provider was cancelled.';
  return (Object.hasOwn(SIGN_IN_ERRORS, code) ? SIGN_IN_ERRORS[code as keyof typeof SIGN_IN_ERRORS] : SIGN_IN_ERRORS.SSO_FAILED).message;
}
