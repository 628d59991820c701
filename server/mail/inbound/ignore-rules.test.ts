import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ignoreReason } from './ignore-rules';
import { parseEmail } from './parse';

const cpuMs = (since: NodeJS.CpuUsage) => {
  const u = process.cpuUsage(since);
  return (u.user + u.system) / 1000;
};

const reason = async (headers: string[]) =>
  ignoreReason(await parseEmail(Buffer.from(`${headers.join('\r\n')}\r\nTo: help@desk.test\r\nSubject: Hello\r\n\r\nHi\r\n`)), (a) => a === 'help@desk.test', () => false);

test('the ignore rules read every From as written, usable or not: a broken daemon or own address is still ignored', async () => {
  assert.equal(await reason(['From: "Mail Delivery Subsystem" <MAILER-DAEMON@>', 'Sender: relay@customer.test']), 'mailer-daemon');
  assert.equal(await reason(['From: Mail Delivery System <postmaster@mx..customer.test>', 'Reply-To: relay@customer.test']), 'mailer-daemon');
  assert.equal(await reason(['From: Paul <paul@customer.test>', 'From: <MAILER-DAEMON@mx..customer.test>']), 'mailer-daemon');
  assert.equal(await reason(['From: Paul <paul@customer.test>', 'From: "Help" <desk team help@desk.test>']), 'own-address');
  // a person with a broken address, and a person at all, are not ignored
  assert.equal(await reason(['From: "Order form" <orders@>', 'Sender: forms@shop.test']), null);
  assert.equal(await reason(['From: Paul <paul@customer.test>']), null);
});

test('a long spaced "<word … word@host>" sender is read in linear time (parse in the worker, the rules on the event loop)', async () => {
  // `/\S+$/` for the last word took ~1.7 s on the event loop at 40,000 characters, ~a minute at 300,000
  for (const n of [40_000, 300_000]) {
    const raw = Buffer.from(`From: <${'a'.repeat(n)} b@c.de>\r\nTo: help@desk.test\r\nSubject: hi\r\nMessage-ID: <1@x>\r\n\r\nhello\r\n`);
    // CPU time, which a loaded machine does not stretch (mailparser works on this thread)
    let start = process.cpuUsage();
    const parsed = await parseEmail(raw);
    const parseMs = cpuMs(start);
    start = process.cpuUsage();
    assert.equal(await ignoreReason(parsed, (a) => a === 'help@desk.test', () => false), null);
    const rulesMs = cpuMs(start);
    assert.ok(parseMs < 1000 && rulesMs < 200, `${n}: parse ${parseMs.toFixed(0)} ms, rules ${rulesMs.toFixed(0)} ms of CPU`);
  }
});

test('read receipts and out-of-office replies without Auto-Submitted are ignored; a web form that asks for no auto-replies is not', async () => {
  const rules = async (raw: string) => ignoreReason(await parseEmail(Buffer.from(raw.replace(/\n/g, '\r\n'))), (a) => a === 'help@desk.test', () => false);
  const receipt = [
    'From: Lena Berg <lena@customer.test>',
    'To: help@desk.test',
    'Subject: Read: Your invoice',
    'Message-ID: <mdn-1@customer.test>',
    'MIME-Version: 1.0',
    'Content-Type: multipart/report; report-type=disposition-notification;',
    ' boundary="b1"',
    '',
    '--b1',
    'Content-Type: text/plain',
    '',
    'Your message was displayed.',
    '--b1',
    'Content-Type: message/disposition-notification',
    '',
    'Final-Recipient: rfc822;lena@customer.test',
    'Disposition: manual-action/MDN-sent-manually; displayed',
    '--b1--',
    '',
  ].join('\n');
  assert.equal(await rules(receipt), 'read-receipt');
  const head = (extra: string[], subject: string) =>
    [`From: Tom Reed <tom@customer.test>`, 'To: help@desk.test', `Subject: ${subject}`, 'Message-ID: <ooo-1@customer.test>', ...extra, '', 'I am away until Monday.', ''].join('\n');
  // iCloud's vacation reply; Exchange 2010's, in English and German
  assert.equal(await rules(head(['X-Apple-Action: VACATION'], 'Auto reply: Your invoice')), 'out-of-office');
  assert.equal(await rules(head(['X-Auto-Response-Suppress: All'], 'Automatic reply: Your invoice')), 'out-of-office');
  assert.equal(await rules(head(['X-Auto-Response-Suppress: All'], 'Automatische Antwort: Ihre Rechnung')), 'out-of-office');
  // a web form asks for no auto-replies too: its request is a ticket; so is a person's "automatic reply" question
  assert.equal(await rules(head(['X-Auto-Response-Suppress: OOF, AutoReply'], 'Contact form: my order')), null);
  assert.equal(await rules(head([], 'Automatic reply: how do I turn it off?')), null);
});
