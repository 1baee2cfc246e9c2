import 'next-test-api-route-handler';
import type { JWT } from 'next-auth/jwt';
import * as nextAuthRoute from '@/pages/api/auth/[...nextauth]';
import { getStore } from '@/lib/db';
import { createSessionCodec } from 'next-auth-server-session';
import * as cartRoute from '@/pages/api/cart';
import { TestCookieJar } from 'next-auth-server-session/testing';
import { callRoute } from '../helpers/routes';
import { SESSION_COOKIE, sessionCookieWritesOf, sessionSetCookies } from '../helpers/session-cookie';
import { TEST_SECRET } from '../helpers/test-env';
import { ALICE } from '../helpers/sign-in';

/** Alice's token, current in every claim the store checks, minted with the suite's secret and the given authTime. */
async function jarWithAuthTime(authTime: number): Promise<TestCookieJar> {
  const alice = await (await getStore()).findUserByEmail(ALICE.email);
  const claims: JWT = { sub: alice?.id, id: alice?.id, email: ALICE.email, name: 'Alice', role: 'member', sessionVersion: alice?.sessionVersion, authTime };
  return new TestCookieJar().set(SESSION_COOKIE, (await createSessionCodec([TEST_SECRET]).encode(claims, 3600)));
}

describe('a token whose session claims to begin in the future', () => {
  it('is used as is when authTime is now (the minted token is otherwise valid)', async () => {
    const response = await callRoute(cartRoute, { url: '/api/cart', jar: await jarWithAuthTime(Date.now()) });

    expect(response.status).toBe(200);
  });

  it('is refused by our routes with 401 and every session cookie expired', async () => {
    const response = await callRoute(cartRoute, { url: '/api/cart', jar: await jarWithAuthTime(Date.now() + 60_000) });

    expect(response.status).toBe(401);
    expect(sessionCookieWritesOf(response.setCookies)).toEqual({
      written: [],
      expired: [SESSION_COOKIE, `${SESSION_COOKIE}.0`, `${SESSION_COOKIE}.1`, `${SESSION_COOKIE}.2`],
      duplicated: [],
    });
  });

  it("is refused by next-auth's session read, which expires the cookie", async () => {
    const jar = await jarWithAuthTime(Date.now() + 60_000);

    const response = await callRoute(nextAuthRoute, { url: '/api/auth/session', params: { nextauth: ['session'] }, jar });

    expect(response.body).toEqual({});
    const cookies = sessionSetCookies(response.setCookies);
    expect(cookies.length).toBeGreaterThan(0);
    for (const cookie of cookies) expect(cookie.value).toBe('');
  });
});
