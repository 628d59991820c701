/**
 * `npm run desk -- <command> [options]`: administration without the UI. Each command prints one
 * line of JSON on success and exits non-zero with a clear message on error.
 */
import { z } from 'zod';
import { AppError } from '../../shared/errors';
import { createProjectInput, createUserInput, email, memberInput, projectPath, role, setupInput } from '../../shared/schemas';
import { loadConfig, type Config } from '../config';
import { describeStartupError } from '../startup-errors';
import { ACCESS } from '../../shared/roles';
import type { ProjectAccess } from '../domain/accounts/access';
import { findProjectByPath } from '../domain/accounts/access';
import { setMember } from '../domain/accounts/members';
import { createProject } from '../domain/projects/projects';
import { createFirstAdmin, createUser } from '../domain/accounts/users';
import { COMMAND_LINE } from '../domain/audit/audit-log';
import { invite } from '../domain/accounts/invitations';
import { issuePasswordReset } from '../domain/accounts/password-reset';
import { deactivateUser, reactivateUser } from '../domain/accounts/user-admin';
import { parseFlags, TempFailure, UsageError } from './args';
import { withDomain } from './with-domain';

const USAGE = `Usage: npm run desk -- <command> [options]

Commands:
  create-admin   --email <e> --password <p> [--name <n>]   create an instance administrator
  create-user    --email <e> --password <p> [--name <n>]   create a user
  create-project --path <group/project> [--name <n>] [--visibility private|internal|public]
  add-member     --project <path> --email <e> --role <guest|reporter|developer|maintainer|owner>
  reset-password --email <e>               print a password reset link (valid 1 hour; nothing is emailed)
  deactivate-user --email <e>              deactivate an account: its sessions end at once
  reactivate-user --email <e>              let a deactivated account sign in again
  invite         --email <e> [--project <path> --role <role>]
                                            email an invitation and print its link (valid 7 days); someone
                                            who already has an account is added to the project
  ingest <file.eml|->                       ingest one raw email (use - for stdin, e.g. from an MTA pipe);
                                            exits 75 (EX_TEMPFAIL) if it could not be stored, so the MTA retries
  quarantine list                           list quarantined messages
  quarantine retry <id>                     process a quarantined message again
  quarantine discard <id>                   drop a quarantined message (kept, marked discarded)
  service-desk --project <path> [--enable|--disable] [--project-key <k>|none] [--add-cc on|off]
               [--confidential on|off] [--reopen on|off] [--thank-you on|off] [--resolved on|off]
               [--outgoing-name <n>|none] [--issue-template <key>|none]
                                            show or change a project's Service Desk settings
  webhook --project <path> [--regenerate]   print { "url", "secret" } of the project's webhook for GitLab,
                                            GitHub, Gitea and Forgejo (made on first use; --regenerate
                                            replaces both, the old ones stop working)
  mailbox list                              IMAP mailboxes (settings and health; never passwords)
  mailbox add --name <n> --host <h> [--port <p>] [--security tls|starttls|none] --user <u>
              (--password <p> | --password-stdin | --password-file <f>)
              [--folder INBOX] [--after seen|move|delete] [--move-to <folder>]
  mailbox add --url imaps://user:password@host/INBOX?name=<n>   (the IMAP_MAILBOXES form)
  mailbox remove|pause|resume --name <n>    a running server applies it at once

Environment: DATA_DIR (default ./data) selects the database (DATABASE_URL for PostgreSQL).`;

function validate<T>(schema: z.ZodType<T>, value: unknown): T {
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    throw new UsageError(
      parsed.error.issues.map((i) => (i.path.length ? `--${i.path.join('.')}: ${i.message}` : i.message)).join('\n'),
    );
  }
  return parsed.data;
}

/** the configuration once read, so that an error can name the folder or database it concerns */
let loaded: Config | null = null;

