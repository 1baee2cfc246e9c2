import 'next-test-api-route-handler';
import { testApiHandler } from 'next-test-api-route-handler';
import type { NextApiHandler, NextApiRequest, NextApiResponse } from 'next';
import type { NextAuthOptions } from 'next-auth';
import { getServerSession } from 'next-auth/next';
import { decode, encode, getToken, type JWT, type JWTDecodeParams, type JWTEncodeParams } from 'next-auth/jwt';
import { createSessionUpdater, type RequestSession } from '@/packages/next-auth-server-session/src/session-updater';
import type { SessionUpdaterOptions } from '@/packages/next-auth-server-session/src/settings';
import { type SetCookie, setCookiesOf } from '../helpers/cookie-jar';
import { TestCookieJar } from 'next-auth-server-session/testing';
import { SESSION_COOKIE, decodeSessionOf, isExpiry, sessionSetCookies } from '../helpers/session-cookie';
import {
  callHandler,
  callNextAuthSession,
  mintSessionToken,
  restoreNextAuthEnvAfterEach,
  setNextAuthEnv,
} from '../helpers/session-toolkit';
import { TEST_SECRET } from '../helpers/test-env';
import { REVALIDATE_HEADER } from '@/packages/next-auth-server-session/src/revalidate-header';

const ANN: JWT = { sub: 'u1', name: 'Ann', email: 'ann@example.com' };
const SECURE_NAME = `__Secure-${SESSION_COOKIE}`;
const PREVIOUS_SECRET = 'the-secret-before-rotation-0123456789abcdef';

type Script = (session: RequestSession, req: NextApiRequest, res: NextApiResponse) => Promise<void>;

/** The jwt callback most apps write: the patch merged into a NEW token object. */
const mergePatch: NonNullable<NonNullable<NextAuthOptions['callbacks']>['jwt']> = async ({ token, session }) => ({ ...token, ...(session as JWT) });

function optionsWith(overrides: Partial<NextAuthOptions> = {}): NextAuthOptions {
  return { providers: [], logger: { error: jest.fn(), warn: jest.fn(), debug: jest.fn() }, callbacks: { jwt: mergePatch }, ...overrides };
}

function route(authOptions: NextAuthOptions, script: Script, options?: SessionUpdaterOptions): NextApiHandler {
  const sessions = createSessionUpdater(authOptions, options);
  return (req, res) => script(sessions.forRequest(req, res), req, res);
}

async function jarWith(claims: JWT = ANN, name = SESSION_COOKIE, secret = TEST_SECRET): Promise<TestCookieJar> {
  return new TestCookieJar().set(name, await mintSessionToken(claims, secret));
}

const live = (cookies: readonly SetCookie[]) => cookies.filter((cookie) => !isExpiry(cookie));
const namesOf = (cookies: readonly SetCookie[]) => cookies.map((cookie) => cookie.name);

/** next-auth's own reader, on the cookies the jar now holds. */
function getTokenFrom(jar: TestCookieJar, params: { cookieName?: string; secureCookie?: boolean } = {}) {
  return getToken({ req: { cookies: jar.toObject(), headers: {} } as unknown as NextApiRequest, secret: TEST_SECRET, ...params });
}

describe('RequestSession.read', () => {
  it("answers the request's decoded token", async () => {
    let read: unknown;
    await callHandler(
      route(optionsWith(), async (session, _req, res) => {
        read = await session.read();
        res.status(204).end();
      }),
      { jar: await jarWith() },
    );

    expect(read).toMatchObject({ token: { ...ANN }, rotated: false, cookieNames: [SESSION_COOKIE] });
  });

  it('answers null without a cookie, and for a token under an unknown secret', async () => {
    const reads: unknown[] = [];
    const handler = route(optionsWith(), async (session, _req, res) => {
      reads.push(await session.read());
      res.status(204).end();
    });

    await callHandler(handler);
    await callHandler(handler, { jar: await jarWith(ANN, SESSION_COOKIE, 'some-other-secret-0123456789abcdef0123') });

    expect(reads).toEqual([null, null]);
  });
});

