import type { JWT } from 'next-auth/jwt';
import { type CookieMap, findSessionCookieNames, joinChunks } from './chunks';
import type { SessionCookie } from './session-cookie';
import type { TokenCodec } from './token-codec';

export interface CurrentSession {
  token: JWT;
  /** Opened with a previous secret: re-issue the cookie under the current one. */
  rotated: boolean;
  /** Every session-cookie variant the request carried (to expire the unused ones). */
  cookieNames: string[];
}

/**
 * Reads and decodes the session cookie(s). No cookie, a tampered or an expired token all
 * mean "no session" (`null`): an expected outcome, not an error.
 */
export async function readSessionToken(cookies: CookieMap, cookie: SessionCookie, codec: TokenCodec): Promise<CurrentSession | null> {
  const value = joinChunks(cookies, cookie.name);
  if (!value) return null;
  const opened = await codec.decode(value);
  if (!opened) return null;
  return { token: opened.payload, rotated: opened.rotated, cookieNames: findSessionCookieNames(cookies, cookie.name) };
}
