import { parseSetCookie, type SetCookie } from 'cookie';

/**
 * Where a test's Set-Cookie headers come from: a fetch `Response` (next-test-api-route-
 * handler's `fetch`), a supertest/superagent response (`headers['set-cookie']`), or the
 * header lines themselves.
 */
export type SetCookieSource = { headers: Headers | Record<string, unknown> } | readonly string[] | string;

/** The Set-Cookie header lines of a response, whichever client produced it. */
export function readSetCookieHeaders(source: SetCookieSource): string[] {
  if (typeof source === 'string') return [source];
  if (Array.isArray(source)) return [...(source as readonly string[])];
  const { headers } = source as { headers: Headers | Record<string, unknown> };
  if (typeof (headers as Headers).getSetCookie === 'function') return (headers as Headers).getSetCookie();
  const raw = (headers as Record<string, unknown>)['set-cookie'];
  if (raw === undefined) return [];
  return Array.isArray(raw) ? raw.map(String) : [String(raw)];
}

/** Parsed Set-Cookie headers (`cookie`'s parser: name, value, maxAge, expires, ...). */
export function parseSetCookies(source: SetCookieSource): SetCookie[] {
  return readSetCookieHeaders(source).map((header) => parseSetCookie(header));
}

/** Whether a browser deletes the cookie on receiving this Set-Cookie (RFC 6265 5.3: Max-Age wins over Expires). */
function expiresAtOf(cookie: SetCookie, now: number): number | undefined {
  if (cookie.maxAge !== undefined) return now + cookie.maxAge * 1000;
  return cookie.expires?.getTime();
}

/**
 * A browser's cookie store for one site, in a test: takes each response's Set-Cookie
 * headers and gives the next request's `Cookie` header, applying Max-Age and Expires the
 * way a browser does (a cookie past its expiry is dropped, an empty value kept as sent).
 * Path, Domain and Secure are not modelled: every cookie goes back to the same app.
 * @example
 * const jar = await kit.signIn({ sub: 'user-1', name: 'Robin' });
 * const response = await fetch({ method: 'POST', headers: { cookie: jar.header() } });
 * jar.apply(response);
 */
export class TestCookieJar {
  private readonly cookies = new Map<string, { value: string; expiresAt?: number }>();

  constructor(private readonly clock: () => number = Date.now) {}

  /** Applies every Set-Cookie of a response (or of header lines), in order. */
  apply(source: SetCookieSource): this {
    const now = this.clock();
    for (const cookie of parseSetCookies(source)) {
      const expiresAt = expiresAtOf(cookie, now);
      if (expiresAt !== undefined && expiresAt <= now) this.cookies.delete(cookie.name);
      else this.cookies.set(cookie.name, { value: cookie.value ?? '', expiresAt });
    }
    return this;
  }

  set(name: string, value: string): this {
    this.cookies.set(name, { value });
    return this;
  }

  delete(name: string): this {
    this.cookies.delete(name);
    return this;
  }

  get(name: string): string | undefined {
    return this.live().get(name);
  }

  names(): string[] {
    return [...this.live().keys()];
  }

  toObject(): Record<string, string> {
    return Object.fromEntries(this.live());
  }

  clone(): TestCookieJar {
    const copy = new TestCookieJar(this.clock);
    for (const [name, cookie] of this.cookies) copy.cookies.set(name, { ...cookie });
    return copy;
  }

  /** The next request's `Cookie` header ('' when the jar is empty). */
  header(): string {
    return [...this.live()].map(([name, value]) => `${name}=${value}`).join('; ');
  }

  private live(): Map<string, string> {
    const now = this.clock();
    const live = new Map<string, string>();
    for (const [name, cookie] of this.cookies) if (cookie.expiresAt === undefined || cookie.expiresAt > now) live.set(name, cookie.value);
    return live;
  }
}
