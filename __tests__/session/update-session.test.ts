import type { NextAuthOptions } from 'next-auth';
import { decode, type JWT } from 'next-auth/jwt';
import { tolerateStoreOutages, type JwtCallback } from '@/packages/next-auth-server-session/src/callbacks';
import type { CookieWrite } from '@/packages/next-auth-server-session/src/cookie-writes';
import type { CurrentSession } from '@/packages/next-auth-server-session/src/read-session';
import { resolveSessionSettings, type SessionUpdaterOptions } from '@/packages/next-auth-server-session/src/settings';
import { computeReissue, computeSessionUpdate } from '@/packages/next-auth-server-session/src/update-session';
import { SESSION_COOKIE } from '../helpers/session-cookie';
import { mintSessionToken } from '../helpers/session-toolkit';
import { TEST_SECRET } from '../helpers/test-env';

const MAX_AGE_SECONDS = 3600;
const ANN: JWT = { sub: 'u1', name: 'Ann', email: 'ann@example.com' };
const PREVIOUS_SECRET = 'the-secret-before-rotation-0123456789abcdef';

class StoreDownError extends Error {}

interface Fixture {
  authOptions: NextAuthOptions;
  logError: jest.Mock;
  jwt: jest.Mock;
}

function fixture(jwt: JwtCallback = async ({ token, session }) => ({ ...token, ...(session as JWT) }), overrides: Partial<NextAuthOptions> = {}): Fixture {
  const logError = jest.fn();
  const jwtMock = jest.fn(jwt);
  const authOptions: NextAuthOptions = {
    providers: [],
    session: { maxAge: MAX_AGE_SECONDS },
    logger: { error: logError },
    ...overrides,
    callbacks: { jwt: jwtMock, ...overrides.callbacks },
  };
  return { authOptions, logError, jwt: jwtMock };
}

function settingsOf(authOptions: NextAuthOptions, options?: SessionUpdaterOptions) {
  const settings = resolveSessionSettings(authOptions, options);
  return { settings, cookie: settings.cookieFor({}) };
}

async function currentOf(claims: JWT = ANN, cookieNames: string[] = [SESSION_COOKIE], secret = TEST_SECRET): Promise<CurrentSession> {
  const token = await decode({ token: await mintSessionToken(claims, secret), secret });
  if (!token) throw new Error('minted token did not decode');
  return { token, rotated: false, cookieNames };
}

const written = (cookies: readonly CookieWrite[]) => cookies.filter((cookie) => cookie.options.maxAge > 0);
const expired = (cookies: readonly CookieWrite[]) => cookies.filter((cookie) => cookie.options.maxAge === 0);
const nameOf = (cookie: CookieWrite) => cookie.name;

describe('computeSessionUpdate: refused before the callback', () => {
  it('answers no-session without cookies or a callback call when the request has no session', async () => {
    const { authOptions, jwt } = fixture();
    const { settings, cookie } = settingsOf(authOptions);

    const planned = await computeSessionUpdate(settings, { current: null, cookie, patch: { theme: 'dark' } });

    expect(planned).toEqual({ result: { status: 'no-session', ended: false }, cookies: [] });
    expect(jwt).not.toHaveBeenCalled();
  });

  it('answers invalid-patch with the issues, writes nothing and never calls the jwt callback', async () => {
    const { authOptions, jwt } = fixture();
    const issues = [{ path: 'theme', message: 'Expected "light" or "dark"' }];
    const { settings, cookie } = settingsOf(authOptions, { validatePatch: () => ({ issues }) });

    const planned = await computeSessionUpdate(settings, { current: await currentOf(), cookie, patch: { theme: 'pink' } });

    expect(planned).toEqual({ result: { status: 'invalid-patch', issues }, cookies: [] });
    expect(jwt).not.toHaveBeenCalled();
  });

  it('hands the jwt callback the patch validatePatch answered, not the raw one', async () => {
    const { authOptions, jwt } = fixture();
    const validatePatch = jest.fn(() => ({ patch: { theme: 'dark' } }));
    const { settings, cookie } = settingsOf(authOptions, { validatePatch });

    await computeSessionUpdate(settings, { current: await currentOf(), cookie, patch: { theme: 'dark', role: 'admin' } });

    expect(validatePatch).toHaveBeenCalledWith({ theme: 'dark', role: 'admin' });
    expect(jwt).toHaveBeenCalledWith(expect.objectContaining({ session: { theme: 'dark' } }));
  });

  it('treats an empty issues list as a valid patch', async () => {
    const { authOptions } = fixture();
    const { settings, cookie } = settingsOf(authOptions, { validatePatch: (patch) => ({ patch, issues: [] }) });

    const planned = await computeSessionUpdate(settings, { current: await currentOf(), cookie, patch: { theme: 'dark' } });

    expect(planned.result.status).toBe('updated');
  });
});

