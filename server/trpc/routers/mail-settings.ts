/**
 * Instance mail settings in the Admin page (issue 10): addresses, the outgoing SMTP server and
 * IMAP mailboxes, with "Send test email" and "Test connection". Instance admins only. A value
 * the environment sets is read-only here. Every change is applied on every node at once.
 */
import { sameMailServer } from '../../domain/mail-setup/stored-secret';
import { AppError } from '../../../shared/errors';
import {
  mailAddressesInput,
  mailboxPauseInput,
  mailboxRef,
  mailboxSettingsInput,
  mailboxTestInput,
  mailboxUpdateInput,
  smtpSettingsInput,
  smtpTestInput,
  graphMailboxSettingsInput,
  graphMailboxUpdateInput,
  graphMailboxTestInput,
  projectSmtpPolicyInput,
} from '../../../shared/schemas';
import { addGraphMailbox, graphMailboxRow, removeGraphMailbox, setGraphMailboxPaused, updateGraphMailbox, type GraphMailboxInput } from '../../domain/mail-setup/graph-settings';
import { graphConfigOf } from '../../mail/runtime';
import { testGraphConnection } from '../../mail/setup/graph-connection-test';
import { loadMailSetup } from '../../domain/mail-setup/effective';
import {
  addMailbox,
  clearSmtpSettings,
  mailboxRow,
  mailboxServer,
  readAddressSettings,
  readSmtpSettings,
  removeMailbox,
  saveAddressSettings,
  saveSmtpSettings,
  setMailboxPaused,
  updateMailbox,
  type MailboxInput,
} from '../../domain/mail-setup/instance-settings';
import { mailSettingsView } from '../../domain/mail-setup/settings-view';
import { saveProjectSmtpPolicy } from '../../domain/mail-setup/project-smtp';
import { actorOf } from '../../domain/audit/audit-log';
import { imapConfigOf } from '../../mail/runtime';
import { sendTestEmail, testImapConnection } from '../../mail/setup/connection-tests';
import { smtpTargetFromSettings, smtpTargetFromUrl, type SmtpTarget } from '../../mail/outbound/smtp-transport';
import { adminProcedure, router } from '../init';
import type { Context } from '../context';

async function view(ctx: Context) {
  const setup = await loadMailSetup(ctx.dc.db, ctx.config.mail);
  return mailSettingsView(ctx.dc.db, setup, {
    transport: ctx.mail.transports.describe(),
    effectiveFrom: ctx.dc.mail.from,
    secretKeyFromEnv: ctx.config.secretKey !== null,
    now: ctx.dc.now(),
  });
}

/** Names IMAP_MAILBOXES and GRAPH_* use: a stored mailbox cannot take them. */
function envMailboxNames(ctx: Context): string[] {
  return [...ctx.config.mail.imapMailboxes.map((m) => m.name), ...(ctx.config.mail.graphMailbox ? [ctx.config.mail.graphMailbox.name] : [])];
}

async function storedGraphMailbox(ctx: Context, id: number) {
  const row = await graphMailboxRow(ctx.dc.db, id);
  if (!row) throw new AppError('MAILBOX_NOT_FOUND');
  return row;
}

function forbidEnv(set: boolean): void {
  if (set) throw new AppError('SET_BY_ENVIRONMENT');
}

async function storedMailbox(ctx: Context, id: number) {
  const row = await mailboxRow(ctx.dc.db, id);
  if (!row) throw new AppError('MAILBOX_NOT_FOUND');
  return row;
}

