/**
 * The answers a page is about to ask for, put into the page itself (shared/preload.ts): for every
 * visitor, whether they have a session (`auth.status`); for a signed-in one, who they are, and on
 * a project's queue or ticket the project and the first page of tickets or the ticket. Asked through the API's own procedures as that visitor, so the
 * same authorisation and masking apply as to the requests they replace. A query that fails is
 * left out: the page asks it itself and shows the error as usual.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { parseProjectRoute } from '../../shared/project-route';
import { PRELOAD_ELEMENT_ID, preloadKey, scriptSafeJson, type PreloadEntries } from '../../shared/preload';
import { parseQueueParams, queueCountsInput, queueListInput } from '../../shared/queue-filter';
import { CAN } from '../../shared/roles';
import type { Context } from '../trpc/context';
import { appRouter } from '../trpc/router';

type CreateContext = (opts: { req: IncomingMessage; res: ServerResponse }) => Promise<Context>;

export function createPagePreloader(createContext: CreateContext) {
  return async function preload(req: IncomingMessage, res: ServerResponse): Promise<string> {
    const ctx = await createContext({ req, res });
    const caller = appRouter.createCaller(ctx);
    const entries: PreloadEntries = {};
    const put = async <T>(path: string, input: unknown, ask: () => Promise<T>): Promise<T | undefined> => {
      try {
        const value = await ask();
        entries[preloadKey(path, input)] = value;
        return value;
      } catch {
        return undefined;
      }
    };

    // Every page starts by asking whether it has a session; only then, and only if so, who it is.
    const status = put('auth.status', undefined, () => caller.auth.status());
    if (!ctx.user) {
      await status;
      return script(entries);
    }
    const url = new URL(req.url ?? '/', 'http://x');
    const asks: Promise<unknown>[] = [status, put('auth.me', undefined, () => caller.auth.me())];
    if (url.pathname.startsWith('/p/')) {
      let splat: string;
      try {
        splat = decodeURIComponent(url.pathname.slice('/p/'.length));
      } catch {
        splat = '';
      }
      const route = parseProjectRoute(splat);
      const projectPath = route.projectPath;
      if (projectPath && (route.page === 'queue' || route.page === 'ticket')) {
        const project = put('projects.get', { projectPath }, () => caller.projects.get({ projectPath }));
        asks.push(project);
        if (route.page === 'ticket') {
          const position = { projectPath, state: 'all' as const, limit: 1 };
          asks.push(put('tickets.list', position, () => caller.tickets.list(position)));
          asks.push(put('tickets.get', { projectPath, iid: route.iid }, () => caller.tickets.get({ projectPath, iid: route.iid })));
        } else {
          // The filter depends on the visitor's access (confidentiality filter), known with the project.
          asks.push(
            project.then(async (p) => {
              if (!p) return;
              const f = parseQueueParams((name) => url.searchParams.get(name) ?? '', p.access >= CAN.seeConfidential);
              const list = queueListInput(projectPath, f);
              const counts = queueCountsInput(projectPath, f);
              await Promise.all([put('tickets.list', list, () => caller.tickets.list(list)), put('tickets.counts', counts, () => caller.tickets.counts(counts))]);
            }),
          );
        }
      }
    }
    await Promise.all(asks);
    return script(entries);
  };
}

function script(entries: PreloadEntries): string {
  return `<script type="application/json" id="${PRELOAD_ELEMENT_ID}">${scriptSafeJson(entries)}</script>`;
}
