import 'next-test-api-route-handler';
import type { NextApiHandler } from 'next';
import type { NextAuthOptions } from 'next-auth';
import { decode, type JWT } from 'next-auth/jwt';
import { resolveUpdateCallbacks, tolerateStoreOutages, type JwtCallback } from '@/packages/next-auth-server-session/src/callbacks';
import { createSessionUpdater } from '@/packages/next-auth-server-session/src/session-updater';
import { TestCookieJar } from 'next-auth-server-session/testing';
import { SESSION_COOKIE, isExpiry, sessionSetCookies } from '../helpers/session-cookie';
import { callHandler, callNextAuthSession, callNextAuthUpdate, mintSessionToken } from '../helpers/session-toolkit';
import { TEST_SECRET } from '../helpers/test-env';

const ANN: JWT = { sub: 'u1', name: 'Ann', email: 'ann@example.com', picture: 'https://example.com/ann.png' };

class StoreDownError extends Error {}
const isStoreDown = (error: unknown) => error instanceof StoreDownError;

type Params<F extends (...args: never[]) => unknown> = Parameters<F>[0];
type SessionCallback = NonNullable<NonNullable<NextAuthOptions['callbacks']>['session']>;

function optionsWith(overrides: Partial<NextAuthOptions> = {}): NextAuthOptions {
  return { providers: [], logger: { error: jest.fn(), warn: jest.fn(), debug: jest.fn() }, ...overrides };
}

async function signedInJar(claims: JWT = ANN): Promise<TestCookieJar> {
  return new TestCookieJar().set(SESSION_COOKIE, await mintSessionToken(claims));
}

/** A route that runs one toolkit update with the JSON body's `patch`, and answers its result. */
function updateRoute(authOptions: NextAuthOptions): NextApiHandler {
  const sessions = createSessionUpdater(authOptions);
  return async (req, res) => {
    const result = await sessions.forRequest(req, res).update((req.body as { patch?: unknown }).patch);
    res.status(result.status === 'unavailable' ? 503 : 200).json(result);
  };
}

const onlyArgumentOf = (mock: jest.Mock): Record<string, unknown> => {
  expect(mock).toHaveBeenCalledTimes(1);
  const [call] = mock.mock.calls;
  expect(call).toHaveLength(1);
  return call?.[0] as Record<string, unknown>;
};

describe('resolveUpdateCallbacks: callbacks.jwt', () => {
  it("calls it with exactly { token, trigger: 'update', session: patch }: no user, account or profile", async () => {
    const jwt = jest.fn<ReturnType<JwtCallback>, [Params<JwtCallback>]>(async ({ token }) => token);
    const callbacks = resolveUpdateCallbacks(optionsWith({ callbacks: { jwt } }), jest.fn());
    const patch = { theme: 'dark' };

    await callbacks.jwt(ANN, patch);

    const argument = onlyArgumentOf(jwt);
    expect(Object.keys(argument).sort()).toEqual(['session', 'token', 'trigger']);
    expect(argument).toEqual({ token: ANN, trigger: 'update', session: patch });
  });

  it("keeps the session key when there is no patch, as next-auth's update does", async () => {
    const jwt = jest.fn<ReturnType<JwtCallback>, [Params<JwtCallback>]>(async ({ token }) => token);

    await resolveUpdateCallbacks(optionsWith({ callbacks: { jwt } }), jest.fn()).jwt(ANN, undefined);

    expect(Object.keys(onlyArgumentOf(jwt)).sort()).toEqual(['session', 'token', 'trigger']);
  });

  it('answers what the callback returns', async () => {
    const jwt: JwtCallback = async ({ token, session }) => ({ ...token, ...(session as JWT) });

    const token = await resolveUpdateCallbacks(optionsWith({ callbacks: { jwt } }), jest.fn()).jwt(ANN, { theme: 'dark' });

    expect(token).toEqual({ ...ANN, theme: 'dark' });
  });

  it("without a jwt callback keeps the token and ignores the patch (next-auth's default)", async () => {
    const token = await resolveUpdateCallbacks(optionsWith(), jest.fn()).jwt(ANN, { role: 'admin' });

    expect(token).toEqual(ANN);
  });
});

