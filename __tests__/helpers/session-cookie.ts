import { decode } from 'next-auth/jwt';
import type { JWT } from 'next-auth/jwt';
import { type CookieWrites, cookieWritesOf, deletesCookie, type SetCookie } from './cookie-jar';
import { joinChunks } from 'next-auth-server-session';
import type { TestCookieJar } from 'next-auth-server-session/testing';
import { TEST_SECRET } from './test-env';

export const SESSION_COOKIE = 'next-auth.session-token';

/** The session token in the jar, whether stored whole or in `.0`, `.1`, ... chunks. */
export function sessionTokenOf(jar: TestCookieJar, name = SESSION_COOKIE): string | undefined {
  return joinChunks(jar.toObject(), name);
}

/** Decodes with next-auth's own decode: proves compatibility, not just self-consistency. */
export async function decodeSessionOf(jar: TestCookieJar, secret = TEST_SECRET, name = SESSION_COOKIE): Promise<JWT | null> {
  return decode({ token: sessionTokenOf(jar, name), secret });
}

export function sessionSetCookies(setCookies: SetCookie[], name = SESSION_COOKIE): SetCookie[] {
  return setCookies.filter((cookie) => cookie.name.startsWith(name));
}

/** An expiry: an empty value, a Max-Age of 0 or less, or an Expires in the past (what ends a session cookie). */
export function isExpiry(cookie: SetCookie): boolean {
  return deletesCookie(cookie);
}

/**
 * A response's session Set-Cookies (`<name>*`), split into written and expired names. Every
 * write expires every other variant, so tests assert on the two lists rather than on a
 * count of Set-Cookie headers.
 */
export function sessionCookieWritesOf(setCookies: SetCookie[], name = SESSION_COOKIE): CookieWrites {
  return cookieWritesOf(setCookies, name);
}
