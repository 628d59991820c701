/**
 * `desk service-desk`, `desk webhook` and `desk mailbox …`: the settings of the Service Desk page and the Admin
 * page's mailboxes, for operators who script their setup. One JSON line each. A change reaches a
 * running server at once (PostgreSQL: NOTIFY; SQLite: the file's data version), no restart.
 */
import { readFileSync } from 'node:fs';
import { AppError } from '../../shared/errors';
import { ACCESS } from '../../shared/roles';
import { mailboxSettingsInput, serviceDeskUpdateInput } from '../../shared/schemas';
import { parseImapMailboxes, type Config } from '../config';
import { findProjectByPath, type ProjectAccess } from '../domain/accounts/access';
import { loadMailSetup } from '../domain/mail-setup/effective';
import { addMailbox, findMailboxByName, removeMailbox, setMailboxPaused, type MailboxInput } from '../domain/mail-setup/instance-settings';
import { mailSettingsView } from '../domain/mail-setup/settings-view';
import { readSettings, serviceDeskView, updateSettings } from '../domain/projects/service-desk';
import { regenerateWebhook, revealWebhook } from '../domain/merged-changes/webhooks';
import { COMMAND_LINE } from '../domain/audit/audit-log';
import { projectPath as projectPathSchema } from '../../shared/schemas';
import type { DomainCtx } from '../domain/core/context';
import { UsageError } from './args';
import { withDomain } from './with-domain';

/** `--name value`, `--name=value`, and the switches named in `switches` (no value). */
function flags(argv: string[], withValue: readonly string[], switches: readonly string[] = []): Record<string, string | true> {
  const out: Record<string, string | true> = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (!arg.startsWith('--')) throw new UsageError(`Unexpected argument "${arg}".`);
    const eq = arg.indexOf('=');
    const name = eq > 0 ? arg.slice(2, eq) : arg.slice(2);
    if (switches.includes(name) && eq < 0) {
      out[name] = true;
      continue;
    }
    if (!withValue.includes(name)) throw new UsageError(`Unknown option --${name}.`);
    const value = eq > 0 ? arg.slice(eq + 1) : argv[++i];
    if (value === undefined || (eq < 0 && value.startsWith('--'))) throw new UsageError(`Option --${name} needs a value.`);
    out[name] = value;
  }
  return out;
}

function onOff(name: string, value: string | true | undefined): boolean | undefined {
  if (value === undefined) return undefined;
  if (value === 'on' || value === 'true' || value === 'yes') return true;
  if (value === 'off' || value === 'false' || value === 'no') return false;
  throw new UsageError(`--${name} takes on or off.`);
}

/** `none` (or an empty value) clears an optional setting. */
const orNull = (v: string | true | undefined) => (v === undefined || v === true ? undefined : v === '' || v === 'none' ? null : v);

function zodIssues(err: { issues: { path: PropertyKey[]; message: string }[] }): UsageError {
  return new UsageError(err.issues.map((i) => (i.path.length ? `--${String(i.path[0])}: ${i.message}` : i.message)).join('\n'));
}

export async function serviceDeskCommand(config: Config, argv: string[]): Promise<unknown> {
  const f = flags(argv, ['project', 'project-key', 'add-cc', 'confidential', 'reopen', 'thank-you', 'resolved', 'outgoing-name', 'issue-template'], ['enable', 'disable']);
  if (typeof f.project !== 'string') throw new UsageError('service-desk needs --project <group/project>.');
  if (f.enable && f.disable) throw new UsageError('Give --enable or --disable, not both.');
  const parsed = serviceDeskUpdateInput.safeParse({
    projectPath: f.project,
    enabled: f.enable ? true : f.disable ? false : undefined,
    projectKey: orNull(f['project-key']),
    addCcParticipants: onOff('add-cc', f['add-cc']),
    confidentialByDefault: onOff('confidential', f.confidential),
    reopenOnExternalNote: onOff('reopen', f.reopen),
    sendThankYou: onOff('thank-you', f['thank-you']),
    sendResolved: onOff('resolved', f.resolved),
    outgoingName: orNull(f['outgoing-name']),
    issueTemplateKey: orNull(f['issue-template']),
  });
  if (!parsed.success) throw zodIssues(parsed.error);
  const { projectPath, ...changes } = parsed.data;
  return withDomain(config, async (dc) => {
    const project = await findProjectByPath(dc.db, projectPath);
    if (!project) throw new AppError('PROJECT_NOT_FOUND', `No project at path "${projectPath}".`);
    // The CLI runs with the machine operator's authority, like an instance admin.
    const pa: ProjectAccess = { project, role: null, access: ACCESS.admin };
    const settings = Object.values(changes).some((v) => v !== undefined) ? await updateSettings(dc, pa, changes) : await readSettings(dc, project.id);
    return { project: project.path, ...serviceDeskView(dc.mail.book, project, settings) };
  });
}

