/** Single-line fields over the API: line breaks, other control characters and bidi overrides are refused. */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { TRPCClientError } from '@trpc/client';
import { seedAdmin, seedMember, seedProject, seedUser, signIn, startTestApp, type Session, type TestApp } from '../testing/test-app';

let app: TestApp;
let admin: Session;
let maintainer: Session;
const P = 'acme/app';
const INJECTION = 'Hello\r\nBcc: x@evil.example';

before(async () => {
  app = await startTestApp();
  await seedAdmin(app);
  await seedProject(app, P);
  await seedUser(app, 'maint@test.io', 'Maintainer');
  await seedMember(app, P, 'maint@test.io', 'maintainer');
  admin = await signIn(app, 'admin@test.io');
  maintainer = await signIn(app, 'maint@test.io');
});
after(() => app.close());

/** Asserts a 400 whose message is exactly the field's sentence (after its path). */
async function refused(call: Promise<unknown>, message: string): Promise<void> {
  await assert.rejects(call, (err: unknown) => {
    assert.ok(err instanceof TRPCClientError, String(err));
    assert.equal(err.data?.code, 'BAD_REQUEST');
    assert.equal(err.data?.appCode, 'INVALID_INPUT');
    assert.match(err.message, new RegExp(`^[\\w.]+: ${message.replace(/\./g, '\\.')}$`));
    return true;
  });
}

test('a title with a header injection is refused with a clear message, and no ticket is made', async () => {
  await refused(maintainer.trpc.tickets.create.mutate({ projectPath: P, title: INJECTION }), 'Title must be a single line without control characters.');
  assert.equal((await maintainer.trpc.tickets.list.query({ projectPath: P })).items.length, 0);

  const t = await maintainer.trpc.tickets.create.mutate({ projectPath: P, title: '  Printer on fire  ' });
  assert.equal(t.title, 'Printer on fire', 'surrounding whitespace is still just trimmed');
  await refused(maintainer.trpc.tickets.update.mutate({ projectPath: P, iid: t.iid, title: INJECTION }), 'Title must be a single line without control characters.');
  assert.equal((await maintainer.trpc.tickets.get.query({ projectPath: P, iid: t.iid })).title, 'Printer on fire');
});

test('every kind of line break, control character and bidi override is refused in a title', async () => {
  const bad = ['a\nb', 'a\rb', 'a\tb', 'a\u0000b', 'a\u001bb', 'a\u007fb', 'a\u0085b', 'a\u2028b', 'a\u2029b', 'a\u202eb', 'a\u2066b', 'a\u2069b'];
  for (const title of bad) {
    await refused(maintainer.trpc.tickets.create.mutate({ projectPath: P, title }), 'Title must be a single line without control characters.');
  }
  const fine = await maintainer.trpc.tickets.create.mutate({ projectPath: P, title: 'Ünïcödé, emoji 🔥 and עברית are fine' });
  assert.equal(fine.title, 'Ünïcödé, emoji 🔥 and עברית are fine');
});

test('names, labels, the outgoing display name and template names are single lines too', async () => {
  await refused(admin.trpc.users.create.mutate({ email: 'new@test.io', password: 'long-enough-pw', name: INJECTION }), 'Name must be a single line without control characters.');
  await refused(admin.trpc.projects.create.mutate({ path: 'acme/other', name: INJECTION }), 'Name must be a single line without control characters.');
  await refused(admin.trpc.auth.setup.mutate({ email: 'root@test.io', password: 'long-enough-pw', name: INJECTION }), 'Name must be a single line without control characters.');
  await refused(
    maintainer.trpc.serviceDesk.update.mutate({ projectPath: P, outgoingName: INJECTION }),
    'Outgoing display name must be a single line without control characters.',
  );
  assert.equal((await maintainer.trpc.serviceDesk.get.query({ projectPath: P })).outgoingName, 'app Support');
  await refused(
    maintainer.trpc.tickets.create.mutate({ projectPath: P, title: 'Labelled', labels: ['ok', 'bad\u202elabel'] }),
    'Label names must be a single line without control characters.',
  );
  await refused(
    maintainer.trpc.issueTemplates.save.mutate({ projectPath: P, key: 'Bug\nreport', body: 'Steps:' }),
    'Template name must be a single line without control characters.',
  );
  await refused(
    maintainer.trpc.serviceDesk.update.mutate({ projectPath: P, issueTemplateKey: 'Bug\r\nreport' }),
    'Template name must be a single line without control characters.',
  );
  await refused(maintainer.trpc.tickets.list.query({ projectPath: P, search: 'fire\u0000' }), 'Search must be a single line without control characters.');
  assert.equal((await admin.trpc.users.list.query()).some((u) => u.email === 'new@test.io'), false);
});
