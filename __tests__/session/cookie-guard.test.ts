import 'next-test-api-route-handler';
import type { NextApiHandler } from 'next';
import type { NextAuthOptions } from 'next-auth';
import NextAuth from 'next-auth/next';
import { getServerSession } from 'next-auth/next';
import { getToken, type JWT } from 'next-auth/jwt';
import CredentialsProvider from 'next-auth/providers/credentials';
import onHeaders from 'on-headers';
import { withSessionCookieGuard } from '@/packages/next-auth-server-session/src/cookie-guard';
import { createSessionUpdater } from '@/packages/next-auth-server-session/src/session-updater';
import { TestCookieJar } from 'next-auth-server-session/testing';
import { callRoute, type RouteResult } from '../helpers/routes';
import { SESSION_COOKIE, sessionCookieWritesOf } from '../helpers/session-cookie';
import { callHandler, mintSessionToken } from '../helpers/session-toolkit';
import { TEST_SECRET } from '../helpers/test-env';

/**
 * The guard for next-auth's own writes (hardening 2, finding 3): next-auth expires only the
 * session-cookie names its request carried, so its answer, computed from the cookie as it was
 * before a toolkit write changed the layout (one cookie <-> chunks), can land after that write
 * and leave `<name>` beside `<name>.0`: next-auth joins them and signs the user out.
 */

// Counts the response hooks the guard installs (the real on-headers still runs them).
jest.mock('on-headers', () => {
  const actual = jest.requireActual<typeof import('on-headers')>('on-headers');
  return jest.fn((res: Parameters<typeof actual>[0], listener: Parameters<typeof actual>[1]) => actual(res, listener));
});

const ANN: JWT = { sub: 'u1', name: 'Ann', email: 'ann@example.com' };
const LONG_NOTE = 'n'.repeat(4000); // two chunks once encrypted

const authOptions: NextAuthOptions = {
  providers: [
    CredentialsProvider({
      credentials: { username: { type: 'text' } },
      authorize: async (credentials) => (credentials?.username ? { id: 'u1', name: credentials.username, email: 'ann@example.com', role: 'member' as const } : null),
    }),
  ],
  logger: { error: jest.fn(), warn: jest.fn(), debug: jest.fn() },
  callbacks: { jwt: async ({ token, trigger, session }) => (trigger === 'update' ? { ...token, ...(session as JWT) } : token) },
};
const sessions = createSessionUpdater(authOptions);

type Wrap = (handler: NextApiHandler) => NextApiHandler;
const guarded: Wrap = (handler) => withSessionCookieGuard(authOptions, handler);
const unguarded: Wrap = (handler) => handler;

/** next-auth's handler for one action, fresh options per call (it mutates `secret`). */
function callNextAuth(wrap: Wrap, jar: TestCookieJar, action: string[], init: { method?: string; body?: unknown; headers?: Record<string, string> } = {}) {
  return callRoute({ default: wrap(NextAuth({ ...authOptions })) }, { url: `/api/auth/${action.join('/')}`, params: { nextauth: action }, jar, ...init });
}

async function csrfTokenFor(jar: TestCookieJar): Promise<string> {
  return ((await callNextAuth(unguarded, jar, ['csrf'])).body as { csrfToken: string }).csrfToken;
}

/** Each of next-auth's writers, answering from the jar's cookies (the jar takes its csrf cookie only). */
const writers: Record<string, (wrap: Wrap, jar: TestCookieJar) => Promise<RouteResult>> = {
  'GET /api/auth/session': (wrap, jar) => callNextAuth(wrap, jar, ['session']),
  'POST /api/auth/session (update)': async (wrap, jar) => callNextAuth(wrap, jar, ['session'], { method: 'POST', body: { csrfToken: await csrfTokenFor(jar), data: {} } }),
  'the sign-in callback': async (wrap, jar) =>
    callNextAuth(wrap, jar, ['callback', 'credentials'], {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ username: 'Ann', csrfToken: await csrfTokenFor(jar), json: 'true' }).toString(),
    }),
  'getServerSession in a route': (wrap, jar) =>
    callHandler(
      wrap(async (req, res) => {
        res.status(200).json(await getServerSession(req, res, { ...authOptions }));
      }),
      { jar },
    ),
};

/** The toolkit's write that changes the layout: grow (one cookie -> chunks) or shrink (chunks -> one). */
const toolkitWrite = (note: string) => (jar: TestCookieJar) =>
  callHandler(async (req, res) => {
    await sessions.forRequest(req, res).update({ note });
    res.status(200).json({});
  }, { jar });

const races = {
  growing: { start: ANN, write: toolkitWrite(LONG_NOTE) },
  shrinking: { start: { ...ANN, note: LONG_NOTE }, write: toolkitWrite('short') },
};

function layoutOf(jar: TestCookieJar): 'whole' | 'chunks' | 'mixed' | 'none' {
  const names = jar.names().filter((name) => name.startsWith(SESSION_COOKIE));
  const whole = names.includes(SESSION_COOKIE);
  const chunks = names.some((name) => name.startsWith(`${SESSION_COOKIE}.`));
  return whole && chunks ? 'mixed' : whole ? 'whole' : chunks ? 'chunks' : 'none';
}

