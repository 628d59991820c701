/** `desk ingest` and `desk quarantine …`. The CLI only queues email; the server's outbox sends it. */
import { readFileSync } from 'node:fs';
import { AppError } from '../../shared/errors';
import type { Config } from '../config';
import type { DomainCtx } from '../domain/core/context';
import { discardQuarantined, getInbound, listInbound } from '../domain/mail-log/inbound-log';
import { createMailCore } from '../mail/runtime';
import { TempFailure, UsageError } from './args';
import { withDomain } from './with-domain';

async function readInput(arg: string): Promise<Buffer> {
  if (arg !== '-') {
    try {
      return readFileSync(arg);
    } catch (err) {
      throw new UsageError(`Cannot read ${arg}: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

export async function ingestCommand(config: Config, args: string[]): Promise<unknown> {
  if (args.length !== 1 || !args[0]) throw new UsageError('ingest takes one argument: a file path, or - for standard input.');
  const raw = await readInput(args[0]);
  const tempFailure = (err: unknown) => new TempFailure(`Could not store the message: ${err instanceof Error ? err.message : String(err)}`);
  try {
    return await withDomain(config, async (dc) => {
      const { ingest } = await createMailCore(dc, config);
      try {
        return await ingest.receive(raw, { source: 'cli' });
      } catch (err) {
        throw tempFailure(err);
      }
    });
  } catch (err) {
    // The database could not even be opened (PostgreSQL down, disk full): the MTA keeps the mail.
    if (err instanceof TempFailure || err instanceof UsageError || err instanceof AppError) throw err;
    throw tempFailure(err);
  }
}

export async function quarantineCommand(config: Config, args: string[]): Promise<unknown> {
  const [sub, idArg] = args;
  if (sub !== 'list' && sub !== 'retry' && sub !== 'discard') throw new UsageError('quarantine takes: list, retry <id>, or discard <id>.');
  const id = Number(idArg);
  if (sub !== 'list' && (!Number.isInteger(id) || id <= 0)) throw new UsageError(`quarantine ${sub} needs a message id (a positive number).`);
  return withDomain(config, async (dc) => {
    if (sub === 'list') return quarantineList(dc);
    const row = await getInbound(dc.db, id);
    if (!row) throw new AppError('INBOUND_NOT_FOUND');
    if (row.status !== 'quarantined') throw new AppError('NOT_QUARANTINED');
    if (sub === 'discard') {
      const at = dc.now();
      if (!(await dc.db.write((tx) => discardQuarantined(tx, id, at)))) throw new AppError('NOT_QUARANTINED');
      return { id, status: 'discarded' };
    }
    return (await createMailCore(dc, config)).ingest.reprocess(id);
  });
}

async function quarantineList(dc: DomainCtx): Promise<unknown> {
  const rows = await listInbound(dc.db, { status: ['quarantined'], limit: 100 });
  return rows.map((r) => ({
    id: r.id,
    source: r.source,
    from: r.fromAddress,
    subject: r.subject,
    error: r.error,
    receivedAt: new Date(r.receivedAt).toISOString(),
  }));
}
