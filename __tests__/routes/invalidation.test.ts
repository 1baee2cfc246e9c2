import 'next-test-api-route-handler';
import * as nextAuthRoute from '@/pages/api/auth/[...nextauth]';
import * as adminUserRoute from '@/pages/api/admin/users/[id]';
import * as adminUsersRoute from '@/pages/api/admin/users';
import * as cartRoute from '@/pages/api/cart';
import * as refreshRoute from '@/pages/api/session/refresh';
import * as revokeRoute from '@/pages/api/session/revoke-all';
import type { JWT } from 'next-auth/jwt';
import type { UserRecord } from '@/lib/db/store';
import { createSessionCodec } from 'next-auth-server-session';
import { TestCookieJar } from 'next-auth-server-session/testing';
import { callRoute } from '../helpers/routes';
import { decodeSessionOf, SESSION_COOKIE, sessionCookieWritesOf, sessionSetCookies } from '../helpers/session-cookie';
import { createUserAndSignIn } from '../helpers/sign-in';
import { addLineFirst, CHANGE_PROFILE, expectSessionRefused, readWrittenState, SESSION_WRITES } from '../helpers/session-writes';
import { TEST_SECRET } from '../helpers/test-env';

/** The chunk names a response expires beside an unchunked session (the default budget: 3 chunks). */
const EVERY_CHUNK_NAME = [`${SESSION_COOKIE}.0`, `${SESSION_COOKIE}.1`, `${SESSION_COOKIE}.2`];

const getCart = (jar: TestCookieJar) => callRoute(cartRoute, { url: '/api/cart', jar });
const addToCart = (jar: TestCookieJar, productId: number) =>
  callRoute(cartRoute, { url: '/api/cart', method: 'POST', body: { productId, quantity: 1 }, jar });
const getNextAuthSession = (jar: TestCookieJar) => callRoute(nextAuthRoute, { url: '/api/auth/session', params: { nextauth: ['session'] }, jar });
const setRole = (jar: TestCookieJar, id: string, body: unknown) =>
  callRoute(adminUserRoute, { url: `/api/admin/users/${id}`, method: 'PATCH', params: { id }, body, jar });

describe('session version: changes made elsewhere reach the very next request', () => {
  it('re-issues fresh claims with X-Revalidate-Session on an ordinary API request', async () => {
    const { user, jar, store } = await createUserAndSignIn();
    await store.setRole(user.id, 'admin');

    const response = await getCart(jar);

    expect(response.status).toBe(200);
    expect(response.headers.get('x-revalidate-session')).toBe('true');
    expect(await decodeSessionOf(jar)).toMatchObject({ role: 'admin' });
  });

  it("re-issues fresh claims on next-auth's own session read", async () => {
    const { user, jar, store } = await createUserAndSignIn();
    await store.updateProfile(user.id, { name: 'Renamed Elsewhere' });

    const session = await getNextAuthSession(jar);

    expect(session.body).toMatchObject({ user: { name: 'Renamed Elsewhere' } });
    expect(await decodeSessionOf(jar)).toMatchObject({ name: 'Renamed Elsewhere' });
  });

  it('leaves a fresh token alone: no re-issue, no header', async () => {
    const { jar } = await createUserAndSignIn();

    const response = await getCart(jar);

    expect(response.headers.get('x-revalidate-session')).toBeNull();
    expect(response.setCookies).toEqual([]);
  });

  it('a write on a stale token issues the session once, with the change made elsewhere and its own', async () => {
    const { user, jar, store } = await createUserAndSignIn();
    await store.setRole(user.id, 'admin');
    const userReads = jest.spyOn(store, 'findUserById');

    try {
      const response = await addToCart(jar, 1);

      expect(response.status).toBe(200);
      expect(response.headers.get('x-revalidate-session')).toBe('true');
      // One session written (every other variant expired with it), no name twice.
      expect(sessionCookieWritesOf(response.setCookies)).toEqual({ written: [SESSION_COOKIE], expired: EVERY_CHUNK_NAME, duplicated: [] });
      expect(await decodeSessionOf(jar)).toMatchObject({ role: 'admin', cart: { count: 1 } });
      // One projection of the claims (the update after the write), not one more before it.
      expect(userReads).toHaveBeenCalledTimes(1);
    } finally {
      userReads.mockRestore();
    }
  });

  it('a failed write on a stale token answers without a session; the next request re-issues the fresh claims', async () => {
    const { user, jar, store } = await createUserAndSignIn();
    await store.setRole(user.id, 'admin');

    const response = await addToCart(jar, 99_999);

    // An error answer carries no freshly issued session: the browser keeps its old cookie...
    expect(response.status).toBe(404);
    expect(response.headers.get('x-revalidate-session')).toBeNull();
    expect(sessionSetCookies(response.setCookies)).toEqual([]);
    expect(await decodeSessionOf(jar)).toMatchObject({ role: 'member' });

    const next = await getCart(jar);

    // ...which is still stale, so the next successful request re-issues it from the store.
    expect(next.status).toBe(200);
    expect(next.headers.get('x-revalidate-session')).toBe('true');
    expect(sessionCookieWritesOf(next.setCookies)).toMatchObject({ written: [SESSION_COOKIE], duplicated: [] });
    expect(await decodeSessionOf(jar)).toMatchObject({ role: 'admin', cart: { count: 0 } });
  });

  it('undoes a stale response that wrote an old cookie back (next-auth issue 8897)', async () => {
    const { user, jar, store } = await createUserAndSignIn();
    // A session read starts with the old cookie and its answer is held back...
    const staleRead = await getNextAuthSession(jar.clone());
    // ...an update lands meanwhile...
    await store.setRole(user.id, 'admin');
    await getCart(jar);
    expect(await decodeSessionOf(jar)).toMatchObject({ role: 'admin' });
    // ...then the stale answer arrives last and the browser keeps its old cookie.
    jar.apply(staleRead);
    expect(await decodeSessionOf(jar)).toMatchObject({ role: 'member' });

    const next = await getCart(jar);

    expect(next.headers.get('x-revalidate-session')).toBe('true');
    expect(await decodeSessionOf(jar)).toMatchObject({ role: 'admin' });
  });
});

