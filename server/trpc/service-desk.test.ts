/** Service Desk settings over the API: who may change them, and the project key checked as you type. */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { outcome, seedAdmin, seedMember, seedProject, seedUser, signIn, startTestApp, type Session, type TestApp } from '../testing/test-app';

let app: TestApp;
let maintainer: Session;
let reporter: Session;

before(async () => {
  app = await startTestApp({ SERVICE_DESK_EMAIL: 'contact+%{key}@help.example.com' });
  await seedAdmin(app);
  await seedProject(app, 'acme/app');
  await seedProject(app, 'acme/app-x');
  await seedProject(app, 'acme-app/x');
  await seedUser(app, 'maint@sd.io');
  await seedUser(app, 'rep@sd.io');
  for (const p of ['acme/app', 'acme/app-x', 'acme-app/x']) await seedMember(app, p, 'maint@sd.io', 'maintainer');
  await seedMember(app, 'acme/app', 'rep@sd.io', 'reporter');
  maintainer = await signIn(app, 'maint@sd.io');
  reporter = await signIn(app, 'rep@sd.io');
});

after(() => app.close());

test('a maintainer changes settings; a reporter may read the address but not change anything', async () => {
  const next = await maintainer.trpc.serviceDesk.update.mutate({ projectPath: 'acme/app', addCcParticipants: true, outgoingName: 'Acme Help' });
  assert.equal(next.addCcParticipants, true);
  assert.equal(next.outgoingName, 'Acme Help');
  assert.equal((await reporter.trpc.serviceDesk.get.query({ projectPath: 'acme/app' })).addCcParticipants, true);
  assert.equal(await outcome(reporter.trpc.serviceDesk.update.mutate({ projectPath: 'acme/app', enabled: false })), 'FORBIDDEN');
  assert.equal(await outcome(reporter.trpc.serviceDesk.checkKey.query({ projectPath: 'acme/app', projectKey: 'x' })), 'FORBIDDEN');
});

test('checkKey: format rules, the resulting alias address, and uniqueness of slug+key across projects', async () => {
  const check = (projectPath: string, projectKey: string) => maintainer.trpc.serviceDesk.checkKey.query({ projectPath, projectKey });
  const bad = await check('acme/app', 'Support!');
  assert.equal(bad.ok, false);
  assert.match(bad.message ?? '', /only lowercase letters, digits, and '_'/);
  const good = await check('acme/app', 'support');
  assert.deepEqual(good, { ok: true, message: null, address: 'contact+acme-app-support@help.example.com' });
  await maintainer.trpc.serviceDesk.update.mutate({ projectPath: 'acme/app', projectKey: 'support' });
  assert.equal((await maintainer.trpc.serviceDesk.get.query({ projectPath: 'acme/app' })).address, 'contact+acme-app-support@help.example.com');
  // 'acme/app-x' and 'acme-app/x' have the same slug: the same key would be the same address
  // (keys are kept unique outright, which covers it)
  await maintainer.trpc.serviceDesk.update.mutate({ projectPath: 'acme/app-x', projectKey: 'billing' });
  assert.equal((await check('acme/app', 'billing')).ok, false);
  const taken = await check('acme-app/x', 'billing');
  assert.equal(taken.ok, false);
  assert.match(taken.message ?? '', /already/i);
  assert.equal(await outcome(maintainer.trpc.serviceDesk.update.mutate({ projectPath: 'acme-app/x', projectKey: 'billing' })), 'CONFLICT');
  assert.equal((await check('acme-app/x', 'help')).ok, true);
  // its own key is not "taken" by itself
  assert.equal((await check('acme/app-x', 'billing')).ok, true);
});

test('update refuses an invalid key with a precise message and changes nothing', async () => {
  await assert.rejects(maintainer.trpc.serviceDesk.update.mutate({ projectPath: 'acme/app', projectKey: 'UPPER' }), /projectKey: Project key can contain only/);
  assert.equal((await maintainer.trpc.serviceDesk.get.query({ projectPath: 'acme/app' })).projectKey, 'support');
});

test('without SERVICE_DESK_EMAIL a key cannot be used, and the form says why', async () => {
  const plain = await startTestApp();
  try {
    await seedAdmin(plain);
    await seedProject(plain, 'solo/desk');
    const admin = await signIn(plain, 'admin@test.io');
    const r = await admin.trpc.serviceDesk.checkKey.query({ projectPath: 'solo/desk', projectKey: 'help' });
    assert.equal(r.ok, false);
    assert.match(r.message ?? '', /SERVICE_DESK_EMAIL/);
  } finally {
    await plain.close();
  }
});

test('projects.addresses: admins see every project address; others are refused', async () => {
  const admin = await signIn(app, 'admin@test.io');
  const list = await admin.trpc.projects.addresses.query();
  assert.deepEqual(
    list.find((p) => p.path === 'acme/app'),
    { path: 'acme/app', address: 'contact+acme-app-support@help.example.com', enabled: true },
  );
  assert.equal(await outcome(maintainer.trpc.projects.addresses.query()), 'FORBIDDEN');
});
