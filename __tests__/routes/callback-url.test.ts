import 'next-test-api-route-handler';
import * as nextAuthRoute from '@/pages/api/auth/[...nextauth]';
import { TestCookieJar } from '@/lib/session/testing';
import { callRoute } from '../helpers/routes';

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
