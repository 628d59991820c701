/**
 * Integration-test support: a real app (HTTP + WebSocket) on a free port over a temp SQLite
 * file — or, when the harness runs the suite on PostgreSQL (THREADLINE_TEST_PG), a fresh
 * database on the harness's private cluster — and tRPC clients that sign in with real session
 * cookies.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createTRPCClient, createWSClient, httpLink, TRPCClientError, wsLink } from '@trpc/client';
import WebSocket from 'ws';
import { startApp, type RunningApp } from '../app';
import { loadConfig } from '../config';
import { createProject } from '../domain/projects/projects';
import { setMember } from '../domain/accounts/members';
import { findProjectByPath } from '../domain/accounts/access';
import { createUser, createFirstAdmin } from '../domain/accounts/users';
import type { AppRouter } from '../trpc/router';
import { ACCESS, type Role, type Visibility } from '../../shared/roles';

export const PASSWORD = 'correct-horse-battery';

export interface TestApp extends RunningApp {
  dataDir: string;
  /** the DATABASE_URL this app runs on ('' for SQLite in dataDir): a second app on the same database uses it too */
  databaseUrl: string;
  close(): Promise<void>;
}

/** The engine this test process runs on: the harness sets THREADLINE_TEST_PG for the PostgreSQL pass. */
export const TEST_ENGINE: 'sqlite' | 'pg' = process.env.THREADLINE_TEST_PG ? 'pg' : 'sqlite';

/**
 * A DATABASE_URL for one test app: on the PostgreSQL pass a new, empty database (cloned from the
 * harness's migrated template when there is one), on SQLite '' (a file in the app's DATA_DIR).
 */
export async function testDatabaseUrl(): Promise<string> {
  const admin = process.env.THREADLINE_TEST_PG;
  if (!admin) return '';
  const name = `t_${process.pid}_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`;
  const { default: pg } = await import('pg');
  const client = new pg.Client({ connectionString: admin });
  await client.connect();
  try {
    const template = process.env.THREADLINE_TEST_PG_TEMPLATE;
    await client.query(`create database ${name}${template ? ` template ${template}` : ''}`);
  } finally {
    await client.end();
  }
  const url = new URL(admin);
  url.pathname = `/${name}`;
  return url.toString();
}

export async function startTestApp(env: Record<string, string> = {}): Promise<TestApp> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'threadline-test-'));
  const databaseUrl = env.DATABASE_URL ?? (await testDatabaseUrl());
  const config = loadConfig({ PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir, LOG_LEVEL: 'error', SMTP_LISTEN: '127.0.0.1:0', DATABASE_URL: databaseUrl, ...env });
  const app = await startApp(config);
  return {
    ...app,
    url: app.localUrl,
    dataDir,
    databaseUrl: config.databaseUrl,
    async close() {
      await app.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export async function seedAdmin(app: TestApp, email = 'admin@test.io'): Promise<void> {
  await createFirstAdmin(app.dc, { email, password: PASSWORD, name: 'Admin' });
}

export async function seedUser(app: TestApp, email: string, name?: string): Promise<number> {
  return (await createUser(app.dc, { email, password: PASSWORD, name })).id;
}

export async function seedProject(app: TestApp, projectPath: string, visibility: Visibility = 'private'): Promise<void> {
  await createProject(app.dc, { path: projectPath, visibility });
}

export async function seedMember(app: TestApp, projectPath: string, email: string, role: Role): Promise<void> {
  const project = await findProjectByPath(app.dc.db, projectPath);
  if (!project) throw new Error(`no project ${projectPath}`);
  await setMember(app.dc, { project, role: null, access: ACCESS.admin }, { email, role });
}

/** Each a new user and a member of the project with that role. */
export async function seedMembers(app: TestApp, projectPath: string, members: readonly (readonly [email: string, role: Role])[]): Promise<void> {
  for (const [email, role] of members) {
    await seedUser(app, email);
    await seedMember(app, projectPath, email, role);
  }
}

export type Client = ReturnType<typeof createTRPCClient<AppRouter>>;

export interface Session {
  trpc: Client;
  cookie: string;
  /** A client whose subscriptions run over a real WebSocket with this session's cookie. */
  live(): { trpc: Client; close(): void };
}

/** A tRPC client over HTTP that keeps the session cookie, like a browser would. */
export function httpClient(app: TestApp, jar: { cookie: string }, origin?: string): Client {
  return createTRPCClient<AppRouter>({
    links: [
      httpLink({
        url: `${app.url}/trpc`,
        fetch: async (url, init) => {
          const headers = new Headers(init?.headers);
          if (jar.cookie) headers.set('cookie', jar.cookie);
          if (origin) headers.set('origin', origin);
          const res = await fetch(url, { ...init, headers } as RequestInit);
          const set = res.headers.getSetCookie();
          for (const c of set) {
            const pair = c.split(';')[0] ?? '';
            if (pair.startsWith('tl_session=')) jar.cookie = pair.endsWith('=') ? '' : pair;
          }
          return res;
        },
      }),
    ],
  });
}

export function wsClientFor(app: TestApp, cookie: string, origin = app.url) {
  const url = `${app.url.replace(/^http/, 'ws')}/trpc`;
  class CookieWebSocket extends WebSocket {
    constructor(address: string) {
      super(address, { headers: { cookie, origin } });
    }
  }
  return createWSClient({ url, WebSocket: CookieWebSocket as unknown as typeof globalThis.WebSocket, retryDelayMs: () => 50 });
}

export async function signIn(app: TestApp, email: string, password = PASSWORD): Promise<Session> {
  const jar = { cookie: '' };
  const trpc = httpClient(app, jar);
  await trpc.auth.login.mutate({ email, password });
  return {
    trpc,
    cookie: jar.cookie,
    live() {
      const ws = wsClientFor(app, jar.cookie);
      return { trpc: createTRPCClient<AppRouter>({ links: [wsLink({ client: ws })] }), close: () => void ws.close() };
    },
  };
}

/** The tRPC error code of a failed call, or 'OK' when it succeeded. */
export async function outcome(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'OK';
  } catch (err) {
    if (err instanceof TRPCClientError) return String(err.data?.code ?? err.message);
    throw err;
  }
}

/** Collects subscription items until `count` arrived (or rejects after `ms`). */
export function collect<T>(
  subscribe: (handlers: { onData(v: T): void; onError(e: unknown): void }) => { unsubscribe(): void },
): { items: T[]; waitFor(count: number, ms?: number): Promise<T[]>; errors: unknown[]; stop(): void } {
  const items: T[] = [];
  const errors: unknown[] = [];
  const waiters: (() => void)[] = [];
  const sub = subscribe({
    onData(v) {
      items.push(v);
      for (const w of waiters.splice(0)) w();
    },
    onError(e) {
      errors.push(e);
      for (const w of waiters.splice(0)) w();
    },
  });
  return {
    items,
    errors,
    stop: () => sub.unsubscribe(),
    waitFor(count, ms = 5000) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`timed out with ${items.length}/${count} items; errors: ${errors.map(String).join(', ')}`)), ms);
        const check = () => {
          if (items.length >= count || errors.length > 0) {
            clearTimeout(timer);
            if (errors.length > 0 && items.length < count) reject(errors[0]);
            else resolve(items);
          } else waiters.push(check);
        };
        check();
      });
    },
  };
}
