/**
 * Customer email is addressed to the person by name, as their own mail client would:
 * `To: Ada Lovelace <ada@customer.test>`, with the name their address came with. Mail in and out
 * through real SMTP (our listener, the sink). Names are a sender's text: quotes, commas,
 * non-ASCII and an encoded CR/LF never end the header, add a recipient or change the envelope.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import nodemailer from 'nodemailer';
import type { SmtpSink } from '../../../e2e/fixtures/smtp-sink';
import type { Session, TestApp } from '../../testing/test-app';
import { sentMail, startDeskWithSink, type SentMail } from '../../testing/customer-mail';
import { recipient } from './mime';

let sink: SmtpSink;
let app: TestApp;
let rep: Session;
const P = 'acme/names';
const TO = 'incoming+acme-names-1-issue-@desk.test';
let seq = 0;
const next = sentMail(() => app, () => sink);

before(async () => {
  ({ sink, app, rep } = await startDeskWithSink(P, 'maintainer'));
  await rep.trpc.serviceDesk.update.mutate({ projectPath: P, addCcParticipants: true });
});
after(async () => {
  await app.close();
  await sink.stop();
});

/** A customer's email through our SMTP listener; resolves to the ticket's iid. */
async function customerWrites(from: string, address: string, extra = ''): Promise<number> {
  const t = nodemailer.createTransport({ host: '127.0.0.1', port: app.mail.smtp!.port, secure: false, ignoreTLS: true });
  try {
    const raw = `From: ${from}\r\nTo: ${TO}\r\nSubject: Help ${++seq}\r\nMessage-ID: <rn-${seq}@customer.test>\r\n${extra}\r\nHello\r\n`;
    const info = await t.sendMail({ envelope: { from: address, to: [TO] }, raw });
    const iid = /Ok: ticket/.test(info.response) ? (await app.dc.db.sqlGet<{ iid: number }>('select iid from tickets order by id desc limit 1'))?.iid : undefined;
    assert.ok(iid, info.response);
    return iid;
  } finally {
    t.close();
  }
}

/** The To header as sent (its raw line), and as a mail client reads it. */
function toOf(m: SentMail): { line: string; addresses: { name: string; address: string }[] } {
  const line = m.headerLines.filter((h) => h.key === 'to').map((h) => h.line);
  assert.equal(line.length, 1, 'one To header');
  const value = Array.isArray(m.to) ? m.to.flatMap((t) => t.value) : (m.to?.value ?? []);
  return { line: line[0]!, addresses: value.map((v) => ({ name: v.name, address: v.address ?? '' })) };
}

test('the thank-you is addressed to the customer by name; without a name, to the bare address', async () => {
  await customerWrites('"Ada Lovelace" <ada@customer.test>', 'ada@customer.test');
  const [ada] = await next();
  assert.equal(toOf(ada!).line, 'To: Ada Lovelace <ada@customer.test>');
  assert.deepEqual(ada!.rcpt, ['ada@customer.test']);

  await customerWrites('nobody@customer.test', 'nobody@customer.test');
  const [bare] = await next();
  assert.equal(toOf(bare!).line, 'To: nobody@customer.test');
  // a "name" that is only the address again is no name
  await customerWrites('"zed@customer.test" <zed@customer.test>', 'zed@customer.test');
  assert.equal(toOf((await next())[0]!).line, 'To: zed@customer.test');
});

test('quotes, commas and non-ASCII are quoted or encoded and read back as written', async () => {
  await customerWrites('"Lovelace, Ada \\"The Countess\\" of L." <countess@customer.test>', 'countess@customer.test');
  const [quoted] = await next();
  assert.deepEqual(toOf(quoted!).addresses, [{ name: 'Lovelace, Ada "The Countess" of L.', address: 'countess@customer.test' }]);
  assert.equal(toOf(quoted!).line, 'To: "Lovelace, Ada \\"The Countess\\" of L." <countess@customer.test>');

  await customerWrites('=?UTF-8?B?Wm/DqyDDhWdyZW4g5pel5pys?= <zoe@customer.test>', 'zoe@customer.test');
  const [utf8] = await next();
  assert.deepEqual(toOf(utf8!).addresses, [{ name: 'Zoë Ågren 日本', address: 'zoe@customer.test' }]);
  assert.match(toOf(utf8!).line, /^To: =\?UTF-8\?/, 'an encoded word, never raw 8-bit in the header');
});

test('a name carrying CR/LF (encoded in the sender\'s header) cannot add a header or a recipient', async () => {
  await customerWrites('=?UTF-8?Q?Eve=0D=0ABcc:_victim@else.test=0D=0A?= <eve@customer.test>', 'eve@customer.test');
  const [eve] = await next();
  assert.deepEqual(eve!.rcpt, ['eve@customer.test'], 'the envelope is the address alone');
  assert.equal(eve!.headerLines.some((h) => h.key === 'bcc'), false);
  const to = toOf(eve!);
  assert.equal(to.addresses.length, 1);
  assert.equal(to.addresses[0]!.address, 'eve@customer.test');
  assert.doesNotMatch(to.line, /[\r\n]/);
});

test('a reply reaches each participant under their own name', async () => {
  const iid = await customerWrites('"Grace Hopper" <grace@customer.test>', 'grace@customer.test', 'Cc: "Bob Builder" <bob@customer.test>, carol@customer.test\r\n');
  await next(3); // the thank-you and the two added participants' emails
  await rep.trpc.notes.create.mutate({ projectPath: P, iid, body: 'It is fixed.', internal: false });
  const byRcpt = new Map((await next(3)).map((m) => [m.rcpt[0], toOf(m).line]));
  assert.deepEqual(Object.fromEntries(byRcpt), {
    'grace@customer.test': 'To: Grace Hopper <grace@customer.test>',
    'bob@customer.test': 'To: Bob Builder <bob@customer.test>',
    'carol@customer.test': 'To: carol@customer.test',
  });
});

test('recipient(): one plain line of at most 200 characters, or the bare address', () => {
  assert.deepEqual(recipient('a@x.test', 'Ada\r\nBcc: b@x.test\u2028x'), { name: 'Ada Bcc: b@x.test x', address: 'a@x.test' });
  assert.equal(recipient('a@x.test', ' \r\n\t '), 'a@x.test');
  assert.equal(recipient('a@x.test', 'A@X.TEST'), 'a@x.test');
  assert.equal(recipient('a@x.test', undefined), 'a@x.test');
  const long = recipient('a@x.test', '😀'.repeat(300));
  assert.equal(typeof long === 'object' && [...long.name].length, 200, 'cut by characters, never inside a surrogate pair');
});