export const mailSettingsRouter = router({
  get: adminProcedure.query(({ ctx }) => view(ctx)),

  saveAddresses: adminProcedure.input(mailAddressesInput).mutation(async ({ ctx, input }) => {
    const env = ctx.config.mail.fromEnv;
    if (input.incomingEmail !== undefined) forbidEnv(env.incomingEmail);
    if (input.serviceDeskEmail !== undefined) forbidEnv(env.serviceDeskEmail);
    if (input.mailFrom !== undefined) forbidEnv(env.mailFrom);
    const stored = await readAddressSettings(ctx.dc.db);
    await saveAddressSettings(ctx.dc, {
      incomingEmail: input.incomingEmail === undefined ? stored.incomingEmail : input.incomingEmail,
      serviceDeskEmail: input.serviceDeskEmail === undefined ? stored.serviceDeskEmail : input.serviceDeskEmail,
      mailFrom: input.mailFrom === undefined ? stored.mailFrom : input.mailFrom,
    });
    await ctx.mail.reconfigure();
    return view(ctx);
  }),

  saveSmtp: adminProcedure.input(smtpSettingsInput).mutation(async ({ ctx, input }) => {
    forbidEnv(ctx.config.mail.fromEnv.smtpUrl);
    await saveSmtpSettings(ctx.dc, input);
    await ctx.mail.reconfigure();
    return view(ctx);
  }),

  /** Which SMTP servers projects' custom support addresses may use (any, a list, none). */
  saveProjectSmtp: adminProcedure.input(projectSmtpPolicyInput).mutation(async ({ ctx, input }) => {
    await saveProjectSmtpPolicy(ctx.dc, actorOf(ctx.user), input);
    return view(ctx);
  }),

  /** Back to no SMTP server: email is written to DATA_DIR/outbox again. */
  clearSmtp: adminProcedure.mutation(async ({ ctx }) => {
    forbidEnv(ctx.config.mail.fromEnv.smtpUrl);
    await clearSmtpSettings(ctx.dc);
    await ctx.mail.reconfigure();
    return view(ctx);
  }),

  /** One real SMTP transaction to the typed address: the server's last answer and the transcript. */
  sendTestEmail: adminProcedure.input(smtpTestInput).mutation(async ({ ctx, input }) => {
    let target: SmtpTarget;
    if (input.settings) {
      const form = input.settings;
      const stored = await readSmtpSettings(ctx.dc.db);
      // The form shows "set" for a stored password: testing unsaved edits reuses it.
      const password = form.password ?? (stored?.password && sameMailServer(stored, form) ? ctx.dc.secrets.open(stored.password) : '');
      target = smtpTargetFromSettings(form, password);
    } else {
      const smtp = ctx.mail.setup().smtp;
      if (smtp.source === 'none') throw new AppError('INVALID_INPUT', 'No SMTP server is set: outgoing email is written to DATA_DIR/outbox. Enter a server first.');
      target = smtp.source === 'env' ? smtpTargetFromUrl(smtp.url) : smtpTargetFromSettings(smtp.settings, smtp.settings.password ? ctx.dc.secrets.open(smtp.settings.password) : '');
    }
    return sendTestEmail(target, { from: ctx.dc.mail.from, to: input.to, serverName: `${target.host}:${target.port}` });
  }),

  addMailbox: adminProcedure.input(mailboxSettingsInput).mutation(async ({ ctx, input }) => {
    await addMailbox(ctx.dc, input as MailboxInput, envMailboxNames(ctx));
    await ctx.mail.reconfigure();
    return view(ctx);
  }),

  updateMailbox: adminProcedure.input(mailboxUpdateInput).mutation(async ({ ctx, input }) => {
    const { id, ...settings } = input;
    await updateMailbox(ctx.dc, id, settings as MailboxInput, envMailboxNames(ctx));
    await ctx.mail.reconfigure();
    return view(ctx);
  }),

  /** Paused: no node watches it; resumed: it goes on from its checkpoint. */
  pauseMailbox: adminProcedure.input(mailboxPauseInput).mutation(async ({ ctx, input }) => {
    await setMailboxPaused(ctx.dc, input.id, input.paused);
    await ctx.mail.reconfigure();
    return view(ctx);
  }),

  removeMailbox: adminProcedure.input(mailboxRef).mutation(async ({ ctx, input }) => {
    await removeMailbox(ctx.dc, input.id);
    await ctx.mail.reconfigure();
    return view(ctx);
  }),

  /** Logs in and reports the folder's message count, or the server's exact error. */
  testMailbox: adminProcedure.input(mailboxTestInput).mutation(async ({ ctx, input }) => {
    const stored = input.id === undefined ? null : await storedMailbox(ctx, input.id);
    const s = input.settings;
    if (!s) return testImapConnection(imapConfigOf({ env: null, row: stored }, ctx.dc.secrets));
    const password = s.password ?? (stored && sameMailServer(mailboxServer(stored), mailboxServer(s)) ? ctx.dc.secrets.open(stored.password) : '');
    return testImapConnection({
      host: s.host,
      port: s.port,
      secure: s.security === 'tls',
      doSTARTTLS: s.security === 'starttls' ? true : s.security === 'none' ? false : undefined,
      user: s.username,
      password,
      mailbox: s.folder,
    });
  }),

  // Microsoft Graph (Exchange Online) mailboxes, issue 13: the same life cycle as IMAP ones.
  addGraphMailbox: adminProcedure.input(graphMailboxSettingsInput).mutation(async ({ ctx, input }) => {
    await addGraphMailbox(ctx.dc, input as GraphMailboxInput, envMailboxNames(ctx));
    await ctx.mail.reconfigure();
    return view(ctx);
  }),

  updateGraphMailbox: adminProcedure.input(graphMailboxUpdateInput).mutation(async ({ ctx, input }) => {
    const { id, ...settings } = input;
    await updateGraphMailbox(ctx.dc, id, settings as GraphMailboxInput, envMailboxNames(ctx));
    await ctx.mail.reconfigure();
    return view(ctx);
  }),

  pauseGraphMailbox: adminProcedure.input(mailboxPauseInput).mutation(async ({ ctx, input }) => {
    await setGraphMailboxPaused(ctx.dc, input.id, input.paused);
    await ctx.mail.reconfigure();
    return view(ctx);
  }),

  removeGraphMailbox: adminProcedure.input(mailboxRef).mutation(async ({ ctx, input }) => {
    await removeGraphMailbox(ctx.dc, input.id);
    await ctx.mail.reconfigure();
    return view(ctx);
  }),

  /** Signs in with the client credentials and reports the inbox's message count, or Microsoft's exact error. */
  testGraphMailbox: adminProcedure.input(graphMailboxTestInput).mutation(async ({ ctx, input }) => {
    const stored = input.id === undefined ? null : await storedGraphMailbox(ctx, input.id);
    const s = input.settings;
    if (!s) return testGraphConnection(graphConfigOf({ env: null, row: stored }, ctx.dc.secrets));
    // The form shows "set" for a stored secret: testing unsaved edits of the same app reuses it.
    const sameApp = stored && stored.tenantId === s.tenantId && stored.clientId === s.clientId && stored.loginUrl === s.loginUrl;
    const clientSecret = s.clientSecret ?? (sameApp ? ctx.dc.secrets.open(stored.clientSecret) : '');
    return testGraphConnection({ tenantId: s.tenantId, clientId: s.clientId, clientSecret, mailbox: s.mailbox, baseUrl: s.baseUrl, loginUrl: s.loginUrl });
  }),
});
