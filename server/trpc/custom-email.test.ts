/**
 * A project's custom support address (issue 10), through real SMTP servers: the verification
 * email leaves from the address (through its own SMTP server when one is given), comes back
 * through the "customer's forwarding" (replayed into our SMTP listener unchanged, as a forward
 * rule does), and only then is the address used — for incoming mail, and as the From of
 * customer email. Each failed check says which one failed.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { eq, like } from 'drizzle-orm';
import nodemailer from 'nodemailer';
import { simpleParser } from 'mailparser';
import { customEmails, loginThrottle } from '../../db/schema';
import { startSmtpSink, type Captured, type SmtpSink } from '../../e2e/fixtures/smtp-sink';
import { outcome, seedAdmin, seedMember, seedProject, seedUser, signIn, startTestApp, type Session, type TestApp } from '../testing/test-app';

const P = 'acme/app';
const OTHER = 'acme/other';
const SUPPORT = 'support@company.test';
let app: TestApp;
let sink: SmtpSink;
let own: SmtpSink;
let maintainer: Session;

/** Delivers raw bytes to our SMTP listener with the given envelope recipient, as a forwarding MTA would. */
async function forward(raw: Buffer | string, rcpt: string, from = 'forwarder@company.test'): Promise<string> {
  const t = nodemailer.createTransport({ host: '127.0.0.1', port: app.mail.smtp?.port, secure: false, ignoreTLS: true });
  try {
    const info: { response?: string } = await t.sendMail({ envelope: { from, to: [rcpt] }, raw });
    return String(info.response);
  } finally {
    t.close();
  }
}

async function verificationFrom(s: SmtpSink, mark: number): Promise<Captured> {
  for (;;) {
    const m = s.messages.slice(mark).find((x) => x.raw.toString().includes('X-Threadline-Verification'));
    if (m) return m;
    await s.waitFor(s.messages.length + 1);
  }
}

/**
 * These scenarios send the verification email far more often than a maintainer would in 15
 * minutes: each starts with the confirmation-mail throttle afresh (it has its own test,
 * confirmation-mail-throttle.test.ts).
 */
async function throttleAfresh(): Promise<void> {
  await app.dc.db.write((tx) => tx.delete(loginThrottle).where(like(loginThrottle.key, 'confirm-%')).run());
}

async function state(projectPath = P) {
  return maintainer.trpc.serviceDesk.customEmail.query({ projectPath });
}

function customerMail(subject: string, to: string, extra = ''): string {
  return `From: Kim <kim@customer.test>\r\nTo: ${to}\r\nSubject: ${subject}\r\nMessage-ID: <${Math.random().toString(36).slice(2)}@customer.test>\r\nDate: Mon, 23 Nov 2026 09:00:00 +0000\r\n${extra}\r\nHello from Kim\r\n`;
}

before(async () => {
  sink = await startSmtpSink();
  own = await startSmtpSink({ auth: { user: 'support@company.test', pass: 'company-smtp-pw' } });
  app = await startTestApp({ INCOMING_EMAIL: 'incoming+%{key}@desk.test', SMTP_URL: `${sink.url}?tls=off` });
  await seedAdmin(app);
  await seedProject(app, P);
  await seedProject(app, OTHER);
  await seedUser(app, 'maint@test.io');
  await seedMember(app, P, 'maint@test.io', 'maintainer');
  await seedMember(app, OTHER, 'maint@test.io', 'maintainer');
  maintainer = await signIn(app, 'maint@test.io');
});

after(async () => {
  await app?.close();
  await sink?.stop();
  await own?.stop();
});