describe('revocation', () => {
  function expectAllSessionCookiesExpired(setCookies: Parameters<typeof sessionSetCookies>[0]) {
    const cookies = sessionSetCookies(setCookies);
    expect(cookies.length).toBeGreaterThan(0);
    for (const cookie of cookies) expect(cookie.value).toBe('');
  }

  /** Our routes end a session by expiring every variant it could be stored under, whatever the request carried. */
  function expectEveryVariantExpired(setCookies: Parameters<typeof sessionSetCookies>[0]) {
    expectAllSessionCookiesExpired(setCookies);
    expect(sessionCookieWritesOf(setCookies)).toEqual({ written: [], expired: [SESSION_COOKIE, ...EVERY_CHUNK_NAME], duplicated: [] });
  }

  it('sign out everywhere: another browser gets 401 and its session cookies expired', async () => {
    const { jar: laptop, signInAgain } = await createUserAndSignIn();
    const phone = await signInAgain();

    const revoke = await callRoute(revokeRoute, { url: '/api/session/revoke-all', method: 'POST', jar: laptop });
    expect(revoke.status).toBe(200);
    expect(laptop.get(SESSION_COOKIE)).toBeUndefined();

    const response = await getCart(phone);

    expect(response.status).toBe(401);
    expectEveryVariantExpired(response.setCookies);
    expect(phone.get(SESSION_COOKIE)).toBeUndefined();
  });

  it('a write on a revoked session is refused before it changes anything', async () => {
    const { user, jar, signInAgain, store } = await createUserAndSignIn();
    const other = await signInAgain();
    await callRoute(revokeRoute, { url: '/api/session/revoke-all', method: 'POST', jar });

    const response = await addToCart(other, 1);

    expect(response.status).toBe(401);
    expectEveryVariantExpired(response.setCookies);
    expect((await store.getCart(user.id)).count).toBe(0);
  });

  it.each([
    ['revoked (sign out everywhere elsewhere)', async (store: Awaited<ReturnType<typeof createUserAndSignIn>>['store'], id: string) => void (await store.revokeSessions(id, Date.now()))],
    ['disabled', async (store: Awaited<ReturnType<typeof createUserAndSignIn>>['store'], id: string) => void (await store.setDisabled(id, true))],
  ])('a profile change on a %s session is refused and writes nothing', async (_state, endSession) => {
    const { user, jar, store } = await createUserAndSignIn();
    await endSession(store, user.id);

    const response = await callRoute(refreshRoute, { url: '/api/session/refresh', method: 'POST', body: { data: { name: 'Never Written' } }, jar });

    expect(response.status).toBe(401);
    expectEveryVariantExpired(response.setCookies);
    expect((await store.findUserById(user.id))?.name).toBe('Test User');
  });

  it("next-auth's session read refuses a revoked session too", async () => {
    const { jar, signInAgain } = await createUserAndSignIn();
    const other = await signInAgain();
    await callRoute(revokeRoute, { url: '/api/session/revoke-all', method: 'POST', jar });

    const session = await getNextAuthSession(other);

    expect(session.body).toEqual({});
    expectAllSessionCookiesExpired(session.setCookies);
  });

  it('a new sign-in after the revocation works', async () => {
    const { jar, signInAgain } = await createUserAndSignIn();
    await callRoute(revokeRoute, { url: '/api/session/revoke-all', method: 'POST', jar });

    const fresh = await signInAgain();

    expect((await getCart(fresh)).status).toBe(200);
  });

  it('revoke-all refuses a cross-origin request and revokes nothing', async () => {
    const { jar } = await createUserAndSignIn();

    const response = await callRoute(revokeRoute, { url: '/api/session/revoke-all', method: 'POST', jar, headers: { origin: 'https://evil.example' } });

    expect(response.status).toBe(403);
    expect((await getCart(jar)).status).toBe(200);
  });

  it.each([
    ['deleted', (store: { deleteUser(id: string): Promise<boolean> }, id: string) => store.deleteUser(id)],
    ['disabled', (store: { setDisabled(id: string, on: boolean): Promise<boolean> }, id: string) => store.setDisabled(id, true)],
  ])('refuses the token of a %s user with 401 and expired cookies', async (_label, change) => {
    const { user, jar, store } = await createUserAndSignIn();
    await change(store, user.id);

    const response = await getCart(jar);

    expect(response.status).toBe(401);
    expectEveryVariantExpired(response.setCookies);
  });
});

