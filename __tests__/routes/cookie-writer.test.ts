import { testApiHandler } from 'next-test-api-route-handler';
import type { NextApiRequest, NextApiResponse } from 'next';
import { getServerSession } from 'next-auth/next';
import { getSessions } from '@/lib/auth';
import { authOptions } from '@/pages/api/auth/[...nextauth]';
import { setCookiesOf, type SetCookie } from '../helpers/cookie-jar';
import { type TestCookieJar } from 'next-auth-server-session/testing';
import { decodeSessionOf, SESSION_COOKIE, sessionCookieWritesOf, sessionSetCookies, sessionTokenOf } from '../helpers/session-cookie';
import { signInAsAlice } from '../helpers/sign-in';

const sessions = getSessions();

interface Answer {
  status: number;
  headers: Headers;
  cookies: SetCookie[];
}

/** Runs `handler` once with the jar's cookies; the jar takes the answer's Set-Cookie. */
async function callHandler(jar: TestCookieJar, handler: (req: NextApiRequest, res: NextApiResponse) => Promise<void>): Promise<Answer> {
  let answer: Answer | undefined;
  await testApiHandler({
    pagesHandler: handler,
    rejectOnHandlerError: true,
    test: async ({ fetch }) => {
      const response = await fetch({ headers: { cookie: jar.header() } });
      answer = { status: response.status, headers: response.headers, cookies: setCookiesOf(response.headers) };
      jar.apply(response);
    },
  });
  if (!answer) throw new Error('the handler was not called');
  return answer;
}

describe('writing the session cookie onto a response that already has cookies', () => {
  it("keeps other cookies and replaces getServerSession's session cookie instead of duplicating it", async () => {
    const jar = await signInAsAlice();

    const { cookies } = await callHandler(jar, async (req, res) => {
      res.setHeader('Set-Cookie', ['consent=yes; Path=/']);
      await getServerSession(req, res, authOptions); // appends a session cookie of its own
      await sessions.forRequest(req, res).update({ name: 'Written Once' });
      res.status(200).json({ ok: true });
    });

    expect(cookies.filter((cookie) => cookie.name === 'consent')).toHaveLength(1);
    expect(sessionCookieWritesOf(cookies)).toEqual({
      written: [SESSION_COOKIE],
      expired: [`${SESSION_COOKIE}.0`, `${SESSION_COOKIE}.1`, `${SESSION_COOKIE}.2`],
      duplicated: [],
    });
    expect(await decodeSessionOf(jar)).toMatchObject({ name: 'Written Once' });
  });

  it("answers two updates in one request with one Set-Cookie per name, the second update's", async () => {
    const jar = await signInAsAlice();

    const { cookies } = await callHandler(jar, async (req, res) => {
      const session = sessions.forRequest(req, res);
      await session.update({ name: 'First' });
      await session.update({ preferences: { theme: 'dark' } });
      res.status(200).json({ ok: true });
    });

    expect(sessionCookieWritesOf(cookies)).toMatchObject({ written: [SESSION_COOKIE], duplicated: [] });
    expect(await decodeSessionOf(jar)).toMatchObject({ name: 'First', preferences: { theme: 'dark' } });
  });
});

describe('an error answer', () => {
  it('carries no session issued earlier in the request, nor its revalidate header', async () => {
    const jar = await signInAsAlice();
    const before = sessionTokenOf(jar);

    const answer = await callHandler(jar, async (req, res) => {
      res.setHeader('Set-Cookie', ['consent=yes; Path=/']);
      await sessions.forRequest(req, res).update({ name: 'Never Sent' });
      res.status(500).json({ error: 'failed after the update' });
    });

    expect(answer.status).toBe(500);
    expect(sessionSetCookies(answer.cookies)).toEqual([]);
    expect(answer.headers.get('x-revalidate-session')).toBeNull();
    expect(answer.cookies.map((cookie) => cookie.name)).toEqual(['consent']); // other cookies are the route's business
    expect(sessionTokenOf(jar)).toBe(before);
  });

  it('keeps the expiries of a session ended in the request', async () => {
    const jar = await signInAsAlice();

    const answer = await callHandler(jar, async (req, res) => {
      await sessions.forRequest(req, res).end();
      res.status(401).json({ error: 'Not signed in' });
    });

    expect(answer.status).toBe(401);
    expect(sessionCookieWritesOf(answer.cookies)).toEqual({
      written: [],
      expired: [SESSION_COOKIE, `${SESSION_COOKIE}.0`, `${SESSION_COOKIE}.1`, `${SESSION_COOKIE}.2`],
      duplicated: [],
    });
    expect(jar.names().filter((name) => name.startsWith(SESSION_COOKIE))).toEqual([]);
  });

  it('keeps the expiries when the session was updated first and then ended', async () => {
    const jar = await signInAsAlice();

    const answer = await callHandler(jar, async (req, res) => {
      const session = sessions.forRequest(req, res);
      await session.update({ name: 'Briefly' });
      await session.end();
      res.status(401).json({ error: 'Not signed in' });
    });

    expect(sessionCookieWritesOf(answer.cookies)).toMatchObject({ written: [], duplicated: [] });
    expect(jar.names().filter((name) => name.startsWith(SESSION_COOKIE))).toEqual([]);
  });
});
