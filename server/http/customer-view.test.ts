/**
 * Customer-facing words and links (issue 10), through a real SMTP sink: no staff link reaches a
 * customer; files and the "view ticket" link work without an account, expire and can be
 * revoked; the customer view shows the public thread only and takes replies that become notes
 * exactly as emailed, live; the issue template never reaches a customer; rejection emails are
 * editable templates with reasons written for customers.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { simpleParser, type ParsedMail } from 'mailparser';
import type { SmtpSink } from '../../e2e/fixtures/smtp-sink';
import { viewToken } from '../domain/customer-email/customer-links';
import { customerMailKit, startDeskWithSink } from '../testing/customer-mail';
import type { Session, TestApp } from '../testing/test-app';

const P = 'acme/app';
const TO = 'incoming+acme-app-1-issue-@desk.test';
let app: TestApp;
let sink: SmtpSink;
let rep: Session;
const { mail, mailMatching, pathOf, viewLink, get, postReply } = customerMailKit({ app: () => app, sink: () => sink, to: TO, idPrefix: 'cv' });

async function mailTo(to: string, mark: number): Promise<ParsedMail> {
  for (;;) {
    app.mail.outbox.kick();
    const found = sink.messages.slice(mark).find((m) => m.to.includes(to));
    if (found) return simpleParser(found.raw);
    await sink.waitFor(sink.messages.length + 1);
  }
}

before(async () => {
  ({ sink, app, rep } = await startDeskWithSink(P, 'maintainer'));
  await rep.trpc.issueTemplates.save.mutate({ projectPath: P, key: 'triage', body: '## For responders\n\n- [ ] Check the logs\n/label ~triage' });
  await rep.trpc.serviceDesk.update.mutate({ projectPath: P, confidentialByDefault: false, issueTemplateKey: 'triage' });
  await rep.trpc.emailTemplates.update.mutate({ projectPath: P, kind: 'thank_you', body: 'Thanks! You wrote:\n\n%{ISSUE_DESCRIPTION}' });
  await rep.trpc.emailTemplates.update.mutate({ projectPath: P, kind: 'new_participant', body: 'You were added to %{ISSUE_ID}.\n\n%{ISSUE_DESCRIPTION}' });
});

after(async () => {
  await app?.close();
  await sink?.stop();
});

describe('customer email', () => {
  test('the issue template never reaches a customer; added participants never get the customer\'s text; no staff link anywhere', async () => {
    const mark = sink.messages.length;
    const out = await app.mail.ingest.receive(mail({ from: 'Kim Customer <kim@customer.test>', subject: 'Order missing', body: 'My order A-1001 never arrived.' }), { source: 'test' });
    assert.equal(out.status, 'ticket');
    const thanks = await mailTo('kim@customer.test', mark);
    // the project's own thank-you template (read with the project), not the default
    assert.match(thanks.text ?? '', /^Thanks! You wrote:/m);
    assert.match(thanks.text ?? '', /My order A-1001 never arrived\./);
    assert.doesNotMatch(`${thanks.text}${thanks.html}`, /For responders|Check the logs|triage/);
    assert.equal(thanks.from?.value[0]?.name, 'app Support');
    const ticket = await rep.trpc.tickets.get.query({ projectPath: P, iid: 1 });
    assert.match(ticket.description, /For responders/, 'responders still see the template');
    assert.deepEqual(ticket.labels, ['triage']);

    await rep.trpc.participants.add.mutate({ projectPath: P, iid: 1, emails: ['boss@customer.test'] });
    const added = await mailTo('boss@customer.test', mark);
    assert.match(added.text ?? '', /You were added to #1\./);
    assert.doesNotMatch(`${added.text}${added.html}`, /A-1001|For responders/);
    for (const m of [thanks, added]) assert.doesNotMatch(`${m.text}${m.html}`, /\/p\/acme\/app\/-\/tickets/);
  });

  test('files in customer email are signed links that work without an account, until revoked', async () => {
    const mark = sink.messages.length;
    await app.mail.ingest.receive(
      mail({ from: 'lee@customer.test', subject: 'Screenshot attached', body: 'See attached.', attachment: { name: 'log.txt', content: 'the log file' } }),
      { source: 'test' },
    );
    const thanks = await mailTo('lee@customer.test', mark);
    const url = /\((https:\/\/desk\.test\/attachments\/[0-9a-f]{32}\/log\.txt\?l=\d+&e=\d+&s=[A-Za-z0-9_-]{32})\)/.exec(thanks.text ?? '')?.[1];
    assert.ok(url, thanks.text);
    const file = await get(pathOf(url));
    assert.equal(file.status, 200);
    assert.equal(file.text.trim(), 'the log file');
    const unsigned = pathOf(url).split('?')[0] as string;
    assert.equal((await get(unsigned)).status, 401, 'without the signature it needs an account');
    assert.equal((await get(pathOf(url).replace(/s=[^&]+$/, 's=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA'))).status, 404);
    const iid = (await rep.trpc.tickets.list.query({ projectPath: P })).items.find((t) => t.title === 'Screenshot attached')?.iid as number;
    assert.equal((await rep.trpc.customerLinks.count.query({ projectPath: P, iid })).active, 1);
    assert.deepEqual(await rep.trpc.customerLinks.revoke.mutate({ projectPath: P, iid }), { revoked: 1 });
    assert.equal((await get(pathOf(url))).status, 404);
    assert.equal((await get(viewLink(thanks))).status, 404, 'the view link is revoked with it');
  });

  test('rejection emails are templates: a project\'s own wording, the exact reason written for customers', async () => {
    await rep.trpc.emailTemplates.update.mutate({ projectPath: P, kind: 'rejection', body: 'Sorry from the app team.\n\n%{REJECTION_REASON}' });
    const preview = await rep.trpc.emailTemplates.preview.query({ projectPath: P, kind: 'rejection', body: 'Sorry.\n\n%{REJECTION_REASON}' });
    assert.match(preview.text, /Your email arrived empty\./);
    const mark = sink.messages.length;
    const root = await mailTo('kim@customer.test', 0);
    const empty = `From: kim@customer.test\r\nTo: ${TO}\r\nSubject: Re: Order missing\r\nIn-Reply-To: ${root.messageId}\r\nMessage-ID: <empty-${Date.now()}@customer.test>\r\n\r\n> quoted only\r\n`;
    assert.equal((await app.mail.ingest.receive(Buffer.from(empty), { source: 'test' })).status, 'rejected');
    const rejection = await mailTo('kim@customer.test', mark);
    assert.equal(rejection.subject, '[Rejected] Re: Order missing');
    assert.match(rejection.text ?? '', /^Sorry from the app team\.\s+Your email arrived empty\. Please write your answer above the quoted text/);
    assert.doesNotMatch(rejection.text ?? '', /web interface/);
    assert.equal(rejection.from?.value[0]?.name, 'app Support');
  });
});

describe('the customer view', () => {
  let view: string;

  test('shows the customer their public thread only, without other participants\' addresses', async () => {
    await rep.trpc.notes.create.mutate({ projectPath: P, iid: 1, body: 'Internal: customer is on the VIP list', internal: true });
    const mark = sink.messages.length;
    await rep.trpc.notes.create.mutate({ projectPath: P, iid: 1, body: 'We are on it, **Kim**.', internal: false });
    const reply = await mailTo('kim@customer.test', mark);
    view = viewLink(reply);
    const page = await get(view);
    assert.equal(page.status, 200);
    assert.match(page.text, /Order missing/);
    assert.match(page.text, /My order A-1001 never arrived\./);
    assert.match(page.text, /We are on it, <strong>Kim<\/strong>\./);
    assert.match(page.text, /Rita Responder/);
    for (const hidden of ['VIP list', 'For responders', 'boss@customer.test', 'added boss']) assert.ok(!page.text.includes(hidden), `the page shows ${hidden}`);
  });

  test('a reply from the page becomes a note exactly as if emailed, and the page follows changes live', async () => {
    const events = await openEvents(`${view}/events`);
    try {
      const sent = await postReply(view, 'Thanks, it arrived today!');
      assert.equal(sent.status, 303);
      assert.equal(sent.location, `${view.split('?')[0]}#latest`);
      const ticket = await rep.trpc.tickets.get.query({ projectPath: P, iid: 1 });
      const note = ticket.notes.at(-1);
      assert.equal(note?.externalAuthor, 'kim@customer.test');
      assert.match(note?.body ?? '', /Thanks, it arrived today!/);
      assert.equal(note?.fromEmail, true);
      // Relayed to the other participant, as an emailed reply is.
      const relayed = await mailMatching('boss@customer.test', /Thanks, it arrived today!/);
      assert.equal(relayed.from?.value[0]?.name, 'app Support');
      await events.next();

      const before = events.count();
      await rep.trpc.notes.create.mutate({ projectPath: P, iid: 1, body: 'Glad to hear it.', internal: false });
      await events.next(before);
      assert.match((await get(`${view}/thread`)).text, /Glad to hear it\./);
    } finally {
      events.close();
    }
  });

  test('refuses a reply posted from another site, an empty reply, expired and forged links, and confidential tickets', async () => {
    assert.equal((await postReply(view, 'from elsewhere', 'https://evil.test')).status, 403);
    assert.match((await postReply(view, '   ')).text, /Write something before sending\./);
    const linkId = Number(/\/c\/(\d+)\./.exec(view)?.[1]);
    assert.equal((await get(`/c/${viewToken(app.dc.secrets, linkId, Date.now() - 1000)}`)).status, 404, 'expired');
    assert.equal((await get(view.replace(/\.[A-Za-z0-9_-]{32}$/, '.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA'))).status, 404, 'forged');
    await rep.trpc.tickets.update.mutate({ projectPath: P, iid: 1, confidential: true });
    assert.equal((await get(view)).status, 404, 'a confidential ticket has no customer view');
    await rep.trpc.tickets.update.mutate({ projectPath: P, iid: 1, confidential: false });
    assert.equal((await get(view)).status, 200);
  });
});

/** An open `/events` stream: counts `changed` events. */
async function openEvents(path: string): Promise<{ next(after?: number): Promise<void>; count(): number; close(): void }> {
  let changed = 0;
  const waiters: (() => void)[] = [];
  const req = http.get(`${app.url}${path}`);
  const res = await new Promise<http.IncomingMessage>((resolve) => req.once('response', resolve));
  assert.equal(res.statusCode, 200);
  let buffer = '';
  res.on('data', (chunk: Buffer) => {
    buffer += chunk.toString();
    for (;;) {
      const end = buffer.indexOf('\n\n');
      if (end < 0) break;
      if (buffer.slice(0, end).startsWith('event: changed')) changed++;
      buffer = buffer.slice(end + 2);
      for (const w of waiters.splice(0)) w();
    }
  });
  res.on('error', () => undefined);
  return {
    count: () => changed,
    async next(after = 0) {
      const deadline = Date.now() + 5000;
      while (changed <= after) {
        if (Date.now() > deadline) throw new Error('no change event within 5 s');
        await new Promise<void>((r) => {
          waiters.push(r);
          setTimeout(r, 200);
        });
      }
    },
    close: () => req.destroy(),
  };
}
