import 'next-test-api-route-handler';
import path from 'node:path';
import type { NextApiRequest } from 'next';
import type { NextAuthOptions } from 'next-auth';
import { getToken } from 'next-auth/jwt';
import { DEFAULT_SESSION_COOKIE_NAME, defaultSessionCookie, resolveSessionCookie } from '@/packages/next-auth-server-session/src/session-cookie';
import { TestCookieJar } from 'next-auth-server-session/testing';
import {
  callNextAuthSession,
  mintSessionToken,
  restoreNextAuthEnvAfterEach,
  setNextAuthEnv,
  withoutNextAuthHelperCookies,
} from '../helpers/session-toolkit';
import { TEST_SECRET } from '../helpers/test-env';

interface NextAuthCookie {
  name: string;
  options: Record<string, unknown>;
}

// next-auth does not export core/lib/cookie; loaded by path so the oracle is its real defaultCookies.
const nextAuthCookies = jest.requireActual<{ defaultCookies(useSecureCookies: boolean): { sessionToken: NextAuthCookie } }>(
  path.join(path.dirname(require.resolve('next-auth')), 'core/lib/cookie.js'),
);

describe('defaultSessionCookie', () => {
  it.each([false, true])("equals next-auth's defaultCookies(%s).sessionToken", (secure) => {
    expect(defaultSessionCookie(secure)).toEqual(nextAuthCookies.defaultCookies(secure).sessionToken);
  });

  it("names the plain cookie the way getToken looks for it by default", async () => {
    const token = await mintSessionToken({ sub: 'u1' });
    const req = { cookies: { [defaultSessionCookie(false).name]: token }, headers: {} } as unknown as NextApiRequest;

    expect(DEFAULT_SESSION_COOKIE_NAME).toBe('next-auth.session-token');
    await expect(getToken({ req, secret: TEST_SECRET, secureCookie: false })).resolves.toMatchObject({ sub: 'u1' });
  });

  it('names the secure cookie the way getToken looks for it in secure mode', async () => {
    const token = await mintSessionToken({ sub: 'u1' });
    const req = { cookies: { [defaultSessionCookie(true).name]: token }, headers: {} } as unknown as NextApiRequest;

    await expect(getToken({ req, secret: TEST_SECRET, secureCookie: true })).resolves.toMatchObject({ sub: 'u1' });
  });
});

describe('resolveSessionCookie', () => {
  restoreNextAuthEnvAfterEach();

  it('answers the default for the mode when authOptions.cookies has no sessionToken', () => {
    const cookies = { csrfToken: { name: 'csrf', options: {} } };

    expect(resolveSessionCookie({ cookies }, true)).toEqual(defaultSessionCookie(true));
    expect(resolveSessionCookie({}, false)).toEqual(defaultSessionCookie(false));
  });

  it('takes cookies.sessionToken whole: its name, and only its options, whatever the mode', () => {
    const sessionToken = { name: 'app.sid', options: { sameSite: 'strict' as const, path: '/app', domain: 'example.com' } };

    expect(resolveSessionCookie({ cookies: { sessionToken } }, true)).toEqual(sessionToken);
  });

  it('answers a copy of the options, so changing it leaves authOptions alone', () => {
    const sessionToken = { name: 'app.sid', options: { httpOnly: true, path: '/' } };

    resolveSessionCookie({ cookies: { sessionToken } }, false).options.path = '/changed';

    expect(sessionToken.options.path).toBe('/');
  });

  it('matches the cookie next-auth itself writes for a custom sessionToken without defaults (no HttpOnly merged in)', async () => {
    setNextAuthEnv({ NEXTAUTH_URL: 'https://app.example.com' });
    const sessionToken = { name: 'app.sid', options: { sameSite: 'strict' as const, path: '/' } };
    const authOptions: NextAuthOptions = { providers: [], cookies: { sessionToken } };
    const jar = new TestCookieJar().set('app.sid', await mintSessionToken({ sub: 'u1' }));

    const [written] = withoutNextAuthHelperCookies((await callNextAuthSession(authOptions, jar)).setCookies);
    const ours = resolveSessionCookie(authOptions, true);

    expect(written?.name).toBe(ours.name);
    expect(written?.httpOnly).toBeUndefined();
    expect(written?.secure).toBeUndefined();
    expect(ours.options).toEqual({ sameSite: 'strict', path: '/' });
  });
});
