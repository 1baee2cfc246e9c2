import type { JWT } from 'next-auth/jwt';
import { createAccessTokenRefresher, type AccessTokenOutcome } from '@/packages/next-auth-server-session/src/access-token-refresher';
import { SessionConfigError } from '@/packages/next-auth-server-session/src/errors';
import type { OAuthTokens } from '@/packages/next-auth-server-session/src/oauth-tokens';
import { createMemoryCoordination, type RefreshCoordination } from '@/packages/next-auth-server-session/src/refresh-coordination';
import type { AccessTokenRefresherOptions } from '@/packages/next-auth-server-session/src/refresher-settings';
import { FAKE_CLIENT_ID, FAKE_CLIENT_SECRET, startFakeTokenEndpoint, type FakeTokenEndpoint, type IssuedTokens } from '../helpers/fake-token-endpoint';
import { TEST_SECRET } from '../helpers/test-env';

/** 2030-01-01T00:00:00Z: the refresher's, the coordination's and the seal's clock. */
const START_MS = Date.UTC(2030, 0, 1);
const START_SECONDS = START_MS / 1000;
const OTHER_SECRET = 'another-secret-that-is-long-enough-for-the-check-9876543210';

let endpoint: FakeTokenEndpoint;
let nowMs: number;
const clock = () => nowMs;

beforeEach(async () => {
  nowMs = START_MS;
  endpoint = await startFakeTokenEndpoint({ expiresInSeconds: 300 });
});
afterEach(() => endpoint.close());

function refresherFor(overrides: Partial<AccessTokenRefresherOptions> = {}) {
  return createAccessTokenRefresher({ tokenEndpoint: endpoint.url, clientId: FAKE_CLIENT_ID, clientSecret: FAKE_CLIENT_SECRET, clock, ...overrides });
}

/** A signed-in user's JWT holding the grant's tokens, its access token expiring `inSeconds` from now. */
function jwtWith(issued: IssuedTokens, inSeconds: number): JWT {
  const oauth: OAuthTokens = { accessToken: issued.accessToken, refreshToken: issued.refreshToken, accessTokenExpiresAt: START_SECONDS + inSeconds };
  return { sub: 'u1', name: 'Ann', oauth };
}

function oauthOf(outcome: AccessTokenOutcome): OAuthTokens {
  if (outcome.status !== 'fresh' && outcome.status !== 'refreshed') throw new Error(`expected a token, got ${outcome.status}`);
  return outcome.token.oauth as OAuthTokens;
}

/** A store that coordinates nothing: no lock, no successors (the mutation). */
const uncoordinated: RefreshCoordination = {
  runExclusive: (_key, work) => work(),
  readSuccessor: async () => null,
  writeSuccessor: async () => undefined,
};

/** A store that keeps rows past their TTL (as the PostgreSQL example does), with the in-process lock. */
function retainingCoordination(): RefreshCoordination {
  const rows = new Map<string, string>();
  return {
    runExclusive: createMemoryCoordination().runExclusive,
    readSuccessor: async (key) => rows.get(key) ?? null,
    writeSuccessor: async (key, successor) => void rows.set(key, successor),
  };
}

describe('expiry and skew', () => {
  it('leaves a token that expires after the skew as it is, without calling the provider', async () => {
    const token = jwtWith(endpoint.issueGrant(), 60);

    const outcome = await refresherFor({ skewSeconds: 30 }).ensureFresh(token);

    expect(outcome).toEqual({ status: 'fresh', token, tokens: token.oauth });
    expect(endpoint.stats.requests).toBe(0);
  });

  it('refreshes a token that expires within the skew', async () => {
    const issued = endpoint.issueGrant();

    const outcome = await refresherFor({ skewSeconds: 30 }).ensureFresh(jwtWith(issued, 10));

    expect(outcome.status).toBe('refreshed');
    const oauth = oauthOf(outcome);
    expect(oauth.accessToken).not.toBe(issued.accessToken);
    expect(oauth.refreshToken).not.toBe(issued.refreshToken);
    expect(oauth.accessTokenExpiresAt).toBe(START_SECONDS + 300);
    expect(endpoint.isAccessTokenActive(oauth.accessToken)).toBe(true);
  });

  it('refreshes once the injected clock passes the skew point', async () => {
    const refresher = refresherFor({ skewSeconds: 30 });
    const token = jwtWith(endpoint.issueGrant(), 100);
    expect((await refresher.ensureFresh(token)).status).toBe('fresh');

    nowMs = START_MS + 71_000;

    expect((await refresher.ensureFresh(token)).status).toBe('refreshed');
    expect(endpoint.stats.grantsIssued).toBe(1);
  });

  it('keeps every other claim of the JWT in the refreshed token', async () => {
    const outcome = await refresherFor().ensureFresh({ ...jwtWith(endpoint.issueGrant(), -5), role: 'admin' });

    expect(outcome.status === 'refreshed' && outcome.token).toMatchObject({ sub: 'u1', name: 'Ann', role: 'admin' });
  });

  it('keeps the refresh token when the provider returns none', async () => {
    await endpoint.close();
    endpoint = await startFakeTokenEndpoint({ rotateRefreshTokens: false });
    const issued = endpoint.issueGrant();

    const oauth = oauthOf(await refresherFor().ensureFresh(jwtWith(issued, -5)));

    expect(oauth.refreshToken).toBe(issued.refreshToken);
    expect(oauth.accessToken).not.toBe(issued.accessToken);
  });
});

