/**
 * Developer tool: replays a directory of real-world .eml files through the real SMTP listener of
 * a real app (startTestApp: SQLite, or PostgreSQL with THREADLINE_TEST_PG) and dumps what each
 * became, for a human to read: outcome, title, customer, description Markdown and HTML as stored,
 * attachments, the email going back to the customer (thank-you), the sanitised "original email" HTML.
 *
 *   node --import tsx server/testing/replay-mail.ts <dir-of-eml> [out.md] [--replies]
 *
 * Only the envelope is ours: every message goes to a project's address as RCPT TO, its headers
 * stay as they are. With --replies each message is sent a second time to a ticket's reply-key
 * address (in a second project), so it becomes a reply-trimmed note. No mail content is kept in
 * the repository: point it at a directory of your own.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import nodemailer from 'nodemailer';
import { desc, eq } from 'drizzle-orm';
import { simpleParser } from 'mailparser';
import { startTestApp } from './test-app';
import { createProject } from '../domain/projects/projects';
import { attachments, inboundMessages, notes, outbox, replyKeys, tickets } from '../../db/schema';
import { originalEmailHtml, closeRenderPool } from '../render';

const REPLY_KEY = 'feedfacefeedfacefeedfacefeedface';

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const replies = args.includes('--replies');
  const [dir, outFile] = args.filter((a) => !a.startsWith('--'));
  if (!dir) throw new Error('usage: replay-mail.ts <dir> [out.md] [--replies]');
  const files = readdirSync(dir).filter((f) => /\.(eml|box|msg)$/i.test(f)).sort();
  const app = await startTestApp({ INCOMING_EMAIL: 'incoming+%{key}@desk.test', LOG_LEVEL: 'warn', MAX_EMAIL_SIZE: String(40 * 1024 * 1024) });
  const out: string[] = [];
  try {
    const a = await createProject(app.dc, { path: 'replay/new' });
    const b = await createProject(app.dc, { path: 'replay/replies' });
    const port = app.mail.smtp?.port;
    if (!port) throw new Error('the app has no SMTP listener');
    const transport = nodemailer.createTransport({ host: '127.0.0.1', port, secure: false, ignoreTLS: true, tls: { rejectUnauthorized: false } });
    const send = async (raw: Buffer, to: string) => {
      const head = await simpleParser(raw.subarray(0, Math.min(raw.length, 64 * 1024)), { skipHtmlToText: true }).catch(() => null);
      const from = head?.from?.value[0]?.address || 'sender@replay.test';
      const started = Date.now();
      try {
        await transport.sendMail({ envelope: { from, to: [to] }, raw });
        return { smtp: '250', ms: Date.now() - started };
      } catch (err) {
        const message = err instanceof Error ? err.message : String(err);
        // a From an MTA would not take as envelope sender (`a@b.com.`): the relay's own address instead
        if (!/Bad sender address/i.test(message)) return { smtp: message, ms: Date.now() - started };
        await transport.sendMail({ envelope: { from: 'relay@replay.test', to: [to] }, raw });
        return { smtp: '250 (envelope sender replaced)', ms: Date.now() - started };
      }
    };
    let seed: number | null = null;
    if (replies) {
      await send(Buffer.from('From: Seed <seed@replay.test>\r\nTo: x@desk.test\r\nSubject: seed\r\nMessage-ID: <seed@replay.test>\r\n\r\nseed\r\n'), `incoming+replay-replies-${b.id}-issue-@desk.test`);
      seed = (await app.dc.db.select().from(tickets).where(eq(tickets.projectId, b.id)).get())!.id;
      await app.dc.db.write(async (tx) => {
        await tx.insert(replyKeys).values({ key: REPLY_KEY, ticketId: seed!, projectId: b.id, email: 'seed@replay.test', createdAt: Date.now() }).run();
      });
    }
    const dump = async (label: string) => {
      const row = (await app.dc.db.select().from(inboundMessages).orderBy(desc(inboundMessages.id)).limit(1).get())!;
      out.push(`### ${label}: ${row.status}${row.reason ? ` (${row.reason})` : ''}${row.error ? ` ERROR ${row.error}` : ''}`);
      if (row.ticketId && row.status === 'ticket') {
        const t = (await app.dc.db.select().from(tickets).where(eq(tickets.id, row.ticketId)).get())!;
        out.push(`- title: ${JSON.stringify(t.title)}`, `- customer: ${t.externalAuthor} name=${JSON.stringify(t.externalAuthorName)}`);
        out.push('- description:', '```', t.description, '```', '- html:', '```html', t.descriptionHtml ?? '(null)', '```');
      }
      if (row.noteId) {
        const n = (await app.dc.db.select().from(notes).where(eq(notes.id, row.noteId)).get())!;
        out.push(`- note by: ${n.externalAuthor} name=${JSON.stringify(n.externalAuthorName)}`, '- body:', '```', n.body, '```');
      }
      const atts = row.noteId
        ? await app.dc.db.select().from(attachments).where(eq(attachments.noteId, row.noteId)).all()
        : row.ticketId && row.status === 'ticket'
          ? (await app.dc.db.select().from(attachments).where(eq(attachments.ticketId, row.ticketId)).all()).filter((x) => x.noteId === null)
          : [];
      for (const x of atts) out.push(`- attachment: ${JSON.stringify(x.filename)} ${x.contentType} ${x.size} B`);
      // the email the customer gets back (thank-you, rejection): its recipient, subject and text
      const mails = row.ticketId && row.status === 'ticket' ? await app.dc.db.select().from(outbox).where(eq(outbox.ticketId, row.ticketId)).all() : [];
      for (const o of mails) {
        const spec = o.spec as { text?: string; template?: { source?: string } };
        const text = spec.text || spec.template?.source || JSON.stringify(o.spec);
        out.push(`- email out (${o.kind}) to ${o.toAddress}: ${JSON.stringify(o.subject)}`, '```', text.slice(0, 1500), '```');
      }
    };
    for (const f of files) {
      const raw = readFileSync(path.join(dir, f));
      const r = await send(raw, `incoming+replay-new-${a.id}-issue-@desk.test`);
      out.push(`\n## ${f} (${raw.length} B) smtp=${r.smtp} ${r.ms} ms`);
      await dump('new');
      const parsed = await simpleParser(raw).catch(() => null);
      if (parsed && typeof parsed.html === 'string') {
        const o = await originalEmailHtml(parsed.html, false);
        out.push('- original (sanitised):', '```html', (o?.html ?? '(null)').slice(0, 3000), '```');
      }
      if (replies) {
        const r2 = await send(raw, `incoming+${REPLY_KEY}@desk.test`);
        out.push(`(reply pass smtp=${r2.smtp})`);
        await dump('reply');
      }
      process.stderr.write(`${f} done\n`);
    }
    transport.close();
  } finally {
    await app.close();
    await closeRenderPool();
  }
  const text = out.join('\n');
  if (outFile) writeFileSync(outFile, text);
  else process.stdout.write(text);
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
