import { testApiHandler } from 'next-test-api-route-handler';
import type { NextApiRequest, NextApiResponse } from 'next';
import type { NextAuthOptions } from 'next-auth';
import { encode } from 'next-auth/jwt';
import { getServerSession } from 'next-auth/next';
import { getSessions } from '@/lib/auth';
import { authOptions as mainAuthOptions } from '@/pages/api/auth/[...nextauth]';
import { createSessionUpdater, type SessionUpdater } from 'next-auth-server-session';
import { setCookiesOf } from '../helpers/cookie-jar';
import { TestCookieJar } from 'next-auth-server-session/testing';
import { signInAsAlice } from '../helpers/sign-in';
import { TEST_SECRET } from '../helpers/test-env';

/**
 * The part of the session contract that depends on how a route shapes its answer, run
 * in-process with each app's own authOptions (neither app has a route that sets an
 * unrelated cookie, or one that fails after issuing a session): other cookies kept,
 * `getServerSession` first as a stock route protects itself, and error answers.
 */
// Loaded without a static import: the fixture type-checks under its own tsconfig and
// next-auth types (its build does that), not under this app's augmented ones.
const { authOptions: stockAuthOptions } = jest.requireActual<{ authOptions: NextAuthOptions }>('../fixtures/stock-app/pages/api/auth/[...nextauth]');

async function stockSignIn(): Promise<TestCookieJar> {
  const token = await encode({ token: { sub: 'user-robin', name: 'robin', email: 'robin@stock.test' }, secret: TEST_SECRET });
  return new TestCookieJar().set('stock.session', token);
}

// The stock app's own wiring (its lib/sessions.ts), on the toolkit package's source.
const apps: [string, NextAuthOptions, SessionUpdater, string, () => Promise<TestCookieJar>, Record<string, unknown>][] = [
  ['main app', mainAuthOptions, getSessions(), 'next-auth.session-token', signInAsAlice, { name: 'Alice Consent' }],
  ['stock app', stockAuthOptions, createSessionUpdater(stockAuthOptions), 'stock.session', stockSignIn, { note: 'consented' }],
];

describe.each(apps)('%s: the session on answers a route shapes itself', (_name, authOptions, sessions, cookieName, signIn, patch) => {
  it("keeps the route's other cookies and leaves one Set-Cookie for the session, not getServerSession's as well", async () => {
    const jar = await signIn();
    const handler = async (req: NextApiRequest, res: NextApiResponse) => {
      res.setHeader('Set-Cookie', ['consent=yes; Path=/']);
      if (!(await getServerSession(req, res, authOptions))) return res.status(401).json({ error: 'Not signed in' });
      const result = await sessions.forRequest(req, res).update(patch);
      res.status(result.status === 'updated' ? 200 : 500).json({ status: result.status });
    };

    await testApiHandler({
      pagesHandler: handler,
      test: async ({ fetch }) => {
        const response = await fetch({ headers: { cookie: jar.header() } });
        const cookies = setCookiesOf(response.headers);

        expect(response.status).toBe(200);
        expect(cookies.filter((cookie) => cookie.name === 'consent')).toHaveLength(1);
        expect(cookies.filter((cookie) => cookie.name === cookieName && cookie.value !== '')).toHaveLength(1);
        const names = cookies.map((cookie) => cookie.name);
        expect(new Set(names).size).toBe(names.length);
      },
    });
  });

  it.each([400, 422, 500])('takes a session issued before the route failed off its %i answer', async (status) => {
    const jar = await signIn();
    const handler = async (req: NextApiRequest, res: NextApiResponse) => {
      res.setHeader('Set-Cookie', ['consent=yes; Path=/']);
      const result = await sessions.forRequest(req, res).update(patch);
      res.status(result.status === 'updated' ? status : 200).json({ error: 'Failed after the update' });
    };

    await testApiHandler({
      pagesHandler: handler,
      test: async ({ fetch }) => {
        const response = await fetch({ headers: { cookie: jar.header() } });
        const cookies = setCookiesOf(response.headers);

        expect(response.status).toBe(status);
        expect(cookies.map((cookie) => cookie.name)).toEqual(['consent']);
        expect(response.headers.get('x-revalidate-session')).toBeNull();
      },
    });
  });
});