describe('tokens in the JWT', () => {
  it('answers no-token for a JWT without OAuth tokens', async () => {
    expect(await refresherFor().ensureFresh({ sub: 'u1' })).toEqual({ status: 'no-token' });
  });

  it('answers no-token for a claim without the expected shape', async () => {
    // As a token from the wire may carry it: the app's JWT type (types/next-auth.d.ts) says what it writes, not what arrives.
    const token = { sub: 'u1', oauth: { accessToken: 'a', accessTokenExpiresAt: START_SECONDS } as unknown as OAuthTokens };

    expect(await refresherFor().ensureFresh(token)).toEqual({ status: 'no-token' });
    expect(endpoint.stats.requests).toBe(0);
  });

  it('reads and writes the tokens under a configured claim', async () => {
    const { oauth, ...rest } = jwtWith(endpoint.issueGrant(), -5);

    const outcome = await refresherFor({ claim: 'provider' }).ensureFresh({ ...rest, provider: oauth });

    expect(outcome.status === 'refreshed' && outcome.token.provider).toMatchObject({ accessTokenExpiresAt: START_SECONDS + 300 });
    expect(outcome.status === 'refreshed' && 'oauth' in outcome.token).toBe(false);
  });
});

describe('exactly one exchange per refresh token', () => {
  it('gives 50 concurrent calls with the same expired token one exchange and the same new access token', async () => {
    const token = jwtWith(endpoint.issueGrant(), -5);
    const refresher = refresherFor();

    const outcomes = await Promise.all(Array.from({ length: 50 }, () => refresher.ensureFresh(token)));

    expect(endpoint.stats).toMatchObject({ requests: 1, grantsIssued: 1, invalidGrants: 0 });
    expect(new Set(outcomes.map((outcome) => outcome.status))).toEqual(new Set(['refreshed']));
    expect(new Set(outcomes.map((outcome) => oauthOf(outcome).accessToken)).size).toBe(1);
  });

  it('gives a call that arrives later with the old refresh token the successor, within the grace window', async () => {
    const token = jwtWith(endpoint.issueGrant(), -5);
    const refresher = refresherFor({ graceSeconds: 60 });
    const first = oauthOf(await refresher.ensureFresh(token));

    nowMs = START_MS + 59_000;
    const late = await refresher.ensureFresh(token);

    expect(oauthOf(late)).toEqual(first);
    expect(endpoint.stats).toMatchObject({ requests: 1, invalidGrants: 0 });
  });

  it('gives a second instance sharing the coordination the successor for the old token, without a second grant', async () => {
    const coordination = createMemoryCoordination({ clock });
    const token = jwtWith(endpoint.issueGrant(), -5);
    const first = oauthOf(await refresherFor({ coordination, secret: TEST_SECRET }).ensureFresh(token));

    const second = await refresherFor({ coordination, secret: TEST_SECRET }).ensureFresh(token);

    expect(oauthOf(second)).toEqual(first);
    expect(endpoint.stats).toMatchObject({ requests: 1, grantsIssued: 1, invalidGrants: 0 });
  });

  it('makes one grant for two instances receiving 25 concurrent calls each', async () => {
    const coordination = createMemoryCoordination({ clock });
    const instances = [refresherFor({ coordination, secret: TEST_SECRET }), refresherFor({ coordination, secret: TEST_SECRET })];
    const token = jwtWith(endpoint.issueGrant(), -5);

    const outcomes = await Promise.all(Array.from({ length: 50 }, (_, index) => instances[index % 2]!.ensureFresh(token)));

    expect(endpoint.stats).toMatchObject({ requests: 1, grantsIssued: 1, invalidGrants: 0 });
    expect(new Set(outcomes.map((outcome) => oauthOf(outcome).accessToken)).size).toBe(1);
  });

  it('without coordination or single flight, the same 50 calls spend the refresh token again and the provider revokes the grant', async () => {
    const token = jwtWith(endpoint.issueGrant(), -5);
    // 50 instances that share nothing: each has its own single flight, so none is shared.
    const instances = Array.from({ length: 50 }, () => refresherFor({ coordination: uncoordinated, secret: TEST_SECRET }));

    const outcomes = await Promise.all(instances.map((instance) => instance.ensureFresh(token)));

    expect(endpoint.stats.requests).toBeGreaterThan(1);
    expect(endpoint.stats.invalidGrants).toBeGreaterThan(0);
    expect(endpoint.stats.reuseDetections).toBeGreaterThan(0);
    expect(outcomes.filter((outcome) => outcome.status === 'revoked').length).toBeGreaterThan(0);
    const winner = outcomes.find((outcome) => outcome.status === 'refreshed');
    expect(winner && endpoint.isAccessTokenActive(oauthOf(winner).accessToken)).toBe(false); // the whole grant is gone
  });

  it('sends the old refresh token to the provider once the grace window has passed, and the grant is revoked', async () => {
    const token = jwtWith(endpoint.issueGrant(), -5);
    const refresher = refresherFor({ graceSeconds: 60 });
    const first = oauthOf(await refresher.ensureFresh(token));

    nowMs = START_MS + 61_000;
    const late = await refresher.ensureFresh(token);

    expect(late).toMatchObject({ status: 'revoked', error: { code: 'ERR_REFRESH_REVOKED', providerError: 'invalid_grant', httpStatus: 400 } });
    expect(endpoint.isAccessTokenActive(first.accessToken)).toBe(false);
  });
});

