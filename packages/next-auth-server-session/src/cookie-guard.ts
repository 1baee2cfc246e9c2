import type { ServerResponse } from 'node:http';
import type { NextAuthOptions } from 'next-auth';
import { findSessionCookieNames } from './chunks';
import { planGuardExpiries } from './cookie-writes';
import { guardSessionAnswer, readRequestCookies, type SessionRequest } from './next-adapter';
import { resolveSessionSettings, type SessionSettings, type SessionUpdaterOptions } from './settings';

/** A request as Next hands it to API routes and `getServerSideProps` (cookies parsed), or a bare Node request. */
export type GuardedRequest = SessionRequest;

/** One guard per response: a route that guards and then calls a guarded helper adds no second hook. */
const guardedResponses = new WeakSet<ServerResponse>();

/**
 * Guards one response: if it ends up writing the session cookie (whoever writes it), it also
 * expires every other name the session could be stored under, as the toolkit's own writes do,
 * and it never carries two Set-Cookie headers for one name.
 */
export function guardResponseCookies(settings: SessionSettings, req: GuardedRequest, res: ServerResponse): void {
  if (guardedResponses.has(res)) return;
  guardedResponses.add(res);
  const cookie = settings.cookieFor(req.headers);
  const requestCookieNames = findSessionCookieNames(readRequestCookies(req), cookie.name);
  guardSessionAnswer(res, cookie.name, (answered) => planGuardExpiries({ cookie, answered, requestCookieNames, maxChunks: settings.maxChunks }));
}

/**
 * Wraps a handler whose answers next-auth writes (`NextAuth(authOptions)` itself, or a route
 * that calls `getServerSession`), so that an answer computed from an older cookie layout
 * cannot leave `<name>` beside `<name>.0` in the browser (next-auth would join them and sign
 * the user out). Settings come from `authOptions` on the first request.
 * @example
 * // pages/api/auth/[...nextauth].ts
 * export default withSessionCookieGuard(authOptions, NextAuth(authOptions));
 */
export function withSessionCookieGuard<Req extends GuardedRequest, Res extends ServerResponse, Result>(
  authOptions: NextAuthOptions,
  handler: (req: Req, res: Res) => Result,
  options: SessionUpdaterOptions = {},
): (req: Req, res: Res) => Result {
  let settings: SessionSettings | undefined;
  return (req, res) => {
    settings ??= resolveSessionSettings(authOptions, options);
    guardResponseCookies(settings, req, res);
    return handler(req, res);
  };
}
