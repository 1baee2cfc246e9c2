import 'next-test-api-route-handler';
import type { NextApiHandler, NextApiRequest, NextApiResponse } from 'next';
import type { NextAuthOptions } from 'next-auth';
import { getServerSession } from 'next-auth/next';
import { getToken, type JWT } from 'next-auth/jwt';
import { deleteCookie, getCookie, setCookie } from 'cookies-next/server';
import { createSessionUpdater, type RequestSession } from '@/packages/next-auth-server-session/src/session-updater';
import { TestCookieJar } from 'next-auth-server-session/testing';
import { type SetCookie } from '../helpers/cookie-jar';
import { SESSION_COOKIE, decodeSessionOf, isExpiry, sessionCookieWritesOf } from '../helpers/session-cookie';
import { callHandler, callNextAuthSession, mintSessionToken } from '../helpers/session-toolkit';
import { TEST_SECRET } from '../helpers/test-env';

/**
 * cookies-next (v6) in the same Pages Router route as a session update, in every order: it
 * appends its Set-Cookie to the lines already on `res` and rewrites `req.headers.cookie`;
 * the toolkit keeps others' lines and one line per session-cookie name. Neither may lose
 * the other's cookies.
 */

const ANN: JWT = { sub: 'u1', name: 'Ann', email: 'ann@example.com' };
const OWN = { httpOnly: true, sameSite: 'lax', path: '/' } as const;

type Script = (session: RequestSession, req: NextApiRequest, res: NextApiResponse) => Promise<void>;

const authOptions: NextAuthOptions = {
  providers: [],
  logger: { error: jest.fn(), warn: jest.fn(), debug: jest.fn() },
  callbacks: { jwt: async ({ token, session }) => ({ ...token, ...(session as JWT) }) },
};

function route(script: Script): NextApiHandler {
  const sessions = createSessionUpdater(authOptions);
  return (req, res) => script(sessions.forRequest(req, res), req, res);
}

async function signedInJar(): Promise<TestCookieJar> {
  return new TestCookieJar().set(SESSION_COOKIE, await mintSessionToken(ANN)).set('draft', 'unsaved');
}

const linesFor = (cookies: readonly SetCookie[], name: string) => cookies.filter((cookie) => cookie.name === name);
const duplicatedNames = (cookies: readonly SetCookie[]) => cookies.map((cookie) => cookie.name).filter((name, index, names) => names.indexOf(name) !== index);