describe('provider failures', () => {
  it('answers unavailable while the provider answers 503, and refreshes on the next call after it recovers', async () => {
    const token = jwtWith(endpoint.issueGrant(), -5);
    const refresher = refresherFor();
    endpoint.setMode('unavailable');

    const during = await refresher.ensureFresh(token);
    endpoint.setMode('normal');
    const after = await refresher.ensureFresh(token);

    expect(during).toMatchObject({ status: 'unavailable', error: { code: 'ERR_REFRESH_PROVIDER_UNAVAILABLE', httpStatus: 503 } });
    expect(after.status).toBe('refreshed');
    expect(endpoint.stats).toMatchObject({ requests: 2, grantsIssued: 1 });
  });

  it('answers unavailable when the provider does not answer within timeoutMs, and refreshes after it recovers', async () => {
    const token = jwtWith(endpoint.issueGrant(), -5);
    const refresher = refresherFor({ timeoutMs: 100 });
    endpoint.setMode('hang');

    const during = await refresher.ensureFresh(token);
    endpoint.setMode('normal');
    const after = await refresher.ensureFresh(token);

    expect(during).toMatchObject({ status: 'unavailable', error: { code: 'ERR_REFRESH_TIMEOUT' } });
    expect(after.status).toBe('refreshed');
  });

  it('answers unavailable when the connection drops', async () => {
    endpoint.setMode('drop');

    const outcome = await refresherFor().ensureFresh(jwtWith(endpoint.issueGrant(), -5));

    expect(outcome).toMatchObject({ status: 'unavailable', error: { code: 'ERR_REFRESH_NETWORK' } });
  });

  it('shares one failing exchange between concurrent calls', async () => {
    const token = jwtWith(endpoint.issueGrant(), -5);
    const refresher = refresherFor();
    endpoint.setMode('unavailable');

    const outcomes = await Promise.all(Array.from({ length: 10 }, () => refresher.ensureFresh(token)));

    expect(outcomes.every((outcome) => outcome.status === 'unavailable')).toBe(true);
    expect(endpoint.stats.requests).toBe(1);
  });

  it('answers revoked when the provider answers invalid_grant', async () => {
    const issued = endpoint.issueGrant();
    endpoint.revokeGrantOf(issued.refreshToken);

    const outcome = await refresherFor().ensureFresh(jwtWith(issued, -5));

    expect(outcome).toMatchObject({ status: 'revoked', error: { code: 'ERR_REFRESH_REVOKED', providerError: 'invalid_grant', httpStatus: 400 } });
  });

  it('remembers a revoked refresh token for the grace window: later calls answer revoked without calling the provider', async () => {
    const issued = endpoint.issueGrant();
    endpoint.revokeGrantOf(issued.refreshToken);
    const refresher = refresherFor();
    await refresher.ensureFresh(jwtWith(issued, -5));

    const later = await Promise.all(Array.from({ length: 5 }, () => refresher.ensureFresh(jwtWith(issued, -5))));
    nowMs += 61_000;
    const pastWindow = await refresher.ensureFresh(jwtWith(issued, -5));

    expect(later.map((outcome) => outcome.status)).toEqual(Array(5).fill('revoked'));
    expect(pastWindow.status).toBe('revoked');
    expect(endpoint.stats.requests).toBe(2); // the first call, then the one past the window
  });

  it('does not remember an unavailable provider: the call after it recovers refreshes', async () => {
    const issued = endpoint.issueGrant();
    const refresher = refresherFor();
    endpoint.setMode('unavailable');
    await refresher.ensureFresh(jwtWith(issued, -5));
    endpoint.setMode('normal');

    const next = await refresher.ensureFresh(jwtWith(issued, -5));

    expect(next.status).toBe('refreshed');
  });

  it('answers revoked at the next call when an answer was lost after the provider spent the refresh token', async () => {
    // A limit of refresh-token rotation itself: nothing on the client can learn the lost successor.
    const token = jwtWith(endpoint.issueGrant(), -5);
    const refresher = refresherFor();
    endpoint.setMode('spend-then-drop');
    const lost = await refresher.ensureFresh(token);
    endpoint.setMode('normal');

    const next = await refresher.ensureFresh(token);

    expect(lost.status).toBe('unavailable');
    expect(next.status).toBe('revoked');
  });

  it('answers unavailable when the tokenEndpoint function fails, without calling anyone', async () => {
    const outcome = await refresherFor({ tokenEndpoint: async () => Promise.reject(new Error('discovery down')) }).ensureFresh(jwtWith(endpoint.issueGrant(), -5));

    expect(outcome).toMatchObject({ status: 'unavailable', error: { code: 'ERR_REFRESH_ENDPOINT_UNRESOLVED' } });
    expect(endpoint.stats.requests).toBe(0);
  });
});

