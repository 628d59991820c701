/**
 * Outlook mail whose content is in winmail.dat, through the real SMTP listener: the ticket and
 * the reply show the body from inside it (sanitised, quick actions neutralised, reply-trimmed),
 * its files are the ticket's attachments (an inline image in place), winmail.dat itself is gone,
 * and the original email still opens. A stream that cannot be read keeps the explanatory line
 * and the winmail.dat.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import nodemailer from 'nodemailer';
import { eq } from 'drizzle-orm';
import { attachments, tickets } from '../../../db/schema';
import { seedAdmin, seedMember, seedProject, seedUser, signIn, startTestApp, type Session, type TestApp } from '../../testing/test-app';
import { ATP, attr, compressRtf, LVL_ATTACHMENT, LVL_MESSAGE, mailWithTnef, props, tnef } from '../../testing/tnef-encoder';
import { PT } from './tnef/mapi-props';
import { ATT, PR } from './tnef/read-tnef';

let app: TestApp;
let rep: Session;
const TO = 'incoming+acme-app-1-issue-@desk.test';
const FROM = 'Harald Kern <h.kern@customer.test>';

before(async () => {
  app = await startTestApp({ INCOMING_EMAIL: 'incoming+%{key}@desk.test' });
  await seedAdmin(app);
  await seedProject(app, 'acme/app', 'private');
  await seedUser(app, 'rep@test.io');
  await seedMember(app, 'acme/app', 'rep@test.io', 'reporter');
  rep = await signIn(app, 'rep@test.io');
});
after(() => app.close());

async function send(raw: string): Promise<string> {
  const smtp = nodemailer.createTransport({ host: '127.0.0.1', port: app.mail.smtp!.port, secure: false, ignoreTLS: true });
  try {
    return (await smtp.sendMail({ envelope: { from: 'h.kern@customer.test', to: [TO] }, raw })).response;
  } finally {
    smtp.close();
  }
}

const version = attr(LVL_MESSAGE, 0x9006, ATP.DWORD, Buffer.from([0, 0, 1, 0]));
const renddata = attr(LVL_ATTACHMENT, ATT.ATTACH_REND_DATA, ATP.BYTE, Buffer.alloc(14));
const PNG = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000', 'hex');

/** The body as Outlook writes HTML mail into winmail.dat: only compressed RTF with the HTML inside. */
const HTML_RTF =
  '{\\rtf1\\ansi\\ansicpg1252\\fromhtml1 \\deff0{\\fonttbl{\\f0\\fswiss Calibri;}}' +
  '{\\*\\htmltag19 <html>}{\\*\\htmltag50 <body>}{\\*\\htmltag64 <p>}Please quote 40 licences of {\\*\\htmltag0 <b>}Threadline{\\*\\htmltag0 </b>} for Gr\\\'fc\\\'dfe GmbH.{\\*\\htmltag72 </p>}' +
  '{\\*\\htmltag64 <p>}/close{\\*\\htmltag72 </p>}' +
  '{\\*\\htmltag64 <p>}Our logo: {\\*\\htmltag84 <img src="cid:image001.png@01DB9336.5E2A4B10" alt="logo">}{\\*\\htmltag72 </p>}' +
  '{\\*\\htmltag0 <script>alert(1)</script>}{\\*\\htmltag58 </body>}{\\*\\htmltag27 </html>}}';

