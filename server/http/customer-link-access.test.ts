/**
 * What a customer's links (customer view, signed file downloads) stop giving, through a real SMTP
 * sink: a participant a responder removed loses the thread, its files and the reply form at once,
 * and replying to an old email no longer puts them back; the view's live stream tells a customer
 * nothing about other tickets or internal notes, and ends when the link stops working.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { ParsedMail } from 'mailparser';
import type { SmtpSink } from '../../e2e/fixtures/smtp-sink';
import { attachmentQuery } from '../domain/customer-email/customer-links';
import { customerMailKit, startDeskWithSink } from '../testing/customer-mail';
import type { Session, TestApp } from '../testing/test-app';

const P = 'acme/links';
const TO = 'incoming+acme-links-1-issue-@desk.test';
let app: TestApp;
let sink: SmtpSink;
let rep: Session;
const { mail, mailMatching, pathOf, viewLink, get, postReply } = customerMailKit({ app: () => app, sink: () => sink, to: TO, idPrefix: 'cla' });
let seq = 0;

function fileLink(m: ParsedMail, name: string): string {
  const url = new RegExp(`\\((https://desk\\.test/attachments/[0-9a-f]{32}/${name}\\?l=\\d+&e=\\d+&s=[A-Za-z0-9_-]{32})\\)`).exec(m.text ?? '')?.[1];
  assert.ok(url, `a link to ${name} in:\n${m.text}`);
  return pathOf(url);
}

async function iidOf(title: string): Promise<number> {
  const found = (await rep.trpc.tickets.list.query({ projectPath: P, state: 'all' })).items.find((t) => t.title === title);
  assert.ok(found, title);
  return found.iid;
}

/** An open `/events` stream: the `changed` events it sent, and whether the server ended it. */
async function openEvents(path: string) {
  let changed = 0;
  let ended = false;
  const req = http.get(`${app.url}${path}`);
  const res = await new Promise<http.IncomingMessage>((resolve) => req.once('response', resolve));
  assert.equal(res.statusCode, 200);
  let buffer = '';
  res.on('data', (chunk: Buffer) => {
    buffer += chunk.toString();
    for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
      if (buffer.slice(0, end).startsWith('event: changed')) changed++;
      buffer = buffer.slice(end + 2);
    }
  });
  res.on('end', () => (ended = true));
  res.on('error', () => undefined);
  const until = async (what: string, ok: () => boolean, ms = 5000) => {
    const deadline = Date.now() + ms;
    while (!ok()) {
      if (Date.now() > deadline) throw new Error(`${what} within ${ms} ms`);
      await new Promise((r) => setTimeout(r, 50));
    }
  };
  return { changed: () => changed, ended: () => ended, until, close: () => req.destroy() };
}

before(async () => {
  ({ sink, app, rep } = await startDeskWithSink(P, 'maintainer'));
  await rep.trpc.serviceDesk.update.mutate({ projectPath: P, confidentialByDefault: false, addCcParticipants: true });
  await rep.trpc.emailTemplates.update.mutate({ projectPath: P, kind: 'thank_you', body: 'Thanks! You wrote:\n\n%{ISSUE_DESCRIPTION}' });
});

after(async () => {
  await app?.close();
  await sink?.stop();
});

