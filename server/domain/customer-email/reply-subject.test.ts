/**
 * A ticket opened by answering an older email ("Re: Your problem #2") is thanked as
 * "Re: Your problem #2 (#1)", not "Re: Re: Your problem #2 (#1)"; other titles get their "Re:".
 * Through the real SMTP listener, then the thank-you as queued.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { eq } from 'drizzle-orm';
import { DESK_TO as TO, sendOverSmtp, startDeskWithReporter } from '../../testing/mailbox-tests';
import type { TestApp } from '../../testing/test-app';
import { outbox } from '../../../db/schema';
import { replySubject } from './reply-subject';

let app: TestApp;

before(async () => {
  ({ app } = await startDeskWithReporter());
});
after(() => app.close());

const mail = (subject: string, id: string) =>
  `From: Zhang Fuxin <fxzhang@customer.test>\r\nTo: ${TO}\r\nSubject: ${subject}\r\nMessage-ID: <${id}@customer.test>\r\nDate: Tue, 01 Dec 2026 09:56:28 +0800\r\n\r\nThe program still gives different output with -O2.\r\n`;

test("the thank-you for a ticket whose subject is already a reply's keeps one Re:", async () => {
  assert.match(await sendOverSmtp(app, mail('Re: Your problem #2', 'subj-1'), 'fxzhang@customer.test'), /Ok: ticket/);
  assert.match(await sendOverSmtp(app, mail('RE: [oss-security] backdoor in xz', 'subj-2'), 'fxzhang@customer.test'), /Ok: ticket/);
  assert.match(await sendOverSmtp(app, mail('Printer offline', 'subj-3'), 'fxzhang@customer.test'), /Ok: ticket/);
  const subjects = (await app.dc.db.select().from(outbox).where(eq(outbox.kind, 'thank_you')).all()).map((o) => o.subject).sort();
  assert.deepEqual(subjects, ['RE: [oss-security] backdoor in xz (#2)', 'Re: Printer offline (#3)', 'Re: Your problem #2 (#1)']);
});

test('only a leading "Re:" counts as one', () => {
  assert.equal(replySubject('re:Invoice', 4), 're:Invoice (#4)');
  assert.equal(replySubject('Answer: Re: Invoice', 4), 'Re: Answer: Re: Invoice (#4)');
  assert.equal(replySubject('Reply needed', 4), 'Re: Reply needed (#4)');
  assert.equal(replySubject('答复: 发票', 4), 'Re: 答复: 发票 (#4)');
});
