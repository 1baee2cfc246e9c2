import { readSetCookieHeaders } from '@/lib/session/testing';

/**
 * Set-Cookie parsing with every attribute, for tests that assert on attributes. The jar that
 * carries cookies between requests is the toolkit's own (`TestCookieJar`, lib/session/testing).
 */

export interface SetCookie {
  name: string;
  value: string;
  attributes: Record<string, string | true>;
}

/** @param decodeValue how the value is unescaped (the fuzz oracle keeps a malformed %-escape raw). */
export function parseSetCookie(header: string, decodeValue: (raw: string) => string = decodeURIComponent): SetCookie {
  const [pair = '', ...attrs] = header.split(';');
  const eq = pair.indexOf('=');
  const attributes: Record<string, string | true> = {};
  for (const attr of attrs) {
    const [key = '', ...rest] = attr.trim().split('=');
    attributes[key.toLowerCase()] = rest.length ? rest.join('=') : true;
  }
  return { name: pair.slice(0, eq).trim(), value: decodeValue(pair.slice(eq + 1).trim()), attributes };
}

export function setCookiesOf(headers: Headers | Record<string, unknown>): SetCookie[] {
  return readSetCookieHeaders({ headers }).map((header) => parseSetCookie(header));
}

function isExpired(cookie: SetCookie): boolean {
  const maxAge = cookie.attributes['max-age'];
  if (maxAge !== undefined && Number(maxAge) <= 0) return true;
  const expires = cookie.attributes.expires;
  return typeof expires === 'string' && new Date(expires).getTime() <= Date.now();
}

/** Whether a Set-Cookie deletes its cookie, as a browser (and the jar) applies it: expired, or an empty value. */
export function deletesCookie(cookie: SetCookie): boolean {
  return isExpired(cookie) || cookie.value === '';
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
