import { createRemoteJWKSet, decodeJwt, jwtVerify } from 'jose';
import { TestCookieJar } from 'next-auth-server-session/testing';
import demoAccounts from '../../idp/demo-accounts.json';
import { DEMO_USERS } from '../../lib/db/seed';
import { signInAtProvider, startIdentityProvider, type RunningIdentityProvider } from '../../support/idp';
import { authorizationRequestFor, fetchDiscovery, refresh, signIn, type Discovery, type TokenSet } from './oauth-client';

const ALICE = { email: 'alice@example.com', password: 'alice-password' };
const ADMIN = { email: 'admin@example.com', password: 'admin-password' };
const ACCESS_TOKEN_TTL_SECONDS = 5;

let idp: RunningIdentityProvider;
let discovery: Discovery;

beforeAll(async () => {
  idp = await startIdentityProvider({ accessTokenTtlSeconds: ACCESS_TOKEN_TTL_SECONDS });
  discovery = await fetchDiscovery(idp);
});

afterAll(async () => {
  await idp?.stop();
});

async function tokensOf(response: Response): Promise<TokenSet> {
  expect(response.status).toBe(200);
  return (await response.json()) as TokenSet;
}

async function errorOf(response: Response): Promise<{ status: number; error: string; error_description?: string }> {
  return { status: response.status, ...((await response.json()) as { error: string; error_description?: string }) };
}

describe('discovery', () => {
  it('serves a discovery document for its issuer with PKCE S256, refresh tokens and a JWKS', () => {
    expect(discovery.issuer).toBe(idp.issuer);
    expect(idp.issuer).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(discovery.code_challenge_methods_supported).toEqual(['S256']);
    expect(discovery.scopes_supported).toEqual(expect.arrayContaining(['openid', 'email', 'profile', 'offline_access']));
    expect(discovery.grant_types_supported).toEqual(expect.arrayContaining(['authorization_code', 'refresh_token']));
    expect(discovery.token_endpoint_auth_methods_supported).toEqual(expect.arrayContaining(['client_secret_basic', 'client_secret_post']));
    expect(discovery.jwks_uri).toBe(`${idp.issuer}/jwks`);
  });
});

describe('authorization code flow', () => {
  it('issues a JWT access token for the API that verifies against the JWKS, a refresh token and an ID token with the profile', async () => {
    const tokens = await signIn(idp, discovery, ALICE);

    const jwks = createRemoteJWKSet(new URL(discovery.jwks_uri));
    const { payload, protectedHeader } = await jwtVerify(tokens.access_token, jwks, { issuer: idp.issuer, audience: idp.resource, typ: 'at+jwt' });
    expect(payload.sub).toBe('alice');
    expect(payload.client_id).toBe(idp.clientId);
    expect((payload.exp ?? 0) - (payload.iat ?? 0)).toBe(ACCESS_TOKEN_TTL_SECONDS);
    expect(protectedHeader.alg).toBe('RS256');
    expect(tokens.expires_in).toBeLessThanOrEqual(ACCESS_TOKEN_TTL_SECONDS);
    expect(tokens.refresh_token).toEqual(expect.any(String));
    const { payload: idToken } = await jwtVerify(tokens.id_token ?? '', jwks, { issuer: idp.issuer, audience: idp.clientId });
    expect(idToken).toMatchObject({ sub: 'alice', email: 'alice@example.com', email_verified: true, name: 'Alice' });
  });

  it('refuses an authorization request without PKCE', async () => {
    const { url } = authorizationRequestFor(idp, discovery, { code_challenge: '', code_challenge_method: '' });

    const response = await fetch(url, { redirect: 'manual' });

    const callback = new URL(response.headers.get('location') ?? '', url);
    expect(callback.searchParams.get('error')).toBe('invalid_request');
    expect(callback.searchParams.get('error_description')).toMatch(/PKCE/);
  });

  it('shows the login form again, 401, for a wrong password', async () => {
    const { url } = authorizationRequestFor(idp, discovery);

    await expect(signInAtProvider(url, { ...ALICE, password: 'wrong' }, new TestCookieJar())).rejects.toThrow(/answered 401/);
  });

  it('signs in again without the form while the browser session at the provider lasts', async () => {
    const jar = new TestCookieJar();
    await signIn(idp, discovery, ALICE, { jar });

    const tokens = await signIn(idp, discovery, { email: '', password: '' }, { jar });

    expect(decodeJwt(tokens.access_token).sub).toBe('alice');
  });

  it('signs another account in from the same browser when the client asks for prompt=login', async () => {
    const jar = new TestCookieJar();
    await signIn(idp, discovery, ALICE, { jar });

    const tokens = await signIn(idp, discovery, ADMIN, { jar, params: { prompt: 'login' } });

    expect(decodeJwt(tokens.access_token).sub).toBe('admin');
  });

  it('grants consent without a screen when the client asks for it with prompt=consent', async () => {
    const tokens = await signIn(idp, discovery, ALICE, { params: { prompt: 'consent' } });

    expect(decodeJwt(tokens.access_token).sub).toBe('alice');
    expect(tokens.refresh_token).toEqual(expect.any(String));
  });

  it('accepts client_secret_post as well as client_secret_basic', async () => {
    const { refresh_token } = await signIn(idp, discovery, ALICE);

    const tokens = await tokensOf(await refresh(idp, discovery, refresh_token ?? '', 'post'));

    expect(tokens.refresh_token).toEqual(expect.any(String));
  });
});

