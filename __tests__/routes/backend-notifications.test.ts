import 'next-test-api-route-handler';
import { SignJWT, generateKeyPair } from 'jose';
import { startIdentityProvider, type RunningIdentityProvider } from '../../support/idp';
import { fetchDiscovery, refresh, signIn, type TokenSet } from '../idp/oauth-client';
import { callRoute, type RouteModule } from '../helpers/routes';

/**
 * The demo's resource API (`GET /api/backend/notifications`) against the real identity provider
 * (oidc-provider, its own process): only a valid, unexpired access token for this API gets the
 * account's data; the token is checked against the provider's published keys.
 */

const ALICE = { email: 'alice@example.com', password: 'alice-password' };
let idp: RunningIdentityProvider;
let backend: RouteModule;
let tokens: TokenSet;

beforeAll(async () => {
  idp = await startIdentityProvider({ accessTokenTtlSeconds: 3 });
  process.env.OIDC_ISSUER = idp.issuer;
  process.env.OIDC_CLIENT_ID = idp.clientId;
  process.env.OIDC_CLIENT_SECRET = idp.clientSecret;
  backend = (await import('@/pages/api/backend/notifications')) as RouteModule;
  tokens = await signIn(idp, await fetchDiscovery(idp), ALICE);
}, 30_000);
afterAll(() => idp?.stop());

function getNotifications(authorization?: string) {
  return callRoute(backend, { url: '/api/backend/notifications', headers: authorization ? { authorization } : {} });
}

describe('GET /api/backend/notifications', () => {
  it("serves the account's notifications for the provider's access token", async () => {
    const answer = await getNotifications(`Bearer ${tokens.access_token}`);

    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ subject: 'alice', notifications: expect.arrayContaining([expect.objectContaining({ text: expect.any(String) })]) });
  });

  it('answers 401 with WWW-Authenticate without a token, or with one that is not a Bearer token', async () => {
    for (const authorization of [undefined, `Basic ${Buffer.from('a:b').toString('base64')}`, 'Bearer']) {
      const answer = await getNotifications(authorization);

      expect(answer.status).toBe(401);
      expect(answer.headers.get('www-authenticate')).toBe('Bearer error="invalid_token"');
      expect(answer.body).toEqual({ error: expect.any(String) });
    }
  });

  it('refuses a token signed by another key, a tampered one, and the ID token (another audience and type)', async () => {
    const { privateKey } = await generateKeyPair('RS256');
    const forged = await new SignJWT({ sub: 'alice' })
      .setProtectedHeader({ alg: 'RS256', typ: 'at+jwt' })
      .setIssuer(idp.issuer)
      .setAudience('urn:app:api')
      .setExpirationTime('5m')
      .sign(privateKey);
    const [header, payload, signature] = tokens.access_token.split('.');
    const claims = JSON.parse(Buffer.from(payload!, 'base64url').toString()) as Record<string, unknown>;
    const tampered = [header, Buffer.from(JSON.stringify({ ...claims, sub: 'admin' })).toString('base64url'), signature].join('.');

    for (const token of [forged, tampered, tokens.id_token ?? 'not-a-jwt']) {
      expect((await getNotifications(`Bearer ${token}`)).status).toBe(401);
    }
  });

  it('refuses the access token once it has expired, and serves its successor after a refresh', async () => {
    // Only this process's Date jumps past the token's expiry plus the verifier's 5 s clock tolerance
    // (and a second more); timers stay real, and so does the provider's clock (its own process).
    const { exp } = JSON.parse(Buffer.from(tokens.access_token.split('.')[1]!, 'base64url').toString()) as { exp: number };
    jest.useFakeTimers({
      doNotFake: ['hrtime', 'nextTick', 'performance', 'queueMicrotask', 'requestAnimationFrame', 'cancelAnimationFrame', 'requestIdleCallback', 'cancelIdleCallback', 'setImmediate', 'clearImmediate', 'setInterval', 'clearInterval', 'setTimeout', 'clearTimeout'],
      now: (exp + 5 + 1) * 1000,
    });
    let expired: Awaited<ReturnType<typeof getNotifications>>;
    try {
      expired = await getNotifications(`Bearer ${tokens.access_token}`);
    } finally {
      jest.useRealTimers();
    }
    const refreshed = (await (await refresh(idp, await fetchDiscovery(idp), tokens.refresh_token!)).json()) as TokenSet;
    const fresh = await getNotifications(`Bearer ${refreshed.access_token}`);

    expect(expired.status).toBe(401);
    expect(fresh.status).toBe(200);
  });

  it("answers 503 when the provider's keys cannot be fetched (a fresh verifier, provider down)", async () => {
    jest.resetModules();
    const cold = (await import('@/pages/api/backend/notifications')) as RouteModule;
    await idp.pause('refuse');
    try {
      const answer = await callRoute(cold, { url: '/api/backend/notifications', headers: { authorization: `Bearer ${tokens.access_token}` } });

      expect(answer.status).toBe(503);
      expect(answer.body).toEqual({ error: expect.any(String) });
    } finally {
      await idp.resume();
    }
  });
});
