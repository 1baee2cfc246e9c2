// Secure mode is decided once at start from NEXTAUTH_URL: set it before the app's modules load.
process.env.NEXTAUTH_URL = 'https://app.example.com';
process.env.COOKIE_DOMAIN = 'app.example.com';

import 'next-test-api-route-handler';
import * as refreshRoute from '@/pages/api/session/refresh';
import { callRoute } from '../helpers/routes';
import { isExpiry, sessionCookieWritesOf, sessionSetCookies } from '../helpers/session-cookie';
import { signInThroughNextAuth, ALICE } from '../helpers/sign-in';

const SECURE_NAME = '__Secure-next-auth.session-token';

/** Signs alice in, then POSTs an empty refresh with the given Origin. */
async function refreshSignedIn(origin: string) {
  const { jar } = await signInThroughNextAuth(ALICE.email, ALICE.password);
  return callRoute(refreshRoute, { url: '/api/session/refresh', method: 'POST', body: {}, jar, headers: { origin } });
}

describe('secure mode (NEXTAUTH_URL=https://...)', () => {
  it('next-auth sign-in writes the __Secure- cookie with Secure; HttpOnly; SameSite=Lax; Path=/', async () => {
    const { response } = await signInThroughNextAuth(ALICE.email, ALICE.password);

    const [cookie] = sessionSetCookies(response.setCookies, SECURE_NAME);
    expect(cookie?.name).toBe(SECURE_NAME);
    expect(cookie).toMatchObject({ secure: true, httpOnly: true, sameSite: 'lax', path: '/', domain: 'app.example.com' });
  });

  it('a session update writes the same name and attributes, with Max-Age and Expires', async () => {
    const response = await refreshSignedIn('https://app.example.com');

    expect(response.status).toBe(200);
    expect(sessionCookieWritesOf(response.setCookies, SECURE_NAME)).toEqual({
      written: [SECURE_NAME],
      expired: [`${SECURE_NAME}.0`, `${SECURE_NAME}.1`, `${SECURE_NAME}.2`],
      duplicated: [],
    });
    const written = sessionSetCookies(response.setCookies, SECURE_NAME).filter((cookie) => !isExpiry(cookie));
    for (const cookie of written) {
      expect(cookie).toMatchObject({ secure: true, httpOnly: true, sameSite: 'lax', path: '/', domain: 'app.example.com', maxAge: 2592000 });
      const expiresInSeconds = ((cookie.expires?.getTime() ?? 0) - Date.now()) / 1000;
      expect(Math.abs(expiresInSeconds - 2592000)).toBeLessThan(5);
    }
  });

  it('expires the other variants with the same Secure, Domain and Path, so the browser matches them', async () => {
    const response = await refreshSignedIn('https://app.example.com');

    const expiries = sessionSetCookies(response.setCookies, SECURE_NAME).filter(isExpiry);
    expect(expiries.length).toBeGreaterThan(0);
    for (const cookie of expiries) {
      expect(cookie).toMatchObject({ secure: true, httpOnly: true, sameSite: 'lax', path: '/', domain: 'app.example.com', maxAge: 0 });
    }
  });

  it('refuses the plain http origin of the same host', async () => {
    const response = await refreshSignedIn('http://app.example.com');

    expect(response.status).toBe(403);
  });
});
