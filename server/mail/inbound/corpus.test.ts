/**
 * The fixture corpus (fixtures/manifest.json): every .eml goes through the real pipeline, in
 * order, on a real database (SQLite, or PostgreSQL on the harness's PostgreSQL pass), and its outcome is compared with what the manifest expects.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { and, eq } from 'drizzle-orm';
import { simpleParser } from 'mailparser';
import { createDomain } from '../../app';
import { loadConfig } from '../../config';
import type { DomainCtx } from '../../domain/core/context';
import { createProject } from '../../domain/projects/projects';
import { recordMessageId } from '../../domain/customer-email/email-tickets';
import { attachments, messageIds, notes, outbox, participants, projects, replyKeys, serviceDeskSettings, tickets } from '../../../db/schema';
import { createMailCore } from '../runtime';
import { closeRenderPool } from '../../render';
import { testDatabaseUrl } from '../../testing/test-app';
import type { Outcome } from './receive';
import { compose } from '../outbound/compose';
import type { OutboundSpec } from '../outbound/spec';
import { REJECTIONS } from './rejections';

const FIXTURES = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures');
const REPLY_KEY = '0123456789abcdef0123456789abcdef';

interface Text {
  includes?: string[];
  excludes?: string[];
}
type Expect =
  | {
      outcome: 'ticket';
      project: string;
      title: string;
      externalAuthor: string;
      externalAuthorName?: string;
      description?: Text;
      /** the description must equal that fixture's (the same HTML in another MIME structure) */
      sameDescriptionAs?: string;
      participants?: string[];
      ccNotAdded?: string[];
      /** stored byte for byte, and answered byte for byte by the thank-you's In-Reply-To */
      messageId?: string;
      attachments?: string[];
    }
  | { outcome: 'note'; ticketOf: string; author: string; authorName?: string; body?: Text; visibleIncludes?: string[]; trimmed?: boolean; trimmedIncludes?: string[] }
  | { outcome: 'ignored'; reason: string }
  | { outcome: 'rejected'; error: keyof typeof REJECTIONS; rejectionTo: string }
  | { outcome: 'unsubscribed'; email: string }
  | { outcome: 'quarantined' }
  | { outcome: 'duplicate' };
interface Entry {
  file: string;
  purpose: string;
  expect: Expect;
}

const manifest = JSON.parse(readFileSync(path.join(FIXTURES, 'manifest.json'), 'utf8')) as Entry[];
let dataDir: string;
let dc: DomainCtx;
let core: Awaited<ReturnType<typeof createMailCore>>;
const ticketByFile = new Map<string, number>();
const descriptionByFile = new Map<string, string>();

function checkText(label: string, actual: string, t: Text | undefined): void {
  for (const s of t?.includes ?? []) assert.ok(actual.includes(s), `${label} should include ${JSON.stringify(s)}:\n${actual}`);
  for (const s of t?.excludes ?? []) assert.ok(!actual.includes(s), `${label} should not include ${JSON.stringify(s)}:\n${actual}`);
}

before(async () => {
  dataDir = mkdtempSync(path.join(os.tmpdir(), 'threadline-corpus-'));
  const config = loadConfig({
    DATA_DIR: dataDir,
    DATABASE_URL: await testDatabaseUrl(),
    INCOMING_EMAIL: 'incoming+%{key}@desk.test',
    SERVICE_DESK_EMAIL: 'contact+%{key}@support.test',
    MAX_EMAIL_SIZE: '262144',
    LOG_LEVEL: 'error',
  });
  dc = await createDomain(config);
  const app = await createProject(dc, { path: 'acme/app' });
  const disabled = await createProject(dc, { path: 'acme/disabled' });
  const plain = await createProject(dc, { path: 'acme/plain' });
  assert.deepEqual([app.id, disabled.id, plain.id], [1, 2, 3]);
  await dc.db.write(async (tx) => {
    await tx.update(serviceDeskSettings).set({ projectKey: 'help', addCcParticipants: true }).where(eq(serviceDeskSettings.projectId, 1)).run();
    await tx.update(serviceDeskSettings).set({ enabled: false }).where(eq(serviceDeskSettings.projectId, 2)).run();
  });
  core = await createMailCore(dc, config);
});

after(async () => {
  await core.outbox.stop();
  await dc.db.close();
  // The render workers this process started (a worker replaced after a timeout on a busy
  // machine could otherwise keep the test process from exiting).
  await closeRenderPool();
  rmSync(dataDir, { recursive: true, force: true });
});

async function seedAfterFirstTicket(ticketId: number): Promise<void> {
  const at = dc.now();
  await dc.db.write(async (tx) => {
    await tx.insert(replyKeys).values({ key: REPLY_KEY, ticketId, projectId: 1, email: 'alice@example.com', createdAt: at }).run();
    await recordMessageId(tx, 1, '<ticket-1@desk.test>', ticketId, 'out', at);
    await recordMessageId(tx, 1, '<threadline-out-2@desk.test>', ticketId, 'out', at);
  });
}

const outboxRows = () => dc.db.select().from(outbox).orderBy(outbox.id).all();

