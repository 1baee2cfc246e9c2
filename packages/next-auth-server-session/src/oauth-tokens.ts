import { createHash } from 'node:crypto';
import type { JWT } from 'next-auth/jwt';
import type { TokenRefreshError } from './errors';

/**
 * The OAuth tokens the refresher manages, kept in the JWT under one claim (`oauth` by
 * default) so they ride in next-auth's encrypted session cookie. No id_token: it is not
 * needed to call APIs and would only grow the cookie.
 * @example
 * // callbacks.jwt on sign-in (next-auth passes `account` only then):
 * if (account) return { ...token, oauth: { accessToken: account.access_token, refreshToken: account.refresh_token, accessTokenExpiresAt: account.expires_at } };
 */
export interface OAuthTokens {
  accessToken: string;
  refreshToken: string;
  /** Seconds since the epoch, as next-auth's `account.expires_at`. */
  accessTokenExpiresAt: number;
}

export const DEFAULT_TOKEN_CLAIM = 'oauth';

/** What an exchange (or a successor found in place of one) came to. */
export type RefreshResult =
  | { ok: true; tokens: OAuthTokens }
  | { ok: false; status: 'unavailable' | 'revoked'; error: TokenRefreshError };

const isNonEmptyString = (value: unknown): value is string => typeof value === 'string' && value !== '';

/** The tokens if `value` has their shape (extra fields are dropped), else null. */
export function parseOAuthTokens(value: unknown): OAuthTokens | null {
  if (typeof value !== 'object' || value === null) return null;
  const { accessToken, refreshToken, accessTokenExpiresAt } = value as Record<string, unknown>;
  if (!isNonEmptyString(accessToken) || !isNonEmptyString(refreshToken)) return null;
  if (typeof accessTokenExpiresAt !== 'number' || !Number.isFinite(accessTokenExpiresAt)) return null;
  return { accessToken, refreshToken, accessTokenExpiresAt };
}

export function readOAuthTokens(token: JWT, claim: string): OAuthTokens | null {
  return parseOAuthTokens(token[claim]);
}

/**
 * The key a refresh token's exchange is coordinated and remembered under: SHA-256,
 * base64url. The store sees this, never the token; refresh tokens carry enough entropy
 * that an unsalted hash reveals nothing.
 */
export function hashRefreshToken(refreshToken: string): string {
  return createHash('sha256').update(refreshToken, 'utf8').digest('base64url');
}
