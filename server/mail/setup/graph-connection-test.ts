/** "Test connection" for a Microsoft Graph mailbox: a real token request, then the inbox's counts. */
import { createGraphClient, type GraphTarget } from '../sources/graph/graph-client';
import type { ImapTestResult } from './connection-tests';

export async function testGraphConnection(t: GraphTarget, timeoutMs = 15_000): Promise<ImapTestResult> {
  const client = createGraphClient(t, { signal: AbortSignal.timeout(timeoutMs) });
  try {
    const inbox = await client.json<{ displayName?: unknown; totalItemCount?: unknown }>('GET', `${client.userRoot}/mailFolders/inbox?$select=displayName,totalItemCount,unreadItemCount`);
    return { ok: true, folder: typeof inbox?.displayName === 'string' ? inbox.displayName : 'Inbox', messages: Number(inbox?.totalItemCount ?? 0) };
  } catch (err) {
    return { ok: false, error: err instanceof Error ? err.message : String(err) };
  }
}