describe('fixture corpus', () => {
  test('the manifest covers at least 40 fixtures', () => {
    assert.ok(manifest.length >= 40, `only ${manifest.length} fixtures`);
    assert.equal(manifest[0]?.file, 'gmail-new-ticket.eml');
  });

  for (const entry of manifest) {
    test(`${entry.file}: ${entry.expect.outcome} — ${entry.purpose}`, async () => {
      const raw = readFileSync(path.join(FIXTURES, entry.file));
      const outboxBefore = (await outboxRows()).length;
      const out: Outcome = await core.ingest.receive(raw, { source: 'cli' });
      const e = entry.expect;
      assert.equal(out.status, e.outcome, `outcome was ${JSON.stringify(out)}`);
      switch (e.outcome) {
        case 'ticket': {
          assert.ok(out.status === 'ticket');
          const project = (await dc.db.select().from(projects).where(eq(projects.path, out.projectPath)).get())!;
          const t = (await dc.db.select().from(tickets).where(and(eq(tickets.projectId, project.id), eq(tickets.iid, out.iid))).get())!;
          ticketByFile.set(entry.file, t.id);
          if (ticketByFile.size === 1) await seedAfterFirstTicket(t.id);
          assert.equal(out.projectPath, e.project);
          assert.equal(t.title, e.title);
          assert.equal(t.externalAuthor, e.externalAuthor);
          if (e.externalAuthorName !== undefined) assert.equal(t.externalAuthorName, e.externalAuthorName);
          checkText('description', t.description, e.description);
          descriptionByFile.set(entry.file, t.description);
          if (e.sameDescriptionAs) {
            const links = /\n\n\[[^\]]+\]\(\/attachments\/[^)]+\)$/;
            assert.equal(t.description.replace(links, ''), descriptionByFile.get(e.sameDescriptionAs), 'the same HTML gives the same text');
          }
          if (e.ccNotAdded) assert.deepEqual([...(t.ccNotAdded ?? [])].sort(), [...e.ccNotAdded].sort());
          if (e.messageId) {
            const stored = await dc.db.select().from(messageIds).where(eq(messageIds.ticketId, t.id)).all();
            assert.deepEqual(stored.filter((r) => r.direction === 'in').map((r) => r.messageId), [e.messageId]);
            const thanks = (await outboxRows()).slice(outboxBefore).find((r) => r.kind === 'thank_you');
            assert.equal((thanks?.spec as OutboundSpec | undefined)?.inReplyTo, e.messageId, 'the thank-you answers the customer\'s Message-ID byte for byte');
            const raw = (await compose(thanks?.spec as OutboundSpec)).toString();
            assert.match(raw, new RegExp(`^In-Reply-To: ${e.messageId.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\r?$`, 'm'));
          }
          if (e.participants) {
            const got = (await dc.db.select().from(participants).where(eq(participants.ticketId, t.id)).all()).map((p) => p.email).sort();
            assert.deepEqual(got, [...e.participants].sort());
          }
          if (e.attachments) {
            const got = (await dc.db.select().from(attachments).where(eq(attachments.ticketId, t.id)).all()).map((a) => a.filename).sort();
            assert.deepEqual(got, [...e.attachments].sort());
            for (const name of e.attachments) assert.ok(t.description.includes(encodeURIComponent(name)) || t.description.includes(name), `description links ${name}`);
          }
          break;
        }
        case 'note': {
          assert.ok(out.status === 'note');
          const n = (await dc.db.select().from(notes).where(eq(notes.id, out.noteId)).get())!;
          assert.equal(n.ticketId, ticketByFile.get(e.ticketOf), `threads onto the ticket of ${e.ticketOf}`);
          assert.equal(n.externalAuthor, e.author);
          if (e.authorName !== undefined) assert.equal(n.externalAuthorName, e.authorName);
          checkText('note', n.body, e.body);
          const visible = n.body.includes('<details>') ? n.body.slice(0, n.body.indexOf('<details>')) : n.body;
          for (const s of e.visibleIncludes ?? []) assert.ok(visible.includes(s), `visible part should include ${JSON.stringify(s)}:\n${n.body}`);
          if (e.trimmed !== undefined) assert.equal(n.body.includes('<details>'), e.trimmed, `trimmed part kept collapsed: ${n.body}`);
          for (const s of e.trimmedIncludes ?? []) {
            const hidden = n.body.slice(n.body.indexOf('<details>'));
            assert.ok(hidden.includes(s), `collapsed part should include ${JSON.stringify(s)}:\n${n.body}`);
          }
          break;
        }
        case 'ignored':
          assert.ok(out.status === 'ignored');
          assert.equal(out.reason, e.reason);
          assert.equal((await outboxRows()).length, outboxBefore, 'no reply to ignored mail');
          break;
        case 'rejected': {
          assert.ok(out.status === 'rejected');
          assert.equal(out.error, e.error);
          const queued = (await outboxRows()).slice(outboxBefore);
          assert.equal(queued.length, 1, 'one rejection email');
          const mail = await simpleParser(await compose(queued[0]!.spec as OutboundSpec));
          assert.equal(queued[0]!.toAddress, e.rejectionTo);
          assert.match(mail.subject ?? '', /^\[Rejected\]/);
          assert.equal(mail.headers.get('auto-submitted'), 'auto-replied');
          assert.ok(mail.text?.includes('Unfortunately, your email message could not be processed.'));
          assert.ok(mail.text?.includes(REJECTIONS[e.error].reason), mail.text);
          break;
        }
        case 'unsubscribed': {
          assert.ok(out.status === 'unsubscribed');
          assert.equal(out.email, e.email);
          const p = await dc.db.select().from(participants).where(eq(participants.email, e.email)).all();
          assert.ok(p.some((x) => x.unsubscribedAt !== null));
          break;
        }
        case 'quarantined':
        case 'duplicate':
          break;
      }
    });
  }

  test('feeding the whole corpus again changes nothing: every message is a duplicate or re-ignored', async () => {
    const count = async () => ({
      tickets: (await dc.db.select().from(tickets).all()).length,
      notes: (await dc.db.select().from(notes).all()).length,
    });
    const before = await count();
    for (const entry of manifest) await core.ingest.receive(readFileSync(path.join(FIXTURES, entry.file)), { source: 'cli' });
    assert.deepEqual(await count(), before);
  });
});
