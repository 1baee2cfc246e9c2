import type { User } from 'next-auth';
import type { OAuthConfig } from 'next-auth/providers/oauth';
import type { OidcSettings } from '../env';

/** next-auth's id for the provider: its callback is `<NEXTAUTH_URL>/api/auth/callback/oidc` (support/idp.ts OIDC_CALLBACK_PATH). */
export const OIDC_PROVIDER_ID = 'oidc';

/** What the app asks for: `offline_access` for a refresh token, `email` to link the account the first time. */
export const OIDC_SCOPE = 'openid email profile offline_access';

/** The ID token's claims the app reads (next-auth hands them to `profile()` and the signIn callback). */
export interface OidcProfile {
  sub: string;
  email?: string;
  email_verified?: boolean;
  name?: string;
}

/**
 * The discovery document's URL: OpenID Connect Discovery 1.0 section 4 appends the path to
 * the issuer without its trailing slash (Auth0's issuer has one).
 */
export function discoveryUrlOf(issuer: string): string {
  return `${issuer.replace(/\/+$/, '')}/.well-known/openid-configuration`;
}

/**
 * The provider's user as next-auth passes it on: the subject as id (next-auth's
 * `account.providerAccountId`). It is not the app's user: lib/auth/oidc-accounts.ts finds
 * that through the link, and the claims come from the store, never from here.
 */
function profileOf(profile: OidcProfile): User {
  return { id: profile.sub, name: profile.name ?? profile.email ?? profile.sub, email: profile.email ?? '' };
}

/**
 * next-auth's OAuth provider for an OpenID Provider, as next-auth documents it for v4:
 * endpoints from discovery, the profile from the ID token (`idToken`), PKCE (S256) and
 * state, the client authenticated with HTTP Basic at the token endpoint (what the
 * development provider and most providers default to). No nonce: PKCE binds the code.
 */
export function createOidcProvider(settings: OidcSettings): OAuthConfig<OidcProfile> {
  return {
    id: OIDC_PROVIDER_ID,
    name: 'Identity provider',
    type: 'oauth',
    wellKnown: discoveryUrlOf(settings.issuer),
    authorization: { params: { scope: OIDC_SCOPE } },
    idToken: true,
    checks: ['pkce', 'state'],
    clientId: settings.clientId,
    clientSecret: settings.clientSecret,
    client: { token_endpoint_auth_method: 'client_secret_basic' },
    profile: profileOf,
  };
}
