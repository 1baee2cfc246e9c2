import type { ServerResponse } from 'node:http';
import type { NextAuthOptions } from 'next-auth';
import type { AccessTokenRefresher } from './access-token-refresher';
import { findSessionCookieNames } from './chunks';
import { guardResponseCookies, type GuardedRequest } from './cookie-guard';
import { planSessionEnd, type CookieWrite } from './cookie-writes';
import { markSessionChanged, readRequestCookies, settleSessionHeaders, writeSessionCookies, type SessionRequest } from './next-adapter';
import { readSessionToken, type CurrentSession } from './read-session';
import { resolveSessionSettings, type SessionSettings, type SessionUpdaterOptions } from './settings';
import type { TokenRefreshError } from './errors';
import { computeReissue, computeSessionUpdate, type SessionUpdate } from './update-session';

/**
 * What `accessToken(refresher)` came to, as a value:
 * - `ok`: the access token to call the API with (`refreshed`: a refresh happened and the new
 *   session is written on this response, with `X-Revalidate-Session`);
 * - `no-session` / `no-token`: no readable session, or one without OAuth tokens;
 * - `unavailable`: the provider (or the coordination store) is down: the session is kept, answer 503;
 * - `revoked`: the grant ended at the provider: every session cookie is expired on this response, answer 401.
 */
export type AccessTokenResult =
  | { status: 'ok'; accessToken: string; refreshed: boolean }
  | { status: 'no-session' }
  | { status: 'no-token' }
  | { status: 'unavailable'; error: TokenRefreshError }
  | { status: 'revoked'; error: TokenRefreshError };

/** One request's session: decoded once, updated any number of times, written onto `res`. */
export interface RequestSession {
  /** The request's session token (decoded once; after an update, the token it wrote), or null. */
  read(): Promise<CurrentSession | null>;
  /**
   * Runs `callbacks.jwt({ token, trigger: "update", session: patch })` and
   * `callbacks.session` as next-auth's update does, writes the cookie(s) and
   * `X-Revalidate-Session: true`. A second update starts from the token the first wrote.
   */
  update(patch?: unknown): Promise<SessionUpdate>;
  /** Writes the same claims again under the current secret (after a secret rotation). */
  reissue(): Promise<void>;
  /** Expires every session-cookie variant: sign-out, or a session the app refuses. */
  end(): Promise<void>;
  /**
   * The session's OAuth access token, refreshed through `refresher` (exactly once per refresh
   * token, across requests and instances) when it is near expiry; a refreshed session is
   * written on this response like any update.
   * @example
   * const result = await sessions.forRequest(req, res).accessToken(refresher);
   * if (result.status === 'ok') await fetch(api, { headers: { authorization: `Bearer ${result.accessToken}` } });
   */
  accessToken(refresher: AccessTokenRefresher): Promise<AccessTokenResult>;
}

export interface SessionUpdater {
  /**
   * The request's session, in an API route or `getServerSideProps` (`ctx.req`, `ctx.res`).
   * @example
   * export const getServerSideProps = async ({ req, res }) => {
   *   const result = await sessions.forRequest(req, res).update({ onboarded: 'yes' });
   *   if (result.status !== 'updated') return { redirect: { destination: '/signin', permanent: false } };
   *   return { props: { session: result.session } };
   * };
   */
  forRequest(req: SessionRequest, res: ServerResponse): RequestSession;
  /**
   * Guards a response that next-auth may write the session to (a route or `getServerSideProps`
   * that calls `getServerSession`): when it writes the session cookie, it also expires the
   * cookie's other variants. Call it before `getServerSession`.
   * @example
   * export const getServerSideProps = async ({ req, res }) => {
   *   sessions.guard(req, res);
   *   const session = await getServerSession(req, res, authOptions);
   */
  guard(req: GuardedRequest, res: ServerResponse): void;
}

/**
 * The toolkit, configured by the app's own `authOptions` (cookie name and options,
 * `useSecureCookies`, secret, max age, `jwt.encode`/`decode`, `callbacks.jwt`/`session`,
 * `events.session`). Settings are derived on first use, so importing it needs no
 * environment (a build without secrets works).
 * @example
 * export const sessions = createSessionUpdater(authOptions);
 * // in a route:
 * const result = await sessions.forRequest(req, res).update({ theme: 'dark' });
 */
export function createSessionUpdater(authOptions: NextAuthOptions, options: SessionUpdaterOptions = {}): SessionUpdater {
  let settings: SessionSettings | undefined;
  const resolve = () => (settings ??= resolveSessionSettings(authOptions, options));
  return {
    forRequest: (req, res) => openRequestSession(resolve(), req, res),
    guard: (req, res) => guardResponseCookies(resolve(), req, res),
  };
}

function openRequestSession(settings: SessionSettings, req: SessionRequest, res: ServerResponse): RequestSession {
  const cookie = settings.cookieFor(req.headers);
  let current: Promise<CurrentSession | null> | undefined;
  let lastWrite: 'issued' | 'ended' | undefined;
  let guarded = false;
  // Names written earlier in this request count as carried: a later write expires them too.
  const writtenNames = new Set<string>();
  const withWritten = (names: readonly string[]) => [...new Set([...names, ...writtenNames])];
  const carried = (session: CurrentSession): CurrentSession => ({ ...session, cookieNames: withWritten(session.cookieNames) });

  const read = () => (current ??= readSessionToken(readRequestCookies(req), cookie, settings.codec));

  async function write(cookies: CookieWrite[], kind: 'issued' | 'ended'): Promise<void> {
    if (cookies.length === 0) return;
    if (!guarded) {
      guarded = true;
      settleSessionHeaders(res, cookie.name, () => lastWrite === 'issued');
    }
    lastWrite = kind;
    for (const planned of cookies) if (planned.value !== '') writtenNames.add(planned.name);
    await writeSessionCookies(req, res, cookies);
  }

  async function end(): Promise<void> {
    // The request's names whether or not they decode: strays and garbage go too.
    const requestCookieNames = withWritten(findSessionCookieNames(readRequestCookies(req), cookie.name));
    await write(planSessionEnd({ cookie, requestCookieNames, maxChunks: settings.maxChunks }), 'ended');
    current = Promise.resolve(null);
  }

  return {
    read,
    async update(patch) {
      const session = await read();
      const before = session && carried(session);
      const { result, cookies } = await computeSessionUpdate(settings, { current: before, cookie, patch });
      if (result.status === 'updated' && before) {
        await write(cookies, 'issued');
        markSessionChanged(res);
        current = Promise.resolve({ token: result.token, rotated: false, cookieNames: before.cookieNames });
      } else if (result.status === 'no-session' && result.ended) {
        await write(cookies, 'ended');
        current = Promise.resolve(null);
      }
      return result;
    },
    async reissue() {
      const session = await read();
      if (session) await write(await computeReissue(settings, carried(session), cookie), 'issued');
    },
    end,
    async accessToken(refresher) {
      const session = await read();
      if (!session) return { status: 'no-session' };
      const outcome = await refresher.ensureFresh(session.token);
      if (outcome.status === 'no-token' || outcome.status === 'unavailable') return outcome;
      if (outcome.status === 'revoked') {
        await end();
        return outcome;
      }
      if (outcome.status === 'refreshed') {
        const refreshed = { ...session, token: outcome.token };
        await write(await computeReissue(settings, carried(refreshed), cookie), 'issued');
        markSessionChanged(res);
        current = Promise.resolve(refreshed);
      }
      return { status: 'ok', accessToken: outcome.tokens.accessToken, refreshed: outcome.status === 'refreshed' };
    },
  };
}
