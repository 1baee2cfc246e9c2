import type { IncomingHttpHeaders } from 'node:http';
import type { NextAuthOptions } from 'next-auth';
import type { JWT } from 'next-auth/jwt';
import { joinChunks, splitIntoChunks } from './chunks';
import { REVALIDATE_HEADER } from './revalidate-header';
import { resolveSessionSettings, type SessionSettings, type SessionUpdaterOptions } from './settings';
import { parseSetCookies, readSetCookieHeaders, type SetCookieSource, TestCookieJar } from './test-cookie-jar';

/** A session cookie that is there but does not open: the kit and the app disagree on the secret or codec. */
export class SessionTestError extends Error {
  readonly code = 'ERR_SESSION_UNREADABLE';
  constructor(cookieName: string) {
    super(`The ${cookieName} cookie does not decode with these authOptions: was it written under another secret (NEXTAUTH_SECRET) or jwt.encode?`);
    this.name = 'SessionTestError';
  }
}

/** What one response did to the session. */
export interface WrittenSession {
  /** The session it wrote, decoded with the app's codec; null when it wrote none. */
  token: JWT | null;
  /** Session-cookie names it wrote a value to (`<name>`, or `<name>.0`, `<name>.1` ...). */
  written: string[];
  /** Session-cookie names it expired. */
  expired: string[];
  /** `X-Revalidate-Session: true` was set. */
  revalidate: boolean;
  /** Cookie names (any cookie) that appear in more than one Set-Cookie: a bug. */
  duplicateNames: string[];
}

export interface SessionTestKit {
  /** The session cookie's name, in the mode a request with these headers gets (`__Secure-` over https). */
  cookieName(headers?: IncomingHttpHeaders): string;
  /** A `Cookie` header value for a signed-in session with these claims (chunked when large). */
  signedInCookie(claims: JWT, headers?: IncomingHttpHeaders): Promise<string>;
  /** A jar holding a signed-in session with these claims. */
  signIn(claims: JWT, headers?: IncomingHttpHeaders): Promise<TestCookieJar>;
  /** The session the jar holds, decoded; null when it holds none. Throws `SessionTestError` when it does not decode. */
  readJar(jar: TestCookieJar, headers?: IncomingHttpHeaders): Promise<JWT | null>;
  /** What a response (NTARH `fetch` Response or supertest response) wrote. */
  readResponse(response: SetCookieSource & { headers: Headers | Record<string, unknown> }, headers?: IncomingHttpHeaders): Promise<WrittenSession>;
}

async function decodeOrThrow(settings: SessionSettings, value: string | undefined, cookieName: string): Promise<JWT | null> {
  if (!value) return null;
  const opened = await settings.codec.decode(value);
  if (!opened) throw new SessionTestError(cookieName);
  return opened.payload;
}

function revalidateOf(headers: Headers | Record<string, unknown>): boolean {
  const value = typeof (headers as Headers).get === 'function' ? (headers as Headers).get(REVALIDATE_HEADER) : (headers as Record<string, unknown>)[REVALIDATE_HEADER.toLowerCase()];
  return value === 'true';
}

function duplicatesOf(names: string[]): string[] {
  return [...new Set(names.filter((name, index) => names.indexOf(name) !== index))];
}

/**
 * Test helpers for routes that use the toolkit, configured by the app's own `authOptions`
 * like the updater (cookie name and mode, secret, max age, the app's `jwt.encode`). For
 * tests only: app code never imports `lib/session/testing`.
 * @example
 * const kit = createSessionTestKit(authOptions);
 * const jar = await kit.signIn({ sub: 'user-1', name: 'Robin' });
 */
export function createSessionTestKit(authOptions: NextAuthOptions, options: Pick<SessionUpdaterOptions, 'previousSecrets' | 'clock'> = {}): SessionTestKit {
  let resolved: SessionSettings | undefined;
  const settings = () => (resolved ??= resolveSessionSettings(authOptions, options));
  const cookieName = (headers: IncomingHttpHeaders = {}) => settings().cookieFor(headers).name;

  async function signedInCookie(claims: JWT, headers?: IncomingHttpHeaders): Promise<string> {
    const value = await settings().codec.encode(claims, settings().maxAgeSeconds);
    return splitIntoChunks(cookieName(headers), value)
      .map((chunk) => `${chunk.name}=${chunk.value}`)
      .join('; ');
  }

  return {
    cookieName,
    signedInCookie,
    async signIn(claims, headers) {
      return new TestCookieJar(options.clock).apply((await signedInCookie(claims, headers)).split('; ').map((pair) => `${pair}; Path=/`));
    },
    readJar(jar, headers) {
      const name = cookieName(headers);
      return decodeOrThrow(settings(), joinChunks(jar.toObject(), name), name);
    },
    async readResponse(response, headers) {
      const name = cookieName(headers);
      const cookies = parseSetCookies(response);
      const session = cookies.filter((cookie) => cookie.name.startsWith(name));
      const written = session.filter((cookie) => cookie.value);
      const values = Object.fromEntries(written.map((cookie) => [cookie.name, cookie.value]));
      return {
        token: await decodeOrThrow(settings(), joinChunks(values, name), name),
        written: written.map((cookie) => cookie.name),
        expired: session.filter((cookie) => !cookie.value).map((cookie) => cookie.name),
        revalidate: revalidateOf(response.headers),
        duplicateNames: duplicatesOf(readSetCookieHeaders(response).map((header) => header.slice(0, header.indexOf('=')).trim())),
      };
    },
  };
}