describe('RequestSession.update', () => {
  it("writes a cookie next-auth's getToken and decode read, with X-Revalidate-Session and no-store", async () => {
    const jar = await jarWith();

    const response = await callHandler(
      route(optionsWith(), async (session, _req, res) => {
        res.status(200).json(await session.update({ theme: 'dark' }));
      }),
      { method: 'POST', jar },
    );

    expect(response.body).toMatchObject({ status: 'updated', token: { theme: 'dark' } });
    expect(response.headers.get(REVALIDATE_HEADER)).toBe('true');
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(await getTokenFrom(jar)).toMatchObject({ ...ANN, theme: 'dark' });
    expect(await decodeSessionOf(jar)).toMatchObject({ ...ANN, theme: 'dark' });
  });

  it('writes the cookie with next-auth\'s attributes and session.maxAge', async () => {
    const response = await callHandler(
      route(optionsWith({ session: { maxAge: 3600 } }), async (session, _req, res) => {
        await session.update({ theme: 'dark' });
        res.status(200).end();
      }),
      { jar: await jarWith() },
    );

    const [cookie] = live(sessionSetCookies(response.setCookies));
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'lax', path: '/', maxAge: 3600 });
    expect(cookie?.secure).toBeUndefined();
  });

  it('hands the next request the update: the carried cookie reads back with the new claims', async () => {
    const jar = await jarWith();
    const reads: Array<JWT | undefined> = [];
    const handler = route(optionsWith(), async (session, req, res) => {
      if (req.method === 'POST') await session.update({ theme: 'dark' });
      else reads.push((await session.read())?.token);
      res.status(200).end();
    });

    await callHandler(handler, { method: 'POST', jar });
    await callHandler(handler, { jar });

    expect(reads).toEqual([expect.objectContaining({ ...ANN, theme: 'dark' })]);
  });

  it('composes two updates in one request: the second sees the first, and the one cookie holds both', async () => {
    const seen: JWT[] = [];
    const authOptions = optionsWith({
      callbacks: {
        jwt: async ({ token, session }) => {
          seen.push(token);
          return { ...token, ...(session as JWT) };
        },
      },
    });
    const jar = await jarWith();

    const response = await callHandler(
      route(authOptions, async (session, _req, res) => {
        await session.update({ theme: 'dark' });
        await session.update({ locale: 'fr' });
        res.status(200).end();
      }),
      { method: 'POST', jar },
    );

    expect(seen[1]).toMatchObject({ theme: 'dark' });
    expect(live(sessionSetCookies(response.setCookies))).toHaveLength(1);
    expect(await decodeSessionOf(jar)).toMatchObject({ ...ANN, theme: 'dark', locale: 'fr' });
  });

  it('never sends two Set-Cookie headers for one name, however many updates run', async () => {
    const response = await callHandler(
      route(optionsWith(), async (session, _req, res) => {
        await session.update({ a: 1 });
        await session.update({ b: 2 });
        await session.update({ c: 3 });
        res.status(200).end();
      }),
      { jar: await jarWith() },
    );

    const names = namesOf(response.setCookies);
    expect(names.length).toBeGreaterThan(0);
    expect(new Set(names).size).toBe(names.length);
  });

  it('decodes the request cookie once, however often the request reads and updates', async () => {
    const decodeCalls = jest.fn();
    const authOptions = optionsWith({
      jwt: {
        decode: (params: JWTDecodeParams) => {
          decodeCalls();
          return decode(params);
        },
      },
    });

    await callHandler(
      route(authOptions, async (session, _req, res) => {
        await session.read();
        await session.update({ theme: 'dark' });
        await session.update({ locale: 'fr' });
        await session.read();
        res.status(200).end();
      }),
      { jar: await jarWith() },
    );

    expect(decodeCalls).toHaveBeenCalledTimes(1);
  });

  it("uses the app's own jwt.encode and jwt.decode", async () => {
    const authOptions = optionsWith({
      jwt: {
        encode: (params: JWTEncodeParams) => encode({ ...params, token: { ...params.token, encodedBy: 'app' } }),
        decode: async (params: JWTDecodeParams) => {
          const token = await decode(params);
          return token && { ...token, decodedBy: 'app' };
        },
      },
    });
    const jar = await jarWith();

    const response = await callHandler(
      route(authOptions, async (session, _req, res) => {
        res.status(200).json(await session.update({ theme: 'dark' }));
      }),
      { jar },
    );

    expect(response.body).toMatchObject({ token: { decodedBy: 'app', theme: 'dark' } });
    expect(await decodeSessionOf(jar)).toMatchObject({ encodedBy: 'app', theme: 'dark' });
  });

  it('answers no-session without writing anything when the request has no session', async () => {
    const response = await callHandler(
      route(optionsWith(), async (session, _req, res) => {
        res.status(401).json(await session.update({ theme: 'dark' }));
      }),
    );

    expect(response.body).toEqual({ status: 'no-session', ended: false });
    expect(response.setCookies).toEqual([]);
    expect(response.headers.get(REVALIDATE_HEADER)).toBeNull();
  });

  it("expires the session when the jwt callback refuses it, and next-auth's reader then finds none", async () => {
    const authOptions = optionsWith({
      callbacks: {
        jwt: async () => {
          throw new Error('user disabled');
        },
      },
    });
    const jar = await jarWith();

    const response = await callHandler(
      route(authOptions, async (session, _req, res) => {
        res.status(401).json(await session.update({ theme: 'dark' }));
      }),
      { jar },
    );

    expect(response.body).toEqual({ status: 'no-session', ended: true });
    expect(sessionSetCookies(response.setCookies).every(isExpiry)).toBe(true);
    expect(namesOf(sessionSetCookies(response.setCookies))).toContain(SESSION_COOKIE);
    expect(jar.names()).toEqual([]);
    expect(await getTokenFrom(jar)).toBeNull();
    expect(authOptions.logger?.error).toHaveBeenCalledWith('JWT_SESSION_ERROR', expect.any(Error));
  });
});

