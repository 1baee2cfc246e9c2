import { listCookieVariants, splitIntoChunks } from './chunks';
import type { SessionCookie, SessionCookieOptions } from './session-cookie';

export interface CookieWrite {
  name: string;
  value: string;
  options: SessionCookieOptions & { maxAge: number; expires: Date };
}

/**
 * The cookies that store `token`, plus an expiry for every other name the session could be
 * stored under: `<name>` or `.0` ... `.N` up to the chunk budget, whether or not this request
 * carried them, and the request's stray `<name>*` cookies. Two responses to requests sent
 * with the same cookie (one chunked, one not) then cannot leave a mix in the browser, which
 * next-auth would join into garbage and sign the user out.
 */
export function planSessionCookieWrites(input: {
  cookie: SessionCookie;
  token: string;
  requestCookieNames: readonly string[];
  maxAgeSeconds: number;
  maxChunks: number;
  now: number;
}): CookieWrite[] {
  const { cookie, token, maxAgeSeconds, now } = input;
  const expires = new Date(now + maxAgeSeconds * 1000);
  const writes: CookieWrite[] = splitIntoChunks(cookie.name, token).map((chunk) => ({
    ...chunk,
    options: { ...cookie.options, maxAge: maxAgeSeconds, expires },
  }));
  const written = new Set(writes.map((write) => write.name));
  const others = listEveryVariant(cookie.name, Math.max(input.maxChunks, writes.length), input.requestCookieNames);
  return [...writes, ...planSessionCookieClears({ cookie, names: others.filter((name) => !written.has(name)) })];
}

/** Expiries for every name the session may be stored under (sign-out, refused session). */
export function planSessionEnd(input: { cookie: SessionCookie; requestCookieNames: readonly string[]; maxChunks: number }): CookieWrite[] {
  const names = listEveryVariant(input.cookie.name, input.maxChunks, input.requestCookieNames);
  return planSessionCookieClears({ cookie: input.cookie, names });
}

/** Expires the listed cookies, with the session cookie's Path and Domain. */
export function planSessionCookieClears(input: { cookie: SessionCookie; names: readonly string[] }): CookieWrite[] {
  return input.names.map((name) => ({
    name,
    value: '',
    options: { ...input.cookie.options, maxAge: 0, expires: new Date(0) },
  }));
}

function listEveryVariant(name: string, chunkCount: number, requestCookieNames: readonly string[]): string[] {
  return [...new Set([...listCookieVariants(name, chunkCount), ...requestCookieNames])];
}