describe('verification round trip', () => {
  test('the address is used only after its verification email came back through the forwarding', async () => {
    const mark = sink.messages.length;
    const waiting = await maintainer.trpc.serviceDesk.setCustomEmail.mutate({ projectPath: P, address: 'Support@Company.test', smtp: null });
    assert.equal(waiting?.state, 'waiting');
    assert.equal(waiting?.address, SUPPORT);
    assert.equal(waiting?.forwardTo, 'incoming+acme-app-1-issue-@desk.test');
    // Not used yet: customers still see the Service Desk address, and mail to it is refused.
    assert.equal((await maintainer.trpc.serviceDesk.get.query({ projectPath: P })).address, 'incoming+acme-app-1-issue-@desk.test');
    await assert.rejects(forward(customerMail('Too early', SUPPORT), SUPPORT), /550/);

    const mail = await verificationFrom(sink, mark);
    assert.equal(mail.from, SUPPORT);
    assert.deepEqual(mail.to, [SUPPORT]);
    const parsed = await simpleParser(mail.raw);
    assert.equal(parsed.from?.value[0]?.address, SUPPORT);
    assert.match(parsed.subject ?? '', /^Verify custom email address support@company\.test for app$/);
    assert.match(parsed.text ?? '', /forward all mail for support@company\.test to incoming\+acme-app-1-issue-@desk\.test/);

    // The customer's server forwards it, unchanged, to the project's Service Desk address.
    const answer = await forward(mail.raw, 'incoming+acme-app-1-issue-@desk.test');
    assert.match(answer, /^250 .*ignored/);
    const verified = await state();
    assert.equal(verified?.state, 'verified');
    assert.ok(verified?.verifiedAt);
    assert.equal((await maintainer.trpc.serviceDesk.get.query({ projectPath: P })).address, SUPPORT);
  });

  test('a catch-all without sub-addressing works: mail to the address alone opens a ticket in the project; customer email comes From it', async () => {
    const mark = sink.messages.length;
    const answer = await forward(customerMail('Via our own address', SUPPORT), SUPPORT);
    assert.match(answer, /^250 .*ticket/);
    const { items } = await maintainer.trpc.tickets.list.query({ projectPath: P });
    assert.ok(items.some((t) => t.title === 'Via our own address'));
    await sink.waitFor(mark + 1);
    const thanks = sink.messages.slice(mark).find((m) => m.to.includes('kim@customer.test'));
    assert.ok(thanks, 'a thank-you email');
    assert.equal(thanks.from, SUPPORT);
    const parsed = await simpleParser(thanks.raw);
    assert.equal(parsed.from?.value[0]?.address, SUPPORT);
    assert.equal(parsed.from?.value[0]?.name, 'app Support');
    assert.equal(parsed.replyTo?.value[0]?.address, SUPPORT);
    assert.ok(!thanks.raw.toString().includes('incoming+acme-app-1-issue-@desk.test'), 'the Service Desk address stays behind the custom one');

    // The customer answers the thank-you email at the custom address: a note on the same ticket.
    const reply = `From: Kim <kim@customer.test>\r\nTo: ${SUPPORT}\r\nSubject: Re: ${parsed.subject}\r\nIn-Reply-To: ${parsed.messageId}\r\nReferences: ${parsed.messageId}\r\nMessage-ID: <reply-${Date.now()}@customer.test>\r\n\r\nStill broken, thanks\r\n`;
    assert.match(await forward(reply, SUPPORT), /^250 .*note/);
  });

  test('Cc to the custom address (a customer writing to a colleague) also reaches the project; the address is never a participant', async () => {
    const answer = await forward(customerMail('Cc to support', 'colleague@customer.test', `Cc: ${SUPPORT}, other@customer.test\r\n`), SUPPORT);
    assert.match(answer, /^250 .*ticket/);
    const { items } = await maintainer.trpc.tickets.list.query({ projectPath: P });
    const t = items.find((x) => x.title === 'Cc to support');
    const detail = await maintainer.trpc.tickets.get.query({ projectPath: P, iid: t?.iid as number });
    assert.ok(!detail.participants.some((p) => p.email === SUPPORT));
  });

  test('another project cannot take the address, and our own addresses are refused', async () => {
    assert.equal(await outcome(maintainer.trpc.serviceDesk.setCustomEmail.mutate({ projectPath: OTHER, address: SUPPORT, smtp: null })), 'CONFLICT');
    assert.equal(await outcome(maintainer.trpc.serviceDesk.setCustomEmail.mutate({ projectPath: OTHER, address: 'incoming+anything@desk.test', smtp: null })), 'BAD_REQUEST');
  });
});

