import { TEST_SECRET } from '../helpers/test-env';

// The previous secret is the suite's usual one; the current one is new. Set before the app loads.
const NEW_SECRET = 'a-brand-new-secret-after-rotation-0123456789abcdef';
process.env.NEXTAUTH_SECRET = NEW_SECRET;
process.env.NEXTAUTH_SECRET_PREVIOUS = TEST_SECRET;

import 'next-test-api-route-handler';
import { decode, type JWT } from 'next-auth/jwt';
import { getStore } from '@/lib/db';
import { createSessionCodec } from 'next-auth-server-session';
import * as cartRoute from '@/pages/api/cart';
import * as refreshRoute from '@/pages/api/session/refresh';
import { TestCookieJar } from 'next-auth-server-session/testing';
import { callRoute } from '../helpers/routes';
import { SESSION_COOKIE } from '../helpers/session-cookie';
import { ALICE } from '../helpers/sign-in';

/** Alice's token under the previous secret; `current` adds the store's sessionVersion, so nothing about it is stale. */
async function jarWithOldSecretToken(options: { current?: boolean } = {}): Promise<TestCookieJar> {
  const alice = await (await getStore()).findUserByEmail(ALICE.email);
  const claims: JWT = { sub: alice?.id, id: alice?.id, email: ALICE.email, name: 'Alice', role: 'member' };
  const current: JWT = options.current ? { sessionVersion: alice?.sessionVersion, authTime: Date.now() } : {};
  const oldToken = (await createSessionCodec([TEST_SECRET]).encode({ ...claims, ...current }, 3600));
  return new TestCookieJar().set(SESSION_COOKIE, oldToken);
}

describe('secret rotation (NEXTAUTH_SECRET_PREVIOUS)', () => {
  it('accepts a token from the previous secret and re-issues it under the current one on an update', async () => {
    const jar = await jarWithOldSecretToken();

    const response = await callRoute(refreshRoute, { url: '/api/session/refresh', method: 'POST', body: {}, jar });

    expect(response.status).toBe(200);
    const reissued = jar.get(SESSION_COOKIE);
    expect(await decode({ token: reissued, secret: NEW_SECRET })).toMatchObject({ email: ALICE.email });
    await expect(decode({ token: reissued, secret: TEST_SECRET })).rejects.toThrow();
  });

  it('re-issues under the current secret on a plain authenticated read too', async () => {
    const jar = await jarWithOldSecretToken();

    const response = await callRoute(cartRoute, { url: '/api/cart', jar });

    expect(response.status).toBe(200);
    expect(await decode({ token: jar.get(SESSION_COOKIE), secret: NEW_SECRET })).toMatchObject({ email: ALICE.email });
  });

  it('re-issues an otherwise current token under the current secret with the same claims', async () => {
    const jar = await jarWithOldSecretToken({ current: true });
    const before = await decode({ token: jar.get(SESSION_COOKIE), secret: TEST_SECRET });

    const response = await callRoute(cartRoute, { url: '/api/cart', jar });

    expect(response.status).toBe(200);
    const reissued = await decode({ token: jar.get(SESSION_COOKIE), secret: NEW_SECRET });
    expect(reissued).toMatchObject({ sub: before?.sub, email: ALICE.email, sessionVersion: before?.sessionVersion, authTime: before?.authTime });
    // The same claims, not a re-projection from the store (which would add the cart).
    expect(reissued).not.toHaveProperty('cart');
  });
});
