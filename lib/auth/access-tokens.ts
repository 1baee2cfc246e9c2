import type { Account } from 'next-auth';
import { createAccessTokenRefresher, type AccessTokenRefresher, type OAuthTokens, type RefreshCoordination } from 'next-auth-server-session';
import { storeRefreshCoordination } from '../db';
import { getEnv, type OidcSettings } from '../env';
import { logError } from '../log';
import { createDiscoveryReader } from './oidc-discovery';

/** A session read waits at most this long for the provider (next-auth's session reads run the refresh). */
const REFRESH_TIMEOUT_MS = 5_000;

/** The provider's token endpoint, from its discovery document (read once; a failure is asked again). */
export function discoverTokenEndpoint(issuer: string, fetchImpl: typeof fetch = fetch): () => Promise<string> {
  const discovery = createDiscoveryReader(issuer, fetchImpl);
  return async () => (await discovery()).tokenEndpoint;
}

/**
 * The tokens an OIDC sign-in brings, in the shape the refresher keeps (no id_token: the app
 * calls APIs with the access token only, and the cookie stays small). null without a
 * refresh token or an expiry: such a session cannot be kept fresh.
 */
export function oauthTokensOf(account: Account): OAuthTokens | null {
  const { access_token: accessToken, refresh_token: refreshToken, expires_at: accessTokenExpiresAt } = account;
  if (!accessToken || !refreshToken || typeof accessTokenExpiresAt !== 'number') return null;
  return { accessToken, refreshToken, accessTokenExpiresAt };
}

export interface AppRefresherOptions {
  settings: Pick<OidcSettings, 'issuer' | 'clientId' | 'clientSecret' | 'refreshSkewSeconds'>;
  /** Seals the successors the coordination keeps: NEXTAUTH_SECRET. */
  secret: string;
  coordination: RefreshCoordination;
  fetch?: typeof fetch;
}

/** The refresher as the app configures it: the provider's token endpoint from discovery, HTTP Basic client auth. */
export function createAppAccessTokenRefresher({ settings, secret, coordination, fetch: fetchImpl = fetch }: AppRefresherOptions): AccessTokenRefresher {
  return createAccessTokenRefresher({
    tokenEndpoint: discoverTokenEndpoint(settings.issuer, fetchImpl),
    clientId: settings.clientId,
    clientSecret: settings.clientSecret,
    clientAuth: 'client_secret_basic',
    skewSeconds: settings.refreshSkewSeconds,
    timeoutMs: REFRESH_TIMEOUT_MS,
    secret,
    coordination,
    fetch: fetchImpl,
    logError: (code, error) => logError('auth.access-token-refresh', { code, error }),
  });
}

// One refresher per process, on globalThis: Next.js bundles API routes and pages apart, and
// two refreshers (two single flights, two coordinations) could spend one refresh token twice.
const globalForTokens = globalThis as typeof globalThis & { __accessTokenRefresher?: AccessTokenRefresher };

/**
 * The process's access-token refresher, or null when no OpenID Provider is configured.
 * Built on first use (the environment is read then, never at import).
 */
export function getAccessTokenRefresher(): AccessTokenRefresher | null {
  const { oidc, secrets } = getEnv();
  if (!oidc) return null;
  globalForTokens.__accessTokenRefresher ??= createAppAccessTokenRefresher({
    settings: oidc,
    secret: secrets[0],
    // The store's: a lock per refresh token and its sealed successor, across instances (lib/db/refresh-coordination.ts).
    coordination: storeRefreshCoordination,
  });
  return globalForTokens.__accessTokenRefresher;
}