describe('cookies-next beside a session update', () => {
  it('keeps a cookie set before the update, with one Set-Cookie for the session', async () => {
    const jar = await signedInJar();

    const response = await callHandler(
      route(async (session, req, res) => {
        await setCookie('last-note', 'before', { req, res, ...OWN });
        await session.update({ note: 'new' });
        res.status(200).end();
      }),
      { method: 'POST', jar },
    );

    expect(linesFor(response.setCookies, 'last-note')).toEqual([expect.objectContaining({ value: 'before', httpOnly: true, sameSite: 'lax', path: '/' })]);
    expect(sessionCookieWritesOf(response.setCookies)).toMatchObject({ written: [SESSION_COOKIE], duplicated: [] });
    expect(await decodeSessionOf(jar)).toMatchObject({ ...ANN, note: 'new' });
  });

  it('keeps the session written before a cookie set after the update', async () => {
    const jar = await signedInJar();

    const response = await callHandler(
      route(async (session, req, res) => {
        await session.update({ note: 'new' });
        await setCookie('saved-at', '2030-01-01', { req, res, ...OWN });
        res.status(200).end();
      }),
      { method: 'POST', jar },
    );

    expect(linesFor(response.setCookies, 'saved-at').map((cookie) => cookie.value)).toEqual(['2030-01-01']);
    expect(sessionCookieWritesOf(response.setCookies)).toMatchObject({ written: [SESSION_COOKIE], duplicated: [] });
    expect(await decodeSessionOf(jar)).toMatchObject({ note: 'new' });
  });

  it('deletes a cookie after the update, and the browser keeps the session but not the cookie', async () => {
    const jar = await signedInJar();

    const response = await callHandler(
      route(async (session, req, res) => {
        await session.update({ note: 'new' });
        await deleteCookie('draft', { req, res, path: '/' });
        res.status(200).end();
      }),
      { method: 'POST', jar },
    );

    expect(linesFor(response.setCookies, 'draft').map(isExpiry)).toEqual([true]);
    expect(jar.names().sort()).toEqual([SESSION_COOKIE]);
    expect(await decodeSessionOf(jar)).toMatchObject({ note: 'new' });
  });

  it('never duplicates a name when cookies-next writes between an update that chunks the session and one that shrinks it', async () => {
    const jar = await signedInJar();

    const response = await callHandler(
      route(async (session, req, res) => {
        await setCookie('last-note', 'before', { req, res, ...OWN });
        await session.update({ note: 'n'.repeat(6000) });
        await deleteCookie('draft', { req, res, path: '/' });
        await session.update({ note: 'short' });
        await setCookie('saved-at', '2030-01-01', { req, res, ...OWN });
        res.status(200).end();
      }),
      { method: 'POST', jar },
    );

    expect(duplicatedNames(response.setCookies)).toEqual([]);
    expect(sessionCookieWritesOf(response.setCookies).written).toEqual([SESSION_COOKIE]);
    expect(jar.toObject()).toEqual({ [SESSION_COOKIE]: expect.any(String), 'last-note': 'before', 'saved-at': '2030-01-01' });
    expect(await decodeSessionOf(jar)).toMatchObject({ note: 'short' });
  });

  it('shows the rest of the request both writes: getCookie, the session read and getServerSession', async () => {
    const jar = await signedInJar();
    let seen: unknown;

    await callHandler(
      route(async (session, req, res) => {
        await setCookie('last-note', 'before', { req, res, ...OWN });
        await session.update({ note: 'new' });
        await deleteCookie('draft', { req, res, path: '/' });
        seen = {
          lastNote: await getCookie('last-note', { req, res }),
          draft: await getCookie('draft', { req, res }),
          read: (await session.read())?.token.note,
          server: (await getServerSession(req, res, authOptions))?.user?.name,
          token: (await getToken({ req, secret: TEST_SECRET }))?.note,
        };
        res.status(200).end();
      }),
      { method: 'POST', jar },
    );

    expect(seen).toEqual({ lastNote: 'before', draft: undefined, read: 'new', server: 'Ann', token: 'new' });
  });

  it("leaves one Set-Cookie per session name when getServerSession appends its own after cookies-next's", async () => {
    const jar = await signedInJar();

    const response = await callHandler(
      route(async (session, req, res) => {
        await session.update({ note: 'new' });
        await setCookie('saved-at', '2030-01-01', { req, res, ...OWN });
        await getServerSession(req, res, authOptions);
        res.status(200).end();
      }),
      { method: 'POST', jar },
    );

    expect(duplicatedNames(response.setCookies)).toEqual([]);
    expect(linesFor(response.setCookies, 'saved-at')).toHaveLength(1);
    expect((await callNextAuthSession(authOptions, jar)).body).toMatchObject({ user: { name: 'Ann' } });
    expect(await decodeSessionOf(jar)).toMatchObject({ note: 'new' });
  });

  it("drops the issued session from an error answer but keeps the route's own cookies", async () => {
    const jar = await signedInJar();
    const before = jar.get(SESSION_COOKIE);

    const response = await callHandler(
      route(async (session, req, res) => {
        await setCookie('last-note', 'before', { req, res, ...OWN });
        await session.update({ note: 'new' });
        await deleteCookie('draft', { req, res, path: '/' });
        res.status(422).json({ error: 'Not editable' });
      }),
      { method: 'POST', jar },
    );

    expect(response.setCookies.map((cookie) => cookie.name).sort()).toEqual(['draft', 'last-note']);
    expect(jar.get(SESSION_COOKIE)).toBe(before);
  });
});
