import 'next-test-api-route-handler';
import type { GetServerSidePropsContext } from 'next';
import * as cartRoute from '@/pages/api/cart';
import { getServerSideProps } from '@/pages/shop';
import { LAST_ADDED_COOKIE } from '@/lib/cart/last-added';
import { demoProduct } from '@/lib/db/seed';
import { type TestCookieJar } from 'next-auth-server-session/testing';
import { callRoute } from '../helpers/routes';
import { SESSION_COOKIE, decodeSessionOf } from '../helpers/session-cookie';
import { createUserAndSignIn } from '../helpers/sign-in';

/** The main app's cookies-next use: POST /api/cart writes the hint beside the session, the shop page reads it on the server. */

function addToCart(jar: TestCookieJar, productId: number) {
  return callRoute(cartRoute, { url: '/api/cart', method: 'POST', body: { productId, quantity: 1 }, jar });
}

/** The shop page's getServerSideProps, on the cookies the jar holds. */
async function shopPropsFor(jar: TestCookieJar) {
  const context = { req: { headers: { cookie: jar.header() }, cookies: jar.toObject() }, res: {}, query: {}, resolvedUrl: '/shop' };
  return getServerSideProps(context as unknown as GetServerSidePropsContext);
}

describe('POST /api/cart and the last-added hint', () => {
  it('writes the hint beside the session update, one Set-Cookie per name', async () => {
    const { jar } = await createUserAndSignIn();

    const response = await addToCart(jar, 7);

    expect(response.status).toBe(200);
    const names = response.setCookies.map((cookie) => cookie.name);
    expect(new Set(names).size).toBe(names.length);
    expect(names).toEqual(expect.arrayContaining([LAST_ADDED_COOKIE, SESSION_COOKIE]));
    expect(jar.get(LAST_ADDED_COOKIE)).toBe('7');
    expect((await decodeSessionOf(jar))?.cart).toMatchObject({ count: 1, items: [{ productId: 7, quantity: 1 }] });
  });

  it('leaves the hint as it was when nothing was added', async () => {
    const { jar } = await createUserAndSignIn();
    await addToCart(jar, 7);

    const response = await addToCart(jar, 999999);

    expect(response.status).toBe(404);
    expect(response.setCookies).toEqual([]);
    expect(jar.get(LAST_ADDED_COOKIE)).toBe('7');
  });

  it("is what the shop page's getServerSideProps shows", async () => {
    const { jar } = await createUserAndSignIn();
    await addToCart(jar, 7);
    await addToCart(jar, 12);

    expect(await shopPropsFor(jar)).toEqual({ props: { lastAdded: { id: 12, name: demoProduct(12).name } } });
  });
});
