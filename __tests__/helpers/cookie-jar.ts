import type { SetCookie } from 'cookie';
import { parseSetCookies, type SetCookieSource } from 'next-auth-server-session/testing';

/**
 * A response's Set-Cookie headers read attribute by attribute (`cookie`'s parser, through
 * the kit's `parseSetCookies`), for tests that assert on attributes. The jar that carries
 * cookies between requests is the toolkit's own (`TestCookieJar`, lib/session/testing).
 */

export type { SetCookie };

/** Every Set-Cookie of a fetch `Headers`, a supertest response's headers, or header lines. */
export function setCookiesOf(headers: Headers | Record<string, unknown> | readonly string[]): SetCookie[] {
  const source: SetCookieSource = Array.isArray(headers) ? headers : { headers: headers as Headers | Record<string, unknown> };
  return parseSetCookies(source);
}

/** As a browser applies it (RFC 6265 5.3: Max-Age wins over Expires). */
function isExpired(cookie: SetCookie): boolean {
  if (cookie.maxAge !== undefined) return cookie.maxAge <= 0;
  return cookie.expires !== undefined && cookie.expires.getTime() <= Date.now();
}

/** Whether a Set-Cookie deletes its cookie, as a browser (and the jar) applies it: expired, or an empty value. */
export function deletesCookie(cookie: SetCookie): boolean {
  return isExpired(cookie) || !cookie.value;
}

export interface CookieWrites {
  /** Names given a value, sorted. */
  written: string[];
  /** Names deleted, sorted. */
  expired: string[];
  /** Names with more than one Set-Cookie in the response (a browser keeps only the last). */
  duplicated: string[];
}

/** A response's Set-Cookies for the names that start with `prefix`, as written and deleted names. */
export function cookieWritesOf(setCookies: SetCookie[], prefix: string): CookieWrites {
  const cookies = setCookies.filter((cookie) => cookie.name.startsWith(prefix));
  const names = cookies.map((cookie) => cookie.name);
  return {
    written: cookies.filter((cookie) => !deletesCookie(cookie)).map((cookie) => cookie.name).sort(),
    expired: cookies.filter(deletesCookie).map((cookie) => cookie.name).sort(),
    duplicated: [...new Set(names.filter((name, index) => names.indexOf(name) !== index))],
  };
}