const readWithNextAuth = (jar: TestCookieJar) => getToken({ req: { cookies: jar.toObject(), headers: {} } as never, secret: TEST_SECRET });

async function startingJar(claims: JWT): Promise<TestCookieJar> {
  const jar = new TestCookieJar();
  const token = await mintSessionToken(claims);
  if (token.length < 3933) return jar.set(SESSION_COOKIE, token);
  return jar.set(`${SESSION_COOKIE}.0`, token.slice(0, 3933)).set(`${SESSION_COOKIE}.1`, token.slice(3933));
}

/**
 * next-auth's answer is computed first, from the old cookies; then the toolkit's write, from
 * the same cookies. The browser gets them in either order.
 */
async function race(wrap: Wrap, writer: string, direction: keyof typeof races) {
  const start = await startingJar(races[direction].start);
  const nextAuthAnswer = await writers[writer]!(wrap, start.clone());
  const toolkitAnswer = await races[direction].write(start.clone());
  // Both really wrote the session: otherwise there is no race to judge.
  expect(sessionCookieWritesOf(nextAuthAnswer.setCookies).written).not.toEqual([]);
  expect(sessionCookieWritesOf(toolkitAnswer.setCookies).written).not.toEqual([]);
  return (['next-auth last', 'toolkit last'] as const).map((order) => {
    const answers = order === 'next-auth last' ? [toolkitAnswer, nextAuthAnswer] : [nextAuthAnswer, toolkitAnswer];
    const jar = start.clone();
    for (const answer of answers) jar.apply({ headers: answer.headers });
    return { order, jar };
  });
}

const cases = Object.keys(writers).flatMap((writer) => (['growing', 'shrinking'] as const).map((direction) => [writer, direction] as const));

describe('withSessionCookieGuard: next-auth writers racing a toolkit write', () => {
  it.each(cases)('%s racing a %s toolkit write leaves a session next-auth reads, in both arrival orders', async (writer, direction) => {
    for (const { order, jar } of await race(guarded, writer, direction)) {
      expect({ order, layout: layoutOf(jar) }).toEqual({ order, layout: expect.not.stringMatching(/mixed|none/) });
      expect(await readWithNextAuth(jar)).toMatchObject({ sub: 'u1' });
    }
  });

  it('is needed: without it, next-auth answering from the old cookies after a growing write signs the user out', async () => {
    const [nextAuthLast] = await race(unguarded, 'GET /api/auth/session', 'growing');

    expect(layoutOf(nextAuthLast!.jar)).toBe('mixed');
    expect(await readWithNextAuth(nextAuthLast!.jar)).toBeNull();
  });
});

describe('withSessionCookieGuard: the answer it lets out', () => {
  it("expires the bare name and the budget's unused chunk names when next-auth writes chunks", async () => {
    const jar = await startingJar({ ...ANN, note: LONG_NOTE });

    const answer = await writers['GET /api/auth/session']!(guarded, jar);

    expect(sessionCookieWritesOf(answer.setCookies)).toEqual({
      written: [`${SESSION_COOKIE}.0`, `${SESSION_COOKIE}.1`],
      expired: [SESSION_COOKIE, `${SESSION_COOKIE}.2`],
      duplicated: [],
    });
  });

  it('adds nothing to an answer that writes no session (signed out)', async () => {
    const answer = await writers['GET /api/auth/session']!(guarded, new TestCookieJar());

    expect(sessionCookieWritesOf(answer.setCookies)).toEqual({ written: [], expired: [], duplicated: [] });
  });

  it("adds nothing to next-auth's expiries of a session it could not read", async () => {
    const jar = new TestCookieJar().set(SESSION_COOKIE, 'not-a-token');

    const answer = await writers['GET /api/auth/session']!(guarded, jar);

    expect(sessionCookieWritesOf(answer.setCookies)).toEqual({ written: [], expired: [SESSION_COOKIE], duplicated: [] });
  });

  it('installs one response hook however often a response is guarded (sessions.guard twice, then a guarded handler), and its answer names each cookie once', async () => {
    const jar = await startingJar(ANN);
    const handler = guarded(async (req, res) => {
      sessions.guard(req, res);
      sessions.guard(req, res);
      res.status(200).json(await getServerSession(req, res, { ...authOptions }));
    });

    jest.mocked(onHeaders).mockClear();

    const answer = await callHandler(handler, { jar });

    expect(jest.mocked(onHeaders)).toHaveBeenCalledTimes(1);
    expect(sessionCookieWritesOf(answer.setCookies)).toEqual({
      written: [SESSION_COOKIE],
      expired: [`${SESSION_COOKIE}.0`, `${SESSION_COOKIE}.1`, `${SESSION_COOKIE}.2`],
      duplicated: [],
    });
  });

  it('keeps one Set-Cookie per name when getServerSession is called twice', async () => {
    const jar = await startingJar(ANN);
    const handler = guarded(async (req, res) => {
      await getServerSession(req, res, { ...authOptions });
      res.status(200).json(await getServerSession(req, res, { ...authOptions }));
    });

    const answer = await callHandler(handler, { jar });

    expect(sessionCookieWritesOf(answer.setCookies).duplicated).toEqual([]);
    expect(await readWithNextAuth(jar)).toMatchObject({ sub: 'u1' });
  });
});