async function run(argv: string[]): Promise<unknown> {
  const [command, ...rest] = argv;
  if (!command || command === 'help' || command === '--help' || command === '-h') {
    process.stdout.write(`${USAGE}\n`);
    process.exit(command ? 0 : 2);
  }
  const config = loadConfig();
  loaded = config;
  switch (command) {
    case 'create-admin': {
      const input = validate(setupInput, parseFlags(rest, ['email', 'password', 'name']));
      return withDomain(config, async (dc) => {
        // The first admin goes through setup's guarded path; later admins are ordinary users with the flag.
        try {
          return await createFirstAdmin(dc, input);
        } catch (err) {
          if (err instanceof AppError && err.code === 'SETUP_DONE') return await createUser(dc, { ...input, isAdmin: true });
          throw err;
        }
      });
    }
    case 'create-user': {
      const input = validate(createUserInput, parseFlags(rest, ['email', 'password', 'name']));
      return withDomain(config, (dc) => createUser(dc, input, COMMAND_LINE));
    }
    case 'create-project': {
      const input = validate(createProjectInput, parseFlags(rest, ['path', 'name', 'visibility']));
      return withDomain(config, async (dc) => {
        const p = await createProject(dc, input, COMMAND_LINE);
        return { id: p.id, path: p.path, name: p.name, visibility: p.visibility };
      });
    }
    case 'add-member': {
      const flags = parseFlags(rest, ['project', 'email', 'role']);
      const input = validate(memberInput, { projectPath: flags.project, email: flags.email, role: flags.role });
      return withDomain(config, async (dc) => {
        const project = await findProjectByPath(dc.db, input.projectPath);
        if (!project) throw new AppError('PROJECT_NOT_FOUND', `No project at path "${input.projectPath}".`);
        // The CLI runs with the machine operator's authority, like an instance admin.
        const pa: ProjectAccess = { project, role: null, access: ACCESS.admin };
        const m = await setMember(dc, pa, input, COMMAND_LINE);
        return { project: project.path, email: m.user.email, role: m.role };
      });
    }
    case 'reset-password': {
      const input = validate(z.object({ email }), parseFlags(rest, ['email']));
      return withDomain(config, (dc) => issuePasswordReset(dc, COMMAND_LINE, { email: input.email }, { email: false }));
    }
    case 'deactivate-user':
    case 'reactivate-user': {
      const input = validate(z.object({ email }), parseFlags(rest, ['email']));
      return withDomain(config, async (dc) => {
        const u = command === 'deactivate-user' ? await deactivateUser(dc, COMMAND_LINE, input) : await reactivateUser(dc, COMMAND_LINE, input);
        return { email: u.email, deactivated: u.deactivated };
      });
    }
    case 'invite': {
      const flags = parseFlags(rest, ['email', 'project', 'role']);
      const input = validate(
        z.object({ email, projectPath: projectPath.optional(), role: role.optional() }).refine((v) => (v.projectPath === undefined) === (v.role === undefined), '--project and --role go together.'),
        { email: flags.email, projectPath: flags.project, role: flags.role },
      );
      return withDomain(config, async (dc) => {
        let pa: ProjectAccess | undefined;
        if (input.projectPath) {
          const project = await findProjectByPath(dc.db, input.projectPath);
          if (!project) throw new AppError('PROJECT_NOT_FOUND', `No project at path "${input.projectPath}".`);
          pa = { project, role: null, access: ACCESS.admin };
        }
        const result = await invite(dc, COMMAND_LINE, { email: input.email, pa, role: input.role });
        if (result.status === 'invited') return { url: result.url };
        return { url: null, added: { project: input.projectPath, email: result.member.user.email, role: result.member.role } };
      });
    }
    // loaded on demand: the mail pipeline is most of the code, and only these commands need it
    case 'ingest':
      return (await import('./mail-commands')).ingestCommand(config, rest);
    case 'quarantine':
      return (await import('./mail-commands')).quarantineCommand(config, rest);
    case 'service-desk':
      return (await import('./setup-commands')).serviceDeskCommand(config, rest);
    case 'mailbox':
      return (await import('./setup-commands')).mailboxCommand(config, rest);
    case 'webhook':
      return (await import('./setup-commands')).webhookCommand(config, rest);
    default:
      throw new UsageError(`Unknown command "${command}".`);
  }
}

try {
  const result = await run(process.argv.slice(2));
  process.stdout.write(`${JSON.stringify(result)}\n`);
  process.exit(0);
} catch (err) {
  if (err instanceof UsageError) {
    process.stderr.write(`Error: ${err.message}\n\n${USAGE}\n`);
    process.exit(2);
  }
  if (err instanceof AppError) {
    process.stderr.write(`Error: ${err.message} (${err.code})\n`);
    process.exit(1);
  }
  process.stderr.write(`Error: ${err instanceof TempFailure ? err.message : describeStartupError(err, loaded)}\n`);
  process.exit(err instanceof TempFailure ? 75 : 1);
}