describe('client authentication', () => {
  it('sends client_secret_basic by default', async () => {
    await refresherFor().ensureFresh(jwtWith(endpoint.issueGrant(), -5));

    expect(endpoint.lastClientAuth).toEqual({ method: 'client_secret_basic', clientId: FAKE_CLIENT_ID, clientSecret: FAKE_CLIENT_SECRET });
  });

  it('sends client_secret_post when asked', async () => {
    await refresherFor({ clientAuth: 'client_secret_post' }).ensureFresh(jwtWith(endpoint.issueGrant(), -5));

    expect(endpoint.lastClientAuth).toEqual({ method: 'client_secret_post', clientId: FAKE_CLIENT_ID, clientSecret: FAKE_CLIENT_SECRET });
  });
});

describe('the coordination', () => {
  it('receives the successor sealed: neither token nor the old refresh token appears in what it stores', async () => {
    const memory = createMemoryCoordination({ clock });
    const writes: { key: string; successor: string; ttlSeconds: number }[] = [];
    const recording: RefreshCoordination = {
      ...memory,
      writeSuccessor: async (key, successor, ttlSeconds) => {
        writes.push({ key, successor, ttlSeconds });
        await memory.writeSuccessor(key, successor, ttlSeconds);
      },
    };
    const issued = endpoint.issueGrant();

    const oauth = oauthOf(await refresherFor({ coordination: recording, secret: TEST_SECRET, graceSeconds: 45 }).ensureFresh(jwtWith(issued, -5)));

    expect(writes).toHaveLength(1);
    const stored = JSON.stringify(writes[0]) + (await memory.readSuccessor(writes[0]!.key));
    for (const secret of [oauth.accessToken, oauth.refreshToken, issued.refreshToken]) expect(stored).not.toContain(secret);
    expect(writes[0]!.ttlSeconds).toBe(45);
  });

  it('answers unavailable without calling the provider when the store cannot lock', async () => {
    const down: RefreshCoordination = { ...uncoordinated, runExclusive: async () => Promise.reject(new Error('connection refused')) };

    const outcome = await refresherFor({ coordination: down, secret: TEST_SECRET }).ensureFresh(jwtWith(endpoint.issueGrant(), -5));

    expect(outcome).toMatchObject({ status: 'unavailable', error: { code: 'ERR_REFRESH_COORDINATION' } });
    expect(endpoint.stats.requests).toBe(0);
  });

  it('returns the new tokens when the store cannot keep the successor, and reports it without a token', async () => {
    const logError = jest.fn();
    const readOnly: RefreshCoordination = { ...createMemoryCoordination({ clock }), writeSuccessor: async () => Promise.reject(new Error('disk full')) };

    const outcome = await refresherFor({ coordination: readOnly, secret: TEST_SECRET, logError }).ensureFresh(jwtWith(endpoint.issueGrant(), -5));

    expect(outcome.status).toBe('refreshed');
    expect(logError).toHaveBeenCalledWith('REFRESH_SUCCESSOR_NOT_STORED', expect.any(Error));
    expect(String(logError.mock.calls[0]?.[1])).not.toContain(oauthOf(outcome).accessToken);
  });

  it('answers revoked, without calling the provider, for a successor sealed under another secret', async () => {
    const coordination = createMemoryCoordination({ clock });
    const token = jwtWith(endpoint.issueGrant(), -5);
    await refresherFor({ coordination, secret: TEST_SECRET }).ensureFresh(token);

    const outcome = await refresherFor({ coordination, secret: OTHER_SECRET }).ensureFresh(token);

    expect(outcome).toMatchObject({ status: 'revoked', error: { code: 'ERR_REFRESH_TOKEN_SPENT' } });
    expect(endpoint.stats).toMatchObject({ requests: 1, invalidGrants: 0 });
  });
});

