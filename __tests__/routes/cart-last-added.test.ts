import 'next-test-api-route-handler';
import type { GetServerSidePropsContext } from 'next';
import * as cartRoute from '@/pages/api/cart';
import { getServerSideProps } from '@/pages/shop';
import { LAST_ADDED_COOKIE } from '@/lib/cart/last-added';
import { demoProduct } from '@/lib/db/seed';
import { type TestCookieJar } from 'next-auth-server-session/testing';
import { callRoute } from '../helpers/routes';
import { SESSION_COOKIE, decodeSessionOf } from '../helpers/session-cookie';
import { callHandler } from '../helpers/session-toolkit';
import { createUserAndSignIn, signInThroughNextAuth } from '../helpers/sign-in';

/** The main app's cookies-next use: POST /api/cart writes the hint beside the session, the shop page reads it on the server. */

function addToCart(jar: TestCookieJar, productId: number) {
  return callRoute(cartRoute, { url: '/api/cart', method: 'POST', body: { productId, quantity: 1 }, jar });
}

/** The shop page's getServerSideProps on a real request and answer (it reads the session), with the cookies the jar holds. */
async function shopPropsFor(jar: TestCookieJar): Promise<unknown> {
  const response = await callHandler(
    async (req, res) => {
      const result = await getServerSideProps({ req, res, query: {}, resolvedUrl: '/shop' } as unknown as GetServerSidePropsContext);
      res.status(200).json(result);
    },
    { url: '/shop', jar },
  );
  return response.body;
}

/** next-auth's own sign-out: GET /api/auth/csrf, then POST /api/auth/signout with the token. */
async function signOut(jar: TestCookieJar): Promise<void> {
  const route = await import('@/pages/api/auth/[...nextauth]');
  const csrf = await callRoute(route, { url: '/api/auth/csrf', params: { nextauth: ['csrf'] }, jar });
  const { csrfToken } = csrf.body as { csrfToken: string };
  await callRoute(route, {
    url: '/api/auth/signout',
    method: 'POST',
    params: { nextauth: ['signout'] },
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ csrfToken, json: 'true' }).toString(),
    jar,
  });
}

describe('POST /api/cart and the last-added hint', () => {
  it("writes the hint, naming the user and the product, beside the session update, one Set-Cookie per name", async () => {
    const { user, jar } = await createUserAndSignIn();

    const response = await addToCart(jar, 7);

    expect(response.status).toBe(200);
    const names = response.setCookies.map((cookie) => cookie.name);
    expect(new Set(names).size).toBe(names.length);
    expect(names).toEqual(expect.arrayContaining([LAST_ADDED_COOKIE, SESSION_COOKIE]));
    expect(jar.get(LAST_ADDED_COOKIE)).toBe(`${user.id}.7`);
    expect((await decodeSessionOf(jar))?.cart).toMatchObject({ count: 1, items: [{ productId: 7, quantity: 1 }] });
  });

  it('leaves the hint as it was when nothing was added', async () => {
    const { user, jar } = await createUserAndSignIn();
    await addToCart(jar, 7);

    const response = await addToCart(jar, 999999);

    expect(response.status).toBe(404);
    expect(response.setCookies).toEqual([]);
    expect(jar.get(LAST_ADDED_COOKIE)).toBe(`${user.id}.7`);
  });

  it("is what the shop page's getServerSideProps shows the user who added it", async () => {
    const { jar } = await createUserAndSignIn();
    await addToCart(jar, 7);
    await addToCart(jar, 12);

    expect(await shopPropsFor(jar)).toEqual({ props: { lastAdded: { id: 12, name: demoProduct(12).name } } });
  });

  it('is shown to no one once the user has signed out, though the browser keeps the cookie', async () => {
    const { jar } = await createUserAndSignIn();
    await addToCart(jar, 7);

    await signOut(jar);

    expect(jar.get(SESSION_COOKIE)).toBeUndefined();
    expect(jar.get(LAST_ADDED_COOKIE)).toBeDefined();
    expect(await shopPropsFor(jar)).toEqual({ props: { lastAdded: null } });
  });

  it('is not shown to the next user who signs in on the same browser', async () => {
    const { jar } = await createUserAndSignIn();
    await addToCart(jar, 7);
    await signOut(jar);
    const next = await createUserAndSignIn();

    await signInThroughNextAuth(next.user.email, 'test-password', jar);

    expect(jar.get(LAST_ADDED_COOKIE)).toBeDefined();
    expect(await shopPropsFor(jar)).toEqual({ props: { lastAdded: null } });
  });
});
