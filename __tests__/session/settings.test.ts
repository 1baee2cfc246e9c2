import 'next-test-api-route-handler';
import type { IncomingHttpHeaders } from 'node:http';
import type { NextApiHandler } from 'next';
import type { NextAuthOptions } from 'next-auth';
import { decode } from 'next-auth/jwt';
import { createSessionUpdater } from '@/packages/next-auth-server-session/src/session-updater';
import { SessionConfigError } from '@/packages/next-auth-server-session/src/errors';
import { resolveSessionSettings } from '@/packages/next-auth-server-session/src/settings';
import { TestCookieJar } from 'next-auth-server-session/testing';
import {
  callHandler,
  callNextAuthSession,
  mintSessionToken,
  restoreNextAuthEnvAfterEach,
  setNextAuthEnv,
  withoutNextAuthHelperCookies,
} from '../helpers/session-toolkit';
import { TEST_SECRET } from '../helpers/test-env';

const PLAIN_NAME = 'next-auth.session-token';
const SECURE_NAME = '__Secure-next-auth.session-token';
const THIRTY_DAYS_SECONDS = 30 * 24 * 60 * 60;
const JWT_SECRET = 'jwt-secret-from-authOptions-jwt-0123456789abcdef';
const OPTIONS_SECRET = 'secret-from-authOptions-secret-0123456789abcdef';
const ENV_SECRET = 'secret-from-NEXTAUTH_SECRET-0123456789abcdef';
const AUTH_SECRET = 'secret-from-AUTH_SECRET-0123456789abcdef';

const quietLogger: NonNullable<NextAuthOptions['logger']> = { warn: () => undefined, debug: () => undefined, error: () => undefined };

function optionsWith(overrides: Partial<NextAuthOptions> = {}): NextAuthOptions {
  return { providers: [], logger: quietLogger, ...overrides };
}

function errorOf(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}

/** The secret the settings encode with, found by which secret opens the token with next-auth's decode. */
async function secretUsedBy(authOptions: NextAuthOptions, candidates: readonly string[]): Promise<string | undefined> {
  const token = await resolveSessionSettings(authOptions).codec.encode({ sub: 'u1' }, 60);
  for (const secret of candidates) {
    const opened = await decode({ token, secret }).catch(() => null);
    if (opened?.sub === 'u1') return secret;
  }
  return undefined;
}

/** The session cookie next-auth's own handler writes back for these options and headers (the oracle). */
async function cookieNextAuthWrites(authOptions: NextAuthOptions, headers: Record<string, string> = {}) {
  const token = await mintSessionToken({ sub: 'u1', name: 'Ann' });
  const jar = new TestCookieJar().set(PLAIN_NAME, token).set(SECURE_NAME, token);
  const custom = authOptions.cookies?.sessionToken?.name;
  if (custom) jar.set(custom, token);
  const response = await callNextAuthSession(authOptions, jar, headers);
  const [cookie, ...others] = withoutNextAuthHelperCookies(response.setCookies);
  expect(others).toEqual([]);
  return cookie;
}

describe('resolveSessionSettings: secret', () => {
  restoreNextAuthEnvAfterEach();
  const ALL = [JWT_SECRET, OPTIONS_SECRET, ENV_SECRET, AUTH_SECRET];

  it('prefers authOptions.jwt.secret over every other source', async () => {
    setNextAuthEnv({ NEXTAUTH_SECRET: ENV_SECRET, AUTH_SECRET });

    expect(await secretUsedBy(optionsWith({ jwt: { secret: JWT_SECRET }, secret: OPTIONS_SECRET }), ALL)).toBe(JWT_SECRET);
  });

  it('uses authOptions.secret over NEXTAUTH_SECRET when jwt.secret is not set', async () => {
    setNextAuthEnv({ NEXTAUTH_SECRET: ENV_SECRET, AUTH_SECRET });

    expect(await secretUsedBy(optionsWith({ secret: OPTIONS_SECRET }), ALL)).toBe(OPTIONS_SECRET);
  });

  it('falls back to NEXTAUTH_SECRET over AUTH_SECRET when authOptions name no secret', async () => {
    setNextAuthEnv({ NEXTAUTH_SECRET: ENV_SECRET, AUTH_SECRET });

    expect(await secretUsedBy(optionsWith(), ALL)).toBe(ENV_SECRET);
  });

  it('falls back to AUTH_SECRET when NEXTAUTH_SECRET is unset', async () => {
    setNextAuthEnv({ NEXTAUTH_SECRET: undefined, AUTH_SECRET });

    expect(await secretUsedBy(optionsWith(), ALL)).toBe(AUTH_SECRET);
  });

  it('throws SessionConfigError ERR_SESSION_NO_SECRET when no source names a secret', () => {
    setNextAuthEnv({ NEXTAUTH_SECRET: undefined, AUTH_SECRET: undefined });

    const error = errorOf(() => resolveSessionSettings(optionsWith()));

    expect(error).toBeInstanceOf(SessionConfigError);
    expect(error).toMatchObject({ code: 'ERR_SESSION_NO_SECRET', message: expect.stringContaining('openssl rand') });
  });
});

