import { parseSetCookie, serialize } from 'cookie';
import { getCookieParser } from 'next/dist/server/api-utils/get-cookie-parser';
import { decode, type JWT } from 'next-auth/jwt';
import type { SessionState, Store } from '@/lib/db/store';
import { deletesCookie, type SetCookie } from './cookie-jar';
import { SESSION_COOKIE } from './session-cookie';
import { TEST_SECRET } from './test-env';

/**
 * The invariants every fuzzed exchange must keep, judged from outside: next-auth's own
 * decode and chunk reader, and the store. Nothing here calls the session toolkit.
 */

export type CookieMap = Record<string, string>;

/** The request cookies exactly as the route sees them (Next's parser: first name wins, %-decoding). */
export function parseCookieHeader(header: string | undefined): CookieMap {
  if (!header) return {};
  const parsed = getCookieParser({ cookie: header })();
  return Object.fromEntries(Object.entries(parsed).filter((entry): entry is [string, string] => entry[1] !== undefined));
}

export function isSessionVariant(name: string): boolean {
  return name === SESSION_COOKIE || name.startsWith(`${SESSION_COOKIE}.`);
}

/**
 * Every cookie next-auth's reader joins into the session (any name that starts with the
 * session cookie's): what a response may write or expire for the session.
 */
export function isSessionCookieName(name: string): boolean {
  return name.startsWith(SESSION_COOKIE);
}

/** Whether a Set-Cookie could carry this name at all (so a writer could expire it). */
export function isWritableCookieName(name: string): boolean {
  try {
    serialize(name, '');
    return true;
  } catch {
    return false;
  }
}

/**
 * A name next-auth or the toolkit could have written: `<name>` or `<name>.<n>` (n < 100, no
 * leading zero). Other names that merely start with `<name>` are foreign: next-auth's reader
 * concatenates them too, so a writer must expire them for the jar to read cleanly again
 * (see the heal check); one no Set-Cookie can name stays for good.
 */
export function isForeignSessionName(name: string): boolean {
  if (!name.startsWith(SESSION_COOKIE) || name === SESSION_COOKIE) return false;
  return !/^\.(0|[1-9]\d?)$/.test(name.slice(SESSION_COOKIE.length));
}

/** next-auth v4's SessionStore reader (core/lib/cookie.js): every prefixed name, sorted by the last dot's number. */
export function nextAuthJoin(cookies: CookieMap): string {
  const names = Object.keys(cookies).filter((name) => name.startsWith(SESSION_COOKIE));
  names.sort((a, b) => parseInt(a.split('.').pop() ?? '0') - parseInt(b.split('.').pop() ?? '0'));
  return names.map((name) => cookies[name]).join('');
}

function contiguousChunks(cookies: CookieMap): string {
  const parts: string[] = [];
  for (let index = 0; cookies[`${SESSION_COOKIE}.${index}`]; index += 1) parts.push(cookies[`${SESSION_COOKIE}.${index}`] ?? '');
  return parts.join('');
}

/**
 * The token a reader must use when the request's session cookies are unambiguous: only
 * `<name>`, or only `.0..n` in order, all non-empty. Otherwise undefined (no exact claim).
 */
export function unambiguousToken(cookies: CookieMap): string | undefined {
  const names = Object.keys(cookies).filter((name) => name.startsWith(SESSION_COOKIE));
  if (names.length === 0 || names.some((name) => !cookies[name])) return undefined;
  if (names.length === 1 && names[0] === SESSION_COOKIE) return cookies[SESSION_COOKIE];
  const expected = names.map((_, index) => `${SESSION_COOKIE}.${index}`);
  if (!expected.every((name) => name in cookies)) return undefined;
  return expected.map((name) => cookies[name]).join('');
}

/** The current secret, then NEXTAUTH_SECRET_PREVIOUS (set by a test that fuzzes secret rotation). */
export function acceptedSecrets(): string[] {
  const previous = (process.env.NEXTAUTH_SECRET_PREVIOUS ?? '').split(',').map((secret) => secret.trim());
  return [TEST_SECRET, ...previous.filter(Boolean)];
}

/**
 * next-auth's decode, by default with the current secret only (what every issued cookie
 * must use); an expired or tampered token is `null`, as next-auth's session route treats it.
 */
export async function decodeToken(token: string | undefined, secrets: readonly string[] = [TEST_SECRET]): Promise<JWT | null> {
  if (!token) return null;
  for (const secret of secrets) {
    try {
      return await decode({ token, secret });
    } catch {
      // not this secret (or expired, or tampered): try the next
    }
  }
  return null;
}

/**
 * Every token a spec-following reader could assemble from the request (one variant alone,
 * the chunks `.0..n` in order, next-auth's join) that next-auth's decode accepts. If this
 * is empty, the request must not authenticate anywhere.
 */
export async function authenticTokensOf(cookies: CookieMap): Promise<JWT[]> {
  const candidates = new Set<string>(Object.keys(cookies).filter(isSessionVariant).map((name) => cookies[name] ?? ''));
  candidates.add(contiguousChunks(cookies));
  candidates.add(nextAuthJoin(cookies));
  const decoded = await Promise.all([...candidates].map((token) => decodeToken(token, acceptedSecrets())));
  return decoded.filter((token): token is JWT => token !== null);
}

/** Whether the Set-Cookie deletes its cookie in a browser (expired, or emptied). */
export const isExpiration = deletesCookie;

export type IssuedSession = { kind: 'none' } | { kind: 'token'; token: string } | { kind: 'malformed'; problem: string };

