import 'next-test-api-route-handler';
import type { JWT } from 'next-auth/jwt';
import { TestCookieJar } from 'next-auth-server-session/testing';
import { openSqliteFile } from '@/lib/db/connect';
import { signInAtProvider, startIdentityProvider, type RunningIdentityProvider } from '../../support/idp';
import { callRoute, type RouteModule, type RouteResult } from '../helpers/routes';
import { decodeSessionOf, isExpiry, SESSION_COOKIE, sessionSetCookies } from '../helpers/session-cookie';
import { ADMIN, ALICE, signInThroughNextAuth } from '../helpers/sign-in';

/**
 * The OpenID Connect sign-in in-process, next-auth's route against the real development
 * provider (idp/, its own process): its default redirect URIs are the test app's URL
 * (http://localhost:3000). Access tokens live 5 s, within the 30 s refresh skew, so every
 * session read after a sign-in refreshes: the tests count refresh grants at the provider.
 */

let idp: RunningIdentityProvider;
let route: RouteModule;

beforeAll(async () => {
  idp = await startIdentityProvider({ accessTokenTtlSeconds: 5 });
  // Read on first use (lib/env.ts), so set before the first request reaches the app's modules.
  process.env.OIDC_ISSUER = idp.issuer;
  process.env.OIDC_CLIENT_ID = idp.clientId;
  process.env.OIDC_CLIENT_SECRET = idp.clientSecret;
  route = await import('@/pages/api/auth/[...nextauth]');
}, 30_000);

afterAll(async () => {
  await idp?.stop();
});

const form = { 'content-type': 'application/x-www-form-urlencoded' };

/** next-auth's OAuth flow as a browser runs it: POST signin (with CSRF), the provider's login, the callback. */
async function signInWithProvider(credentials: { email: string; password: string }, jar = new TestCookieJar()): Promise<{ jar: TestCookieJar; callback: RouteResult }> {
  const csrf = await callRoute(route, { url: '/api/auth/csrf', params: { nextauth: ['csrf'] }, jar });
  const { csrfToken } = csrf.body as { csrfToken: string };
  const start = await callRoute(route, {
    url: '/api/auth/signin/oidc',
    method: 'POST',
    params: { nextauth: ['signin', 'oidc'] },
    headers: form,
    body: new URLSearchParams({ csrfToken, callbackUrl: 'http://localhost:3000/profile', json: 'true' }).toString(),
    jar,
  });
  const { url } = start.body as { url: string };
  const back = await signInAtProvider(url, credentials, new TestCookieJar());
  const callback = await callRoute(route, { url: `${back.pathname}${back.search}`, params: { nextauth: ['callback', 'oidc'] }, jar });
  return { jar, callback };
}

function readSession(jar: TestCookieJar): Promise<RouteResult> {
  return callRoute(route, { url: '/api/auth/session', params: { nextauth: ['session'] }, jar });
}

async function oauthOf(jar: TestCookieJar): Promise<NonNullable<JWT['oauth']>> {
  const oauth = (await decodeSessionOf(jar))?.oauth;
  if (!oauth) throw new Error('the session carries no provider tokens');
  return oauth;
}

async function storedUser(email: string) {
  const { getStore } = await import('@/lib/db');
  const user = await (await getStore()).findUserByEmail(email);
  if (!user) throw new Error(`${email} is not seeded`);
  return user;
}

describe('signing in with the identity provider', () => {
  it('redirects back to the callback URL with a session cookie for the linked user, claims from the store', async () => {
    const { jar, callback } = await signInWithProvider(ALICE);

    expect(callback.status).toBe(302);
    expect(callback.headers.get('location')).toBe('http://localhost:3000/profile');
    const alice = await storedUser(ALICE.email);
    expect(await decodeSessionOf(jar)).toMatchObject({
      sub: alice.id,
      id: alice.id,
      email: ALICE.email,
      role: alice.role,
      sessionVersion: alice.sessionVersion,
      sessionEpoch: alice.sessionEpoch,
      authTime: expect.any(Number),
      cart: expect.objectContaining({ count: expect.any(Number) }),
    });
  });

  it("keeps the provider's tokens in the encrypted cookie, in the package's shape, without the ID token", async () => {
    const before = Math.floor(Date.now() / 1000);
    const { jar } = await signInWithProvider(ALICE);

    const token = await decodeSessionOf(jar);
    expect(Object.keys(token?.oauth ?? {}).sort()).toEqual(['accessToken', 'accessTokenExpiresAt', 'refreshToken']);
    expect(token?.oauth?.accessTokenExpiresAt).toBeGreaterThanOrEqual(before + 5);
    expect(token?.oauth?.accessTokenExpiresAt).toBeLessThanOrEqual(Math.floor(Date.now() / 1000) + 5);
    expect(JSON.stringify(token)).not.toMatch(/id_?token/i);
  });

  it('links the subject on the first sign-in, so a later one finds the user by it, whatever her email is now', async () => {
    await signInWithProvider(ALICE);
    const alice = await storedUser(ALICE.email);
    const renameTo = (email: string) => {
      const sqlite = openSqliteFile(process.env.DATABASE_URL ?? '');
      try {
        sqlite.prepare('UPDATE users SET email = ? WHERE id = ?').run(email, alice.id);
      } finally {
        sqlite.close();
      }
    };
    renameTo('alice.liddell@example.com');
    try {
      const { jar } = await signInWithProvider(ALICE);

      expect(await decodeSessionOf(jar)).toMatchObject({ sub: alice.id, email: 'alice.liddell@example.com' });
    } finally {
      renameTo(ALICE.email);
    }
  });

  it('serves the session with the store\'s claims and "oidc: linked", never a token', async () => {
    const { jar } = await signInWithProvider(ALICE);
    const issued = await oauthOf(jar);

    const session = await readSession(jar);

    const alice = await storedUser(ALICE.email);
    expect(session.body).toMatchObject({ user: { id: alice.id, email: ALICE.email, name: alice.name, role: alice.role }, oidc: { linked: true } });
    const body = JSON.stringify(session.body);
    const current = await oauthOf(jar);
    for (const secret of [issued.accessToken, issued.refreshToken, current.accessToken, current.refreshToken]) expect(body).not.toContain(secret);
  });

  it('refuses a provider account whose email no user here has: AccessDenied on the sign-in page, no session', async () => {
    const { getStore } = await import('@/lib/db');
    const store = await getStore();
    const admin = await storedUser(ADMIN.email);
    await store.deleteUser(admin.id);

    const { jar, callback } = await signInWithProvider(ADMIN);

    expect(callback.status).toBe(302);
    expect(callback.headers.get('location')).toBe('http://localhost:3000/api/auth/error?error=AccessDenied');
    const error = await callRoute(route, { url: '/api/auth/error?error=AccessDenied', params: { nextauth: ['error'] }, jar });
    expect(error.headers.get('location')).toBe('/signin?error=AccessDenied');
    expect(jar.names().filter((name) => name.startsWith(SESSION_COOKIE))).toEqual([]);
    expect(await store.findUserByOidcSubject(idp.issuer, 'admin')).toBeNull();
  });
});

