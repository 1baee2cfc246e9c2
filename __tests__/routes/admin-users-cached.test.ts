// The per-process session state cache on (SESSION_VERSION_CACHE_MS). Set before the app's modules load.
process.env.SESSION_VERSION_CACHE_MS = '60000';

import 'next-test-api-route-handler';
import * as adminUsersRoute from '@/pages/api/admin/users';
import * as cartRoute from '@/pages/api/cart';
import { type TestCookieJar } from 'next-auth-server-session/testing';
import { callRoute } from '../helpers/routes';
import { SESSION_COOKIE, sessionCookieWritesOf } from '../helpers/session-cookie';
import { createUserAndSignIn } from '../helpers/sign-in';

const EVERY_SESSION_VARIANT = [SESSION_COOKIE, `${SESSION_COOKIE}.0`, `${SESSION_COOKIE}.1`, `${SESSION_COOKIE}.2`];

const listUsers = (jar: TestCookieJar) => callRoute(adminUsersRoute, { url: '/api/admin/users', jar });

/**
 * A change written straight to the store stands for one made through another instance:
 * this process's cache does not hear of it. Ordinary routes may serve the cached state
 * for the TTL (the documented trade-off); admin routes read the user anyway, and judge
 * the session by that fresh read.
 */
describe('admin routes with SESSION_VERSION_CACHE_MS > 0', () => {
  it.each([
    ['disabled', (store: { setDisabled(id: string, disabled: boolean): Promise<boolean> }, id: string) => store.setDisabled(id, true)],
    ['revoked', (store: { revokeSessions(id: string, beforeMs: number): Promise<boolean> }, id: string) => store.revokeSessions(id, Date.now() + 1)],
  ])('refuse an admin %s on another instance at once, with 401 and the cookies expired', async (_, change) => {
    const { user, jar, store } = await createUserAndSignIn('admin');
    expect((await listUsers(jar)).status).toBe(200);
    expect((await callRoute(cartRoute, { url: '/api/cart', jar })).status).toBe(200); // the state is cached now
    await change(store, user.id);

    const response = await listUsers(jar);

    expect(response.status).toBe(401);
    expect(sessionCookieWritesOf(response.setCookies)).toEqual({ written: [], expired: EVERY_SESSION_VARIANT, duplicated: [] });
  });
});