describe('with its own SMTP server', () => {
  test('wrong credentials fail with the server\'s words; right ones send the verification through that server, and customer email after it', async () => {
    const refused = await maintainer.trpc.serviceDesk.setCustomEmail.mutate({
      projectPath: OTHER,
      address: 'help@other.test',
      smtp: { host: own.host, port: own.port, security: 'none', user: 'support@company.test', password: 'wrong' },
    });
    assert.equal(refused?.state, 'failed');
    assert.equal(refused?.error, 'invalid_credentials');
    assert.match(refused?.errorDetail ?? '', /^535 /);

    const mark = own.messages.length;
    const waiting = await maintainer.trpc.serviceDesk.setCustomEmail.mutate({
      projectPath: OTHER,
      address: 'help@other.test',
      smtp: { host: own.host, port: own.port, security: 'none', user: 'support@company.test', password: 'company-smtp-pw' },
    });
    assert.equal(waiting?.state, 'waiting');
    assert.equal(waiting?.smtp?.passwordSet, true);
    assert.ok(!JSON.stringify(waiting).includes('company-smtp-pw'));
    const mail = await verificationFrom(own, mark);
    assert.equal(mail.user, 'support@company.test');
    await forward(mail.raw, 'incoming+acme-other-2-issue-@desk.test');
    assert.equal((await state(OTHER))?.state, 'verified');

    const before = own.messages.length;
    await forward(customerMail('Through their server', 'help@other.test'), 'help@other.test');
    await own.waitFor(before + 1);
    const thanks = own.messages.slice(before).find((m) => m.to.includes('kim@customer.test'));
    assert.equal(thanks?.from, 'help@other.test');
    assert.equal(thanks?.user, 'support@company.test');
  });

  test('the stored password goes only to the server it was entered for: another maintainer pointing it elsewhere must type it', async () => {
    // The project's SMTP password is stored (previous test); a server of someone else's, same user name.
    const thief = await startSmtpSink({ auth: { user: 'support@company.test', pass: 'company-smtp-pw' } });
    try {
      const moved = maintainer.trpc.serviceDesk.setCustomEmail.mutate({
        projectPath: OTHER,
        address: 'help@other.test',
        smtp: { host: thief.host, port: thief.port, security: 'none', user: 'support@company.test' },
      });
      const answer = await outcome(moved);
      assert.equal(thief.messages.length, 0, 'the verification email authenticated at the other server with the stored password');
      assert.equal(answer, 'BAD_REQUEST');
    } finally {
      await thief.stop();
    }
    // The same server, password not retyped: kept, and it still authenticates.
    const mark = own.messages.length;
    const kept = await maintainer.trpc.serviceDesk.setCustomEmail.mutate({
      projectPath: OTHER,
      address: 'help@other.test',
      smtp: { host: own.host, port: own.port, security: 'none', user: 'support@company.test' },
    });
    assert.equal(kept?.state, 'waiting');
    assert.equal((await verificationFrom(own, mark)).user, 'support@company.test');
  });

  test('an unreachable server fails as a host issue', async () => {
    const failed = await maintainer.trpc.serviceDesk.setCustomEmail.mutate({
      projectPath: OTHER,
      address: 'help@other.test',
      smtp: { host: '127.0.0.1', port: 1, security: 'none', user: '', password: '' },
    });
    assert.equal(failed?.state, 'failed');
    assert.equal(failed?.error, 'smtp_host_issue');
    assert.match(failed?.errorDetail ?? '', /ECONNREFUSED/);
  });
});

