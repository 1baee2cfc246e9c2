import { requestRefreshGrant, type RefreshGrantRequest } from '@/packages/next-auth-server-session/src/token-endpoint';
import { FAKE_CLIENT_ID, FAKE_CLIENT_SECRET, startFakeTokenEndpoint, type FakeTokenEndpoint } from '../helpers/fake-token-endpoint';

const NOW_SECONDS = Date.UTC(2030, 0, 1) / 1000;

let endpoint: FakeTokenEndpoint;
beforeEach(async () => {
  endpoint = await startFakeTokenEndpoint({ expiresInSeconds: 600 });
});
afterEach(() => endpoint.close());

function grantRequest(overrides: Partial<RefreshGrantRequest> = {}): RefreshGrantRequest {
  return {
    url: new URL(endpoint.url),
    clientId: FAKE_CLIENT_ID,
    clientSecret: FAKE_CLIENT_SECRET,
    clientAuth: 'client_secret_basic',
    refreshToken: endpoint.issueGrant().refreshToken,
    fetch: globalThis.fetch,
    timeoutMs: 2_000,
    nowSeconds: NOW_SECONDS,
    ...overrides,
  };
}

const scripted = (status: number, body: unknown, headers?: Record<string, string>) => endpoint.setMode({ status, body: typeof body === 'string' ? body : JSON.stringify(body), headers });