describe('RequestSession: an error answer does not change the session', () => {
  it.each([400, 500])('drops the issued session cookie and X-Revalidate-Session from a %i answer after an update', async (status) => {
    const jar = await jarWith();
    const before = jar.get(SESSION_COOKIE);

    const response = await callHandler(
      route(optionsWith(), async (session, _req, res) => {
        await session.update({ theme: 'dark' });
        res.status(status).json({ error: 'failed after the update' });
      }),
      { method: 'POST', jar },
    );

    expect(response.status).toBe(status);
    expect(sessionSetCookies(response.setCookies)).toEqual([]);
    expect(response.headers.get(REVALIDATE_HEADER)).toBeNull();
    expect(jar.get(SESSION_COOKIE)).toBe(before);
  });

  it('keeps the other Set-Cookie headers of the error answer, set before and after the update', async () => {
    const response = await callHandler(
      route(optionsWith(), async (session, _req, res) => {
        res.setHeader('Set-Cookie', ['theme=dark; Path=/']);
        await session.update({ theme: 'dark' });
        res.appendHeader('Set-Cookie', 'flash=failed; Path=/');
        res.status(500).json({ error: 'failed' });
      }),
      { jar: await jarWith() },
    );

    expect(namesOf(response.setCookies).sort()).toEqual(['flash', 'theme']);
  });

  it('drops the issued session from a 500 that Next sends for a handler that throws after an update', async () => {
    let status = 0;
    let setCookies: SetCookie[] = [];
    let revalidate: string | null = 'unset';
    const jar = await jarWith();
    const consoleError = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      await testApiHandler({
        pagesHandler: route(optionsWith(), async (session) => {
          await session.update({ theme: 'dark' });
          throw new Error('crash after the update');
        }),
        rejectOnHandlerError: false,
        test: async ({ fetch }) => {
          const response = await fetch({ headers: { cookie: jar.header() } });
          status = response.status;
          setCookies = setCookiesOf(response.headers);
          revalidate = response.headers.get(REVALIDATE_HEADER);
        },
      });
    } finally {
      consoleError.mockRestore();
    }

    expect(status).toBe(500);
    expect(sessionSetCookies(setCookies)).toEqual([]);
    expect(revalidate).toBeNull();
  });

  it('keeps the expiries of end() on a 401 answer', async () => {
    const jar = await jarWith();

    const response = await callHandler(
      route(optionsWith(), async (session, _req, res) => {
        await session.end();
        res.status(401).json({ error: 'signed out' });
      }),
      { jar },
    );

    expect(sessionSetCookies(response.setCookies).length).toBeGreaterThan(0);
    expect(sessionSetCookies(response.setCookies).every(isExpiry)).toBe(true);
    expect(jar.names()).toEqual([]);
  });

  it('keeps the expiries when an update is followed by end() and a 401', async () => {
    const jar = await jarWith();

    const response = await callHandler(
      route(optionsWith(), async (session, _req, res) => {
        await session.update({ theme: 'dark' });
        await session.end();
        res.status(401).end();
      }),
      { jar },
    );

    expect(sessionSetCookies(response.setCookies).length).toBeGreaterThan(0);
    expect(sessionSetCookies(response.setCookies).every(isExpiry)).toBe(true);
    expect(jar.names()).toEqual([]);
  });
});