describe('which SMTP servers a project may use is the administrator\'s choice (L4)', () => {
  test('a list, or none: a server off the list is refused before anything connects, with what to do; the default is any', async () => {
    const admin = await signIn(app, 'admin@test.io');
    const before = await state(OTHER);
    const set = (smtp: { host: string; port: number }) =>
      maintainer.trpc.serviceDesk.setCustomEmail.mutate({ projectPath: OTHER, address: 'desk@other.test', smtp: { ...smtp, security: 'none', user: '', password: 'x' } });
    const messageOf = async (p: Promise<unknown>) => p.then(() => 'OK', (err: { message: string; data?: { code?: string; appCode?: string } }) => `${err.data?.code} ${err.data?.appCode}: ${err.message}`);

    assert.equal((await admin.trpc.mailSettings.get.query()).projectSmtp.mode, 'any', 'the default keeps what worked before');
    const view = await admin.trpc.mailSettings.saveProjectSmtp.mutate({ mode: 'list', hosts: ['SMTP.Company.test', '127.0.0.1:2'] });
    assert.deepEqual(view.projectSmtp, { mode: 'list', hosts: ['smtp.company.test', '127.0.0.1:2'] });
    const refused = await messageOf(set({ host: '127.0.0.1', port: 22 }));
    assert.match(refused, /^FORBIDDEN PROJECT_SMTP_NOT_ALLOWED: 127\.0\.0\.1:22 is not on the administrator's list of SMTP servers projects may use \(smtp\.company\.test, 127\.0\.0\.1:2; a name alone allows ports 25, 465 and 587\)/);
    assert.match(await messageOf(set({ host: 'smtp.company.test', port: 8080 })), /PROJECT_SMTP_NOT_ALLOWED/, 'a listed name allows the SMTP ports only');
    assert.deepEqual(await state(OTHER), before, 'nothing was stored or sent');
    // listed: accepted (the port is closed, and the maintainer may read that answer)
    assert.equal(await messageOf(set({ host: '127.0.0.1', port: 2 })), 'OK');
    assert.equal((await state(OTHER))?.error, 'smtp_host_issue');

    await admin.trpc.mailSettings.saveProjectSmtp.mutate({ mode: 'off', hosts: [] });
    assert.match(await messageOf(set({ host: 'smtp.company.test', port: 587 })), /does not allow projects to use their own SMTP server/);
    // without an SMTP server of its own the address still works, through the instance's server
    assert.equal(await messageOf(maintainer.trpc.serviceDesk.setCustomEmail.mutate({ projectPath: OTHER, address: 'desk@other.test', smtp: null })), 'OK');
    const audit = (await admin.trpc.audit.instance.query()).items.filter((e) => e.action === 'settings.project_smtp_changed');
    assert.equal(audit.length, 2);
    await admin.trpc.mailSettings.saveProjectSmtp.mutate({ mode: 'any', hosts: [] });
  });

  test('a server verified before the admin chose none (or a list without it) is not used: the email waits in the outbox saying why, and goes out once it is allowed (review 7 #6)', async () => {
    const admin = await signIn(app, 'admin@test.io');
    // OTHER's address, verified with its own server while any server was allowed
    const mark = own.messages.length;
    await maintainer.trpc.serviceDesk.setCustomEmail.mutate({
      projectPath: OTHER,
      address: 'help@other.test',
      smtp: { host: own.host, port: own.port, security: 'none', user: 'support@company.test', password: 'company-smtp-pw' },
    });
    await forward((await verificationFrom(own, mark)).raw, 'incoming+acme-other-2-issue-@desk.test');
    assert.equal((await state(OTHER))?.state, 'verified');

    await admin.trpc.mailSettings.saveProjectSmtp.mutate({ mode: 'off', hosts: [] });
    await app.mail.reconfigure(); // (applied on every node at once; awaited here so the test knows when)
    const ownBefore = own.messages.length;
    const sinkBefore = sink.messages.length;
    await forward(customerMail('While not allowed', 'help@other.test'), 'help@other.test');
    let row: Awaited<ReturnType<typeof admin.trpc.outbox.list.query>>[number] | undefined;
    for (let i = 0; i < 100 && !row?.lastError; i++) {
      await new Promise((r) => setTimeout(r, 50));
      row = (await admin.trpc.outbox.list.query()).find((r) => r.to === 'kim@customer.test' && r.subject.includes('While not allowed'));
    }
    assert.equal(row?.status, 'queued');
    assert.match(row?.lastError ?? '', /^Not sent: help@other\.test is set to send through 127\.0\.0\.1:\d+, and the administrator's choice of SMTP servers for projects \(Admin → Mail settings\) allows no project SMTP servers\. Allow it there, or remove the SMTP server/);
    assert.equal(own.messages.length, ownBefore, 'sent through the server the admin does not allow');
    assert.ok(!sink.messages.slice(sinkBefore).some((m) => m.to.includes('kim@customer.test')), 'sent through the instance server instead');

    // the same with a list that does not name it
    await admin.trpc.mailSettings.saveProjectSmtp.mutate({ mode: 'list', hosts: ['smtp.company.test'] });
    await app.mail.reconfigure();
    await admin.trpc.outbox.retry.mutate({ id: row!.id });
    for (let i = 0; i < 100; i++) {
      await new Promise((r) => setTimeout(r, 50));
      const now = (await admin.trpc.outbox.list.query()).find((r) => r.id === row!.id);
      if (now?.attempts !== row?.attempts) {
        row = now;
        break;
      }
    }
    assert.match(row?.lastError ?? '', /does not list it/);
    assert.equal(own.messages.length, ownBefore);

    // listed: the waiting email goes out through it, From the address
    await admin.trpc.mailSettings.saveProjectSmtp.mutate({ mode: 'list', hosts: [`${own.host}:${own.port}`] });
    await app.mail.reconfigure();
    await admin.trpc.outbox.retry.mutate({ id: row!.id });
    await own.waitFor(ownBefore + 1);
    assert.equal(own.messages.at(-1)?.from, 'help@other.test');
    await admin.trpc.mailSettings.saveProjectSmtp.mutate({ mode: 'any', hosts: [] });
  });
});

describe('failed checks say which', () => {
  async function restart(address: string) {
    await throttleAfresh();
    const mark = sink.messages.length;
    await maintainer.trpc.serviceDesk.setCustomEmail.mutate({ projectPath: OTHER, address, smtp: null });
    return verificationFrom(sink, mark);
  }

  test('forwarded to another project\'s address', async () => {
    const mail = await restart('desk@other.test');
    await forward(mail.raw, 'incoming+acme-app-1-issue-@desk.test');
    const s = await state(OTHER);
    assert.equal(s?.state, 'failed');
    assert.equal(s?.error, 'incorrect_forwarding_target');
    assert.equal(s?.errorDetail, 'incoming+acme-app-1-issue-@desk.test');
  });

  test('the forwarding rewrote the sender', async () => {
    const mail = await restart('desk@other.test');
    const rewritten = mail.raw.toString().replace(/^From: .*$/m, 'From: Forwarder <robot@relay.test>');
    await forward(rewritten, 'incoming+acme-other-2-issue-@desk.test');
    const s = await state(OTHER);
    assert.equal(s?.error, 'incorrect_from');
    assert.equal(s?.errorDetail, 'robot@relay.test');
  });

  test('an older verification email comes back after a newer one was sent', async () => {
    const old = await restart('desk@other.test');
    await restart('desk@other.test');
    await forward(old.raw, 'incoming+acme-other-2-issue-@desk.test');
    assert.equal((await state(OTHER))?.error, 'incorrect_token');
  });

  test('a forged email with a wrong code does not spoil a waiting verification; maintainers see it was ignored (L8)', async () => {
    const mail = await restart('desk@other.test');
    const forged = `From: <desk@other.test>\r\nTo: incoming+acme-other-2-issue-@desk.test\r\nSubject: Verify custom email address desk@other.test\r\nMessage-ID: <verify-${'x'.repeat(32)}@desk.test>\r\nX-Threadline-Verification: ${'0'.repeat(32)}\r\nDate: Mon, 23 Nov 2026 09:00:00 +0000\r\n\r\nVerification code: ${'0'.repeat(32)}\r\n`;
    await forward(forged, 'incoming+acme-other-2-issue-@desk.test');
    await forward(forged.replace(/^X-Threadline-Verification: .*\r\n/m, '').replace(/^Message-ID: .*$/m, 'Message-ID: <forged@evil.test>'), 'incoming+acme-other-2-issue-@desk.test');
    const s = await state(OTHER);
    assert.equal(s?.state, 'waiting', `a stranger's wrong code changed the verification: ${s?.error}`);
    const { items } = await maintainer.trpc.audit.project.query({ projectPath: OTHER });
    const ignored = items.filter((e) => e.action === 'custom_email.wrong_code_ignored');
    assert.equal(ignored.length, 2);
    assert.equal(ignored[0]?.target, 'desk@other.test');
    assert.equal(ignored[0]?.detail.from, 'desk@other.test');
    // the real email still verifies
    await forward(mail.raw, 'incoming+acme-other-2-issue-@desk.test');
    assert.equal((await state(OTHER))?.state, 'verified');
  });

  test("another project's own old verification email, replayed with this address as its From, does not spoil the verification (review 7 #2)", async () => {
    // A maintainer of P gets P's verification email (sent to an address of theirs), then asks again: the first one's code is old.
    let mark = sink.messages.length;
    await throttleAfresh();
    await maintainer.trpc.serviceDesk.setCustomEmail.mutate({ projectPath: P, address: 'mine@evil.test', smtp: null });
    const old = await verificationFrom(sink, mark);
    mark = sink.messages.length;
    await throttleAfresh();
    await maintainer.trpc.serviceDesk.setCustomEmail.mutate({ projectPath: P, address: 'mine@evil.test', smtp: null });
    await verificationFrom(sink, mark);
    const mail = await restart('desk@other.test');
    const auditBefore = (await maintainer.trpc.audit.project.query({ projectPath: OTHER })).items.filter((e) => e.action === 'custom_email.wrong_code_ignored').length;
    // Signed Message-ID and code untouched; only the From names the other project's waiting address.
    await forward(old.raw.toString().replace(/^From: .*$/m, 'From: <desk@other.test>'), 'incoming+acme-other-2-issue-@desk.test');
    const s = await state(OTHER);
    assert.equal(s?.state, 'waiting', `spoiled by another project's verification email: ${s?.error}`);
    const ignored = (await maintainer.trpc.audit.project.query({ projectPath: OTHER })).items.filter((e) => e.action === 'custom_email.wrong_code_ignored');
    assert.equal(ignored.length, auditBefore + 1);
    // P's own late email still fails P's waiting verification, as an old code of ours should.
    await forward(old.raw, 'incoming+acme-app-1-issue-@desk.test');
    assert.equal((await state(P))?.error, 'incorrect_token');
    await forward(mail.raw, 'incoming+acme-other-2-issue-@desk.test');
    assert.equal((await state(OTHER))?.state, 'verified');
  });

  test('nothing came back within 30 minutes', async () => {
    const mail = await restart('desk@other.test');
    await app.dc.db.write(async (tx) => {
      await tx.update(customEmails).set({ requestedAt: Date.now() - 31 * 60 * 1000 }).where(eq(customEmails.address, 'desk@other.test')).run();
    });
    assert.equal((await state(OTHER))?.error, 'mail_not_received_within_timeframe');
    await forward(mail.raw, 'incoming+acme-other-2-issue-@desk.test');
    assert.equal((await state(OTHER))?.state, 'failed');
  });

  test('removing the address gives the project its Service Desk address back', async () => {
    await maintainer.trpc.serviceDesk.removeCustomEmail.mutate({ projectPath: P });
    assert.equal(await state(), null);
    assert.equal((await maintainer.trpc.serviceDesk.get.query({ projectPath: P })).address, 'incoming+acme-app-1-issue-@desk.test');
    await assert.rejects(forward(customerMail('After removal', SUPPORT), SUPPORT), /550/);
  });
});
