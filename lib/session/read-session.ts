import type { JWT } from 'next-auth/jwt';
import { type CookieMap, findSessionCookieNames, joinChunks } from './chunks';
import type { SessionConfig } from './config';

export interface CurrentSession {
  token: JWT;
  /** >0: opened with a previous secret; re-issue the cookie under the current one. */
  secretIndex: number;
  /** Every session-cookie variant the request carried (to expire the unused ones). */
  cookieNames: string[];
}

/**
 * Reads and decodes the session cookie(s). No cookie, a tampered or an expired token all
 * mean "no session" (`null`): an expected outcome, not an error.
 */
export function readSessionToken(cookies: CookieMap, config: SessionConfig): CurrentSession | null {
  const cookieNames = findSessionCookieNames(cookies, config.cookie.name);
  const decoded = config.codec.decode(joinChunks(cookies, config.cookie.name));
  if (!decoded || typeof decoded.payload.sub !== 'string') return null;
  return { token: decoded.payload, secretIndex: decoded.secretIndex, cookieNames };
}

/** Session-cookie variants present in the request, whether or not they decode. */
export function listSessionCookieNames(cookies: CookieMap, config: SessionConfig): string[] {
  return findSessionCookieNames(cookies, config.cookie.name);
}
