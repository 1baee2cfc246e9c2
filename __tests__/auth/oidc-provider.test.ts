import { createOidcProvider, discoveryUrlOf, OIDC_PROVIDER_ID } from '@/lib/auth/oidc-provider';

const settings = { issuer: 'https://tenant.example.auth0.com/', clientId: 'app', clientSecret: 'app-secret', embedded: false, refreshSkewSeconds: 30 };

describe('discoveryUrlOf', () => {
  it.each([
    ['http://127.0.0.1:3001', 'http://127.0.0.1:3001/.well-known/openid-configuration'],
    ['https://tenant.example.auth0.com/', 'https://tenant.example.auth0.com/.well-known/openid-configuration'],
    ['https://sso.example.com/realms/app', 'https://sso.example.com/realms/app/.well-known/openid-configuration'],
  ])('appends the well-known path to %s without doubling its slash', (issuer, expected) => {
    expect(discoveryUrlOf(issuer)).toBe(expected);
  });
});

describe('createOidcProvider', () => {
  const provider = createOidcProvider(settings);

  it("is next-auth's OAuth provider `oidc` (callback /api/auth/callback/oidc) from discovery, PKCE and state, ID token profile", () => {
    expect(provider).toMatchObject({
      id: OIDC_PROVIDER_ID,
      type: 'oauth',
      wellKnown: 'https://tenant.example.auth0.com/.well-known/openid-configuration',
      authorization: { params: { scope: 'openid email profile offline_access' } },
      idToken: true,
      checks: ['pkce', 'state'],
      clientId: 'app',
      clientSecret: 'app-secret',
      client: { token_endpoint_auth_method: 'client_secret_basic' },
    });
    expect(OIDC_PROVIDER_ID).toBe('oidc');
  });

  it("hands next-auth the provider's subject as the user id, and no role", async () => {
    expect(await provider.profile({ sub: 'alice', email: 'alice@example.com', email_verified: true, name: 'Alice' }, {})).toEqual({ id: 'alice', name: 'Alice', email: 'alice@example.com' });
    expect(await provider.profile({ sub: 'bob' }, {})).toEqual({ id: 'bob', name: 'bob', email: '' });
  });
});