describe('resolveUpdateCallbacks: callbacks.session', () => {
  it('calls it with exactly { session: { user: { name, email, image }, expires }, token }', async () => {
    const session = jest.fn<ReturnType<SessionCallback>, [Params<SessionCallback>]>(async ({ session: value }) => value);
    const newToken = { ...ANN, theme: 'dark' };

    await resolveUpdateCallbacks(optionsWith({ callbacks: { session } }), jest.fn()).session(ANN, newToken, '2030-01-01T00:00:00.000Z');

    const argument = onlyArgumentOf(session);
    expect(Object.keys(argument).sort()).toEqual(['session', 'token']);
    expect(argument).toEqual({
      session: { user: { name: 'Ann', email: 'ann@example.com', image: 'https://example.com/ann.png' }, expires: '2030-01-01T00:00:00.000Z' },
      token: newToken,
    });
  });

  it('takes the user from the decoded (old) token, not from what the jwt callback returned', async () => {
    const session = jest.fn<ReturnType<SessionCallback>, [Params<SessionCallback>]>(async ({ session: value }) => value);
    const renamed = { ...ANN, name: 'Annabel', email: 'annabel@example.com', picture: 'https://example.com/new.png' };

    const result = await resolveUpdateCallbacks(optionsWith({ callbacks: { session } }), jest.fn()).session(ANN, renamed, '2030-01-01T00:00:00.000Z');

    expect(result.user).toEqual({ name: 'Ann', email: 'ann@example.com', image: 'https://example.com/ann.png' });
    expect(onlyArgumentOf(session).token).toBe(renamed);
  });

  it('answers what the session callback returns', async () => {
    const session: SessionCallback = async ({ session: value, token }) => ({ ...value, theme: token.theme }) as never;

    const result = await resolveUpdateCallbacks(optionsWith({ callbacks: { session } }), jest.fn()).session(ANN, { ...ANN, theme: 'dark' }, 'x');

    expect(result).toMatchObject({ theme: 'dark' });
  });

  it("without a session callback answers next-auth's default shape", async () => {
    const result = await resolveUpdateCallbacks(optionsWith(), jest.fn()).session(ANN, { ...ANN, theme: 'dark' }, '2030-01-01T00:00:00.000Z');

    expect(result).toEqual({ user: { name: 'Ann', email: 'ann@example.com', image: 'https://example.com/ann.png' }, expires: '2030-01-01T00:00:00.000Z' });
  });
});

describe('callbacks: the same arguments as next-auth gives them on its own update path', () => {
  it('hands callbacks.jwt and callbacks.session what POST /api/auth/session hands them for the same cookie and patch', async () => {
    const jwt = jest.fn<ReturnType<JwtCallback>, [Params<JwtCallback>]>(async ({ token, session }) => ({ ...token, ...(session as JWT), name: 'Annabel' }));
    const session = jest.fn<ReturnType<SessionCallback>, [Params<SessionCallback>]>(async ({ session: value }) => value);
    const authOptions = optionsWith({ callbacks: { jwt, session } });
    const jar = await signedInJar();
    const patch = { theme: 'dark' };

    const nextAuthAnswer = await callNextAuthUpdate(authOptions, jar.clone(), patch);
    const [nextAuthJwt, nextAuthSession] = [onlyArgumentOf(jwt), onlyArgumentOf(session)];
    jwt.mockClear();
    session.mockClear();
    await callHandler(updateRoute(authOptions), { method: 'POST', body: { patch }, jar: jar.clone() });

    expect(nextAuthAnswer.body).toMatchObject({ user: { name: 'Ann' } });
    expect(onlyArgumentOf(jwt)).toStrictEqual(nextAuthJwt);
    expect(onlyArgumentOf(session)).toStrictEqual({ ...nextAuthSession, session: { ...(nextAuthSession.session as object), expires: expect.any(String) } });
  });
});

describe('resolveUpdateCallbacks: events.session', () => {
  it('is called with { session, token }: the session callback answer and the jwt callback token', async () => {
    const sessionEvent = jest.fn();
    const authOptions = optionsWith({
      callbacks: { jwt: async ({ token }) => ({ ...token, theme: 'dark' }), session: async ({ session: value }) => ({ ...value, marker: 1 }) as never },
      events: { session: sessionEvent },
    });

    const response = await callHandler(updateRoute(authOptions), { method: 'POST', body: {}, jar: await signedInJar() });

    expect(response.status).toBe(200);
    const argument = onlyArgumentOf(sessionEvent);
    expect(Object.keys(argument).sort()).toEqual(['session', 'token']);
    expect(argument).toEqual({ session: expect.objectContaining({ marker: 1, user: expect.objectContaining({ name: 'Ann' }) }), token: { ...ANN, theme: 'dark', iat: expect.any(Number), exp: expect.any(Number), jti: expect.any(String) } });
  });

  it('only logs an error thrown by events.session: the update still answers updated with its cookie', async () => {
    const failure = new Error('audit log down');
    const authOptions = optionsWith({ events: { session: () => Promise.reject(failure) } });

    const response = await callHandler(updateRoute(authOptions), { method: 'POST', body: {}, jar: await signedInJar() });

    expect(response.body).toMatchObject({ status: 'updated' });
    expect(sessionSetCookies(response.setCookies).filter((cookie) => !isExpiry(cookie))).toHaveLength(1);
    expect(authOptions.logger?.error).toHaveBeenCalledWith(expect.any(String), failure);
  });

  it("logs the events.session error under next-auth's own code for it", async () => {
    const failure = new Error('audit log down');
    const nextAuthOptions = optionsWith({ events: { session: () => Promise.reject(failure) } });
    await callNextAuthSession(nextAuthOptions, await signedInJar());
    const [nextAuthCode] = (nextAuthOptions.logger?.error as jest.Mock).mock.calls.find(([, error]) => error === failure) ?? [];
    const logError = jest.fn();

    const callbacks = resolveUpdateCallbacks(optionsWith({ events: { session: () => Promise.reject(failure) } }), logError);
    await callbacks.notify({ expires: 'x' } as never, ANN);

    expect(nextAuthCode).toBe('SESSION_EVENT_ERROR');
    expect(logError).toHaveBeenCalledWith(nextAuthCode, failure);
  });
});