describe('the access token on session reads', () => {
  it('is refreshed once for many concurrent reads that carry the same one, and every answer carries the new one', async () => {
    const { jar } = await signInWithProvider(ALICE);
    const issued = await oauthOf(jar);
    const grantsBefore = await idp.countGrants('refresh_token');

    const answers = await Promise.all(Array.from({ length: 5 }, () => readSession(jar.clone())));

    expect(await idp.countGrants('refresh_token')).toBe(grantsBefore + 1);
    const written = await Promise.all(answers.map((answer) => decodeSessionOf(new TestCookieJar().apply(answer.setCookies.map((cookie) => `${cookie.name}=${cookie.value}`)))));
    const accessTokens = new Set(written.map((token) => token?.oauth?.accessToken));
    expect(accessTokens.size).toBe(1);
    expect(accessTokens.has(issued.accessToken)).toBe(false);
    expect(answers.every((answer) => (answer.body as { user?: unknown }).user !== undefined)).toBe(true);
  });

  it('survives a session update: the re-projection from the store keeps the tokens', async () => {
    const { jar } = await signInWithProvider(ALICE);
    const refreshRoute = await import('@/pages/api/session/refresh');

    const response = await callRoute(refreshRoute, { url: '/api/session/refresh', method: 'POST', body: { data: { name: 'Alice OIDC' } }, jar });

    expect(response.status).toBe(200);
    expect(await decodeSessionOf(jar)).toMatchObject({ name: 'Alice OIDC', oauth: { accessToken: expect.any(String), refreshToken: expect.any(String) } });
  });

  it('keeps the session while the provider is down, and refreshes once it is back', async () => {
    const { jar } = await signInWithProvider(ALICE);
    const issued = await oauthOf(jar);
    await idp.pause('unavailable');
    let down: RouteResult;
    try {
      down = await readSession(jar);
    } finally {
      await idp.resume();
    }

    expect(down.body).toMatchObject({ user: { email: ALICE.email } });
    expect(sessionSetCookies(down.setCookies).filter((cookie) => cookie.name === SESSION_COOKIE && isExpiry(cookie))).toEqual([]);
    expect(await decodeSessionOf(jar)).toMatchObject({ email: ALICE.email });
    expect((await oauthOf(jar)).refreshToken).toBe(issued.refreshToken);
    await readSession(jar);
    expect((await oauthOf(jar)).refreshToken).not.toBe(issued.refreshToken);
  });

  it('ends the session when the grant is revoked at the provider: every session cookie expired, an empty session', async () => {
    const { jar } = await signInWithProvider(ALICE);
    await idp.revokeGrants('alice');

    const session = await readSession(jar);

    expect(session.body).toEqual({});
    expect(sessionSetCookies(session.setCookies).some(isExpiry)).toBe(true);
    expect(jar.names().filter((name) => name.startsWith(SESSION_COOKIE))).toEqual([]);
  });

  it('leaves a password session alone: no provider tokens, no refresh', async () => {
    const { jar } = await signInThroughNextAuth(ALICE.email, ALICE.password);
    const grantsBefore = await idp.countGrants('refresh_token');

    const session = await readSession(jar);

    expect(session.body).toMatchObject({ user: { email: ALICE.email } });
    expect(session.body).not.toHaveProperty('oidc');
    expect((await decodeSessionOf(jar))?.oauth).toBeUndefined();
    expect(await idp.countGrants('refresh_token')).toBe(grantsBefore);
  });
});
