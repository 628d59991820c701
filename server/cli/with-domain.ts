/** The CLI's way to reach the domain: open the database, do one thing, close it. */
import { createDomain } from '../domain-context';
import type { Config } from '../config';
import type { DomainCtx } from '../domain/core/context';

/** Opens the database, runs `fn`, and closes it again (open pools would keep the process alive). */
export async function withDomain<T>(config: Config, fn: (dc: DomainCtx) => Promise<T>): Promise<T> {
  const dc = await createDomain(config);
  try {
    return await fn(dc);
  } finally {
    await dc.db.close();
  }
}
