import type { NextAuthOptions } from 'next-auth';

/** next-auth's own default name (core/lib/cookie.js), so `getToken()` finds it too. */
export const DEFAULT_SESSION_COOKIE_NAME = 'next-auth.session-token';

/** The attributes next-auth and `cookie`'s serialize understand (a subset of `cookie`'s serialize options). */
export interface SessionCookieOptions {
  httpOnly?: boolean;
  sameSite?: boolean | 'lax' | 'strict' | 'none';
  path?: string;
  secure?: boolean;
  domain?: string;
  maxAge?: number;
}

export interface SessionCookie {
  name: string;
  options: SessionCookieOptions;
}

/** next-auth's `defaultCookies(useSecureCookies).sessionToken`. */
export function defaultSessionCookie(secure: boolean): SessionCookie {
  return {
    name: `${secure ? '__Secure-' : ''}${DEFAULT_SESSION_COOKIE_NAME}`,
    options: { httpOnly: true, sameSite: 'lax', path: '/', secure },
  };
}

/**
 * The session cookie as next-auth's `init` derives it: `authOptions.cookies.sessionToken`
 * replaces the default whole (a shallow merge there), else the default for the mode.
 * `secure` is `useSecureCookies ?? (base URL is https)`, decided by the caller.
 */
export function resolveSessionCookie(authOptions: Pick<NextAuthOptions, 'cookies'>, secure: boolean): SessionCookie {
  const custom = authOptions.cookies?.sessionToken;
  if (!custom) return defaultSessionCookie(secure);
  return { name: custom.name, options: { ...(custom.options as SessionCookieOptions) } };
}