describe('RequestSession next to getServerSession', () => {
  it('leaves one Set-Cookie per name after getServerSession(req, res, authOptions) and an update, holding the update', async () => {
    const authOptions = optionsWith();
    const jar = await jarWith();

    const response = await callHandler(
      route(authOptions, async (session, req, res) => {
        await getServerSession(req, res, authOptions);
        await session.update({ theme: 'dark' });
        res.status(200).end();
      }),
      { jar },
    );

    const names = namesOf(response.setCookies);
    expect(names).toContain(SESSION_COOKIE);
    expect(new Set(names).size).toBe(names.length);
    expect(await getTokenFrom(jar)).toMatchObject({ ...ANN, theme: 'dark' });
  });

  it('is read back by getServerSession and next-auth\'s GET /api/auth/session in the next request', async () => {
    const authOptions = optionsWith({ callbacks: { jwt: mergePatch, session: async ({ session, token }) => ({ ...session, theme: token.theme }) as never } });
    const jar = await jarWith();
    await callHandler(
      route(authOptions, async (session, _req, res) => {
        await session.update({ theme: 'dark' });
        res.status(200).end();
      }),
      { jar },
    );

    const viaGetServerSession = await callHandler(async (req, res) => res.json(await getServerSession(req, res, authOptions)), { jar: jar.clone() });
    const viaNextAuth = await callNextAuthSession(authOptions, jar.clone());

    expect(viaGetServerSession.body).toMatchObject({ theme: 'dark', user: { name: 'Ann' } });
    expect(viaNextAuth.body).toMatchObject({ theme: 'dark', user: { name: 'Ann' } });
  });
});

describe('RequestSession.reissue', () => {
  it('writes a token made with a previous secret again under the current one', async () => {
    const jar = await jarWith({ ...ANN, role: 'member' }, SESSION_COOKIE, PREVIOUS_SECRET);
    let rotated: boolean | undefined;

    await callHandler(
      route(
        optionsWith(),
        async (session, _req, res) => {
          rotated = (await session.read())?.rotated;
          await session.reissue();
          res.status(200).end();
        },
        { previousSecrets: [PREVIOUS_SECRET] },
      ),
      { jar },
    );

    expect(rotated).toBe(true);
    expect(await getTokenFrom(jar)).toMatchObject({ ...ANN, role: 'member' });
    await expect(decode({ token: jar.get(SESSION_COOKIE), secret: PREVIOUS_SECRET })).rejects.toThrow();
  });

  it('does not accept a previous-secret token when previousSecrets does not name it', async () => {
    const jar = await jarWith(ANN, SESSION_COOKIE, PREVIOUS_SECRET);

    const response = await callHandler(
      route(optionsWith(), async (session, _req, res) => {
        await session.reissue();
        res.status(200).json({ read: await session.read() });
      }),
      { jar },
    );

    expect(response.body).toEqual({ read: null });
    expect(response.setCookies).toEqual([]);
  });
});

