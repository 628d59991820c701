/**
 * The way back from unsubscribing (mail7 #3, ui6 #17): the unsubscribe page, after the button or a
 * mail client's one-click POST (RFC 8058), offers "Subscribe again" with the same token, by POST
 * only; the participant then gets the thread's email again (through a real SMTP conversation).
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { ParsedMail } from 'mailparser';
import type { SmtpSink } from '../../e2e/fixtures/smtp-sink';
import type { Session, TestApp } from '../testing/test-app';
import { startDeskWithSink, sentMail } from '../testing/customer-mail';

let sink: SmtpSink;
let app: TestApp;
let rep: Session;
const P = 'acme/app';

const sent = sentMail(() => app, () => sink);
const next = async () => (await sent())[0]!;

/** The https link of List-Unsubscribe, on this test server. */
function localLink(m: ParsedMail): { url: string; token: string } {
  const line = m.headerLines.find((h) => h.key === 'list-unsubscribe')?.line ?? '';
  const token = /https:\/\/desk\.test\/unsubscribe\/([0-9a-f]{32})>/.exec(line)?.[1] ?? '';
  assert.ok(token, line);
  return { url: `${app.url}/unsubscribe/${token}`, token };
}

const form = (body = '') => ({ method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', origin: 'https://mail.example' }, body });

before(async () => {
  ({ sink, app, rep } = await startDeskWithSink(P, 'reporter'));
});
after(async () => {
  await app.close();
  await sink.stop();
});

test('one-click unsubscribe, then the page offers "Subscribe again" (POST only); it brings the thread\'s email back', async () => {
  const t = await rep.trpc.tickets.create.mutate({ projectPath: P, title: 'Changed my mind', externalAuthor: 'mo@customer.test' });
  const first = await next();
  const { url, token } = localLink(first);

  // the mail client's one-click POST (RFC 8058): no page is shown to anyone
  const oneClick = await fetch(url, form('List-Unsubscribe=One-Click'));
  assert.equal(oneClick.status, 200);
  const html = await oneClick.text();
  assert.match(html, /You have been unsubscribed from this thread\./);
  assert.match(html, new RegExp(`<form method="post" action="/unsubscribe/${token}/resubscribe">.*Subscribe again</button></form>`));
  let detail = await rep.trpc.tickets.get.query({ projectPath: P, iid: t.iid });
  assert.equal(detail.participants[0]?.unsubscribed, true);

  // the person opens the link later: the page says so and offers the way back
  const later = await (await fetch(url)).text();
  assert.match(later, /You have been unsubscribed from this thread\./);
  assert.match(later, /Subscribe again/);
  assert.doesNotMatch(later, /Unsubscribe from this thread\?/);

  // a link scanner following the form's address changes nothing
  const scanned = await fetch(`${url}/resubscribe`);
  assert.equal(scanned.status, 405);
  detail = await rep.trpc.tickets.get.query({ projectPath: P, iid: t.iid });
  assert.equal(detail.participants[0]?.unsubscribed, true, 'a GET never subscribes');

  const back = await fetch(`${url}/resubscribe`, form());
  assert.equal(back.status, 200);
  assert.match(await back.text(), /You are subscribed to this thread again\./);
  detail = await rep.trpc.tickets.get.query({ projectPath: P, iid: t.iid });
  assert.equal(detail.participants[0]?.unsubscribed, false);
  assert.ok(detail.notes.some((n) => n.system && n.body === 'subscribed mo@customer.test again'), 'the thread says so');
  // twice is once: no second note
  await fetch(`${url}/resubscribe`, form());
  detail = await rep.trpc.tickets.get.query({ projectPath: P, iid: t.iid });
  assert.equal(detail.notes.filter((n) => n.body === 'subscribed mo@customer.test again').length, 1);
  assert.match(await (await fetch(url)).text(), /Unsubscribe from this thread\?/, 'the page is the ordinary one again');

  await rep.trpc.notes.create.mutate({ projectPath: P, iid: t.iid, body: 'Here is the update you asked for.', internal: false });
  const reply = await next();
  assert.deepEqual(reply.rcpt, ['mo@customer.test']);
  assert.match(reply.text ?? '', /Here is the update you asked for\./);
});

test('an address a responder removed cannot come back through its old link', async () => {
  const t = await rep.trpc.tickets.create.mutate({ projectPath: P, title: 'Removed', externalAuthor: 'rm@customer.test' });
  const m = await next();
  const { url } = localLink(m);
  await fetch(url, form('List-Unsubscribe=One-Click'));
  await rep.trpc.participants.remove.mutate({ projectPath: P, iid: t.iid, emails: ['rm@customer.test'] });
  const res = await fetch(`${url}/resubscribe`, form());
  assert.match(await res.text(), /the support team removed it from the thread/);
  const detail = await rep.trpc.tickets.get.query({ projectPath: P, iid: t.iid });
  assert.equal(detail.participants.some((p) => p.email === 'rm@customer.test'), false);
  assert.doesNotMatch(await (await fetch(url)).text(), /Subscribe again/);
});