describe('a store that keeps successors past their grace window', () => {
  it('answers revoked for the spent refresh token without calling the provider, so the grant survives for the successor\'s holder', async () => {
    const coordination = retainingCoordination();
    const token = jwtWith(endpoint.issueGrant(), -5);
    const successor = oauthOf(await refresherFor({ coordination, secret: TEST_SECRET }).ensureFresh(token));

    nowMs = START_MS + 3_600_000;
    const late = await refresherFor({ coordination, secret: TEST_SECRET }).ensureFresh(token);

    expect(late).toMatchObject({ status: 'revoked', error: { code: 'ERR_REFRESH_TOKEN_SPENT' } });
    expect(endpoint.stats).toMatchObject({ requests: 1, invalidGrants: 0 });
    expect(endpoint.isAccessTokenActive(successor.accessToken)).toBe(true);
  });

  it('refreshes again at the next expiry with a provider that does not rotate refresh tokens', async () => {
    await endpoint.close();
    endpoint = await startFakeTokenEndpoint({ rotateRefreshTokens: false, expiresInSeconds: 300 });
    const coordination = retainingCoordination();
    const refresher = refresherFor({ coordination, secret: TEST_SECRET });
    const first = await refresher.ensureFresh(jwtWith(endpoint.issueGrant(), -5));

    nowMs = START_MS + 3_600_000;
    const second = await refresher.ensureFresh(first.status === 'refreshed' ? first.token : {});

    expect(second.status).toBe('refreshed');
    expect(oauthOf(second).accessTokenExpiresAt).toBe(START_SECONDS + 3_600 + 300);
    expect(endpoint.stats).toMatchObject({ grantsIssued: 2, invalidGrants: 0 });
  });
});

describe('a provider that does not rotate refresh tokens', () => {
  it('refreshes a successor that is itself due within the grace window, instead of handing it out again', async () => {
    await endpoint.close();
    endpoint = await startFakeTokenEndpoint({ rotateRefreshTokens: false, expiresInSeconds: 40 });
    const refresher = refresherFor({ skewSeconds: 30, graceSeconds: 60 });
    const first = await refresher.ensureFresh(jwtWith(endpoint.issueGrant(), -5));

    nowMs = START_MS + 15_000; // the new token (40 s) is within the 30 s skew again
    const second = await refresher.ensureFresh(first.status === 'refreshed' ? first.token : {});

    expect(second.status).toBe('refreshed');
    expect(oauthOf(second).accessToken).not.toBe(oauthOf(first).accessToken);
    expect(endpoint.stats.grantsIssued).toBe(2);
  });
});

describe('misconfiguration', () => {
  it('throws SessionConfigError on the first ensureFresh, not when created', async () => {
    const refresher = refresherFor({ clientId: '' });

    await expect(refresher.ensureFresh(jwtWith(endpoint.issueGrant(), -5))).rejects.toMatchObject({ name: 'SessionConfigError', code: 'ERR_REFRESH_NO_CLIENT_ID' });
  });

  it('throws when the tokenEndpoint function finds a URL that is not http(s)', async () => {
    const refresher = refresherFor({ tokenEndpoint: async () => 'ftp://idp.example/token' });

    const outcome = refresher.ensureFresh(jwtWith(endpoint.issueGrant(), -5));

    await expect(outcome).rejects.toBeInstanceOf(SessionConfigError);
    await expect(outcome).rejects.toMatchObject({ code: 'ERR_REFRESH_BAD_TOKEN_ENDPOINT' });
  });
});