test('a participant a responder removed loses the customer view, its files and its reply form at once, and does not rejoin by replying to an old email', async () => {
  const out = await app.mail.ingest.receive(
    mail({ from: 'kim@customer.test', cc: 'wrong.person@elsewhere.test', subject: 'Contract renewal', body: 'Our contract, attached.', attachment: { name: 'contract.txt', content: 'secret terms' } }),
    { source: 'test' },
  );
  assert.equal(out.status, 'ticket');
  const iid = await iidOf('Contract renewal');
  await rep.trpc.notes.create.mutate({ projectPath: P, iid, body: 'Renewal price is 12,000 EUR.', internal: false });
  const relayed = await mailMatching('wrong.person@elsewhere.test', /Renewal price is 12,000 EUR\./);
  const view = viewLink(relayed);
  assert.equal((await get(view)).status, 200, 'the Cc participant has the thread while they take part');
  // A file of the thread signed for their link, as an email of theirs would carry it.
  const fileToken = /\/attachments\/([0-9a-f]{32})\/contract\.txt/.exec((await rep.trpc.tickets.get.query({ projectPath: P, iid })).description)?.[1] as string;
  const linkId = Number(/^\/c\/(\d+)\./.exec(view)?.[1]);
  const theirFile = `/attachments/${fileToken}/contract.txt${attachmentQuery(app.dc.secrets, fileToken, linkId, Date.now() + 3600_000)}`;
  assert.equal((await get(theirFile)).status, 200);
  const thanks = await mailMatching('kim@customer.test', /contract\.txt/);
  const kimFile = fileLink(thanks, 'contract.txt');
  const kimView = viewLink(await mailMatching('kim@customer.test', /Renewal price is 12,000 EUR\./));

  // The Cc was a mistake: the responder removes them. Their links end with their participation.
  await rep.trpc.participants.remove.mutate({ projectPath: P, iid, emails: ['wrong.person@elsewhere.test'] });
  await rep.trpc.notes.create.mutate({ projectPath: P, iid, body: 'Final offer: 11,500 EUR.', internal: false });
  const page = await get(view);
  assert.equal(page.status, 404, 'the removed participant still reads the thread');
  assert.ok(!page.text.includes('11,500'), 'the removed participant reads replies sent after their removal');
  assert.equal((await get(`${view}/thread`)).status, 404);
  assert.equal((await get(theirFile)).status, 404, 'the removed participant still downloads the thread\'s files');
  const posted = await postReply(view, 'I am back in.');
  assert.equal(posted.status, 404, 'the removed participant can still post from the page');
  const ticket = await rep.trpc.tickets.get.query({ projectPath: P, iid });
  assert.ok(!ticket.participants.some((p) => p.email === 'wrong.person@elsewhere.test'), 'posting from the page put them back on the ticket');
  assert.ok(!ticket.notes.some((n) => /I am back in\./.test(n.body)));
  // Replying to the old email (its reply key) is kept for responders as a new sender's mail: it
  // does not put them back on the ticket, and nobody gets it.
  const replyTo = relayed.replyTo?.value[0]?.address ?? '';
  assert.match(replyTo, /^incoming\+[0-9a-f]{32}@desk\.test$/);
  const byMail = await app.mail.ingest.receive(
    Buffer.from(`From: wrong.person@elsewhere.test\r\nTo: ${replyTo}\r\nSubject: Re: Contract renewal\r\nMessage-ID: <cla-back-${++seq}@elsewhere.test>\r\n\r\nStill here, send me the final offer.\r\n`),
    { source: 'test' },
  );
  assert.equal(byMail.status, 'note');
  const later = await rep.trpc.tickets.get.query({ projectPath: P, iid });
  assert.ok(!later.participants.some((p) => p.email === 'wrong.person@elsewhere.test'), 'replying by email put them back on the ticket');
  assert.equal(later.notes.find((n) => /Still here/.test(n.body))?.fromNewSender, true);
  const revoked = (await rep.trpc.customerLinks.count.query({ projectPath: P, iid })).active;
  assert.equal(revoked, 1, 'only the remaining participant\'s link is active');

  // The customer who still takes part keeps everything.
  assert.equal((await get(kimView)).status, 200);
  assert.match((await get(kimView)).text, /Final offer: 11,500 EUR\./);
  const file = await get(kimFile);
  assert.equal(file.status, 200);
  assert.equal(file.text.trim(), 'secret terms');
});

test('the customer view\'s live stream is silent about other tickets and internal notes, and ends when the link stops working', async () => {
  await app.mail.ingest.receive(mail({ from: 'lee@customer.test', subject: 'Printer jam', body: 'It jams.' }), { source: 'test' });
  await app.mail.ingest.receive(mail({ from: 'other@customer.test', subject: 'Someone else\'s problem', body: 'Unrelated.' }), { source: 'test' });
  const iid = await iidOf('Printer jam');
  const otherIid = await iidOf('Someone else\'s problem');
  await rep.trpc.notes.create.mutate({ projectPath: P, iid, body: 'Try opening tray 2.', internal: false });
  const view = viewLink(await mailMatching('lee@customer.test', /Try opening tray 2\./));
  const events = await openEvents(`${view}/events`);
  try {
    // Busy elsewhere and talking about Lee internally: nothing of it reaches Lee's page.
    await rep.trpc.notes.create.mutate({ projectPath: P, iid: otherIid, body: 'Answer for the other customer.', internal: false });
    await rep.trpc.tickets.update.mutate({ projectPath: P, iid: otherIid, labels: ['hardware'] });
    await rep.trpc.notes.create.mutate({ projectPath: P, iid, body: 'Lee has asked this five times.', internal: true });
    await new Promise((r) => setTimeout(r, 700));
    assert.equal(events.changed(), 0, 'the stream signalled commits on other tickets or an internal note');

    // A public reply on Lee's ticket is signalled.
    await rep.trpc.notes.create.mutate({ projectPath: P, iid, body: 'A technician comes tomorrow.', internal: false });
    await events.until('a change event for a public reply', () => events.changed() >= 1);

    // Revoking the links ends the open stream too.
    await rep.trpc.customerLinks.revoke.mutate({ projectPath: P, iid });
    await rep.trpc.notes.create.mutate({ projectPath: P, iid: otherIid, body: 'Anything at all.', internal: false });
    await events.until('the stream to end after the link was revoked', () => events.ended());
    assert.equal((await get(`${view}/events`)).status, 404, 'a revoked link opens no new stream');
  } finally {
    events.close();
  }
});