describe('computeSessionUpdate: updated', () => {
  it("writes the jwt callback's token under the session cookie, readable by next-auth's decode", async () => {
    const { authOptions } = fixture();
    const { settings, cookie } = settingsOf(authOptions);

    const { result, cookies } = await computeSessionUpdate(settings, { current: await currentOf(), cookie, patch: { theme: 'dark' } });

    expect(result).toMatchObject({ status: 'updated', token: { ...ANN, theme: 'dark' } });
    const [session] = written(cookies);
    expect(session?.name).toBe(SESSION_COOKIE);
    expect(await decode({ token: session?.value, secret: TEST_SECRET })).toMatchObject({ ...ANN, theme: 'dark' });
  });

  it('expires every other name the session could be stored under', async () => {
    const { authOptions } = fixture();
    const { settings, cookie } = settingsOf(authOptions);

    const { cookies } = await computeSessionUpdate(settings, { current: await currentOf(ANN, [`${SESSION_COOKIE}.0`, `${SESSION_COOKIE}.1`]), cookie });

    expect(written(cookies).map(nameOf)).toEqual([SESSION_COOKIE]);
    expect(expired(cookies).map(nameOf).sort()).toEqual([0, 1, 2].map((index) => `${SESSION_COOKIE}.${index}`));
  });

  it("stamps the session's expires and the cookie's expiry with the clock plus session.maxAge", async () => {
    const now = Date.UTC(2030, 0, 1, 12);
    const { authOptions } = fixture();
    const { settings, cookie } = settingsOf(authOptions, { clock: () => now });

    const { result, cookies } = await computeSessionUpdate(settings, { current: await currentOf(), cookie });

    const expiresAt = new Date(now + MAX_AGE_SECONDS * 1000);
    expect(result).toMatchObject({ status: 'updated', session: { expires: expiresAt.toISOString() } });
    expect(written(cookies)[0]?.options).toMatchObject({ maxAge: MAX_AGE_SECONDS, expires: expiresAt });
  });

  it("stamps the token's exp from the same clock as the cookie's expiry", async () => {
    const now = Date.now() + 10 * 24 * 3600 * 1000;
    const { authOptions } = fixture();
    const { settings, cookie } = settingsOf(authOptions, { clock: () => now });

    const { cookies } = await computeSessionUpdate(settings, { current: await currentOf(), cookie });

    const opened = await decode({ token: written(cookies)[0]?.value, secret: TEST_SECRET });
    expect(opened?.exp).toBe(Math.floor(now / 1000) + MAX_AGE_SECONDS);
  });

  it('calls events.session once, after the callbacks, with their session and token', async () => {
    const order: string[] = [];
    const { authOptions } = fixture(
      async ({ token }) => {
        order.push('jwt');
        return { ...token, theme: 'dark' };
      },
      {
        callbacks: {
          session: async ({ session }) => {
            order.push('session');
            return session;
          },
        },
        events: { session: () => void order.push('event') },
      },
    );
    const { settings, cookie } = settingsOf(authOptions);

    await computeSessionUpdate(settings, { current: await currentOf(), cookie });

    expect(order).toEqual(['jwt', 'session', 'event']);
  });
});

