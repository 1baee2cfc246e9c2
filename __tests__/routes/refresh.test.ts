import 'next-test-api-route-handler';
import { createSessionCodec } from 'next-auth-server-session';
import { getStore } from '@/lib/db';
import * as refreshRoute from '@/pages/api/session/refresh';
import * as nextAuthRoute from '@/pages/api/auth/[...nextauth]';
import { TestCookieJar } from 'next-auth-server-session/testing';
import { callRoute, type RouteCall } from '../helpers/routes';
import { decodeSessionOf, SESSION_COOKIE, sessionCookieWritesOf, sessionTokenOf } from '../helpers/session-cookie';
import { ALICE, createUserAndSignIn, signInAsAlice } from '../helpers/sign-in';
import { openSqliteFile } from '@/lib/db/connect';
import { TEST_APP_URL, TEST_SECRET } from '../helpers/test-env';

function refresh(call: Omit<RouteCall, 'url'> & { url?: string }) {
  return callRoute(refreshRoute, { url: '/api/session/refresh', method: 'POST', ...call });
}

async function aliceId(): Promise<string> {
  const user = await (await getStore()).findUserByEmail(ALICE.email);
  if (!user) throw new Error('alice is not seeded');
  return user.id;
}

describe('POST /api/session/refresh', () => {
  it('applies a name patch and returns the new session with cookies and the revalidate header', async () => {
    const jar = await signInAsAlice();

    const response = await refresh({ jar, body: { data: { name: 'Alice Liddell' } } });

    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ session: { user: { name: 'Alice Liddell', role: 'member', email: ALICE.email } } });
    expect(response.headers.get('x-revalidate-session')).toBe('true');
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(await decodeSessionOf(jar)).toMatchObject({ name: 'Alice Liddell', role: 'member' });
  });

  it("is what next-auth's own GET /api/auth/session serves next", async () => {
    const jar = await signInAsAlice();
    await refresh({ jar, body: { data: { preferences: { theme: 'dark' } } } });

    const session = await callRoute(nextAuthRoute, { url: '/api/auth/session', params: { nextauth: ['session'] }, jar });

    expect(session.body).toMatchObject({ user: { preferences: { theme: 'dark' } } });
  });

  it('re-syncs every claim from the store when the body is empty', async () => {
    const jar = await signInAsAlice();
    await (await getStore()).updateProfile(await aliceId(), { name: 'Changed Elsewhere' });

    const response = await refresh({ jar });

    expect(response.status).toBe(200);
    expect(await decodeSessionOf(jar)).toMatchObject({ name: 'Changed Elsewhere' });
  });

  it('carries the cart over unchanged when a patch changes only the profile', async () => {
    const { jar, user, store } = await createUserAndSignIn();
    await store.addToCart(user.id, 4, 2);
    await refresh({ jar, body: {} });

    await refresh({ jar, body: { data: { name: 'Only The Name' } } });

    expect(await decodeSessionOf(jar)).toMatchObject({ name: 'Only The Name', cart: { count: 2, items: [{ productId: 4, quantity: 2 }] } });
  });

  it('reads the cart again when a line was written behind the store (a script) since the token was issued', async () => {
    const { jar, user, store } = await createUserAndSignIn();
    await store.addToCart(user.id, 4, 2);
    await refresh({ jar, body: {} });
    // No session version bump: only the database's cart version moves (migration 0007).
    const sqlite = openSqliteFile(process.env.DATABASE_URL ?? '');
    sqlite.prepare('INSERT INTO cart_items (user_id, product_id, quantity) VALUES (?, ?, ?)').run(user.id, 5, 3);
    sqlite.close();

    await refresh({ jar, body: { data: { name: 'After The Script' } } });

    expect(await decodeSessionOf(jar)).toMatchObject({
      name: 'After The Script',
      cart: { count: 5, items: [{ productId: 4, quantity: 2 }, { productId: 5, quantity: 3 }] },
    });
  });

  it('writes exactly one Set-Cookie per cookie name: the session, and expiries of the chunk names', async () => {
    const jar = await signInAsAlice();

    const response = await refresh({ jar, body: {} });

    const names = response.setCookies.map((cookie) => cookie.name);
    expect(new Set(names).size).toBe(names.length);
    // A small session is written whole; every chunk variant is expired, so no mix can survive.
    expect(sessionCookieWritesOf(response.setCookies)).toEqual({
      written: [SESSION_COOKIE],
      expired: [`${SESSION_COOKIE}.0`, `${SESSION_COOKIE}.1`, `${SESSION_COOKIE}.2`],
      duplicated: [],
    });
    expect(names).toHaveLength(4);
    for (const cookie of response.setCookies) expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'lax', path: '/' });
  });

  it('answers 405 with Allow: POST for other methods', async () => {
    const response = await refresh({ method: 'GET' });

    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('POST');
    expect(response.body).toMatchObject({ error: expect.any(String) });
  });

  it('answers 415 for a body that is not JSON', async () => {
    const jar = await signInAsAlice();

    const response = await refresh({ jar, body: 'name=x', headers: { 'content-type': 'text/plain' } });

    expect(response.status).toBe(415);
    expect(response.setCookies).toEqual([]);
  });

  it('answers 400 for malformed JSON', async () => {
    const jar = await signInAsAlice();

    const response = await refresh({ jar, body: '{"data":', headers: { 'content-type': 'application/json' } });

    expect(response.status).toBe(400);
    expect(response.setCookies).toEqual([]);
  });

  it('answers 413 for a body over 16 KB', async () => {
    const jar = await signInAsAlice();

    const response = await refresh({ jar, body: { data: { name: 'x'.repeat(17 * 1024) } } });

    expect(response.status).toBe(413);
    expect(response.body).toMatchObject({ error: expect.stringContaining('16 KB') });
    expect(response.setCookies).toEqual([]);
  });

  it('answers 403 for a foreign Origin', async () => {
    const jar = await signInAsAlice();

    const response = await refresh({ jar, body: {}, headers: { origin: 'https://evil.example' } });

    expect(response.status).toBe(403);
    expect(response.setCookies).toEqual([]);
  });

  it('answers 403 for Sec-Fetch-Site: cross-site', async () => {
    const jar = await signInAsAlice();

    const response = await refresh({ jar, body: {}, headers: { 'sec-fetch-site': 'cross-site' } });

    expect(response.status).toBe(403);
  });

  it("accepts the app's own Origin", async () => {
    const jar = await signInAsAlice();

    const response = await refresh({ jar, body: {}, headers: { origin: TEST_APP_URL, 'sec-fetch-site': 'same-origin' } });

    expect(response.status).toBe(200);
  });

  it('answers 401 without a session cookie', async () => {
    const response = await refresh({ body: {} });

    expect(response.status).toBe(401);
    expect(response.setCookies).toEqual([]);
  });

  it('answers 401 for a tampered token', async () => {
    const jar = await signInAsAlice();
    const token = sessionTokenOf(jar) ?? '';
    jar.set(SESSION_COOKIE, `${token.slice(0, -6)}AAAAAA`);

    const response = await refresh({ jar, body: {} });

    expect(response.status).toBe(401);
  });

  it('answers 401 for an expired token', async () => {
    const monthAgo = Date.now() - 31 * 24 * 3600 * 1000;
    const stale = (await createSessionCodec([TEST_SECRET], () => monthAgo).encode({ sub: await aliceId() }, 30 * 24 * 3600));
    const jar = new TestCookieJar().set(SESSION_COOKIE, stale);

    const response = await refresh({ jar, body: {} });

    expect(response.status).toBe(401);
  });

  it('answers 400 naming privileged keys, and the stored role stays', async () => {
    const jar = await signInAsAlice();

    const response = await refresh({ jar, body: { data: { role: 'admin', name: 'Mallory' } } });

    expect(response.status).toBe(400);
    expect(JSON.stringify(response.body)).toContain('role');
    expect(response.setCookies).toEqual([]);
    expect((await (await getStore()).findUserById(await aliceId()))?.role).toBe('member');
  });

  it.each([
    ['nested under user', { user: { role: 'admin' } }],
    ['via __proto__', JSON.parse('{"__proto__":{"role":"admin"}}') as unknown],
    ['as sessionVersion', { sessionVersion: 999 }],
    ['as a cart', { cart: { count: 0, totalCents: 0 } }],
  ])('refuses a privileged claim %s', async (_label, data) => {
    const jar = await signInAsAlice();

    const response = await refresh({ jar, body: `{"data":${JSON.stringify(data)}}`, headers: { 'content-type': 'application/json' } });

    expect(response.status).toBe(400);
    expect((await decodeSessionOf(jar))?.role).toBe('member');
  });

  it('answers 400 with field issues for an invalid theme', async () => {
    const jar = await signInAsAlice();

    const response = await refresh({ jar, body: { data: { preferences: { theme: 'neon' } } } });

    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({ error: expect.any(String), issues: [expect.objectContaining({ path: 'preferences.theme' })] });
  });
});