describe('resolveSessionSettings: session strategy', () => {
  restoreNextAuthEnvAfterEach();
  const adapter = {} as NonNullable<NextAuthOptions['adapter']>;

  it('refuses session.strategy "database" with ERR_SESSION_NOT_JWT', () => {
    const error = errorOf(() => resolveSessionSettings(optionsWith({ session: { strategy: 'database' } })));

    expect(error).toBeInstanceOf(SessionConfigError);
    expect(error).toMatchObject({ code: 'ERR_SESSION_NOT_JWT' });
  });

  it('refuses an adapter without a strategy, which next-auth turns into database sessions', () => {
    expect(errorOf(() => resolveSessionSettings(optionsWith({ adapter })))).toMatchObject({ code: 'ERR_SESSION_NOT_JWT' });
  });

  it('accepts an adapter when session.strategy is "jwt"', () => {
    expect(() => resolveSessionSettings(optionsWith({ adapter, session: { strategy: 'jwt' } }))).not.toThrow();
  });

  it('checks the strategy before the secret, so a database app learns the real problem first', () => {
    setNextAuthEnv({ NEXTAUTH_SECRET: undefined, AUTH_SECRET: undefined });

    expect(errorOf(() => resolveSessionSettings(optionsWith({ session: { strategy: 'database' } })))).toMatchObject({ code: 'ERR_SESSION_NOT_JWT' });
  });
});

describe('resolveSessionSettings: max age', () => {
  it("defaults to next-auth's 30 days", () => {
    expect(resolveSessionSettings(optionsWith()).maxAgeSeconds).toBe(THIRTY_DAYS_SECONDS);
  });

  it('takes session.maxAge', () => {
    expect(resolveSessionSettings(optionsWith({ session: { maxAge: 3600 } })).maxAgeSeconds).toBe(3600);
  });

  it('encodes tokens that expire after session.maxAge', async () => {
    const settings = resolveSessionSettings(optionsWith({ session: { maxAge: 3600 } }));

    const opened = await decode({ token: await settings.codec.encode({ sub: 'u1' }, settings.maxAgeSeconds), secret: TEST_SECRET });

    expect(Number(opened?.exp) - Number(opened?.iat)).toBe(3600);
  });
});

