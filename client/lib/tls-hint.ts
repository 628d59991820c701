/**
 * A mail server's TLS failure in words a newcomer can act on. OpenSSL's "wrong version number"
 * is what a client expecting TLS reads from a server that starts in plain text: almost always the
 * Security choice does not fit the port.
 */
export function tlsHint(answer: string): string | null {
  return /wrong version number|packet length too long|unknown protocol/i.test(answer)
    ? 'The server did not answer in TLS on this port. Ports 587, 25 and 143 start in plain text: choose STARTTLS there (or None for a trusted local server); TLS is for ports 465 and 993.'
    : null;
}
