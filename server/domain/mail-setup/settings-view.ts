/** The Admin page's view of the mail settings: values with where they come from, never a password. */
import { readProjectSmtpPolicy } from './project-smtp';
import type { Q } from '../../../db/client';
import type { GraphMailboxView, MailboxHealthView, MailboxView, MailSettingsView, SmtpView } from '../../../shared/mail-settings';
import { listMailboxes, type MailboxHealth } from '../mail-log/mailbox-health';
import type { GraphMailboxSetup, MailSetup, MailboxSetup } from './effective';

function smtpView(setup: MailSetup, transport: string): SmtpView {
  const smtp = setup.smtp;
  if (smtp.source === 'env') {
    const url = new URL(smtp.url);
    const tls = url.searchParams.get('tls');
    return {
      source: 'env',
      host: url.hostname,
      port: url.port ? Number(url.port) : url.protocol === 'smtps:' ? 465 : 587,
      security: url.protocol === 'smtps:' ? 'tls' : tls === 'required' ? 'starttls' : tls === 'off' ? 'none' : 'auto',
      user: url.username ? decodeURIComponent(url.username) : null,
      passwordSet: url.password !== '',
      transport,
    };
  }
  if (smtp.source === 'settings') {
    const s = smtp.settings;
    return { source: 'settings', host: s.host, port: s.port, security: s.security, user: s.user, passwordSet: s.password !== '', transport };
  }
  return { source: 'none', host: null, port: null, security: null, user: null, passwordSet: false, transport };
}

function mailboxView(box: MailboxSetup): Omit<MailboxView, 'health'> {
  if (box.env) {
    const m = box.env;
    return {
      id: null,
      source: 'env',
      name: m.name,
      host: m.host,
      port: m.port,
      security: m.secure ? 'tls' : 'auto',
      username: m.user,
      passwordSet: m.password !== '',
      folder: m.mailbox,
      after: m.after,
      moveTo: m.moveTo,
      existingMail: m.existingMail,
      paused: false,
    };
  }
  const r = box.row as NonNullable<MailboxSetup['row']>;
  return {
    id: r.id,
    source: 'settings',
    name: r.name,
    host: r.host,
    port: r.port,
    security: r.security,
    username: r.username,
    passwordSet: r.password !== '',
    folder: r.folder,
    after: r.after,
    moveTo: r.moveTo,
    existingMail: r.existingMail,
    paused: r.paused,
  };
}

function graphMailboxView(box: GraphMailboxSetup): Omit<GraphMailboxView, 'health' | 'notifications'> {
  const m = box.env ?? (box.row as NonNullable<GraphMailboxSetup['row']>);
  return {
    id: box.id,
    source: box.source,
    name: m.name,
    tenantId: m.tenantId,
    clientId: m.clientId,
    secretSet: m.clientSecret !== '',
    mailbox: m.mailbox,
    baseUrl: m.baseUrl,
    loginUrl: m.loginUrl,
    pollSeconds: m.pollSeconds,
    after: m.after,
    moveTo: m.moveTo,
    existingMail: m.existingMail,
    paused: box.paused,
  };
}

function healthView(h: MailboxHealth | undefined): MailboxHealthView | null {
  return h ? { state: h.state, lastUid: h.lastUid, lastError: h.lastError, lastErrorAt: h.lastErrorAt, lastSuccessAt: h.lastSuccessAt, messagesToday: h.messagesToday, lagMs: h.lagMs } : null;
}

export async function mailSettingsView(q: Q, setup: MailSetup, opts: { transport: string; effectiveFrom: string; secretKeyFromEnv: boolean; now: number }): Promise<MailSettingsView> {
  const health = new Map((await listMailboxes(q, opts.now)).map((h) => [h.name, h]));
  return {
    incomingEmail: setup.incomingEmail,
    serviceDeskEmail: setup.serviceDeskEmail,
    mailFrom: setup.mailFrom,
    effectiveFrom: opts.effectiveFrom,
    smtp: smtpView(setup, opts.transport),
    mailboxes: setup.mailboxes.map((box) => {
      const h = health.get(box.name);
      return { ...mailboxView(box), health: healthView(h) };
    }),
    graphMailboxes: setup.graphMailboxes.map((box) => {
      const h = health.get(box.name);
      return { ...graphMailboxView(box), notifications: (h?.subscriptionExpiresAt ?? 0) > opts.now, health: healthView(h) };
    }),
    secretKey: opts.secretKeyFromEnv ? 'env' : 'file',
    projectSmtp: await readProjectSmtpPolicy(q),
  };
}