/** The session the response gives the browser: its live session cookies, reassembled. */
export function issuedSessionOf(setCookies: SetCookie[]): IssuedSession {
  const live = setCookies.filter((cookie) => isSessionVariant(cookie.name) && !isExpiration(cookie));
  if (live.length === 0) return { kind: 'none' };
  const whole = live.find((cookie) => cookie.name === SESSION_COOKIE);
  const chunks = live.filter((cookie) => cookie.name !== SESSION_COOKIE);
  if (whole && chunks.length > 0) {
    return { kind: 'malformed', problem: `sets both ${SESSION_COOKIE} and ${chunks.map((c) => c.name).join(', ')}` };
  }
  if (whole) return { kind: 'token', token: whole.value ?? '' };
  const byIndex = chunks.map((cookie) => ({ cookie, index: Number(cookie.name.slice(SESSION_COOKIE.length + 1)) }));
  byIndex.sort((a, b) => a.index - b.index);
  if (byIndex.some((entry, position) => entry.index !== position)) {
    return { kind: 'malformed', problem: `chunk names are not .0..n: ${chunks.map((c) => c.name).join(', ')}` };
  }
  return { kind: 'token', token: byIndex.map((entry) => entry.cookie.value).join('') };
}

/** The browser's jar after the response: request cookies, then each Set-Cookie (an expiry deletes). */
export function jarAfter(requestCookies: CookieMap, setCookies: SetCookie[]): CookieMap {
  const jar: CookieMap = { ...requestCookies };
  for (const cookie of setCookies) {
    if (isExpiration(cookie)) delete jar[cookie.name];
    else jar[cookie.name] = cookie.value ?? '';
  }
  return jar;
}

/** Differences between a token's privileged claims and the store (empty: they agree). */
export async function claimMismatches(store: Store, token: JWT): Promise<string[]> {
  if (typeof token.sub !== 'string') return [`token has no string sub (${JSON.stringify(token.sub)})`];
  const user = await store.findUserById(token.sub);
  if (!user) return [`token names user ${token.sub}, who is not in the store`];
  const cart = await store.getCart(user.id);
  const expected: Record<string, unknown> = {
    id: user.id,
    email: user.email,
    role: user.role,
    sessionVersion: user.sessionVersion,
    'cart.count': cart.count,
    'cart.totalCents': cart.totalCents,
  };
  const actual: Record<string, unknown> = {
    id: token.id,
    email: token.email,
    role: token.role,
    sessionVersion: token.sessionVersion,
    'cart.count': token.cart?.count,
    'cart.totalCents': token.cart?.totalCents,
  };
  return Object.keys(expected)
    .filter((key) => actual[key] !== expected[key])
    .map((key) => `token ${key}=${JSON.stringify(actual[key])} but the store has ${JSON.stringify(expected[key])}`);
}

/** A session the store refuses: user gone, disabled, revoked since the session began (epoch, else time), or begun in the future. */
export function isRefusedBy(state: SessionState | null | undefined, token: JWT): boolean {
  if (!state || state.disabled) return true;
  const startedAt = typeof token.authTime === 'number' ? token.authTime : typeof token.iat === 'number' ? token.iat * 1000 : 0;
  // Revoked: begun under another store epoch than the current one; a token without one by the time rule.
  if (typeof token.sessionEpoch === 'number') return token.sessionEpoch !== state.sessionEpoch;
  // A start in the future, or after the token was issued (beyond 15 s of clock skew), is forged.
  if (startedAt > Date.now() + 15_000) return true;
  if (typeof token.iat === 'number' && startedAt > token.iat * 1000 + 15_000) return true;
  return state.revokedBefore !== null && startedAt < state.revokedBefore;
}

/**
 * A session the app ends: the store refuses it, or it names no user at all (the jwt callback
 * throws for a token without a string `sub`, and an error there ends the session, as in next-auth).
 * `states` holds the store's answer for each string `sub`, read before the request.
 */
export function isEndedByApp(states: ReadonlyMap<string, SessionState | null>, token: JWT): boolean {
  if (typeof token.sub !== 'string') return true;
  return isRefusedBy(states.get(token.sub), token);
}

/** The session toolkit's default budget: every write it makes names `.0` up to `.2` at least. */
export const MAX_CHUNKS = 3;

/**
 * The contract of every toolkit response that touches the session (writes it or ends it):
 * it names, by a write or an expiry, `<name>` and every chunk name up to the budget (or as
 * many as it writes), and every `<name>*` cookie the request carried that a Set-Cookie can
 * name, whether or not the request carried the others. Returns the names it left out:
 * a browser could keep them beside the new ones (two tabs, two responses) and next-auth
 * would join the mix into garbage.
 */
export function variantsLeftAlone(requestCookies: CookieMap, setCookies: SetCookie[]): string[] {
  const named = new Set(setCookies.map((cookie) => cookie.name));
  const writtenChunks = setCookies.filter((cookie) => isSessionVariant(cookie.name) && cookie.name !== SESSION_COOKIE && !isExpiration(cookie)).length;
  const chunkNames = Array.from({ length: Math.max(MAX_CHUNKS, writtenChunks) }, (_, index) => `${SESSION_COOKIE}.${index}`);
  const carried = Object.keys(requestCookies).filter((name) => isSessionCookieName(name) && isWritableCookieName(name));
  return [...new Set([SESSION_COOKIE, ...chunkNames, ...carried])].filter((name) => !named.has(name));
}

/** `cookie`'s parser: a malformed %-escape keeps its raw value instead of throwing. */
export function parseSetCookies(raw: string[]): SetCookie[] {
  return raw.map((header) => parseSetCookie(header));
}
