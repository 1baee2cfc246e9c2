/**
 * Chunking exactly as next-auth v4 reads it (core/lib/cookie.js): a value longer than
 * 3933 characters (4096 minus an estimated 163 for attributes) is stored as
 * `<name>.0`, `<name>.1`, ...; a shorter one under `<name>` itself.
 */

export const CHUNK_SIZE_CHARS = 4096 - 163;

/**
 * The default cookie budget, in chunks. Node rejects request headers over 16 KB: three
 * chunks leave room for everything else.
 */
export const MAX_CHUNKS = 3;

export interface CookieValue {
  name: string;
  value: string;
}

export type CookieMap = Readonly<Record<string, string | undefined>>;

export function splitIntoChunks(name: string, value: string): CookieValue[] {
  const count = Math.ceil(value.length / CHUNK_SIZE_CHARS);
  if (count <= 1) return [{ name, value }];
  return Array.from({ length: count }, (_, index) => ({
    name: `${name}.${index}`,
    value: value.slice(index * CHUNK_SIZE_CHARS, (index + 1) * CHUNK_SIZE_CHARS),
  }));
}

export function countChunks(value: string): number {
  return Math.max(1, Math.ceil(value.length / CHUNK_SIZE_CHARS));
}

/** `<name>.<n>`'s n, written as next-auth writes it (no leading zeros); -1 for the bare name or any other name. */
export function chunkIndexOf(cookieName: string, name: string): number {
  const suffix = name.slice(cookieName.length);
  return name.startsWith(cookieName) && /^\.(?:0|[1-9]\d*)$/.test(suffix) ? Number(suffix.slice(1)) : -1;
}

/** Every name a session of up to `chunkCount` chunks can be stored under: `<name>`, `<name>.0` ... */
export function listCookieVariants(name: string, chunkCount: number): string[] {
  return [name, ...Array.from({ length: chunkCount }, (_, index) => `${name}.${index}`)];
}

/**
 * What `cookie` 1.x (our serializer) accepts as a name in a Set-Cookie: printable
 * ASCII except `;` and `=`. A request cookie outside it could not be expired by any write.
 */
const WRITABLE_COOKIE_NAME = /^[\u0021-\u003A\u003C\u003E-\u007E]+$/;

/**
 * Every request cookie next-auth counts as part of the session: its reader joins every
 * cookie whose name starts with the session cookie's (core/lib/cookie.js), so a stray
 * `<name>.bak` or `<name>-x` breaks the session there. Listed so that our next write
 * expires them (with our Path and Domain: a stray set under another Path or a parent
 * Domain is out of our reach). `joinChunks` still reads only `<name>` / `<name>.<n>`.
 */
export function findSessionCookieNames(cookies: CookieMap, cookieName: string): string[] {
  return Object.keys(cookies).filter((name) => name.startsWith(cookieName) && WRITABLE_COOKIE_NAME.test(name));
}

/**
 * Reassembles the token. Chunks `.0 .. .n` win when complete; otherwise the unsuffixed
 * cookie. (next-auth joins every variant it sees, so a leftover `<name>` next to `.0`
 * signs the user out there; reading the intact variant lets the next write heal it.)
 */
export function joinChunks(cookies: CookieMap, cookieName: string): string | undefined {
  const parts: string[] = [];
  for (let index = 0; ; index += 1) {
    const part = cookies[`${cookieName}.${index}`];
    if (!part) break; // an emptied (expired) chunk left behind counts as absent
    parts.push(part);
  }
  if (parts.length > 0) return parts.join('');
  return cookies[cookieName] || undefined;
}
