/**
 * `npm run bench -- outbound`: (a) emails/s from a full outbox to a real SMTP sink on loopback
 * (pooled connections); (b) delay from a responder's reply (tRPC over HTTP) to the email being
 * accepted by the sink, p50/p99, with the server in its own process. Results:
 * bench/results/outbound.json.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createDomain } from '../server/app';
import { loadConfig } from '../server/config';
import { addTicketParticipants } from '../server/domain/customer-email/participants';
import { createProject } from '../server/domain/projects/projects';
import { createNote } from '../server/domain/notes/post-note';
import { createTicket } from '../server/domain/tickets/tickets';
import { createFirstAdmin, findUserByEmail } from '../server/domain/accounts/users';
import { ACCESS } from '../shared/roles';
import { createSmtpTransport } from '../server/mail/outbound/smtp-transport';
import { createOutboxWorker } from '../server/mail/outbound/worker';
import { startSmtpSink } from '../e2e/fixtures/smtp-sink';
import { serverProcess } from '../e2e/fixtures/server-process';
import { benchSession, summary, writeResults } from './lib';

const EMAILS = Number(process.env.BENCH_OUTBOUND_COUNT ?? 2000);
const SAMPLES = 200;
const sink = await startSmtpSink();

// (a) throughput: fill the outbox (200 public notes × 10 participants), then drain it.
const dirA = mkdtempSync(path.join(os.tmpdir(), 'threadline-bench-out-'));
const config = loadConfig({ DATA_DIR: dirA, INCOMING_EMAIL: 'incoming+%{key}@bench.test', LOG_LEVEL: 'error' });
const dc = await createDomain(config);
const project = await createProject(dc, { path: 'acme/app' });
await createFirstAdmin(dc, { email: 'bench@bench.test', password: 'bench-password-1' });
const admin = (await findUserByEmail(dc.db, 'bench@bench.test'))!;
const pa = { project, role: null, access: ACCESS.admin };
const t = await createTicket(dc, pa, admin, { title: 'Fan-out', confidential: true });
await addTicketParticipants(dc, pa, admin, t.iid, Array.from({ length: 6 }, (_, i) => `p${i}@customer.test`));
await addTicketParticipants(dc, pa, admin, t.iid, Array.from({ length: 4 }, (_, i) => `q${i}@customer.test`));
for (let i = 0; i < EMAILS / 10; i++) await createNote(dc, pa, admin, { iid: t.iid, body: `Update number ${i}: all good.`, internal: false });
const queued = Number((await dc.db.sqlGet<{ n: number }>("select count(*) n from outbox where kind = 'new_note'"))?.n ?? 0);
sink.clear();
const worker = createOutboxWorker(dc, createSmtpTransport(`${sink.url}?tls=off`));
const t0 = performance.now();
await worker.drain();
await sink.waitFor(queued + 10, 120_000); // + the 10 new_participant emails
const seconds = (performance.now() - t0) / 1000;
const perSecond = sink.messages.length / seconds;
await worker.stop();
await dc.db.close();
rmSync(dirA, { recursive: true, force: true });

// (b) latency: a responder's reply over HTTP → the email accepted by the sink
const dirB = mkdtempSync(path.join(os.tmpdir(), 'threadline-bench-out-'));
const dcB = await createDomain(loadConfig({ DATA_DIR: dirB }));
const projB = await createProject(dcB, { path: 'acme/app' });
await createFirstAdmin(dcB, { email: 'bench@bench.test', password: 'bench-password-1' });
const adminB = (await findUserByEmail(dcB.db, 'bench@bench.test'))!;
const ticketB = await createTicket(dcB, { project: projB, role: null, access: ACCESS.admin }, adminB, { title: 'Latency', externalAuthor: 'lat@customer.test' });
await dcB.db.close();
const server = await serverProcess(dirB, { INCOMING_EMAIL: 'incoming+%{key}@bench.test', SMTP_URL: `${sink.url}?tls=off`, SMTP_LISTEN: 'off' });
await server.start();
const api = (await benchSession(server.url, 'bench@bench.test', 'bench-password-1')).http;
await sink.waitFor(sink.messages.length + 1, 10_000).catch(() => undefined); // the new_participant email
const latency: number[] = [];
for (let i = 0; i < SAMPLES; i++) {
  const before = sink.messages.length;
  const start = performance.now();
  await api.notes.create.mutate({ projectPath: 'acme/app', iid: ticketB.iid, body: `Reply ${i}`, internal: false });
  await sink.waitFor(before + 1, 10_000);
  latency.push(performance.now() - start);
}
await server.stop();
await sink.stop();
rmSync(dirB, { recursive: true, force: true });

const results = {
  when: new Date().toISOString(),
  machine: { cpus: os.cpus().length, node: process.version },
  throughput: { emails: sink.messages.length ? queued + 10 : 0, seconds: Math.round(seconds * 100) / 100, emailsPerSecond: Math.round(perSecond), target: 200 },
  replyToSinkMs: { ...summary(latency), targetP99: 250 },
};
console.log(JSON.stringify(results, null, 2));
console.log(`written to ${writeResults('outbound', results)}`);
process.exit(0);