describe('tolerateStoreOutages', () => {
  const failing = (error: Error): JwtCallback => async () => {
    throw error;
  };

  it("answers the token it was given when the inner callback's error is an outage", async () => {
    const tolerant = tolerateStoreOutages(failing(new StoreDownError()), isStoreDown);

    await expect(tolerant({ token: ANN, trigger: 'update', session: {} } as Params<JwtCallback>)).resolves.toBe(ANN);
  });

  it('rethrows any other error', async () => {
    const bug = new TypeError('bug');
    const tolerant = tolerateStoreOutages(failing(bug), isStoreDown);

    await expect(tolerant({ token: ANN } as Params<JwtCallback>)).rejects.toBe(bug);
  });

  it('passes the arguments and the answer of the inner callback through when it succeeds', async () => {
    const inner = jest.fn<ReturnType<JwtCallback>, [Params<JwtCallback>]>(async ({ token }) => ({ ...token, fresh: true }));
    const params = { token: ANN, trigger: 'update', session: { theme: 'dark' } } as Params<JwtCallback>;

    await expect(tolerateStoreOutages(inner, isStoreDown)(params)).resolves.toEqual({ ...ANN, fresh: true });
    expect(inner).toHaveBeenCalledWith(params);
  });

  it("keeps the session on next-auth's own GET /api/auth/session during an outage", async () => {
    const authOptions = optionsWith({ callbacks: { jwt: tolerateStoreOutages(failing(new StoreDownError()), isStoreDown) } });

    const response = await callNextAuthSession(authOptions, await signedInJar());

    expect(response.body).toMatchObject({ user: { name: 'Ann', email: 'ann@example.com' } });
    const [cookie] = sessionSetCookies(response.setCookies);
    expect(cookie && !isExpiry(cookie)).toBe(true);
    expect(await decode({ token: cookie?.value, secret: TEST_SECRET })).toMatchObject({ sub: 'u1', name: 'Ann' });
  });

  it('is needed: unwrapped, the same outage signs the user out on next-auth\'s GET /api/auth/session', async () => {
    const authOptions = optionsWith({ callbacks: { jwt: failing(new StoreDownError()) } });

    const response = await callNextAuthSession(authOptions, await signedInJar());

    expect(response.body).toEqual({});
    expect(sessionSetCookies(response.setCookies).every(isExpiry)).toBe(true);
  });

  it('lets the toolkit see the outage: its jwt rejects and isOutage recognises the error', async () => {
    const outage = new StoreDownError();
    const callbacks = resolveUpdateCallbacks(optionsWith({ callbacks: { jwt: tolerateStoreOutages(failing(outage), isStoreDown) } }), jest.fn());

    await expect(callbacks.jwt(ANN, {})).rejects.toBe(outage);
    expect(callbacks.isOutage(outage)).toBe(true);
    expect(callbacks.isOutage(new TypeError('bug'))).toBe(false);
  });

  it('reports no outage for an unwrapped jwt callback', () => {
    const callbacks = resolveUpdateCallbacks(optionsWith({ callbacks: { jwt: failing(new StoreDownError()) } }), jest.fn());

    expect(callbacks.isOutage(new StoreDownError())).toBe(false);
  });

  it('makes the updater answer unavailable and leave the cookie alone, where next-auth keeps the old token', async () => {
    const authOptions = optionsWith({ callbacks: { jwt: tolerateStoreOutages(failing(new StoreDownError()), isStoreDown) } });
    const jar = await signedInJar();
    const before = jar.get(SESSION_COOKIE);

    const response = await callHandler(updateRoute(authOptions), { method: 'POST', body: { patch: { theme: 'dark' } }, jar });

    expect(response.status).toBe(503);
    expect(response.body).toMatchObject({ status: 'unavailable' });
    expect(sessionSetCookies(response.setCookies)).toEqual([]);
    expect(response.headers.get('x-revalidate-session')).toBeNull();
    expect(jar.get(SESSION_COOKIE)).toBe(before);
  });
});