describe('resolveSessionSettings: session cookie', () => {
  restoreNextAuthEnvAfterEach();
  const cookieFor = (authOptions: NextAuthOptions, headers: IncomingHttpHeaders = {}) => resolveSessionSettings(authOptions).cookieFor(headers);

  it("uses next-auth's plain name and default attributes when NEXTAUTH_URL is http", () => {
    setNextAuthEnv({ NEXTAUTH_URL: 'http://localhost:3000' });

    expect(cookieFor(optionsWith())).toEqual({ name: PLAIN_NAME, options: { httpOnly: true, sameSite: 'lax', path: '/', secure: false } });
  });

  it('uses the __Secure- name with secure when NEXTAUTH_URL is https', () => {
    setNextAuthEnv({ NEXTAUTH_URL: 'https://app.example.com' });

    expect(cookieFor(optionsWith())).toEqual({ name: SECURE_NAME, options: { httpOnly: true, sameSite: 'lax', path: '/', secure: true } });
  });

  it('lets useSecureCookies: true win over an http NEXTAUTH_URL', () => {
    setNextAuthEnv({ NEXTAUTH_URL: 'http://localhost:3000' });

    expect(cookieFor(optionsWith({ useSecureCookies: true }))).toMatchObject({ name: SECURE_NAME, options: { secure: true } });
  });

  it('lets useSecureCookies: false win over an https NEXTAUTH_URL', () => {
    setNextAuthEnv({ NEXTAUTH_URL: 'https://app.example.com' });

    expect(cookieFor(optionsWith({ useSecureCookies: false }))).toMatchObject({ name: PLAIN_NAME, options: { secure: false } });
  });

  it('takes the name and options of cookies.sessionToken as they are, whatever the mode', () => {
    setNextAuthEnv({ NEXTAUTH_URL: 'https://app.example.com' });
    const sessionToken = { name: 'app.sid', options: { httpOnly: true, sameSite: 'strict' as const, path: '/app', secure: true, domain: 'example.com' } };

    expect(cookieFor(optionsWith({ cookies: { sessionToken } }))).toEqual(sessionToken);
  });

  it('follows x-forwarded-proto behind a trusted proxy (VERCEL) when NEXTAUTH_URL is unset', () => {
    setNextAuthEnv({ NEXTAUTH_URL: undefined, VERCEL: '1', AUTH_TRUST_HOST: undefined });
    const settings = resolveSessionSettings(optionsWith());

    expect(settings.cookieFor({ 'x-forwarded-proto': 'https' }).name).toBe(SECURE_NAME);
    expect(settings.cookieFor({ 'x-forwarded-proto': 'http' }).name).toBe(PLAIN_NAME);
  });

  it('follows x-forwarded-proto with AUTH_TRUST_HOST, and treats a missing one as https as next-auth does', () => {
    setNextAuthEnv({ NEXTAUTH_URL: undefined, VERCEL: undefined, AUTH_TRUST_HOST: 'true' });
    const settings = resolveSessionSettings(optionsWith());

    expect(settings.cookieFor({ 'x-forwarded-proto': 'http' }).name).toBe(PLAIN_NAME);
    expect(settings.cookieFor({}).name).toBe(SECURE_NAME);
  });

  it('ignores x-forwarded-proto without a trusted proxy', () => {
    setNextAuthEnv({ NEXTAUTH_URL: undefined, VERCEL: undefined, AUTH_TRUST_HOST: undefined });

    expect(cookieFor(optionsWith(), { 'x-forwarded-proto': 'https' }).name).toBe(PLAIN_NAME);
  });

  it('lets NEXTAUTH_URL win over a forwarded protocol on a trusted proxy', () => {
    setNextAuthEnv({ NEXTAUTH_URL: 'http://localhost:3000', VERCEL: '1' });

    expect(cookieFor(optionsWith(), { 'x-forwarded-proto': 'https' }).name).toBe(PLAIN_NAME);
  });

  it('reads NEXTAUTH_URL per request, not once when the settings are made', () => {
    setNextAuthEnv({ NEXTAUTH_URL: 'http://localhost:3000' });
    const settings = resolveSessionSettings(optionsWith());
    setNextAuthEnv({ NEXTAUTH_URL: 'https://app.example.com' });

    expect(settings.cookieFor({}).name).toBe(SECURE_NAME);
  });
});