describe('a write racing "sign out everywhere" or disabling', () => {
  type Store = Awaited<ReturnType<typeof createUserAndSignIn>>['store'];

  /** Runs `end` once, right before the store's `method`: the route has checked the session, the write has not begun. */
  function endSessionBeforeWrite(store: Store, method: keyof Store, end: () => Promise<unknown>) {
    const original = store[method] as (...args: unknown[]) => Promise<unknown>;
    return jest.spyOn(store, method).mockImplementationOnce((async (...args: unknown[]) => {
      await end();
      return original(...args);
    }) as never);
  }

  /** The user's token as minted before epochs existed: no `sessionEpoch`, judged by the time rule. */
  async function jarWithoutEpoch(user: UserRecord): Promise<TestCookieJar> {
    const claims: JWT = { sub: user.id, id: user.id, email: user.email, name: user.name, role: user.role, sessionVersion: user.sessionVersion, authTime: Date.now() };
    return new TestCookieJar().set(SESSION_COOKIE, await createSessionCodec([TEST_SECRET]).encode(claims, 3600));
  }

  it.each(SESSION_WRITES.map((write) => [write.label, write] as const))(
    '%s: a revocation landing after the session check refuses the write (401, cookies expired, nothing written)',
    async (_label, write) => {
      const { user, jar, store } = await createUserAndSignIn();
      await addLineFirst(jar);
      let afterRevocation: Awaited<ReturnType<typeof readWrittenState>> | undefined;
      const spy = endSessionBeforeWrite(store, write.storeMethod, async () => {
        await store.revokeSessions(user.id, Date.now());
        afterRevocation = await readWrittenState(store, user.id);
      });
      try {
        const response = await write.send(jar);

        expect(spy).toHaveBeenCalled();
        expectSessionRefused(response);
        expect(await readWrittenState(store, user.id)).toEqual(afterRevocation);
      } finally {
        spy.mockRestore();
      }
    },
  );

  it('disabling that lands after the session check refuses a profile change', async () => {
    const { user, jar, store } = await createUserAndSignIn();
    const spy = endSessionBeforeWrite(store, 'updateProfile', () => store.setDisabled(user.id, true));
    try {
      expectSessionRefused(await CHANGE_PROFILE.send(jar));

      expect((await store.findUserById(user.id))?.name).toBe('Test User');
    } finally {
      spy.mockRestore();
    }
  });

  it.each([
    ['a cart add', 'addToCart' as const, (jar: TestCookieJar) => addToCart(jar, 1)],
    ['a profile change through /api/session/refresh', 'updateProfile' as const, (jar: TestCookieJar) =>
      callRoute(refreshRoute, { url: '/api/session/refresh', method: 'POST', body: { data: { name: 'Never Written' } }, jar })],
  ])('a token without an epoch: %s racing a revocation writes nothing', async (_label, method, send) => {
    const { user, store } = await createUserAndSignIn();
    const jar = await jarWithoutEpoch(user);
    let afterRevocation: Awaited<ReturnType<typeof readWrittenState>> | undefined;
    const spy = endSessionBeforeWrite(store, method, async () => {
      await store.revokeSessions(user.id, Date.now() + 1);
      afterRevocation = await readWrittenState(store, user.id);
    });
    try {
      const response = await send(jar);

      expect(spy).toHaveBeenCalled();
      expectSessionRefused(response);
      expect(await readWrittenState(store, user.id)).toEqual(afterRevocation);
    } finally {
      spy.mockRestore();
    }
  });

  it('"sign out everywhere" from a session revoked meanwhile leaves the sessions begun since alone', async () => {
    const { user, jar: phone, store, signInAgain } = await createUserAndSignIn();
    let tablet: TestCookieJar | undefined;
    // Another browser signs out everywhere and the user signs in anew, after the phone's check.
    const spy = endSessionBeforeWrite(store, 'revokeSessions', async () => {
      await callRoute(revokeRoute, { url: '/api/session/revoke-all', method: 'POST', jar: await signInAgain() });
      tablet = await signInAgain();
    });
    try {
      const response = await callRoute(revokeRoute, { url: '/api/session/revoke-all', method: 'POST', jar: phone });

      expectSessionRefused(response);
      expect((await getCart(tablet ?? new TestCookieJar())).status).toBe(200);
      expect((await store.getSessionState(user.id))?.sessionEpoch).toBe(user.sessionEpoch + 1);
    } finally {
      spy.mockRestore();
    }
  });
});