describe('RequestSession.end', () => {
  it('expires every variant, the stray ones the request carried too, and reads null afterwards', async () => {
    const jar = (await jarWith()).set(`${SESSION_COOKIE}.stray`, 'x').set('theme', 'dark');
    let after: unknown = 'unset';
    let update: unknown;

    const response = await callHandler(
      route(optionsWith(), async (session, _req, res) => {
        await session.end();
        after = await session.read();
        update = await session.update({ theme: 'dark' });
        res.status(200).end();
      }),
      { jar },
    );

    expect(after).toBeNull();
    expect(update).toEqual({ status: 'no-session', ended: false });
    expect(namesOf(response.setCookies).sort()).toEqual(
      [SESSION_COOKIE, `${SESSION_COOKIE}.0`, `${SESSION_COOKIE}.1`, `${SESSION_COOKIE}.2`, `${SESSION_COOKIE}.stray`].sort(),
    );
    expect(response.setCookies.every(isExpiry)).toBe(true);
    expect(jar.names()).toEqual(['theme']);
  });
});

describe('RequestSession: the cookie next-auth would use', () => {
  restoreNextAuthEnvAfterEach();

  it("writes under cookies.sessionToken's name, which getToken reads with that cookieName", async () => {
    const authOptions = optionsWith({ cookies: { sessionToken: { name: 'app.sid', options: { httpOnly: true, sameSite: 'lax', path: '/' } } } });
    const jar = await jarWith(ANN, 'app.sid');

    const response = await callHandler(
      route(authOptions, async (session, _req, res) => {
        await session.update({ theme: 'dark' });
        res.status(200).end();
      }),
      { jar },
    );

    expect(namesOf(live(response.setCookies))).toEqual(['app.sid']);
    expect(await getTokenFrom(jar, { cookieName: 'app.sid' })).toMatchObject({ ...ANN, theme: 'dark' });
  });

  it('writes the __Secure- cookie with Secure behind a trusted proxy forwarding https, which getToken reads in secure mode', async () => {
    setNextAuthEnv({ NEXTAUTH_URL: undefined, VERCEL: '1' });
    const jar = await jarWith(ANN, SECURE_NAME);

    const response = await callHandler(
      route(optionsWith(), async (session, _req, res) => {
        await session.update({ theme: 'dark' });
        res.status(200).end();
      }),
      { jar, headers: { 'x-forwarded-proto': 'https' } },
    );

    const [cookie] = live(response.setCookies);
    expect(cookie).toMatchObject({ name: SECURE_NAME, secure: true });
    expect(await getTokenFrom(jar, { secureCookie: true })).toMatchObject({ ...ANN, theme: 'dark' });
  });

  it("splits a large token into chunks that next-auth's getToken joins", async () => {
    const jar = await jarWith();
    const bio = 'b'.repeat(4000);

    const response = await callHandler(
      route(optionsWith(), async (session, _req, res) => {
        await session.update({ bio });
        res.status(200).end();
      }),
      { jar },
    );

    expect(namesOf(live(response.setCookies))).toEqual([`${SESSION_COOKIE}.0`, `${SESSION_COOKIE}.1`]);
    expect(namesOf(response.setCookies.filter(isExpiry))).toContain(SESSION_COOKIE);
    expect(await getTokenFrom(jar)).toMatchObject({ ...ANN, bio });
  });
});
