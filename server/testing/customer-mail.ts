/**
 * What tests of the customer-facing surfaces (customer view, signed file links) do with mail,
 * through a real SMTP sink: build a customer's email, find the email we sent them, follow its
 * links on the test server, and post to the view's reply form. `app` and `sink` are read when
 * called, as tests start them in `before`.
 */
import assert from 'node:assert/strict';
import { simpleParser, type ParsedMail } from 'mailparser';
import { startSmtpSink, type SmtpSink } from '../../e2e/fixtures/smtp-sink';
import { seedAdmin, seedMember, seedProject, seedUser, signIn, startTestApp, type Session, type TestApp } from './test-app';

export interface CustomerMail {
  from: string;
  subject: string;
  body?: string;
  cc?: string;
  /** more header lines, each ending in CRLF */
  extra?: string;
  attachment?: { name: string; content: string };
}

export function customerMailKit(env: { app: () => TestApp; sink: () => SmtpSink; to: string; idPrefix: string }) {
  let seq = 0;

  /** A customer's email to the project address, with a Message-ID of its own. */
  function mail(opts: CustomerMail): Buffer {
    const head =
      `From: ${opts.from}\r\nTo: ${env.to}\r\n${opts.cc ? `Cc: ${opts.cc}\r\n` : ''}Subject: ${opts.subject}\r\n` +
      `Message-ID: <${env.idPrefix}-${++seq}@customer.test>\r\nDate: Mon, 23 Nov 2026 09:00:00 +0000\r\n${opts.extra ?? ''}`;
    if (!opts.attachment) return Buffer.from(`${head}\r\n${opts.body ?? 'Hello'}\r\n`);
    const b = 'b0undary';
    return Buffer.from(
      `${head}MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary="${b}"\r\n\r\n--${b}\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n${opts.body ?? 'Hello'}\r\n` +
        `--${b}\r\nContent-Type: text/plain; name="${opts.attachment.name}"\r\nContent-Disposition: attachment; filename="${opts.attachment.name}"\r\n\r\n${opts.attachment.content}\r\n--${b}--\r\n`,
    );
  }

  /** The first email to `to` whose text matches `re`. */
  async function mailMatching(to: string, re: RegExp): Promise<ParsedMail> {
    const sink = env.sink();
    for (let seen = 0; ; ) {
      env.app().mail.outbox.kick();
      const list = sink.messages.slice(seen);
      seen += list.length;
      for (const m of list.filter((x) => x.to.includes(to))) {
        const parsed = await simpleParser(m.raw);
        if (re.test(parsed.text ?? '')) return parsed;
      }
      await sink.waitFor(seen + 1);
    }
  }

  /** A link in an email, as a path on this test server (links carry PUBLIC_URL). */
  function pathOf(url: string): string {
    const u = new URL(url);
    return `${u.pathname}${u.search}`;
  }

  function viewLink(m: ParsedMail): string {
    const url = /View ticket #\d+: (\S+)/.exec(m.text ?? '')?.[1];
    assert.ok(url, `a view link in:\n${m.text}`);
    return pathOf(url);
  }

  async function get(path: string, headers: Record<string, string> = {}): Promise<{ status: number; text: string }> {
    const res = await fetch(`${env.app().url}${path}`, { headers, redirect: 'manual' });
    return { status: res.status, text: await res.text() };
  }

  async function postReply(view: string, body: string, origin = env.app().url): Promise<{ status: number; text: string; location: string | null }> {
    const res = await fetch(`${env.app().url}${view}/reply`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin },
      body: new URLSearchParams({ body }).toString(),
      redirect: 'manual',
    });
    return { status: res.status, text: await res.text(), location: res.headers.get('location') };
  }

  return { mail, mailMatching, pathOf, viewLink, get, postReply };
}

/**
 * The app the customer-mail tests run: outbound mail through a real SMTP sink, links at
 * https://desk.test, the project `path` with Rita Responder (rep@test.io) as `role`, signed in.
 */
export async function startDeskWithSink(path: string, role: 'reporter' | 'developer' | 'maintainer', env: Record<string, string> = {}): Promise<{ sink: SmtpSink; app: TestApp; rep: Session }> {
  const sink = await startSmtpSink();
  const app = await startTestApp({ INCOMING_EMAIL: 'incoming+%{key}@desk.test', SMTP_URL: `${sink.url}?tls=off`, PUBLIC_URL: 'https://desk.test', ...env });
  await seedAdmin(app);
  await seedProject(app, path);
  await seedUser(app, 'rep@test.io', 'Rita Responder');
  await seedMember(app, path, 'rep@test.io', role);
  return { sink, app, rep: await signIn(app, 'rep@test.io') };
}

export type SentMail = ParsedMail & { rcpt: string[] };

/**
 * The emails the app sends, in order, as the SMTP sink received them: `next(n)` kicks the outbox
 * and waits for the next `n`, parsed, with their envelope recipients. Counted from what was taken,
 * not from the sink's length when called: an email can reach the sink before the action that
 * queued it has returned to the test.
 */
export function sentMail(app: () => TestApp, sink: () => SmtpSink): (n?: number) => Promise<SentMail[]> {
  let taken = 0;
  return async (n = 1) => {
    const from = taken;
    taken += n;
    app().mail.outbox.kick();
    const all = await sink().waitFor(from + n);
    return Promise.all(all.slice(from, from + n).map(async (c) => Object.assign(await simpleParser(c.raw), { rcpt: c.to })));
  };
}
