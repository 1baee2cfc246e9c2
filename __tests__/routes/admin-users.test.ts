import 'next-test-api-route-handler';
import * as adminUserRoute from '@/pages/api/admin/users/[id]';
import * as adminUsersRoute from '@/pages/api/admin/users';
import type { Store, UserRecord } from '@/lib/db';
import { type TestCookieJar } from 'next-auth-server-session/testing';
import { callRoute, type RouteResult } from '../helpers/routes';
import { SESSION_COOKIE, sessionCookieWritesOf } from '../helpers/session-cookie';
import { createUserAndSignIn } from '../helpers/sign-in';

const EVERY_SESSION_VARIANT = [SESSION_COOKIE, `${SESSION_COOKIE}.0`, `${SESSION_COOKIE}.1`, `${SESSION_COOKIE}.2`];

const listUsers = (jar: TestCookieJar) => callRoute(adminUsersRoute, { url: '/api/admin/users', jar });
const setRole = (jar: TestCookieJar, id: string, role: string) =>
  callRoute(adminUserRoute, { url: `/api/admin/users/${id}`, method: 'PATCH', params: { id }, body: { role }, jar });

function expectRefusedWithCookiesExpired(response: RouteResult) {
  expect(response.status).toBe(401);
  expect(sessionCookieWritesOf(response.setCookies)).toEqual({ written: [], expired: EVERY_SESSION_VARIANT, duplicated: [] });
}

/** Leaves `keep` as the only enabled admins; returns what puts the others back. */
async function keepOnlyEnabledAdmins(store: Store, keep: UserRecord[]): Promise<() => Promise<void>> {
  const others = (await store.listUsers()).filter((user) => user.role === 'admin' && !user.disabled && !keep.some((kept) => kept.id === user.id));
  for (const other of others) await store.setRole(other.id, 'member');
  return async () => {
    for (const other of others) await store.setRole(other.id, 'admin');
  };
}

describe('admin routes re-check the session, not only the role', () => {
  it('refuse a revoked admin session with 401 and every session cookie expired', async () => {
    const { user, jar, store } = await createUserAndSignIn('admin');
    await store.revokeSessions(user.id, Date.now() + 1);

    expectRefusedWithCookiesExpired(await listUsers(jar));
  });

  it('refuse a disabled admin with 401 and every session cookie expired', async () => {
    const { user, jar, store } = await createUserAndSignIn('admin');
    await store.setDisabled(user.id, true);

    expectRefusedWithCookiesExpired(await listUsers(jar));
  });
});

describe('PATCH /api/admin/users/:id and the last admin', () => {
  it('refuses (409) to demote the last enabled admin even though a disabled admin exists', async () => {
    const { user: admin, jar, store } = await createUserAndSignIn('admin');
    const { user: disabledAdmin } = await createUserAndSignIn('admin');
    await store.setDisabled(disabledAdmin.id, true);
    const restore = await keepOnlyEnabledAdmins(store, [admin]);
    try {
      const response = await setRole(jar, admin.id, 'member');

      expect(response.status).toBe(409);
      expect((await store.findUserById(admin.id))?.role).toBe('admin');
    } finally {
      await restore();
    }
  });

  it('answers 403 and changes nothing when the admin is demoted while the request runs', async () => {
    const { user: actor, jar, store } = await createUserAndSignIn('admin');
    const { user: target } = await createUserAndSignIn('admin');
    const setRoleAs = store.setRoleAs;
    // The demotion commits after requireAdmin has read the actor as an admin, before the change's transaction.
    const spy = jest.spyOn(store, 'setRoleAs').mockImplementationOnce(async (...args) => {
      await store.setRole(actor.id, 'member');
      return setRoleAs(...args);
    });
    try {
      const response = await setRole(jar, target.id, 'member');

      expect(response.status).toBe(403);
      expect((await store.findUserById(target.id))?.role).toBe('admin');
    } finally {
      spy.mockRestore();
    }
  });

  it.each([
    ['signed out everywhere', (store: Store, id: string) => store.revokeSessions(id, Date.now())],
    ['disabled', (store: Store, id: string) => store.setDisabled(id, true)],
  ])('answers 401 with the cookies expired and changes nothing when the admin is %s while the request runs', async (_label, endSession) => {
    const { user: actor, jar, store } = await createUserAndSignIn('admin');
    const { user: target } = await createUserAndSignIn();
    const setRoleAs = store.setRoleAs;
    // Lands after requireAdmin has judged the actor's session, before the change's transaction.
    const spy = jest.spyOn(store, 'setRoleAs').mockImplementationOnce(async (...args) => {
      await endSession(store, actor.id);
      return setRoleAs(...args);
    });
    try {
      const response = await setRole(jar, target.id, 'admin');

      expectRefusedWithCookiesExpired(response);
      expect(await store.findUserById(target.id)).toEqual(target);
    } finally {
      spy.mockRestore();
    }
  });
});
