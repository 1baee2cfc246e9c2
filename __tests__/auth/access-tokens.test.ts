import type { Account } from 'next-auth';
import { createMemoryCoordination } from 'next-auth-server-session';
import { createAppAccessTokenRefresher, discoverTokenEndpoint, oauthTokensOf } from '@/lib/auth/access-tokens';
import { startIdentityProvider, type RunningIdentityProvider } from '../../support/idp';
import { fetchDiscovery, signIn } from '../idp/oauth-client';
import { ALICE } from '../helpers/sign-in';
import { TEST_SECRET } from '../helpers/test-env';

let idp: RunningIdentityProvider;

beforeAll(async () => {
  idp = await startIdentityProvider({ accessTokenTtlSeconds: 5 });
}, 30_000);

afterAll(async () => {
  await idp?.stop();
});

/** fetch, counting the requests it passes on; `failFirst` answers the first ones 503 itself. */
function countingFetch(failFirst = 0) {
  const calls: string[] = [];
  const counted = (async (input: string | URL | Request, init?: RequestInit) => {
    calls.push(String(input));
    if (calls.length <= failFirst) return new Response('down', { status: 503 });
    return fetch(input, init);
  }) as typeof fetch;
  return { calls, fetch: counted };
}

describe('discoverTokenEndpoint', () => {
  it("reads the provider's token endpoint from its discovery document, once", async () => {
    const { calls, fetch } = countingFetch();
    const tokenEndpoint = discoverTokenEndpoint(idp.issuer, fetch);

    const [first, second] = await Promise.all([tokenEndpoint(), tokenEndpoint()]);

    expect(first).toBe((await fetchDiscovery(idp)).token_endpoint);
    expect(second).toBe(first);
    expect(await tokenEndpoint()).toBe(first);
    expect(calls).toEqual([`${idp.issuer}/.well-known/openid-configuration`]);
  });

  it('asks again after a failure instead of keeping it', async () => {
    const { calls, fetch } = countingFetch(1);
    const tokenEndpoint = discoverTokenEndpoint(`${idp.issuer}/`, fetch);

    await expect(tokenEndpoint()).rejects.toThrow('the discovery document answered 503');
    await expect(tokenEndpoint()).resolves.toMatch(/^http:\/\/127\.0\.0\.1:\d+\//);
    expect(calls).toHaveLength(2);
  });
});

describe('oauthTokensOf', () => {
  const account: Account = { provider: 'oidc', type: 'oauth', providerAccountId: 'alice', access_token: 'at', refresh_token: 'rt', expires_at: 1_700_000_000, id_token: 'id' };

  it("takes the access token, the refresh token and the expiry: the package's shape, no ID token", () => {
    expect(oauthTokensOf(account)).toEqual({ accessToken: 'at', refreshToken: 'rt', accessTokenExpiresAt: 1_700_000_000 });
  });

  it('is null without a refresh token (the session could not be kept fresh)', () => {
    expect(oauthTokensOf({ ...account, refresh_token: undefined })).toBeNull();
  });
});

describe("the app's refresher against the development provider", () => {
  it('refreshes an access token within the skew of its expiry with one refresh grant, keeping the rotated refresh token', async () => {
    const issued = await signIn(idp, await fetchDiscovery(idp), ALICE);
    const refresher = createAppAccessTokenRefresher({
      settings: { issuer: idp.issuer, clientId: idp.clientId, clientSecret: idp.clientSecret, refreshSkewSeconds: 30 },
      secret: TEST_SECRET,
      coordination: createMemoryCoordination(),
    });
    const token = {
      sub: 'user-1',
      oauth: { accessToken: issued.access_token, refreshToken: issued.refresh_token ?? '', accessTokenExpiresAt: Math.floor(Date.now() / 1000) + issued.expires_in },
    };
    const grantsBefore = await idp.countGrants('refresh_token');

    const [first, second] = await Promise.all([refresher.ensureFresh(token), refresher.ensureFresh(token)]);

    expect(first.status).toBe('refreshed');
    expect(second).toEqual(first);
    expect(await idp.countGrants('refresh_token')).toBe(grantsBefore + 1);
    const refreshed = first.status === 'refreshed' ? first.token.oauth : undefined;
    expect(refreshed?.accessToken).not.toBe(issued.access_token);
    expect(refreshed?.refreshToken).not.toBe(issued.refresh_token);
  });
});

describe('getAccessTokenRefresher', () => {
  type Module = typeof import('@/lib/auth/access-tokens');
  const env: Record<string, string | undefined> = process.env;

  /** The module in a registry of its own, as each Next.js bundle (API routes, pages) loads it. */
  function loadBundle(): Module {
    let loaded: Module | undefined;
    jest.isolateModules(() => {
      loaded = jest.requireActual<Module>('@/lib/auth/access-tokens');
    });
    if (!loaded) throw new Error('the module did not load');
    return loaded;
  }

  afterEach(() => {
    delete env.OIDC_ISSUER;
    delete env.OIDC_CLIENT_ID;
    delete env.OIDC_CLIENT_SECRET;
  });

  it('is null when no identity provider is configured', () => {
    expect(loadBundle().getAccessTokenRefresher()).toBeNull();
  });

  it('is one refresher per process, whichever bundle asks (one single flight per refresh token)', () => {
    Object.assign(env, { OIDC_ISSUER: idp.issuer, OIDC_CLIENT_ID: idp.clientId, OIDC_CLIENT_SECRET: idp.clientSecret });

    const first = loadBundle().getAccessTokenRefresher();

    expect(first).not.toBeNull();
    expect(loadBundle().getAccessTokenRefresher()).toBe(first);
  });
});
