import type { NextApiRequest, NextApiResponse } from 'next';
import NextAuth, { type NextAuthOptions } from 'next-auth';
import type { OAuthConfig } from 'next-auth/providers/oauth';
import { createAccessTokenRefresher, createSessionUpdater, withSessionCookieGuard, type AccessTokenRefresher } from 'next-auth-server-session';
import { createPostgresRefreshCoordination } from './postgres-refresh-coordination';

/**
 * An OpenID Provider's access token kept in next-auth's JWT and refreshed exactly once, however
 * many requests carry it expired (docs/adopting.md, "Access tokens that refresh without races").
 * In an app these are three files: the refresher (lib/access-tokens.ts), `authOptions` and
 * next-auth's handler (pages/api/auth/[...nextauth].ts), and a route that calls an API with the
 * token (pages/api/notifications.ts). The root tsconfig type-checks this file.
 */

const issuer = (process.env.OIDC_ISSUER ?? '').replace(/\/$/, '');
const API_URL = process.env.API_URL ?? 'http://127.0.0.1:4000';

/** The provider's token endpoint, from its discovery document on first use; a failure is asked again on the next refresh. */
let tokenEndpoint: Promise<string> | undefined;
function discoverTokenEndpoint(): Promise<string> {
  tokenEndpoint ??= fetch(`${issuer}/.well-known/openid-configuration`, { signal: AbortSignal.timeout(5_000) })
    .then((response) => (response.ok ? response.json() : Promise.reject(new Error(`discovery answered ${response.status}`))))
    .then((document: { token_endpoint: string }) => document.token_endpoint)
    .catch((error: unknown) => {
      tokenEndpoint = undefined;
      throw error;
    });
  return tokenEndpoint;
}

// lib/access-tokens.ts
// One refresher per process, on globalThis: Next.js bundles API routes and pages apart, and two
// refreshers (two single flights) in one process would each spend the refresh token.
const processWide = globalThis as typeof globalThis & { accessTokenRefresher?: AccessTokenRefresher };

export const refresher = (processWide.accessTokenRefresher ??= createAccessTokenRefresher({
  tokenEndpoint: discoverTokenEndpoint,
  clientId: process.env.OIDC_CLIENT_ID ?? '',
  clientSecret: process.env.OIDC_CLIENT_SECRET ?? '',
  secret: process.env.NEXTAUTH_SECRET ?? '', // seals the successors the store keeps: the same on every instance
  coordination: createPostgresRefreshCoordination(process.env.DATABASE_URL ?? ''), // one process only: leave out coordination and secret
}));

// pages/api/auth/[...nextauth].ts
interface OidcProfile {
  sub: string;
  email: string;
  name?: string;
}

const identityProvider: OAuthConfig<OidcProfile> = {
  id: 'oidc', // the redirect URI to register at the provider: <NEXTAUTH_URL>/api/auth/callback/oidc
  name: 'Identity provider',
  type: 'oauth',
  wellKnown: `${issuer}/.well-known/openid-configuration`,
  authorization: { params: { scope: 'openid email profile offline_access' } }, // offline_access: a refresh token
  idToken: true,
  checks: ['pkce', 'state'],
  clientId: process.env.OIDC_CLIENT_ID,
  clientSecret: process.env.OIDC_CLIENT_SECRET,
  profile: (profile) => ({ id: profile.sub, name: profile.name ?? profile.email, email: profile.email }),
};

export const authOptions: NextAuthOptions = {
  providers: [identityProvider],
  session: { strategy: 'jwt' },
  callbacks: {
    async jwt({ token, account }) {
      if (account?.access_token && account.refresh_token && account.expires_at) {
        // Sign-in: keep what refreshing needs, and no id_token (the cookie stays small).
        return { ...token, oauth: { accessToken: account.access_token, refreshToken: account.refresh_token, accessTokenExpiresAt: account.expires_at } };
      }
      const outcome = await refresher.ensureFresh(token);
      if (outcome.status === 'fresh' || outcome.status === 'refreshed') return outcome.token;
      if (outcome.status === 'revoked') throw outcome.error; // the grant ended: next-auth expires the session cookies
      return token; // unavailable (provider down): keep the session; no-token: nothing to refresh
    },
    // No session callback copies token.oauth: GET /api/auth/session hands the session to the browser's JavaScript.
  },
};

// next-auth writes the refreshed token itself (GET /api/auth/session, getServerSession): guard its answers.
export const nextAuthHandler = withSessionCookieGuard(authOptions, NextAuth(authOptions));

// lib/sessions.ts
export const sessions = createSessionUpdater(authOptions);

// pages/api/notifications.ts
export async function notificationsRoute(req: NextApiRequest, res: NextApiResponse) {
  if (req.method !== 'GET') return res.setHeader('Allow', 'GET').status(405).json({ error: 'Method not allowed' });
  const result = await sessions.forRequest(req, res).accessToken(refresher);
  if (result.status === 'unavailable') return res.status(503).json({ error: 'The identity provider is unavailable; your session is kept, please retry' });
  if (result.status !== 'ok') return res.status(401).json({ error: 'Please sign in again' }); // revoked: every session cookie is expired on this answer
  const api = await fetch(`${API_URL}/notifications`, { headers: { authorization: `Bearer ${result.accessToken}` } }).catch(() => null);
  if (!api?.ok) return res.status(502).json({ error: 'The notifications service failed; please retry' });
  return res.status(200).json(await api.json());
}
