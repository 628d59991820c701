import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { AppError } from '../../shared/errors';
import { ACCESS } from '../../shared/roles';
import { findProjectByPath, type ProjectRow } from '../domain/accounts/access';
import { removeMember } from '../domain/accounts/members';
import { seedAdmin, seedMember, seedProject, seedUser, signIn, startTestApp, type TestApp } from '../testing/test-app';
import { createViewerAccessBoard } from './viewer-access';

const P = 'acme/watch';
let app: TestApp;
let project: ProjectRow;

before(async () => {
  app = await startTestApp();
  await seedAdmin(app);
  await seedProject(app, P, 'private');
  project = (await findProjectByPath(app.dc.db, P))!;
});
after(() => app.close());

const token = (cookie: string) => cookie.replace(/^tl_session=/, '');
const codeOf = async (fn: () => unknown): Promise<string> => {
  try {
    await fn();
    return 'OK';
  } catch (err) {
    return err instanceof AppError ? err.code : String(err);
  }
};

test('a removed member loses live access within a second, and every subscription of the session with them', async () => {
  const userId = await seedUser(app, 'dev@test.io');
  await seedMember(app, P, 'dev@test.io', 'developer');
  const session = await signIn(app, 'dev@test.io');
  let t = 0;
  const board = createViewerAccessBoard(app.dc, () => t, { refreshEveryMs: 0 });
  const tab1 = board(project, token(session.cookie), userId);
  const tab2 = board(project, token(session.cookie), userId);
  assert.equal(await tab1.current(), ACCESS.developer);
  assert.equal(await tab2.current(), ACCESS.developer);

  await removeMember(app.dc, { project, role: null, access: ACCESS.admin }, 'dev@test.io');
  t = 999;
  assert.equal(await tab1.current(), ACCESS.developer, 'the answer is at most a second old');
  t = 1000;
  assert.equal(await codeOf(() => tab2.current()), 'FORBIDDEN');
  assert.equal(await codeOf(() => tab1.current()), 'FORBIDDEN');
  tab1.release();
  tab2.release();
});

test('a signed-out session stops receiving; another session of the same user is checked on its own', async () => {
  const userId = await seedUser(app, 'rep@test.io');
  await seedMember(app, P, 'rep@test.io', 'reporter');
  const phone = await signIn(app, 'rep@test.io');
  const laptop = await signIn(app, 'rep@test.io');
  let t = 0;
  const board = createViewerAccessBoard(app.dc, () => t, { refreshEveryMs: 0 });
  const onPhone = board(project, token(phone.cookie), userId);
  const onLaptop = board(project, token(laptop.cookie), userId);
  assert.equal(await onPhone.current(), ACCESS.reporter);
  assert.equal(await onLaptop.current(), ACCESS.reporter);

  await phone.trpc.auth.logout.mutate();
  t = 1000;
  assert.equal(await codeOf(() => onPhone.current()), 'UNAUTHENTICATED');
  assert.equal(await onLaptop.current(), ACCESS.reporter);
  assert.equal(await codeOf(() => board(project, 'forged', userId).current()), 'UNAUTHENTICATED');
});

test('in the background, checks are re-read before they expire, so delivery does not wait on a query', async () => {
  const userId = await seedUser(app, 'bg@test.io');
  await seedMember(app, P, 'bg@test.io', 'developer');
  const session = await signIn(app, 'bg@test.io');
  let t = 0;
  const board = createViewerAccessBoard(app.dc, () => t, { refreshEveryMs: 10 });
  const tab = board(project, token(session.cookie), userId);
  assert.equal(await tab.current(), ACCESS.developer);
  await removeMember(app.dc, { project, role: null, access: ACCESS.admin }, 'bg@test.io');
  t = 990;
  // the refresher sees the removal within a tick, before the check is a second old
  await new Promise<void>((resolve) => setTimeout(resolve, 50));
  assert.equal(await codeOf(() => tab.current()), 'FORBIDDEN');
  tab.release();
});

test('a check read that takes longer than a second still answers (it is not read again and again)', async () => {
  const userId = await seedUser(app, 'slow@test.io');
  await seedMember(app, P, 'slow@test.io', 'developer');
  const session = await signIn(app, 'slow@test.io');
  // Each query moves the clock 0.6 s on: one check read (session, membership) takes 1.2 s.
  let clock = 0;
  let queries = 0;
  const db = new Proxy(app.dc.db, {
    get(target, key) {
      if (key === 'select') {
        queries++;
        clock += 600;
        if (queries > 20) throw new Error('still reading after 20 queries');
      }
      return Reflect.get(target, key);
    },
  });
  const board = createViewerAccessBoard({ ...app.dc, db }, () => clock, { refreshEveryMs: 0 });
  const tab = board(project, token(session.cookie), userId);
  assert.equal(await tab.current(), ACCESS.developer);
  assert.equal(queries, 2, 'one read');
  tab.release();
});
