/**
 * Two first single sign-ins at once for one unlinked account, with different identities at the
 * provider (review 10): one links the account, the other is refused as SSO_ACCOUNT_LINKED. Before,
 * both passed the check and the last write won, linking the account to whichever came second.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { eq } from 'drizzle-orm';
import { users } from '../../../db/schema';
import { seedAdmin, seedUser, startTestApp, type TestApp } from '../../testing/test-app';
import { signInWithOidc, type SsoSettings } from './sso';

let app: TestApp;
before(async () => {
  app = await startTestApp();
  await seedAdmin(app);
  await seedUser(app, 'pat@corp.test', 'Pat');
});
after(() => app.close());

const settings: SsoSettings = { enabled: true, issuer: 'https://idp.corp.test', clientId: 'threadline', clientSecret: '', providerName: 'Corp', autoCreate: false, ssoOnly: false };
const opts = { invitationHash: null, ttlMs: 60_000, meta: {} };

test('two first sign-ins at once with different subjects: one links the account, the other is refused', async () => {
  const tries = await Promise.allSettled(
    ['https://idp.corp.test#pat', 'https://idp.corp.test#intruder'].map((subject) => signInWithOidc(app.dc, settings, { subject, email: 'pat@corp.test', emailVerified: true, name: null }, opts)),
  );
  const won = tries.filter((t) => t.status === 'fulfilled');
  const lost = tries.filter((t): t is PromiseRejectedResult => t.status === 'rejected');
  assert.equal(won.length, 1, 'both identities signed in to the account');
  assert.equal((lost[0]?.reason as { code?: string }).code, 'SSO_ACCOUNT_LINKED');
  const row = await app.dc.db.select({ oidcSubject: users.oidcSubject }).from(users).where(eq(users.email, 'pat@corp.test')).get();
  const winner = tries.findIndex((t) => t.status === 'fulfilled');
  assert.equal(row?.oidcSubject, ['https://idp.corp.test#pat', 'https://idp.corp.test#intruder'][winner], 'the account is linked to the identity that signed in');
});