describe('refresh token rotation and reuse detection', () => {
  it('rotates the refresh token on every refresh', async () => {
    const first = await signIn(idp, discovery, ALICE);

    const second = await tokensOf(await refresh(idp, discovery, first.refresh_token ?? ''));

    expect(second.refresh_token).toEqual(expect.any(String));
    expect(second.refresh_token).not.toBe(first.refresh_token);
    expect(second.access_token).not.toBe(first.access_token);
  });

  it('answers invalid_grant to a reused refresh token and revokes the grant, so the newest refresh token fails too', async () => {
    const first = await signIn(idp, discovery, ALICE);
    const second = await tokensOf(await refresh(idp, discovery, first.refresh_token ?? ''));
    await idp.clearEvents();

    const reuse = await errorOf(await refresh(idp, discovery, first.refresh_token ?? ''));
    const afterReuse = await errorOf(await refresh(idp, discovery, second.refresh_token ?? ''));

    expect(reuse).toEqual({ status: 400, error: 'invalid_grant', error_description: 'grant request is invalid' });
    expect(afterReuse).toEqual({ status: 400, error: 'invalid_grant', error_description: 'grant request is invalid' });
    const events = await idp.events();
    const errors = events.filter((event) => event.type === 'grant.error');
    expect(errors.map((event) => event.type === 'grant.error' && event.errorDetail)).toEqual(['refresh token already used', 'refresh token not found']);
    expect(events.filter((event) => event.type === 'grant.revoked')).toHaveLength(1);
  });

  it('treats two concurrent refreshes with one refresh token as reuse: one wins, and its new refresh token dies with the grant', async () => {
    const first = await signIn(idp, discovery, ALICE);

    const responses = await Promise.all([refresh(idp, discovery, first.refresh_token ?? ''), refresh(idp, discovery, first.refresh_token ?? '')]);

    expect(responses.map((response) => response.status).sort()).toEqual([200, 400]);
    const winner = responses.find((response) => response.ok);
    const { refresh_token } = await tokensOf(winner as Response);
    expect(await errorOf(await refresh(idp, discovery, refresh_token ?? ''))).toMatchObject({ status: 400, error: 'invalid_grant' });
  });

  it('counts one authorization_code grant and one refresh_token grant per refresh', async () => {
    await idp.clearEvents();
    let tokens = await signIn(idp, discovery, ALICE);

    for (let refreshes = 0; refreshes < 3; refreshes += 1) tokens = await tokensOf(await refresh(idp, discovery, tokens.refresh_token ?? ''));

    expect(await idp.countGrants('authorization_code')).toBe(1);
    expect(await idp.countGrants('refresh_token')).toBe(3);
    expect((await idp.events()).filter((event) => event.type === 'refresh_token.consumed')).toHaveLength(3);
  });

  it('records no token in its events', async () => {
    const tokens = await signIn(idp, discovery, ALICE);
    await refresh(idp, discovery, tokens.refresh_token ?? '');

    const recorded = JSON.stringify(await idp.events());

    for (const token of [tokens.access_token, tokens.refresh_token, tokens.id_token, idp.clientSecret]) expect(recorded).not.toContain(token);
  });
});

describe('admin controls', () => {
  it('revokes every grant of an account: its refresh tokens fail, and the next sign-in gets a new grant', async () => {
    const jar = new TestCookieJar();
    const tokens = await signIn(idp, discovery, ADMIN, { jar });

    expect(await idp.revokeGrants('admin')).toBeGreaterThanOrEqual(1);

    expect(await errorOf(await refresh(idp, discovery, tokens.refresh_token ?? ''))).toMatchObject({ status: 400, error: 'invalid_grant' });
    const again = await signIn(idp, discovery, ADMIN, { jar });
    await tokensOf(await refresh(idp, discovery, again.refresh_token ?? ''));
  });

  it('answers 503 while paused as unavailable, and refreshes again once resumed', async () => {
    const tokens = await signIn(idp, discovery, ALICE);

    await idp.pause('unavailable');
    const whileDown = await refresh(idp, discovery, tokens.refresh_token ?? '').finally(() => idp.resume());

    expect(whileDown.status).toBe(503);
    await tokensOf(await refresh(idp, discovery, tokens.refresh_token ?? ''));
  });

  it('refuses connections while paused as refuse, and listens on the same port once resumed', async () => {
    const tokens = await signIn(idp, discovery, ALICE);

    await idp.pause('refuse');
    const whileDown = await refresh(idp, discovery, tokens.refresh_token ?? '').then(
      () => 'answered',
      (error: Error & { cause?: { code?: string } }) => error.cause?.code,
    );
    await idp.resume();

    expect(whileDown).toBe('ECONNREFUSED');
    await tokensOf(await refresh(idp, discovery, tokens.refresh_token ?? ''));
  });

  it('holds requests while paused as stall and answers them once resumed', async () => {
    const tokens = await signIn(idp, discovery, ALICE);
    await idp.pause('stall');

    const pending = refresh(idp, discovery, tokens.refresh_token ?? '');
    const early = await Promise.race([pending.then(() => 'answered'), new Promise((resolve) => setTimeout(() => resolve('waiting'), 300))]);
    await idp.resume();

    expect(early).toBe('waiting');
    await tokensOf(await pending);
  });

  it('refuses admin requests without the admin token', async () => {
    const response = await fetch(`${idp.adminUrl}/__idp/events`);

    expect(response.status).toBe(401);
  });
});

it('has the app seed users as its accounts, with the same passwords', () => {
  const seed = DEMO_USERS.map(({ email, password, name }) => ({ email, password, name }));

  expect(demoAccounts.map(({ email, password, name }) => ({ email, password, name }))).toEqual(seed);
});