describe('computeSessionUpdate: an error ends the session, as next-auth does', () => {
  const bug = new TypeError('callback bug');

  async function endedBy(authOptions: NextAuthOptions) {
    const { settings, cookie } = settingsOf(authOptions);
    const current = await currentOf(ANN, [SESSION_COOKIE, `${SESSION_COOKIE}.stray`]);
    return computeSessionUpdate(settings, { current, cookie, patch: { theme: 'dark' } });
  }

  it("answers no-session ended when the jwt callback throws, expiring every variant and logging JWT_SESSION_ERROR through authOptions.logger", async () => {
    const { authOptions, logError } = fixture(async () => {
      throw bug;
    });

    const { result, cookies } = await endedBy(authOptions);

    expect(result).toEqual({ status: 'no-session', ended: true });
    expect(written(cookies)).toEqual([]);
    expect(expired(cookies).map(nameOf).sort()).toEqual(
      [SESSION_COOKIE, `${SESSION_COOKIE}.0`, `${SESSION_COOKIE}.1`, `${SESSION_COOKIE}.2`, `${SESSION_COOKIE}.stray`].sort(),
    );
    expect(expired(cookies).every((write) => write.value === '' && write.options.expires.getTime() === 0)).toBe(true);
    expect(logError).toHaveBeenCalledWith('JWT_SESSION_ERROR', bug);
  });

  it('ends the session when the session callback throws', async () => {
    const { authOptions, logError } = fixture(undefined, {
      callbacks: {
        session: async () => {
          throw bug;
        },
      },
    });

    const { result } = await endedBy(authOptions);

    expect(result).toEqual({ status: 'no-session', ended: true });
    expect(logError).toHaveBeenCalledWith('JWT_SESSION_ERROR', bug);
  });

  it("ends the session when the app's jwt.encode throws", async () => {
    const { authOptions } = fixture(undefined, {
      jwt: {
        encode: async () => {
          throw bug;
        },
      },
    });

    expect((await endedBy(authOptions)).result).toEqual({ status: 'no-session', ended: true });
  });

  it('does not call events.session for a session that ended', async () => {
    const sessionEvent = jest.fn();
    const { authOptions } = fixture(
      async () => {
        throw bug;
      },
      { events: { session: sessionEvent } },
    );

    await endedBy(authOptions);

    expect(sessionEvent).not.toHaveBeenCalled();
  });
});

describe('computeSessionUpdate: a marked store outage', () => {
  it('answers unavailable with the error, plans no cookies and logs nothing', async () => {
    const outage = new StoreDownError('store down');
    const jwt = tolerateStoreOutages(async () => {
      throw outage;
    }, (error) => error instanceof StoreDownError);
    const logError = jest.fn();
    const { settings, cookie } = settingsOf({ providers: [], logger: { error: logError }, callbacks: { jwt } });

    const planned = await computeSessionUpdate(settings, { current: await currentOf(), cookie, patch: { theme: 'dark' } });

    expect(planned).toEqual({ result: { status: 'unavailable', error: outage }, cookies: [] });
    expect(logError).not.toHaveBeenCalled();
  });

  it('still ends the session for an error the app did not mark as an outage', async () => {
    const jwt = tolerateStoreOutages(async () => {
      throw new TypeError('bug');
    }, (error) => error instanceof StoreDownError);
    const { settings, cookie } = settingsOf({ providers: [], logger: { error: jest.fn() }, callbacks: { jwt } });

    const planned = await computeSessionUpdate(settings, { current: await currentOf(), cookie });

    expect(planned.result).toEqual({ status: 'no-session', ended: true });
  });
});

describe('computeReissue', () => {
  it('writes the same claims under the current secret, with a fresh iat, exp and jti', async () => {
    const { settings, cookie } = settingsOf({ providers: [], session: { maxAge: MAX_AGE_SECONDS } }, { previousSecrets: [PREVIOUS_SECRET] });
    const current = await currentOf({ ...ANN, role: 'member' }, [SESSION_COOKIE], PREVIOUS_SECRET);

    const cookies = await computeReissue(settings, current, cookie);

    const [session] = written(cookies);
    const opened = await decode({ token: session?.value, secret: TEST_SECRET });
    expect(opened).toMatchObject({ ...ANN, role: 'member' });
    expect(opened?.jti).not.toBe(current.token.jti);
    expect(Number(opened?.exp) - Number(opened?.iat)).toBe(MAX_AGE_SECONDS);
    await expect(decode({ token: session?.value, secret: PREVIOUS_SECRET })).rejects.toThrow();
  });

  it('does not call the jwt callback', async () => {
    const { authOptions, jwt } = fixture();
    const { settings, cookie } = settingsOf(authOptions);

    await computeReissue(settings, await currentOf(), cookie);

    expect(jwt).not.toHaveBeenCalled();
  });
});
