import { decode, type JWT } from 'next-auth/jwt';
import { joinChunks, MAX_COOKIE_BYTES, measureCookieHeaderBytes } from 'next-auth-server-session';
import { TestCookieJar } from 'next-auth-server-session/testing';
import { openSqliteFile } from '../../lib/db/connect';
import { appEnv, freePort, ROOT, startNextServer } from '../../support/app-server';
import { callbackUrlsFor, signInAtProvider, startIdentityProvider, type RunningIdentityProvider } from '../../support/idp';

/**
 * The OpenID Connect sign-in of the built app (`next start`) against the real development
 * provider (idp/, its own process, access tokens living 5 s): next-auth's whole flow over
 * HTTP, the user linked to the store's, the provider's tokens in the encrypted cookie and
 * never in the session body, and the access token refreshed once when it runs out.
 */

// next start runs in production: secure cookie names (production forces them).
const SESSION_COOKIE = '__Secure-next-auth.session-token';
const ALICE = { email: 'alice@example.com', password: 'alice-password' };
const ADMIN = { email: 'admin@example.com', password: 'admin-password' };

let idp: RunningIdentityProvider;
let app: { url: string; secret: string; databaseUrl: string; stop(): Promise<void> };

beforeAll(async () => {
  // The app's port first: the provider only redirects to a callback URL it was given.
  const port = await freePort();
  idp = await startIdentityProvider({ accessTokenTtlSeconds: 5, redirectUris: callbackUrlsFor(new URL(`http://127.0.0.1:${port}`)) });
  const env = appEnv(port, { OIDC_ISSUER: idp.issuer, OIDC_CLIENT_ID: idp.clientId, OIDC_CLIENT_SECRET: idp.clientSecret });
  const server = await startNextServer(ROOT, port, env);
  app = { ...server, secret: env.NEXTAUTH_SECRET ?? '', databaseUrl: env.DATABASE_URL ?? '' };
}, 90_000);

afterAll(async () => {
  await app?.stop();
  await idp?.stop();
});

async function send(path: string, jar: TestCookieJar, init: RequestInit = {}): Promise<Response> {
  const response = await fetch(new URL(path, app.url), { ...init, headers: { ...init.headers, cookie: jar.header() }, redirect: 'manual' });
  jar.apply(response);
  return response;
}

/** next-auth's OAuth flow as a browser runs it: POST signin (with CSRF), the provider's login form, the callback. */
async function signInWithProvider(credentials: { email: string; password: string }) {
  const jar = new TestCookieJar();
  const { csrfToken } = (await (await send('/api/auth/csrf', jar)).json()) as { csrfToken: string };
  const start = await send('/api/auth/signin/oidc', jar, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ csrfToken, callbackUrl: `${app.url}/profile`, json: 'true' }),
  });
  const { url } = (await start.json()) as { url: string };
  const back = await signInAtProvider(url, credentials, new TestCookieJar());
  const callback = await send(`${back.pathname}${back.search}`, jar);
  return { jar, callback };
}

function sessionTokenOf(jar: TestCookieJar): string | undefined {
  return joinChunks(jar.toObject(), SESSION_COOKIE);
}

async function decodeSession(jar: TestCookieJar): Promise<JWT | null> {
  return decode({ token: sessionTokenOf(jar), secret: app.secret });
}

async function oauthOf(jar: TestCookieJar): Promise<NonNullable<JWT['oauth']>> {
  const oauth = (await decodeSession(jar))?.oauth;
  if (!oauth) throw new Error('the session carries no provider tokens');
  return oauth;
}

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

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('the OpenID Connect sign-in of the built app', () => {
  it('offers the identity provider on the sign-in page', async () => {
    const page = await fetch(`${app.url}/signin`);

    expect(page.status).toBe(200);
    expect(await page.text()).toContain('Sign in with the identity provider');
  });

  it('signs alice in: session from the store, tokens only in the cookie, refreshed once past their expiry', async () => {
    const { jar, callback } = await signInWithProvider(ALICE);

    expect(callback.status).toBe(302);
    expect(callback.headers.get('location')).toBe(`${app.url}/profile`);
    const issued = await oauthOf(jar);
    expect(measureCookieHeaderBytes(SESSION_COOKIE, sessionTokenOf(jar) ?? '')).toBeLessThanOrEqual(MAX_COOKIE_BYTES);
    expect(await idp.countGrants('refresh_token')).toBe(0);

    await sleep(Math.max(0, issued.accessTokenExpiresAt * 1000 - Date.now()) + 500);
    const response = await send('/api/auth/session', jar);

    const alice = storedUser(ALICE.email);
    const body = await response.text();
    expect(JSON.parse(body)).toMatchObject({ user: { id: alice.id, email: ALICE.email, name: alice.name, role: alice.role }, oidc: { linked: true } });
    const refreshed = await oauthOf(jar);
    for (const token of [issued.accessToken, issued.refreshToken, refreshed.accessToken, refreshed.refreshToken]) expect(body).not.toContain(token);
    expect(await idp.countGrants('refresh_token')).toBe(1);
    expect(refreshed.accessToken).not.toBe(issued.accessToken);
    expect(refreshed.refreshToken).not.toBe(issued.refreshToken);
    expect(refreshed.accessTokenExpiresAt).toBeGreaterThan(issued.accessTokenExpiresAt);
    expect((await decodeSession(jar))?.sub).toBe(alice.id);
  }, 30_000);

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
