/**
 * Mail settings live in the database; every node runs its mail from them. A change commits with
 * a NOTIFY (PostgreSQL: every node hears it and reconfigures), and this node's own listeners are
 * called right after the commit. On SQLite another process's commit (the CLI) is noticed through
 * the file's data version, so a `desk mailbox add` reaches the running server too.
 */
import type { Tx } from '../../../db/client';
import type { DomainCtx } from '../core/context';

export const MAIL_SETTINGS_CHANNEL = 'threadline_mail_settings';

/** For a change made inside someone else's transaction: tells the other nodes when it commits. */
export async function notifyMailSettings(dc: DomainCtx, tx: Tx): Promise<void> {
  await dc.db.notify(tx, MAIL_SETTINGS_CHANNEL, dc.node);
}

/** After such a transaction committed: this node's own reaction. */
export function mailSettingsCommitted(dc: DomainCtx): void {
  for (const listener of dc.mailSettingsListeners) listener();
}

/** Runs `fn` in a write transaction that tells every node the mail settings changed. */
export async function writeMailSettings<T>(dc: DomainCtx, fn: (tx: Tx, at: number) => Promise<T>): Promise<T> {
  const at = dc.now();
  const result = await dc.db.write(async (tx) => {
    const value = await fn(tx, at);
    await notifyMailSettings(dc, tx);
    return value;
  });
  mailSettingsCommitted(dc);
  return result;
}

/**
 * Calls `cb` whenever the mail settings may have changed: committed here, on another node
 * (NOTIFY), or by another process on the SQLite file. Returns a function that stops it.
 */
export function onMailSettingsChange(dc: DomainCtx, cb: () => void): () => void {
  dc.mailSettingsListeners.add(cb);
  const stopListening = dc.db.listen(MAIL_SETTINGS_CHANNEL, (payload) => {
    if (payload !== dc.node) cb();
  });
  return () => {
    dc.mailSettingsListeners.delete(cb);
    stopListening();
  };
}
