import type { NextApiHandler } from 'next';
import type { NextAuthOptions } from 'next-auth';
import NextAuth from 'next-auth/next';
import { encode, type JWT } from 'next-auth/jwt';
import { type TestCookieJar } from 'next-auth-server-session/testing';
import { callRoute, type RouteCall, type RouteResult } from './routes';
import { TEST_SECRET } from './test-env';

/**
 * Helpers for the `lib/session` unit and route tests: next-auth's environment saved and put
 * back around each test, a signed-in token minted with next-auth's own `encode`, and plain
 * handlers (or next-auth's own) called through next-test-api-route-handler.
 * A test file that uses `callHandler` imports 'next-test-api-route-handler' first.
 */

// next-auth types VERCEL as '1'; the tests set and unset these as plain strings.
const env: Record<string, string | undefined> = process.env;

export const NEXT_AUTH_ENV_NAMES = ['NEXTAUTH_URL', 'VERCEL', 'AUTH_TRUST_HOST', 'NEXTAUTH_SECRET', 'AUTH_SECRET'] as const;
export type NextAuthEnvName = (typeof NEXT_AUTH_ENV_NAMES)[number];

/** Registers a beforeEach/afterEach pair that restores every next-auth variable a test changes. */
export function restoreNextAuthEnvAfterEach(): void {
  let saved: Partial<Record<NextAuthEnvName, string>> = {};
  beforeEach(() => {
    saved = {};
    for (const name of NEXT_AUTH_ENV_NAMES) if (env[name] !== undefined) saved[name] = env[name];
  });
  afterEach(() => {
    for (const name of NEXT_AUTH_ENV_NAMES) {
      const value = saved[name];
      if (value === undefined) delete env[name];
      else env[name] = value;
    }
  });
}

/** Sets (a string) or unsets (undefined) next-auth variables; pair with `restoreNextAuthEnvAfterEach`. */
export function setNextAuthEnv(values: Partial<Record<NextAuthEnvName, string | undefined>>): void {
  for (const [name, value] of Object.entries(values)) {
    if (value === undefined) delete env[name];
    else env[name] = value;
  }
}

/** A signed-in session token, made by next-auth itself. */
export function mintSessionToken(claims: JWT, secret: string = TEST_SECRET, maxAgeSeconds = 3600): Promise<string> {
  return encode({ token: claims, secret, maxAge: maxAgeSeconds });
}

/** Calls a pages API handler through next-test-api-route-handler, carrying cookies in `call.jar`. */
export function callHandler(handler: NextApiHandler, call: Partial<RouteCall> = {}): Promise<RouteResult> {
  return callRoute({ default: handler }, { url: '/api/test', ...call });
}

/** next-auth's own `GET /api/auth/session`, with fresh options each call (its handler mutates `secret`). */
export function callNextAuthSession(authOptions: NextAuthOptions, jar: TestCookieJar, headers?: Record<string, string>): Promise<RouteResult> {
  return callRoute({ default: NextAuth({ ...authOptions }) }, { url: '/api/auth/session', params: { nextauth: ['session'] }, jar, headers });
}

/** next-auth's own update: `GET /api/auth/csrf`, then `POST /api/auth/session { csrfToken, data }`. */
export async function callNextAuthUpdate(authOptions: NextAuthOptions, jar: TestCookieJar, data: unknown): Promise<RouteResult> {
  const csrf = await callRoute({ default: NextAuth({ ...authOptions }) }, { url: '/api/auth/csrf', params: { nextauth: ['csrf'] }, jar });
  const { csrfToken } = csrf.body as { csrfToken: string };
  return callRoute(
    { default: NextAuth({ ...authOptions }) },
    { url: '/api/auth/session', params: { nextauth: ['session'] }, method: 'POST', body: { csrfToken, data }, jar },
  );
}

/** Set-Cookie names other than next-auth's CSRF and callback-URL cookies. */
export function withoutNextAuthHelperCookies<T extends { name: string }>(cookies: readonly T[]): T[] {
  return cookies.filter((cookie) => !cookie.name.includes('csrf-token') && !cookie.name.includes('callback-url'));
}