describe('resolveSessionSettings: the same session cookie as next-auth writes', () => {
  restoreNextAuthEnvAfterEach();

  const cases: Array<[string, Partial<Record<'NEXTAUTH_URL' | 'VERCEL' | 'AUTH_TRUST_HOST', string | undefined>>, Partial<NextAuthOptions>, Record<string, string>]> = [
    ['an http NEXTAUTH_URL', { NEXTAUTH_URL: 'http://localhost:3000' }, {}, {}],
    ['an https NEXTAUTH_URL', { NEXTAUTH_URL: 'https://app.example.com' }, {}, {}],
    ['useSecureCookies over an http NEXTAUTH_URL', { NEXTAUTH_URL: 'http://localhost:3000' }, { useSecureCookies: true }, {}],
    ['VERCEL with x-forwarded-proto https', { NEXTAUTH_URL: undefined, VERCEL: '1' }, {}, { 'x-forwarded-proto': 'https' }],
    ['AUTH_TRUST_HOST with x-forwarded-proto http', { NEXTAUTH_URL: undefined, AUTH_TRUST_HOST: 'true' }, {}, { 'x-forwarded-proto': 'http' }],
    ['a custom cookies.sessionToken', { NEXTAUTH_URL: 'https://app.example.com' }, { cookies: { sessionToken: { name: 'app.sid', options: { httpOnly: true, sameSite: 'strict', path: '/' } } } }, {}],
  ];

  it.each(cases)('matches next-auth for %s', async (_label, env, overrides, headers) => {
    setNextAuthEnv({ VERCEL: undefined, AUTH_TRUST_HOST: undefined, ...env });
    const authOptions = optionsWith(overrides);

    const written = await cookieNextAuthWrites(authOptions, headers);
    const ours = resolveSessionSettings(authOptions).cookieFor(headers);

    expect(ours.name).toBe(written?.name);
    expect(Boolean(ours.options.secure)).toBe(written?.secure === true);
    expect(String(ours.options.sameSite).toLowerCase()).toBe(written?.sameSite);
  });
});

describe('createSessionUpdater: nothing resolved before first use', () => {
  restoreNextAuthEnvAfterEach();

  function handlerOf(authOptions: NextAuthOptions): NextApiHandler {
    const sessions = createSessionUpdater(authOptions);
    return async (req, res) => {
      try {
        const current = await sessions.forRequest(req, res).read();
        res.status(200).json({ sub: current?.token.sub ?? null });
      } catch (error) {
        res.status(500).json({ code: (error as SessionConfigError).code });
      }
    };
  }

  it('creates an updater without any secret, and throws ERR_SESSION_NO_SECRET only at forRequest', async () => {
    setNextAuthEnv({ NEXTAUTH_SECRET: undefined, AUTH_SECRET: undefined });

    const handler = handlerOf(optionsWith());
    const response = await callHandler(handler);

    expect(response).toMatchObject({ status: 500, body: { code: 'ERR_SESSION_NO_SECRET' } });
  });

  it('creates an updater for database sessions without throwing, and refuses it at forRequest', async () => {
    const handler = handlerOf(optionsWith({ session: { strategy: 'database' } }));

    expect((await callHandler(handler)).body).toEqual({ code: 'ERR_SESSION_NOT_JWT' });
  });

  it('uses a secret that appeared after the updater was created (as at server start after a build)', async () => {
    setNextAuthEnv({ NEXTAUTH_SECRET: undefined, AUTH_SECRET: undefined });
    const handler = handlerOf(optionsWith());
    setNextAuthEnv({ NEXTAUTH_SECRET: TEST_SECRET });
    const jar = new TestCookieJar().set(PLAIN_NAME, await mintSessionToken({ sub: 'u1' }));

    const response = await callHandler(handler, { jar });

    expect(response).toMatchObject({ status: 200, body: { sub: 'u1' } });
  });
});

describe('resolveSessionSettings: other options', () => {
  it('logs through authOptions.logger.error when the app has one', () => {
    const error = jest.fn();
    const settings = resolveSessionSettings(optionsWith({ logger: { error } }));
    const failure = new Error('boom');

    settings.logError('JWT_SESSION_ERROR', failure);

    expect(error).toHaveBeenCalledWith('JWT_SESSION_ERROR', failure);
  });

  it('uses the injected clock, else Date.now', () => {
    expect(resolveSessionSettings(optionsWith(), { clock: () => 42 }).clock()).toBe(42);
    expect(Math.abs(resolveSessionSettings(optionsWith()).clock() - Date.now())).toBeLessThan(1000);
  });

  it('takes the chunk budget from options.budget.maxChunks, else three', () => {
    expect(resolveSessionSettings(optionsWith()).maxChunks).toBe(3);
    expect(resolveSessionSettings(optionsWith(), { budget: { maxChunks: 5 } }).maxChunks).toBe(5);
  });
});
