import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Account } from 'next-auth';
import { createOidcAccounts, resolveOidcUser } from '@/lib/auth/oidc-accounts';
import { createStore } from '@/lib/db/create-store';
import type { Store, UserRecord } from '@/lib/db/store';

const ISSUER = 'https://idp.example.test';
const tempDir = mkdtempSync(path.join(tmpdir(), 'oidc-accounts-'));
let store: Store;

beforeAll(async () => {
  store = await createStore(`file:${path.join(tempDir, 'app.db')}`);
});

afterAll(async () => {
  await store?.close();
  rmSync(tempDir, { recursive: true, force: true });
});

async function createUser(): Promise<UserRecord> {
  const user = await store.createUser({ email: `user-${randomUUID()}@example.test`, name: 'Test User', passwordHash: 'placeholder-hash', role: 'member' });
  if (!user) throw new Error('createUser returned null for a fresh email');
  return user;
}

const identity = (subject = `sub-${randomUUID()}`) => ({ issuer: ISSUER, subject });
const oidcAccount = (subject: string): Account => ({ provider: 'oidc', type: 'oauth', providerAccountId: subject });

describe('resolveOidcUser', () => {
  it('links the user whose email the provider verified, on the first sign-in', async () => {
    const user = await createUser();
    const who = identity();

    const resolved = await resolveOidcUser(store, who, { email: user.email, emailVerified: true });

    expect(resolved).toEqual({ ok: true, user });
    expect(await store.findUserByOidcSubject(ISSUER, who.subject)).toEqual(user);
  });

  it('matches the email without regard to case, as the credentials sign-in does', async () => {
    const user = await createUser();

    expect(await resolveOidcUser(store, identity(), { email: user.email.toUpperCase(), emailVerified: true })).toMatchObject({ ok: true, user: { id: user.id } });
  });

  it('finds a linked user by the subject, whatever email the provider sends now', async () => {
    const user = await createUser();
    const who = identity();
    await store.linkOidcSubject(user.id, ISSUER, who.subject);

    expect(await resolveOidcUser(store, who, { email: 'someone-else@example.test', emailVerified: false })).toEqual({ ok: true, user });
  });

  it('refuses an email the provider did not verify, and links nothing', async () => {
    const user = await createUser();
    const who = identity();

    expect(await resolveOidcUser(store, who, { email: user.email, emailVerified: false })).toEqual({ ok: false, reason: 'email-not-verified' });
    expect(await store.findUserByOidcSubject(ISSUER, who.subject)).toBeNull();
  });

  it('refuses a sign-in without an email', async () => {
    expect(await resolveOidcUser(store, identity(), { emailVerified: true })).toEqual({ ok: false, reason: 'email-not-verified' });
  });

  it('refuses an email no user has (the demo has no sign-up)', async () => {
    expect(await resolveOidcUser(store, identity(), { email: `nobody-${randomUUID()}@example.test`, emailVerified: true })).toEqual({ ok: false, reason: 'no-account' });
  });

  it('refuses a disabled user, linked or not', async () => {
    const [unlinked, linked] = [await createUser(), await createUser()];
    const who = identity();
    await store.linkOidcSubject(linked.id, ISSUER, who.subject);
    await store.setDisabled(unlinked.id, true);
    await store.setDisabled(linked.id, true);

    expect(await resolveOidcUser(store, identity(), { email: unlinked.email, emailVerified: true })).toEqual({ ok: false, reason: 'disabled' });
    expect(await resolveOidcUser(store, who, { email: linked.email, emailVerified: true })).toEqual({ ok: false, reason: 'disabled' });
  });

  it('refuses a second subject for a user linked to another one at the issuer', async () => {
    const user = await createUser();
    await store.linkOidcSubject(user.id, ISSUER, `sub-${randomUUID()}`);

    expect(await resolveOidcUser(store, identity(), { email: user.email, emailVerified: true })).toEqual({ ok: false, reason: 'linked-elsewhere' });
  });
});

describe('createOidcAccounts', () => {
  const warnings: { event: string; fields: unknown }[] = [];
  const accountsFor = (embedded: boolean) =>
    createOidcAccounts({ settings: { issuer: ISSUER, embedded }, getStore: async () => store, warn: (event, fields) => warnings.push({ event, fields }) });

  beforeEach(() => {
    warnings.length = 0;
  });

  it('lets every other provider through (the credentials sign-in decides for itself)', async () => {
    expect(await accountsFor(false).allowSignIn({ account: { provider: 'credentials', type: 'credentials', providerAccountId: 'x' } })).toBe(true);
  });

  it('refuses an unknown email and logs why, without the email', async () => {
    const email = `nobody-${randomUUID()}@example.test`;

    expect(await accountsFor(false).allowSignIn({ account: oidcAccount(`sub-${randomUUID()}`), profile: { email, email_verified: true } })).toBe(false);
    expect(warnings).toEqual([{ event: 'auth.oidc-sign-in-refused', fields: { reason: 'no-account' } }]);
  });

  it('trusts the email of the embedded development provider without email_verified', async () => {
    const user = await createUser();
    const subject = `sub-${randomUUID()}`;

    expect(await accountsFor(false).allowSignIn({ account: oidcAccount(subject), profile: { email: user.email } })).toBe(false);
    expect(await accountsFor(true).allowSignIn({ account: oidcAccount(subject), profile: { email: user.email } })).toBe(true);
    expect(await accountsFor(true).findLinkedUser(oidcAccount(subject))).toEqual(user);
  });
});
