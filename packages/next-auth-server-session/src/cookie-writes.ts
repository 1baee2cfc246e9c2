import { chunkIndexOf, listCookieVariants, splitIntoChunks } from './chunks';
import type { SessionCookie, SessionCookieOptions } from './session-cookie';

export interface CookieWrite {
  name: string;
  value: string;
  /** Shared between writes planned together (and between expiries of one cookie): read-only. */
  options: Readonly<SessionCookieOptions & { maxAge: number; expires: Date }>;
}

/**
 * The cookies that store `token`, plus an expiry for every other name the session could be
 * stored under: `<name>` or `.0` ... `.N` up to the chunk budget, whether or not this request
 * carried them, and the request's stray `<name>*` cookies (a few per answer). Two responses to requests sent
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
  // One options object for the chunks of one write: they are written alike.
  const options = { ...cookie.options, maxAge: maxAgeSeconds, expires: new Date(now + maxAgeSeconds * 1000) };
  const writes: CookieWrite[] = splitIntoChunks(cookie.name, token).map((chunk) => ({ ...chunk, options }));
  const others = listEveryVariant(cookie.name, Math.max(input.maxChunks, writes.length), input.requestCookieNames);
  const unused = others.filter((name) => !writes.some((write) => write.name === name));
  return [...writes, ...planSessionCookieClears({ cookie, names: unused })];
}

/** Expiries for every name the session may be stored under (sign-out, refused session). */
export function planSessionEnd(input: { cookie: SessionCookie; requestCookieNames: readonly string[]; maxChunks: number }): CookieWrite[] {
  const names = listEveryVariant(input.cookie.name, input.maxChunks, input.requestCookieNames);
  return planSessionCookieClears({ cookie: input.cookie, names });
}

/** One session-cookie Set-Cookie of an answer, as the guard sees it. */
export interface AnsweredCookie {
  name: string;
  /** It carries a value (a session or a chunk of one), rather than expiring the name. */
  issued: boolean;
}

/**
 * What an answer written by someone else (next-auth's handler, `getServerSession`) lacks to be
 * safe: when it issues the session, an expiry for every other name the session could be
 * stored under, as the toolkit's own writes have. next-auth expires only the names its request
 * carried, so an answer computed before another write changed the layout would otherwise leave
 * `<name>` beside `<name>.0` in the browser. An answer that issues nothing gets nothing.
 */
export function planGuardExpiries(input: {
  cookie: SessionCookie;
  answered: readonly AnsweredCookie[];
  requestCookieNames: readonly string[];
  maxChunks: number;
}): CookieWrite[] {
  const { cookie, answered } = input;
  const issued = answered.filter((written) => written.issued);
  if (issued.length === 0) return [];
  const highestChunk = Math.max(...issued.map((written) => chunkIndexOf(cookie.name, written.name)));
  const every = listEveryVariant(cookie.name, Math.max(input.maxChunks, highestChunk + 1), input.requestCookieNames);
  const missing = every.filter((name) => !answered.some((written) => written.name === name));
  return planSessionCookieClears({ cookie, names: missing });
}

/**
 * The options of an expiry, one frozen object per session cookie: the same on every write,
 * so its Set-Cookie lines are serialised once (set-cookie-line.ts memoises by this object).
 */
const clearOptionsByCookie = new WeakMap<SessionCookie, CookieWrite['options']>();

function clearOptionsOf(cookie: SessionCookie): CookieWrite['options'] {
  let options = clearOptionsByCookie.get(cookie);
  if (!options) {
    options = Object.freeze({ ...cookie.options, maxAge: 0, expires: new Date(0) });
    clearOptionsByCookie.set(cookie, options);
  }
  return options;
}

/** Expires the listed cookies, with the session cookie's Path and Domain. */
export function planSessionCookieClears(input: { cookie: SessionCookie; names: readonly string[] }): CookieWrite[] {
  const options = clearOptionsOf(input.cookie);
  return input.names.map((name) => ({ name, value: '', options }));
}

/** `<name>` and `.0` ... `.N` for a name and count: the same few lists on every write, so made once. */
const variantLists = new Map<string, readonly string[]>();

function variantsOf(name: string, chunkCount: number): readonly string[] {
  const key = `${chunkCount}:${name}`;
  let variants = variantLists.get(key);
  if (!variants) {
    variants = Object.freeze(listCookieVariants(name, chunkCount));
    if (variantLists.size >= 32) variantLists.clear();
    variantLists.set(key, variants);
  }
  return variants;
}

/**
 * How many of the request's other `<name>*` cookies one answer expires, chunk names aside. A
 * client chooses how many it sends (hundreds of short names fit in a Cookie header), and each
 * costs the answer a Set-Cookie line; the rest go on later answers, once the browser has
 * dropped these.
 */
export const MAX_STRAY_EXPIRIES = 8;

/** Chunk names of a larger budget are all expired when carried, up to `<name>.99` (at most 100 of them). */
const MAX_CHUNK_NAMES = 100;

/** The request's names that are not among `variants`, each once: every chunk name, at most MAX_STRAY_EXPIRIES others. */
function pickStrays(name: string, variants: readonly string[], requestCookieNames: readonly string[]): string[] {
  const strays: string[] = [];
  let others = 0;
  for (const requestName of requestCookieNames) {
    if (variants.includes(requestName) || strays.includes(requestName)) continue;
    const index = chunkIndexOf(name, requestName);
    const isChunk = index >= 0 && index < MAX_CHUNK_NAMES;
    if (!isChunk && others === MAX_STRAY_EXPIRIES) continue;
    if (!isChunk) others += 1;
    strays.push(requestName);
  }
  return strays;
}

function listEveryVariant(name: string, chunkCount: number, requestCookieNames: readonly string[]): readonly string[] {
  const variants = variantsOf(name, chunkCount);
  const strays = pickStrays(name, variants, requestCookieNames);
  return strays.length === 0 ? variants : [...variants, ...strays];
}
