import 'next-test-api-route-handler';
import { getToken } from 'next-auth/jwt';
import { getStore } from '@/lib/db';
import { CHUNK_SIZE_CHARS, MAX_CHUNKS } from 'next-auth-server-session';
import * as nextAuthRoute from '@/pages/api/auth/[...nextauth]';
import * as cartRoute from '@/pages/api/cart';
import * as refreshRoute from '@/pages/api/session/refresh';
import { type TestCookieJar } from 'next-auth-server-session/testing';
import { callRoute } from '../helpers/routes';
import { SESSION_COOKIE, sessionCookieWritesOf, sessionTokenOf } from '../helpers/session-cookie';
import { ALICE, signInAsAlice } from '../helpers/sign-in';
import { TEST_SECRET } from '../helpers/test-env';

async function fillCart(lines: number, quantity = 1): Promise<void> {
  const store = await getStore();
  const alice = await store.findUserByEmail(ALICE.email);
  for (let productId = 1; productId <= lines; productId += 1) {
    await store.addToCart(alice?.id ?? '', productId, quantity);
  }
}

async function aliceCart() {
  const store = await getStore();
  return store.getCart((await store.findUserByEmail(ALICE.email))?.id ?? '');
}

/** The session's part of the Cookie header the jar sends: `name=value` of each session cookie, joined by `; `. */
function sessionCookieHeaderBytes(jar: TestCookieJar): number {
  return jar
    .names()
    .filter((name) => name.startsWith(SESSION_COOKIE))
    .map((name) => `${name}=${jar.get(name) ?? ''}`)
    .join('; ').length;
}

async function emptyCartExcept(keep: number): Promise<void> {
  const store = await getStore();
  const alice = await store.findUserByEmail(ALICE.email);
  const cart = await store.getCart(alice?.id ?? '');
  for (const line of cart.items.slice(keep)) await store.setCartQuantity(alice?.id ?? '', line.productId, 0);
}

function refresh(jar: TestCookieJar) {
  return callRoute(refreshRoute, { url: '/api/session/refresh', method: 'POST', body: {}, jar });
}

function nextAuthGetToken(jar: TestCookieJar) {
  return getToken({ req: { headers: { cookie: jar.header() }, cookies: jar.toObject() } as never, secret: TEST_SECRET, secureCookie: false });
}

describe('session cookie chunking', () => {
  let jar: TestCookieJar;
  beforeAll(async () => {
    jar = await signInAsAlice();
  });

  it('splits a token over 4 KB into .0/.1 cookies that next-auth reassembles', async () => {
    // 110 lines: about 5 KB, past one cookie and within the 6 KB Cookie header budget.
    await fillCart(110);

    const response = await refresh(jar);

    // The unchunked variant of the request is expired, and so is the unused chunk name .2.
    expect(sessionCookieWritesOf(response.setCookies)).toEqual({
      written: [`${SESSION_COOKIE}.0`, `${SESSION_COOKIE}.1`],
      expired: [SESSION_COOKIE, `${SESSION_COOKIE}.2`],
      duplicated: [],
    });
    expect(jar.get(SESSION_COOKIE)).toBeUndefined();
    expect(jar.get(`${SESSION_COOKIE}.0`)?.length).toBe(CHUNK_SIZE_CHARS);
    const token = await nextAuthGetToken(jar);
    expect(token?.cart?.items).toHaveLength(110);
  });

  it("next-auth's own session read keeps the chunked session", async () => {
    const session = await callRoute(nextAuthRoute, { url: '/api/auth/session', params: { nextauth: ['session'] }, jar });

    expect(session.body).toMatchObject({ cart: { count: 110 } });
  });

  it('expires the stale chunks when the token shrinks back under one cookie', async () => {
    await emptyCartExcept(1);

    const response = await refresh(jar);

    // .0/.1 were in the browser; .2 was not, and is expired all the same (every write expires every variant).
    expect(sessionCookieWritesOf(response.setCookies)).toEqual({
      written: [SESSION_COOKIE],
      expired: [`${SESSION_COOKIE}.0`, `${SESSION_COOKIE}.1`, `${SESSION_COOKIE}.2`],
      duplicated: [],
    });
    expect(jar.names().filter((name) => name.startsWith(`${SESSION_COOKIE}.`))).toEqual([]);
    expect((await nextAuthGetToken(jar))?.cart?.count).toBe(1);
  });

  it('keeps a 200-line cart within the budget by dropping the lines from the token, and the app keeps answering', async () => {
    await fillCart(200);

    const response = await refresh(jar);

    expect(response.status).toBe(200);
    const chunks = jar.names().filter((name) => name.startsWith(`${SESSION_COOKIE}.`));
    expect(chunks.length).toBeLessThanOrEqual(MAX_CHUNKS);
    expect(sessionTokenOf(jar)?.length).toBeLessThanOrEqual(MAX_CHUNKS * CHUNK_SIZE_CHARS);
    expect(sessionCookieHeaderBytes(jar)).toBeLessThanOrEqual(6144);
    const stored = await aliceCart();
    expect(stored.items).toHaveLength(200);
    expect((await nextAuthGetToken(jar))?.cart).toEqual({ count: stored.count, totalCents: stored.totalCents });
    const cart = await callRoute(cartRoute, { url: '/api/cart', jar });
    expect((cart.body as { items: unknown[] }).items).toHaveLength(200);
  });
});

describe('a full cart (240 lines of 99) and the Cookie header budget', () => {
  let jar: TestCookieJar;
  beforeAll(async () => {
    await emptyCartExcept(0);
    jar = await signInAsAlice();
    await fillCart(240, 99);
  });

  it('keeps the session cookies the jar sends within 6144 bytes, with the right count and total', async () => {
    const response = await refresh(jar);

    expect(response.status).toBe(200);
    expect(sessionCookieHeaderBytes(jar)).toBeLessThanOrEqual(6144);
    const cart = await aliceCart();
    expect(cart.count).toBe(240 * 99);
    expect((await nextAuthGetToken(jar))?.cart).toMatchObject({ count: cart.count, totalCents: cart.totalCents });
  });

  it("next-auth's own session read keeps the full cart's session within the budget", async () => {
    const session = await callRoute(nextAuthRoute, { url: '/api/auth/session', params: { nextauth: ['session'] }, jar });

    expect(session.body).toMatchObject({ user: { email: ALICE.email }, cart: { count: 240 * 99, totalCents: (await aliceCart()).totalCents } });
    expect(sessionCookieHeaderBytes(jar)).toBeLessThanOrEqual(6144);
  });
});

describe('stray cookies that share the session cookie name', () => {
  it('our next write expires them, so next-auth (which joins them into the token) reads the session again', async () => {
    await emptyCartExcept(0); // a small, unchunked session, whatever the tests above left in the cart
    const jar = await signInAsAlice();
    jar.set(`${SESSION_COOKIE}.bak`, 'left-over').set(`${SESSION_COOKIE}-old`, 'left-over');
    expect(await nextAuthGetToken(jar)).toBeNull(); // next-auth's reader is broken by them

    const response = await refresh(jar);

    expect(response.status).toBe(200);
    expect(sessionCookieWritesOf(response.setCookies)).toEqual({
      written: [SESSION_COOKIE],
      // The strays, beside the chunk names every write expires.
      expired: [`${SESSION_COOKIE}-old`, `${SESSION_COOKIE}.0`, `${SESSION_COOKIE}.1`, `${SESSION_COOKIE}.2`, `${SESSION_COOKIE}.bak`],
      duplicated: [],
    });
    expect((await nextAuthGetToken(jar))?.email).toBe(ALICE.email);
  });
});
