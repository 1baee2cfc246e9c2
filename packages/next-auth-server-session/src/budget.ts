import type { JWT } from 'next-auth/jwt';
import { countChunks, MAX_CHUNKS, splitIntoChunks } from './chunks';
import { DEFAULT_SESSION_COOKIE_NAME } from './session-cookie';
import type { TokenCodec } from './token-codec';

/**
 * The default byte budget of the session cookies in the browser's Cookie header. nginx
 * answers 400 to a request with a header line over 8 KB (`large_client_header_buffers`
 * 4 8k), and every request of that browser fails until the cookie expires: 6 KB leaves
 * room for the app's other cookies (next-auth's CSRF and callback-url among them).
 */
export const MAX_COOKIE_BYTES = 6 * 1024;

/** The longest name next-auth gives the session cookie (secure mode): the safe one to measure with. */
const LONGEST_DEFAULT_NAME = `__Secure-${DEFAULT_SESSION_COOKIE_NAME}`;

export interface SessionBudget {
  /** Chunks a session may take (default 3); also how many `.N` variants every write expires. */
  maxChunks?: number;
  /** Bytes the session may take in the Cookie header, names and `; ` separators included (default 6144). */
  maxCookieBytes?: number;
  /** The session cookie's name, sent once per chunk (default `__Secure-next-auth.session-token`, the longest default). */
  cookieName?: string;
  /** Drops the bulky optional part of the claims; called only when a token is over budget. */
  trimClaims?: (token: JWT) => JWT;
}

/**
 * What a browser sends for a session stored under `cookieName`: `name=value` of every
 * chunk, joined by `; `. Token values are base64url and dots, and cookie names ASCII, so
 * characters are bytes.
 */
export function measureCookieHeaderBytes(cookieName: string, value: string): number {
  const chunks = splitIntoChunks(cookieName, value);
  const pairs = chunks.reduce((bytes, chunk) => bytes + chunk.name.length + 1 + chunk.value.length, 0);
  return pairs + 2 * (chunks.length - 1);
}

/**
 * Wraps an encoder so that a token over budget (in chunks or in Cookie header bytes) is
 * encoded again from trimmed claims (one warning per process, not per request). Without
 * `trimClaims` the token is kept whole.
 * @example
 * createSessionJwt({ secret, wrapEncode: (encode) => encodeWithinBudget(encode, { cookieName, trimClaims }) });
 */
export function encodeWithinBudget(
  encode: TokenCodec['encode'],
  budget: SessionBudget,
  warn: (message: string) => void = console.warn,
): TokenCodec['encode'] {
  const maxChunks = budget.maxChunks ?? MAX_CHUNKS;
  const maxCookieBytes = budget.maxCookieBytes ?? MAX_COOKIE_BYTES;
  const cookieName = budget.cookieName ?? LONGEST_DEFAULT_NAME;
  let warned = false;
  return async (token, maxAgeSeconds) => {
    const value = await encode(token, maxAgeSeconds);
    const chunks = countChunks(value);
    const bytes = measureCookieHeaderBytes(cookieName, value);
    if (chunks <= maxChunks && bytes <= maxCookieBytes) return value;
    if (!warned) {
      warned = true;
      const trimming = budget.trimClaims ? '; trimming optional claims' : '';
      warn(`[session] token needs ${chunks} cookie chunks, ${bytes} bytes of Cookie header (budget ${maxChunks} chunks, ${maxCookieBytes} bytes)${trimming}`);
    }
    return budget.trimClaims ? encode(budget.trimClaims(token), maxAgeSeconds) : value;
  };
}