describe('disabling and enabling an account again', () => {
  it("refuses a token from before disabling once the account is enabled again (401, cookies expired)", async () => {
    const { user, jar, store } = await createUserAndSignIn();
    await store.setDisabled(user.id, true);
    await store.setDisabled(user.id, false);

    expectSessionRefused(await getCart(jar));
  });

  it('lets the user sign in again once enabled', async () => {
    const { user, store, signInAgain } = await createUserAndSignIn();
    await store.setDisabled(user.id, true);
    await store.setDisabled(user.id, false);

    expect((await getCart(await signInAgain())).status).toBe(200);
  });
});

describe('admin role changes', () => {
  it('a member gets 403', async () => {
    const { jar, user } = await createUserAndSignIn();

    expect((await setRole(jar, user.id, { role: 'admin' })).status).toBe(403);
    expect((await callRoute(adminUsersRoute, { url: '/api/admin/users', jar })).status).toBe(403);
  });

  it('an admin gets 404 for an unknown user and 400 for a bad role', async () => {
    const { jar } = await createUserAndSignIn('admin');
    const { user: target } = await createUserAndSignIn();

    expect((await setRole(jar, 'no-such-user', { role: 'admin' })).status).toBe(404);
    const bad = await setRole(jar, target.id, { role: 'owner' });
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ issues: [expect.objectContaining({ path: 'role' })] });
  });

  it('the last admin cannot be demoted (409)', async () => {
    const { jar: adminJar, user: admin, store } = await createUserAndSignIn('admin');
    for (const other of (await store.listUsers()).filter((user) => user.role === 'admin' && user.id !== admin.id)) {
      await store.setRole(other.id, 'member');
    }

    const response = await setRole(adminJar, admin.id, { role: 'member' });

    expect(response.status).toBe(409);
    expect((await store.findUserById(admin.id))?.role).toBe('admin');
  });

  it("promoting a member shows in the member's next request of any kind", async () => {
    const { jar: adminJar } = await createUserAndSignIn('admin');
    const { jar: memberJar, user: member } = await createUserAndSignIn();

    const response = await setRole(adminJar, member.id, { role: 'admin' });
    expect(response.status).toBe(200);

    const next = await getNextAuthSession(memberJar);
    expect(next.body).toMatchObject({ user: { role: 'admin' } });
    expect((await callRoute(adminUsersRoute, { url: '/api/admin/users', jar: memberJar })).status).toBe(200);
  });

  it('a demoted admin loses admin access on the next request', async () => {
    const { jar: adminJar } = await createUserAndSignIn('admin');
    const { jar: otherAdminJar, user: otherAdmin } = await createUserAndSignIn('admin');

    expect((await setRole(adminJar, otherAdmin.id, { role: 'member' })).status).toBe(200);

    expect((await callRoute(adminUsersRoute, { url: '/api/admin/users', jar: otherAdminJar })).status).toBe(403);
    // The next ordinary request re-issues the session with the new role.
    const next = await getCart(otherAdminJar);
    expect(next.status).toBe(200);
    expect(await decodeSessionOf(otherAdminJar)).toMatchObject({ role: 'member' });
  });
});