describe('requestRefreshGrant', () => {
  it('exchanges the refresh token for new tokens expiring expires_in seconds from the request', async () => {
    const request = grantRequest();

    const result = await requestRefreshGrant(request);

    expect(result).toEqual({ ok: true, tokens: { accessToken: expect.stringMatching(/^at_/), refreshToken: expect.stringMatching(/^rt_/), accessTokenExpiresAt: NOW_SECONDS + 600 } });
    expect(result.ok && result.tokens.refreshToken).not.toBe(request.refreshToken);
  });

  it('authenticates with client_secret_basic, form-encoding the id and secret (RFC 6749 2.3.1)', async () => {
    await endpoint.close();
    endpoint = await startFakeTokenEndpoint({ clientId: 'app:one', clientSecret: 'sé cret+/%:' });

    const result = await requestRefreshGrant(grantRequest({ clientId: 'app:one', clientSecret: 'sé cret+/%:' }));

    expect(result.ok).toBe(true);
    expect(endpoint.lastClientAuth).toEqual({ method: 'client_secret_basic', clientId: 'app:one', clientSecret: 'sé cret+/%:' });
  });

  it('authenticates with client_secret_post in the body', async () => {
    const result = await requestRefreshGrant(grantRequest({ clientAuth: 'client_secret_post' }));

    expect(result.ok).toBe(true);
    expect(endpoint.lastClientAuth).toEqual({ method: 'client_secret_post', clientId: FAKE_CLIENT_ID, clientSecret: FAKE_CLIENT_SECRET });
  });

  it('keeps the refresh token it sent when the answer carries none', async () => {
    const request = grantRequest();
    scripted(200, { access_token: 'at-new', token_type: 'Bearer', expires_in: 60 });

    const result = await requestRefreshGrant(request);

    expect(result).toEqual({ ok: true, tokens: { accessToken: 'at-new', refreshToken: request.refreshToken, accessTokenExpiresAt: NOW_SECONDS + 60 } });
  });

  it('accepts expires_in sent as a numeric string', async () => {
    scripted(200, { access_token: 'at-new', refresh_token: 'rt-new', expires_in: '3599' });

    const result = await requestRefreshGrant(grantRequest());

    expect(result.ok && result.tokens.accessTokenExpiresAt).toBe(NOW_SECONDS + 3599);
  });

  it.each([
    ['not JSON', '<html>maintenance</html>'],
    ['no access_token', { refresh_token: 'rt', expires_in: 60 }],
    ['no expires_in', { access_token: 'at', refresh_token: 'rt' }],
    ['a negative expires_in', { access_token: 'at', expires_in: -1 }],
    ['an empty refresh_token', { access_token: 'at', refresh_token: '', expires_in: 60 }],
  ])('answers unavailable for a 200 with %s', async (_case, body) => {
    scripted(200, body);

    const result = await requestRefreshGrant(grantRequest());

    expect(result).toMatchObject({ ok: false, status: 'unavailable', error: { code: 'ERR_REFRESH_MALFORMED_RESPONSE', httpStatus: 200 } });
  });

  it('answers revoked for invalid_grant, with the provider code and status but not its description or the token', async () => {
    const request = grantRequest();
    scripted(400, { error: 'invalid_grant', error_description: `description-marker ${request.refreshToken}` });

    const result = await requestRefreshGrant(request);

    expect(result).toMatchObject({ ok: false, status: 'revoked', error: { code: 'ERR_REFRESH_REVOKED', providerError: 'invalid_grant', httpStatus: 400 } });
    const error = !result.ok ? result.error : null;
    const shown = `${error?.message} ${JSON.stringify(error)}`;
    expect(shown).not.toContain('description-marker');
    expect(shown).not.toContain(request.refreshToken);
  });

  it('answers unavailable, not revoked, for a refused client (the app is misconfigured, the user is not)', async () => {
    const result = await requestRefreshGrant(grantRequest({ clientSecret: 'wrong' }));

    expect(result).toMatchObject({ ok: false, status: 'unavailable', error: { code: 'ERR_REFRESH_REJECTED', providerError: 'invalid_client', httpStatus: 401 } });
  });

  it.each([503, 500, 429])('answers unavailable for %i', async (status) => {
    scripted(status, { error: 'temporarily_unavailable' });

    const result = await requestRefreshGrant(grantRequest());

    expect(result).toMatchObject({ ok: false, status: 'unavailable', error: { code: 'ERR_REFRESH_PROVIDER_UNAVAILABLE', httpStatus: status } });
  });

  it('does not echo an error code outside RFC 6749\'s character set', async () => {
    scripted(400, { error: 'bad"code\\with\nnewline' });

    const result = await requestRefreshGrant(grantRequest());

    expect(!result.ok && result.error.providerError).toBeUndefined();
  });

  it('does not follow a redirect (it would carry the refresh token elsewhere)', async () => {
    scripted(307, '', { location: `${endpoint.origin}/elsewhere` });

    const result = await requestRefreshGrant(grantRequest());

    expect(result).toMatchObject({ ok: false, status: 'unavailable', error: { code: 'ERR_REFRESH_REJECTED', httpStatus: 307 } });
    expect(endpoint.otherPathRequests).toBe(0);
  });

  it('answers unavailable after timeoutMs when the endpoint does not answer', async () => {
    endpoint.setMode('hang');

    const result = await requestRefreshGrant(grantRequest({ timeoutMs: 100 }));

    expect(result).toMatchObject({ ok: false, status: 'unavailable', error: { code: 'ERR_REFRESH_TIMEOUT' } });
  });

  it('times out even with a fetch that ignores its abort signal', async () => {
    const neverSettles = (() => new Promise<Response>(() => undefined)) as typeof fetch;

    const result = await requestRefreshGrant(grantRequest({ fetch: neverSettles, timeoutMs: 50 }));

    expect(result).toMatchObject({ ok: false, error: { code: 'ERR_REFRESH_TIMEOUT' } });
  });

  it('answers unavailable when nothing listens', async () => {
    const url = new URL(endpoint.url);
    await endpoint.close();

    const result = await requestRefreshGrant(grantRequest({ url, refreshToken: 'rt-any' }));

    expect(result).toMatchObject({ ok: false, status: 'unavailable', error: { code: 'ERR_REFRESH_NETWORK', message: expect.stringContaining('ECONNREFUSED') } });
  });
});
