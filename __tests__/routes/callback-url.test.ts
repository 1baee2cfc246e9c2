import 'next-test-api-route-handler';
import * as nextAuthRoute from '@/pages/api/auth/[...nextauth]';
import { TestCookieJar } from 'next-auth-server-session/testing';
import { callRoute } from '../helpers/routes';

const APP = 'http://localhost:3000';
/** Same-origin once parsed, but their path starts with "//": as a bare path, another host. */
const TWO_SLASH_PATHS = ['/.//evil.example', '/%2e//evil.example', '/./\\evil.example', '//evil.example'];

/** A full URL of the app (its bare origin is next-auth's own default), which no browser reads as another host. */
function expectFullAppUrl(target: string | null | undefined): void {
  expect(target).toMatch(/^http:\/\/localhost:3000(\/|$)/);
  expect(new URL(target ?? '', `${APP}/signin`).origin).toBe(APP);
}

async function csrf(jar: TestCookieJar): Promise<string> {
  const response = await callRoute(nextAuthRoute, { url: '/api/auth/csrf', params: { nextauth: ['csrf'] }, jar });
  return (response.body as { csrfToken: string }).csrfToken;
}

describe('unusable callback URLs sent to next-auth', () => {
  it.each([
    ['in the query', '/api/auth/signin?callbackUrl=%3A%2F%2F', { nextauth: ['signin'], callbackUrl: '://' }],
    ['to another site, in the query', '/api/auth/signin?callbackUrl=https%3A%2F%2Fevil.example%2F', { nextauth: ['signin'], callbackUrl: 'https://evil.example/' }],
  ])('%s: no 500, and never a redirect off the site', async (_label, url, params) => {
    const response = await callRoute(nextAuthRoute, { url, params });

    expect(response.status).toBeLessThan(500);
    expect(response.headers.get('location') ?? '').not.toContain('evil.example');
  });

  it('in the callback-url cookie: no 500', async () => {
    const jar = new TestCookieJar().set('next-auth.callback-url', '://');

    const response = await callRoute(nextAuthRoute, { url: '/api/auth/session', params: { nextauth: ['session'] }, jar });

    expect(response.status).toBe(200);
  });

  it('in the sign-in body: no 500, and the answer points at the app itself', async () => {
    const jar = new TestCookieJar();
    const csrfToken = await csrf(jar);

    const response = await callRoute(nextAuthRoute, {
      url: '/api/auth/callback/credentials',
      method: 'POST',
      params: { nextauth: ['callback', 'credentials'] },
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ csrfToken, email: 'alice@example.com', password: 'alice-password', json: 'true', callbackUrl: 'http://[' }).toString(),
      jar,
    });

    expect(response.status).toBe(200);
    expect((response.body as { url: string }).url).toBe('http://localhost:3000/');
  });
});

describe('callback URLs whose path starts with two slashes once parsed, through next-auth', () => {
  async function signIn(callbackUrl: string) {
    const jar = new TestCookieJar();
    const csrfToken = await csrf(jar);
    return callRoute(nextAuthRoute, {
      url: '/api/auth/callback/credentials',
      method: 'POST',
      params: { nextauth: ['callback', 'credentials'] },
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ csrfToken, email: 'alice@example.com', password: 'alice-password', json: 'true', callbackUrl }).toString(),
      jar,
    });
  }

  it.each(TWO_SLASH_PATHS)('signing in with callbackUrl %p answers a full URL of the app', async (callbackUrl) => {
    const response = await signIn(callbackUrl);

    expect(response.status).toBe(200);
    expectFullAppUrl((response.body as { url?: string }).url);
  });

  it.each(TWO_SLASH_PATHS)('/api/auth/signin?callbackUrl=%s hands the sign-in page a full URL of the app', async (callbackUrl) => {
    const response = await callRoute(nextAuthRoute, { url: `/api/auth/signin?callbackUrl=${encodeURIComponent(callbackUrl)}`, params: { nextauth: ['signin'], callbackUrl } });

    const location = response.headers.get('location') ?? '';
    expect(new URL(location, APP).pathname).toBe('/signin');
    expectFullAppUrl(new URL(location, APP).searchParams.get('callbackUrl'));
    expectFullAppUrl(response.setCookies.find((cookie) => cookie.name === 'next-auth.callback-url')?.value);
  });

  it.each(TWO_SLASH_PATHS)('the callback-url cookie %p comes back as a full URL of the app', async (callbackUrl) => {
    const jar = new TestCookieJar().set('next-auth.callback-url', callbackUrl);

    const response = await callRoute(nextAuthRoute, { url: '/api/auth/signin', params: { nextauth: ['signin'] }, jar });

    expectFullAppUrl(new URL(response.headers.get('location') ?? '', APP).searchParams.get('callbackUrl'));
  });

  it("drops the user:password from a callbackUrl on the app's own origin", async () => {
    const response = await signIn('http://user:secret@localhost:3000/profile?x=1#y');

    expect((response.body as { url?: string }).url).toBe('http://localhost:3000/profile?x=1#y');
  });
});