describe("next-auth's own update endpoint (POST /api/auth/session)", () => {
  async function nextAuthUpdate(jar: TestCookieJar, data: unknown) {
    const csrf = await callRoute(nextAuthRoute, { url: '/api/auth/csrf', params: { nextauth: ['csrf'] }, jar });
    const { csrfToken } = csrf.body as { csrfToken: string };
    return callRoute(nextAuthRoute, {
      url: '/api/auth/session',
      method: 'POST',
      params: { nextauth: ['session'] },
      body: { csrfToken, data },
      jar,
    });
  }

  it.each([
    ['at the top level', { role: 'admin' }],
    ['nested under user', { user: { role: 'admin' } }],
    ['via __proto__', JSON.parse('{"__proto__":{"role":"admin"}}') as unknown],
  ])('cannot grant a role %s', async (_label, data) => {
    const jar = await signInAsAlice();

    const response = await nextAuthUpdate(jar, data);

    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ user: { role: 'member' } });
    expect((await decodeSessionOf(jar))?.role).toBe('member');
    expect((await (await getStore()).findUserById(await aliceId()))?.role).toBe('member');
  });

  it('applies an allowed patch through the same policy, and the user stays signed in', async () => {
    const jar = await signInAsAlice();

    const response = await nextAuthUpdate(jar, { name: 'Via NextAuth' });

    expect(response.body).toMatchObject({ user: { name: 'Via NextAuth' } });
    expect(await decodeSessionOf(jar)).toMatchObject({ name: 'Via NextAuth' });
  });
});