async function mailboxList(dc: DomainCtx, config: Config) {
  const setup = await loadMailSetup(dc.db, config.mail);
  const view = await mailSettingsView(dc.db, setup, { transport: '', effectiveFrom: dc.mail.from, secretKeyFromEnv: config.secretKey !== null, now: dc.now() });
  return view.mailboxes;
}

async function readPassword(f: Record<string, string | true>): Promise<string | undefined> {
  if (typeof f.password === 'string') return f.password;
  if (f['password-stdin']) {
    const chunks: Buffer[] = [];
    for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
  }
  if (typeof f['password-file'] === 'string') return readFileSync(f['password-file'], 'utf8').replace(/\r?\n$/, '');
  return undefined;
}

export async function mailboxCommand(config: Config, argv: string[]): Promise<unknown> {
  const [sub, ...rest] = argv;
  switch (sub) {
    case 'list':
      if (rest.length) throw new UsageError('mailbox list takes no options.');
      return withDomain(config, (dc) => mailboxList(dc, config));
    case 'add': {
      const f = flags(rest, ['url', 'name', 'host', 'port', 'security', 'user', 'password', 'password-file', 'folder', 'after', 'move-to'], ['password-stdin']);
      let input: Record<string, unknown>;
      if (typeof f.url === 'string') {
        // The IMAP_MAILBOXES form: imaps://user:password@host:993/INBOX?name=support&after=move&moveTo=Done
        const [m] = parseImapMailboxes(f.url);
        if (!m) throw new UsageError('--url must be one mailbox URL like imaps://user:password@imap.example.com/INBOX?name=support.');
        input = { name: m.name, host: m.host, port: m.port, security: m.secure ? 'tls' : 'starttls', username: m.user, password: m.password, folder: m.mailbox, after: m.after, moveTo: m.moveTo };
      } else {
        input = { name: f.name, host: f.host, port: f.port === undefined ? undefined : Number(f.port), security: f.security ?? 'tls', username: f.user, folder: f.folder, after: f.after, moveTo: f['move-to'] };
        if (input.port === undefined) input.port = input.security === 'tls' ? 993 : 143;
      }
      const password = await readPassword(f);
      if (password !== undefined) input.password = password;
      const parsed = mailboxSettingsInput.safeParse(input);
      if (!parsed.success) throw zodIssues(parsed.error);
      return withDomain(config, async (dc) => {
        // names the environment uses (IMAP_MAILBOXES, GRAPH_*) are taken
        const reserved = [...config.mail.imapMailboxes.map((m) => m.name), ...(config.mail.graphMailbox ? [config.mail.graphMailbox.name] : [])];
        await addMailbox(dc, parsed.data as MailboxInput, reserved);
        return (await mailboxList(dc, config)).find((m) => m.name === parsed.data.name);
      });
    }
    case 'remove':
    case 'pause':
    case 'resume': {
      const f = flags(rest, ['name']);
      if (typeof f.name !== 'string') throw new UsageError(`mailbox ${sub} needs --name <mailbox name>.`);
      const name = f.name;
      return withDomain(config, async (dc) => {
        const row = await findMailboxByName(dc.db, name);
        if (!row) {
          if (config.mail.imapMailboxes.some((m) => m.name.toLowerCase() === name.toLowerCase())) throw new AppError('SET_BY_ENVIRONMENT');
          throw new AppError('MAILBOX_NOT_FOUND', `No mailbox is named "${name}".`);
        }
        if (sub === 'remove') {
          await removeMailbox(dc, row.id);
          return { removed: row.name };
        }
        await setMailboxPaused(dc, row.id, sub === 'pause');
        return (await mailboxList(dc, config)).find((m) => m.id === row.id);
      });
    }
    default:
      throw new UsageError('mailbox takes: list, add, remove, pause or resume.');
  }
}

/**
 * `desk webhook --project <path> [--regenerate]`: prints exactly `{ "url": …, "secret": … }`, the
 * project's webhook for code hosts (made on first use, the same on later calls until
 * regenerated), so operators can script the host's webhook setup.
 */
export async function webhookCommand(config: Config, argv: string[]): Promise<{ url: string; secret: string }> {
  const f = flags(argv, ['project'], ['regenerate']);
  if (typeof f.project !== 'string') throw new UsageError('webhook needs --project <group/project>.');
  const path = projectPathSchema.safeParse(f.project);
  if (!path.success) throw zodIssues(path.error);
  return withDomain(config, async (dc) => {
    const project = await findProjectByPath(dc.db, path.data);
    if (!project) throw new AppError('PROJECT_NOT_FOUND', `No project at path "${path.data}".`);
    const hook = f.regenerate ? await regenerateWebhook(dc, project.id, COMMAND_LINE) : await revealWebhook(dc, project.id, COMMAND_LINE);
    return { url: hook.url, secret: hook.secret };
  });
}
