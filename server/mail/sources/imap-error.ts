/** An IMAP failure in the server's own words (`NO [AUTHENTICATIONFAILED] Authentication failed.`), else the network error's. */
export function imapErrorText(err: unknown): string {
  const e = err as { responseStatus?: string; serverResponseCode?: string; responseText?: string; message?: string; code?: string } | null;
  if (e?.responseText) {
    const code = e.serverResponseCode && !e.responseText.includes(e.serverResponseCode) ? `[${e.serverResponseCode}] ` : '';
    return `${e.responseStatus ? `${e.responseStatus} ` : ''}${code}${e.responseText}`;
  }
  const message = e?.message ?? String(err);
  return e?.code && !message.includes(e.code) ? `${message} (${e.code})` : message;
}
