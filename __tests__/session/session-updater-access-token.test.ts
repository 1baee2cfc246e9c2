import 'next-test-api-route-handler';
import type { NextApiHandler } from 'next';
import type { NextAuthOptions } from 'next-auth';
import { decode, type JWT } from 'next-auth/jwt';
import { createAccessTokenRefresher, type AccessTokenRefresher } from '@/packages/next-auth-server-session/src/access-token-refresher';
import type { OAuthTokens } from '@/packages/next-auth-server-session/src/oauth-tokens';
import { createSessionUpdater, type AccessTokenResult } from '@/packages/next-auth-server-session/src/session-updater';
import { TestCookieJar } from '@/packages/next-auth-server-session/src/testing';
import { FAKE_CLIENT_ID, FAKE_CLIENT_SECRET, startFakeTokenEndpoint, type FakeTokenEndpoint, type IssuedTokens } from '../helpers/fake-token-endpoint';
import { SESSION_COOKIE, sessionCookieWritesOf, sessionTokenOf } from '../helpers/session-cookie';
import { callHandler, mintSessionToken } from '../helpers/session-toolkit';
import { TEST_SECRET } from '../helpers/test-env';

/**
 * `RequestSession.accessToken(refresher)`: the route's way to an access token that is fresh,
 * refreshed once however many requests need it, with the refreshed session written on the
 * same answer (the toolkit's cookie rules, X-Revalidate-Session) and a revoked grant ending
 * the session.
 */

const authOptions: NextAuthOptions = { providers: [], logger: { error: jest.fn(), warn: jest.fn(), debug: jest.fn() } };
const sessions = createSessionUpdater(authOptions);

let endpoint: FakeTokenEndpoint;
let refresher: AccessTokenRefresher;

beforeEach(async () => {
  endpoint = await startFakeTokenEndpoint({ expiresInSeconds: 300 });
  refresher = createAccessTokenRefresher({ tokenEndpoint: endpoint.url, clientId: FAKE_CLIENT_ID, clientSecret: FAKE_CLIENT_SECRET });
});
afterEach(() => endpoint.close());

const nowSeconds = () => Math.floor(Date.now() / 1000);

async function jarWith(issued: IssuedTokens, expiresInSeconds: number): Promise<TestCookieJar> {
  const oauth: OAuthTokens = { accessToken: issued.accessToken, refreshToken: issued.refreshToken, accessTokenExpiresAt: nowSeconds() + expiresInSeconds };
  return new TestCookieJar().set(SESSION_COOKIE, await mintSessionToken({ sub: 'u1', name: 'Ann', oauth }));
}

/** A route that answers with what `accessToken()` came to (status 200 whatever it was, so the cookie rules of an error answer stay out of it). */
function route(): { handler: NextApiHandler; results: AccessTokenResult[] } {
  const results: AccessTokenResult[] = [];
  const handler: NextApiHandler = async (req, res) => {
    const result = await sessions.forRequest(req, res).accessToken(refresher);
    results.push(result);
    res.status(result.status === 'revoked' ? 401 : 200).json({ status: result.status });
  };
  return { handler, results };
}

async function sessionIn(jar: TestCookieJar): Promise<JWT | null> {
  return decode({ token: sessionTokenOf(jar), secret: TEST_SECRET });
}

describe('RequestSession.accessToken', () => {
  it('answers the access token of a session that is not near expiry, and writes nothing', async () => {
    const issued = endpoint.issueGrant();
    const { handler, results } = route();

    const answer = await callHandler(handler, { jar: await jarWith(issued, 600) });

    expect(results).toEqual([{ status: 'ok', accessToken: issued.accessToken, refreshed: false }]);
    expect(answer.setCookies).toEqual([]);
    expect(endpoint.stats.requests).toBe(0);
  });

  it('refreshes an expired access token and writes the new session on the same answer, with X-Revalidate-Session', async () => {
    const issued = endpoint.issueGrant();
    const jar = await jarWith(issued, -5);
    const { handler, results } = route();

    const answer = await callHandler(handler, { jar });

    const [result] = results;
    expect(result).toMatchObject({ status: 'ok', refreshed: true });
    expect(result?.status === 'ok' && result.accessToken).not.toBe(issued.accessToken);
    expect(answer.headers.get('x-revalidate-session')).toBe('true');
    expect(sessionCookieWritesOf(answer.setCookies)).toMatchObject({ written: [SESSION_COOKIE], duplicated: [] });
    const written = (await sessionIn(jar))?.oauth as OAuthTokens;
    expect(written.accessToken).toBe(result?.status === 'ok' ? result.accessToken : undefined);
    expect(written.refreshToken).not.toBe(issued.refreshToken);
    expect(endpoint.stats.grantsIssued).toBe(1);
  });

  it('refreshes once for 20 concurrent requests carrying the same expired token: one grant, no reuse, one access token', async () => {
    const jar = await jarWith(endpoint.issueGrant(), -5);
    const { handler, results } = route();

    await Promise.all(Array.from({ length: 20 }, () => callHandler(handler, { jar: jar.clone() })));

    expect(endpoint.stats).toMatchObject({ grantsIssued: 1, invalidGrants: 0, reuseDetections: 0 });
    const tokens = new Set(results.map((result) => (result.status === 'ok' ? result.accessToken : result.status)));
    expect(tokens.size).toBe(1);
    expect(results.every((result) => result.status === 'ok')).toBe(true);
  });

  it('keeps the session when the provider is down (unavailable), writing nothing', async () => {
    const jar = await jarWith(endpoint.issueGrant(), -5);
    endpoint.setMode('unavailable');
    const { handler, results } = route();

    const answer = await callHandler(handler, { jar });

    expect(results[0]?.status).toBe('unavailable');
    expect(answer.setCookies).toEqual([]);
    expect(await sessionIn(jar)).toMatchObject({ sub: 'u1' });
  });

  it('ends the session when the grant was revoked at the provider: every session cookie expired', async () => {
    const issued = endpoint.issueGrant();
    endpoint.revokeGrantOf(issued.refreshToken);
    const jar = await jarWith(issued, -5);
    const { handler, results } = route();

    const answer = await callHandler(handler, { jar });

    expect(results[0]?.status).toBe('revoked');
    expect(answer.status).toBe(401);
    expect(sessionCookieWritesOf(answer.setCookies).written).toEqual([]);
    expect(sessionCookieWritesOf(answer.setCookies).expired).toContain(SESSION_COOKIE);
    expect(jar.names()).toEqual([]);
  });

  it('answers no-session without a cookie and no-token for a session without OAuth tokens', async () => {
    const { handler, results } = route();

    await callHandler(handler, {});
    await callHandler(handler, { jar: new TestCookieJar().set(SESSION_COOKIE, await mintSessionToken({ sub: 'u1' })) });

    expect(results.map((result) => result.status)).toEqual(['no-session', 'no-token']);
    expect(endpoint.stats.requests).toBe(0);
  });
});