test('a new ticket from winmail.dat: its HTML body, its files as attachments (the image inline), no winmail.dat; the original still opens', async () => {
  const stream = tnef([
    version,
    attr(LVL_MESSAGE, ATT.MSG_PROPS, ATP.BYTE, props([{ id: PR.SUBJECT, type: PT.UNICODE, value: 'Quote request' }, { id: PR.RTF_COMPRESSED, type: PT.BINARY, value: compressRtf(HTML_RTF) }])),
    renddata,
    attr(LVL_ATTACHMENT, ATT.ATTACH_TITLE, ATP.STRING, Buffer.from('ANGEBO~1.PDF\0')),
    attr(LVL_ATTACHMENT, ATT.ATTACH_DATA, ATP.BYTE, Buffer.from('%PDF-1.7 the terms')),
    attr(LVL_ATTACHMENT, ATT.ATTACHMENT, ATP.BYTE, props([{ id: PR.ATTACH_LONG_FILENAME, type: PT.UNICODE, value: 'Angebot 2025.pdf' }])),
    renddata,
    attr(LVL_ATTACHMENT, ATT.ATTACH_DATA, ATP.BYTE, PNG),
    attr(LVL_ATTACHMENT, ATT.ATTACHMENT, ATP.BYTE, props([
      { id: PR.ATTACH_LONG_FILENAME, type: PT.STRING8, value: 'image001.png' },
      { id: PR.ATTACH_CONTENT_ID, type: PT.STRING8, value: 'image001.png@01DB9336.5E2A4B10' },
    ])),
  ]);
  const response = await send(mailWithTnef({ from: FROM, to: TO, subject: 'Quote request for 40 licences', tnef: stream, headers: ['Message-ID: <tnef-1@customer.test>'] }));
  assert.match(response, /Ok: ticket/);
  const list = await rep.trpc.tickets.list.query({ projectPath: 'acme/app' });
  const t = list.items.find((x) => x.title === 'Quote request for 40 licences');
  assert.ok(t);
  const detail = await rep.trpc.tickets.get.query({ projectPath: 'acme/app', iid: t.iid });
  assert.match(detail.description, /Please quote 40 licences of \*\*Threadline\*\* for Grüße GmbH\./);
  assert.match(detail.description, /`\/close`/, 'a quick action from the customer is neutralised');
  assert.equal(detail.state, 'opened');
  assert.match(detail.description, /Our logo: !\[logo\]\(\/attachments\/[0-9a-f]{32}\/image001\.png\)/, 'the inline image in its place');
  assert.match(detail.description, /\[Angebot 2025\.pdf\]\(\/attachments\/[0-9a-f]{32}\/Angebot%202025\.pdf\)/);
  assert.ok(!/winmail|can't be shown|alert\(1\)/.test(detail.description), detail.description);
  assert.ok(!/<script/i.test(detail.descriptionHtml));
  const row = await app.dc.db.select({ id: tickets.id }).from(tickets).where(eq(tickets.iid, t.iid)).get();
  const files = await app.dc.db.select().from(attachments).where(eq(attachments.ticketId, row!.id)).all();
  assert.deepEqual(
    files.map((f) => [f.filename, f.contentType, f.size]).sort(),
    [
      ['Angebot 2025.pdf', 'application/pdf', 18],
      ['image001.png', 'image/png', PNG.length],
    ],
  );
  const original = await rep.trpc.tickets.originalEmail.query({ projectPath: 'acme/app', iid: t.iid });
  assert.equal(original.subject, 'Quote request for 40 licences');
  assert.equal(original.from, 'h.kern@customer.test');
  // "view original" shows the body inside winmail.dat (its MIME parts have none), sanitised
  assert.match(original.html ?? '', /Please quote 40 licences of <b>Threadline<\/b> for Grüße GmbH\./);
  assert.ok(!/<script|alert\(1\)/i.test(original.html ?? ''), original.html ?? '');
});

test('a reply in winmail.dat threads and is reply-trimmed like any other', async () => {
  const body = 'Thanks, 40 it is.\r\n\r\nOn Tue, 11 Mar 2025 at 09:00, Support <support@desk.test> wrote:\r\n> Here is our offer.\r\n';
  const stream = tnef([version, attr(LVL_MESSAGE, ATT.MSG_PROPS, ATP.BYTE, props([{ id: PR.BODY, type: PT.UNICODE, value: body }]))]);
  const response = await send(
    mailWithTnef({ from: FROM, to: TO, subject: 'RE: Quote request for 40 licences', tnef: stream, headers: ['Message-ID: <tnef-2@customer.test>', 'In-Reply-To: <tnef-1@customer.test>', 'References: <tnef-1@customer.test>'] }),
  );
  assert.match(response, /Ok: note/);
  const list = await rep.trpc.tickets.list.query({ projectPath: 'acme/app' });
  const t = list.items.find((x) => x.title === 'Quote request for 40 licences')!;
  const detail = await rep.trpc.tickets.get.query({ projectPath: 'acme/app', iid: t.iid });
  const note = detail.notes.find((n) => n.externalAuthor === 'h.kern@customer.test');
  assert.ok(note);
  assert.match(note.body, /^Thanks, 40 it is\.\n\n<details><summary>…<\/summary>[\s\S]*Here is our offer\.[\s\S]*<\/details>$/);
});

test('a winmail.dat that cannot be read keeps the explanatory line and stays attached', async () => {
  const cut = tnef([version, attr(LVL_MESSAGE, ATT.MSG_PROPS, ATP.BYTE, props([{ id: PR.BODY, type: PT.UNICODE, value: 'lost' }]))]).subarray(0, 40);
  const response = await send(mailWithTnef({ from: FROM, to: TO, subject: 'Broken winmail', tnef: cut, headers: ['Message-ID: <tnef-3@customer.test>'] }));
  assert.match(response, /Ok: ticket/);
  const list = await rep.trpc.tickets.list.query({ projectPath: 'acme/app' });
  const t = list.items.find((x) => x.title === 'Broken winmail')!;
  const detail = await rep.trpc.tickets.get.query({ projectPath: 'acme/app', iid: t.iid });
  assert.match(detail.description, /This email's content is in the attached winmail\.dat \(Outlook rich text\), which can't be shown here\./);
  assert.match(detail.description, /\[winmail\.dat\]\(\/attachments\/[0-9a-f]{32}\/winmail\.dat\)/);
});
