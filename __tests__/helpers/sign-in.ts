import { TestCookieJar } from 'next-auth-server-session/testing';
import { callRoute, type RouteModule, type RouteResult } from './routes';

async function nextAuthRoute(): Promise<RouteModule> {
  return import('@/pages/api/auth/[...nextauth]');
}

/** next-auth's real credentials flow: GET /api/auth/csrf, then POST the callback with the token. */
export async function signInThroughNextAuth(
  email: string,
  password: string,
  jar = new TestCookieJar(),
): Promise<{ jar: TestCookieJar; response: RouteResult }> {
  const route = await nextAuthRoute();
  const csrf = await callRoute(route, { url: '/api/auth/csrf', params: { nextauth: ['csrf'] }, jar });
  const { csrfToken } = csrf.body as { csrfToken: string };
  const response = await callRoute(route, {
    url: '/api/auth/callback/credentials',
    method: 'POST',
    params: { nextauth: ['callback', 'credentials'] },
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ csrfToken, email, password, json: 'true' }).toString(),
    jar,
  });
  return { jar, response };
}

export const ALICE = { email: 'alice@example.com', password: 'alice-password' } as const;
export const ADMIN = { email: 'admin@example.com', password: 'admin-password' } as const;

export async function signInAsAlice(): Promise<TestCookieJar> {
  const { jar } = await signInThroughNextAuth(ALICE.email, ALICE.password);
  return jar;
}

/** A user of the test's own (fresh cart, fresh version), signed in through next-auth. */
export async function createUserAndSignIn(role: 'member' | 'admin' = 'member') {
  const { getStore } = await import('@/lib/db');
  const { hashPassword } = await import('@/lib/auth/password');
  const store = await getStore();
  const email = `user-${Math.random().toString(36).slice(2)}@example.test`;
  const user = await store.createUser({ email, name: 'Test User', role, passwordHash: await hashPassword('test-password') });
  if (!user) throw new Error('could not create the test user');
  const { jar } = await signInThroughNextAuth(email, 'test-password');
  return { user, jar, store, signInAgain: async () => (await signInThroughNextAuth(email, 'test-password')).jar };
}
