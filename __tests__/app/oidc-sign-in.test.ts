import type { JWT } from 'next-auth/jwt';
import { MAX_COOKIE_BYTES, measureCookieHeaderBytes } from 'next-auth-server-session';
import { TestCookieJar } from 'next-auth-server-session/testing';
import { openSqliteFile } from '../../lib/db/connect';
import type { RunningIdentityProvider } from '../../support/idp';
import {
  decodeSession as decodeSessionWith,
  oauthOf as oauthWith,
  type OidcAppInstance,
  SECURE_SESSION_COOKIE as SESSION_COOKIE,
  sendWithJar,
  sessionTokenOf,
  signInWithProvider as signInWithProviderAt,
  startAppWithProvider,
  startProviderForApps,
} from '../helpers/oidc-app';

/**
 * The OpenID Connect sign-in of the built app (`next start`) against the real development
 * provider (idp/, its own process, access tokens living 5 s): next-auth's whole flow over
 * HTTP, the user linked to the store's, the provider's tokens in the encrypted cookie and
 * never in the session body, and the access token refreshed once when it is due. The app's
 * refresh skew (OIDC_REFRESH_SKEW_SECONDS, 30 s by default) outlasts the 5 s lifetime, so a
 * refresh is due from the first read after sign-in: no test here waits for an expiry.
 */

const ALICE = { email: 'alice@example.com', password: 'alice-password' };
const ADMIN = { email: 'admin@example.com', password: 'admin-password' };
const ACCESS_TOKEN_TTL_SECONDS = 5;
const DEFAULT_REFRESH_SKEW_SECONDS = 30;

let idp: RunningIdentityProvider;
let app: OidcAppInstance;

beforeAll(async () => {
  const started = await startProviderForApps(1, { accessTokenTtlSeconds: ACCESS_TOKEN_TTL_SECONDS });
  idp = started.idp;
  app = await startAppWithProvider(started.ports[0] ?? 0, idp);
}, 90_000);

afterAll(async () => {
  await app?.stop();
  await idp?.stop();
});

const send = (path: string, jar: TestCookieJar, init: RequestInit = {}) => sendWithJar(app.url, path, jar, init);
const signInWithProvider = (credentials: { email: string; password: string }) => signInWithProviderAt(app.url, credentials);
const decodeSession = (jar: TestCookieJar): Promise<JWT | null> => decodeSessionWith(jar, app.secret);
const oauthOf = (jar: TestCookieJar) => oauthWith(jar, app.secret);

/** A statement on the app's SQLite file, from this process, as a script would run it. */
function runOnAppDatabase(statement: string, ...parameters: unknown[]): void {
  const sqlite = openSqliteFile(app.databaseUrl);
  try {
    sqlite.prepare(statement).run(...parameters);
  } finally {
    sqlite.close();
  }
}

function storedUser(email: string): { id: string; name: string; role: string } {
  const sqlite = openSqliteFile(app.databaseUrl);
  try {
    return sqlite.prepare('SELECT id, name, role FROM users WHERE email = ?').get(email) as { id: string; name: string; role: string };
  } finally {
    sqlite.close();
  }
}

describe('the OpenID Connect sign-in of the built app', () => {
  it('offers the identity provider on the sign-in page', async () => {
    const page = await fetch(`${app.url}/signin`);

    expect(page.status).toBe(200);
    expect(await page.text()).toContain('Sign in with the identity provider');
  });

  it('signs alice in: session from the store, tokens only in the cookie, refreshed once when due', async () => {
    const { jar, callback } = await signInWithProvider(ALICE);

    expect(callback.status).toBe(302);
    expect(callback.headers.get('location')).toBe(`${app.url}/profile`);
    const issued = await oauthOf(jar);
    expect(measureCookieHeaderBytes(SESSION_COOKIE, sessionTokenOf(jar) ?? '')).toBeLessThanOrEqual(MAX_COOKIE_BYTES);
    expect(await idp.countGrants('refresh_token')).toBe(0);

    // Already within the refresh skew of its expiry: the next read is due to refresh it.
    const readAt = Math.floor(Date.now() / 1000);
    expect(issued.accessTokenExpiresAt - DEFAULT_REFRESH_SKEW_SECONDS).toBeLessThanOrEqual(readAt);
    const response = await send('/api/auth/session', jar);

    const alice = storedUser(ALICE.email);
    const body = await response.text();
    expect(JSON.parse(body)).toMatchObject({ user: { id: alice.id, email: ALICE.email, name: alice.name, role: alice.role }, oidc: { linked: true } });
    const refreshed = await oauthOf(jar);
    for (const token of [issued.accessToken, issued.refreshToken, refreshed.accessToken, refreshed.refreshToken]) expect(body).not.toContain(token);
    expect(await idp.countGrants('refresh_token')).toBe(1);
    expect(refreshed.accessToken).not.toBe(issued.accessToken);
    expect(refreshed.refreshToken).not.toBe(issued.refreshToken);
    // A whole lifetime from the refresh (later than the issued one's, or the same second when sign-in and read share it).
    expect(refreshed.accessTokenExpiresAt).toBeGreaterThanOrEqual(readAt + ACCESS_TOKEN_TTL_SECONDS);
    expect((await decodeSession(jar))?.sub).toBe(alice.id);
  });

  it('refreshes once for many concurrent reads with the same cookie, and no read spends a spent refresh token', async () => {
    const { jar } = await signInWithProvider(ALICE);
    await idp.clearEvents();

    const answers = await Promise.all(Array.from({ length: 10 }, () => send('/api/auth/session', jar.clone())));

    expect(answers.map((answer) => answer.status)).toEqual(Array(10).fill(200));
    expect(await idp.countGrants('refresh_token')).toBe(1);
    expect((await idp.events()).filter((event) => event.type === 'grant.error')).toEqual([]);
  });

  it('refuses a provider account whose email no user here has: the sign-in page says so, no session', async () => {
    runOnAppDatabase('DELETE FROM users WHERE email = ?', ADMIN.email);

    const { jar, callback } = await signInWithProvider(ADMIN);

    expect(callback.status).toBe(302);
    expect(new URL(callback.headers.get('location') ?? '', app.url).pathname).toBe('/api/auth/error');
    const error = await send(callback.headers.get('location') ?? '', jar);
    const signInPage = new URL(error.headers.get('location') ?? '', app.url);
    expect(`${signInPage.pathname}${signInPage.search}`).toBe('/signin?error=AccessDenied');
    expect(await (await fetch(signInPage)).text()).toContain('No account here uses that email.');
    expect(sessionTokenOf(jar)).toBeUndefined();
  });
});
