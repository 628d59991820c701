/**
 * A Message-ID longer than any header line may be (RFC 5322: 998 octets) is no id a mail client
 * wrote. It used to fail the ticket on PostgreSQL (a btree index entry holds ~2.7 KB), and with
 * the thank-you turned off that failure went unhandled. Now it is left out, on both engines: the
 * mail becomes a ticket like one without a Message-ID.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { serviceDeskSettings } from '../../../db/schema';
import { messageIdList, MAX_MESSAGE_ID_OCTETS } from './parse';
import { seedAdmin, seedProject, startTestApp, type TestApp } from '../../testing/test-app';

let app: TestApp;
const unhandled: unknown[] = [];
const onUnhandled = (r: unknown) => void unhandled.push(r);
before(async () => {
  process.on('unhandledRejection', onUnhandled);
  app = await startTestApp({ INCOMING_EMAIL: 'incoming+%{key}@desk.test' });
  await seedAdmin(app);
  await seedProject(app, 'acme/app');
});
after(async () => {
  process.off('unhandledRejection', onUnhandled);
  await app.close();
});

test('ids up to 998 octets are kept, longer ones are left out', () => {
  const fits = `<${'a'.repeat(MAX_MESSAGE_ID_OCTETS - 9)}@x.test>`;
  assert.equal(Buffer.byteLength(fits), MAX_MESSAGE_ID_OCTETS);
  assert.deepEqual(messageIdList(`${fits} <${'b'.repeat(MAX_MESSAGE_ID_OCTETS)}@x.test> <ok@x.test>`), [fits, '<ok@x.test>']);
});

for (const thankYou of [true, false]) {
  test(`a 4 KB Message-ID and In-Reply-To (thank-you ${thankYou ? 'on' : 'off'}): a ticket, and nothing unhandled`, async () => {
    await app.dc.db.write((tx) => tx.update(serviceDeskSettings).set({ sendThankYou: thankYou }).where(eq(serviceDeskSettings.projectId, 1)).run());
    const id = `<${randomBytes(3000).toString('base64url')}@customer.test>`;
    const raw = Buffer.from(`From: Dana <dana-${thankYou}@customer.test>\r\nTo: incoming+acme-app-1-issue-@desk.test\r\nSubject: hello ${thankYou}\r\nMessage-ID: ${id}\r\nIn-Reply-To: ${id}\r\n\r\nhello\r\n`);
    const before = unhandled.length;
    const out = await app.mail.ingest.receive(raw, { source: 'cli' });
    assert.equal(out.status, 'ticket');
    // the same bytes again: the derived id (a hash of the message) still finds the duplicate
    assert.equal((await app.mail.ingest.receive(raw, { source: 'cli' })).status, 'duplicate');
    await new Promise((r) => setImmediate(r));
    assert.equal(unhandled.length - before, 0);
  });
}
