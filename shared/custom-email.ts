/** A project's own support address and its verification (issue 10), as the settings page shows it. */

/** Which check failed. Messages for people: `customEmailErrorText`. */
export type CustomEmailError =
  | 'smtp_host_issue'
  | 'invalid_credentials'
  | 'mail_not_received_within_timeframe'
  | 'incorrect_from'
  | 'incorrect_token'
  | 'incorrect_forwarding_target';

export interface CustomEmailView {
  address: string;
  /** waiting: the verification email is on its way; verified: in use; failed: see `error` */
  state: 'waiting' | 'verified' | 'failed';
  error: CustomEmailError | null;
  /** the server's words, or what came back instead */
  errorDetail: string | null;
  /** where the address must forward its mail: the project's Service Desk address */
  forwardTo: string;
  smtp: { host: string; port: number; security: 'tls' | 'starttls' | 'none'; user: string; passwordSet: boolean } | null;
  requestedAt: string;
  verifiedAt: string | null;
}

/** What went wrong and what to fix, in a sentence or two. */
export function customEmailErrorText(v: Pick<CustomEmailView, 'address' | 'forwardTo' | 'error' | 'errorDetail' | 'smtp'>): string {
  const detail = v.errorDetail ? ` The server said: ${v.errorDetail}` : '';
  switch (v.error) {
    case 'smtp_host_issue':
      return `The verification email could not be sent through ${v.smtp ? `${v.smtp.host}:${v.smtp.port}` : 'the outgoing server'}. Check the server name, port and security.${detail}`;
    case 'invalid_credentials':
      return `The SMTP server refused the user name or password.${detail}`;
    case 'mail_not_received_within_timeframe':
      return `The verification email did not come back within 30 minutes. Make sure ${v.address} forwards all mail to ${v.forwardTo}, then send a new verification email.`;
    case 'incorrect_from':
      return `The verification email came back, but not from ${v.address}${v.errorDetail ? ` (From: ${v.errorDetail})` : ''}. The forwarding must keep the original sender: use forwarding or redirecting, not "forward as attachment" or a rule that rewrites the sender.`;
    case 'incorrect_token':
      return 'A verification email came back with an old code. Send a new verification email and wait for that one.';
    case 'incorrect_forwarding_target':
      return `The verification email came back through ${v.errorDetail ?? 'another address'}, not this project's Service Desk address. Forward ${v.address} to ${v.forwardTo}.`;
    default:
      return 'Verification failed.';
  }
}
