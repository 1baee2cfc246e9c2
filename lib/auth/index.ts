import type { NextApiRequest, NextApiResponse } from 'next';
import { getStore, type SessionState } from '../db';
import { getEnv } from '../env';
import { createSessionConfig } from '../session/config';
import { isSecureCookieMode } from '../session/cookie-config';
import { createSessionStateReader } from '../session/state-cache';
import { planSessionCookieClears } from '../session/cookie-writes';
import { getRequestSession, reissueIfRotated, updateSessionOnResponse, writeSessionCookies } from '../session/next-adapter';
import { listSessionCookieNames } from '../session/read-session';
import type { SessionRuntime } from '../session/update-session';
import { createAuthOptions } from './auth-options';
import { createSessionCallbacks } from './callbacks';
import { trimClaims } from './claims';
import { parseSessionPatch } from './session-patch';

/**
 * The app's wiring of the session toolkit: one config (codec, cookie, max age) and one
 * set of callbacks, shared by next-auth (authOptions) and our routes (updateSession).
 */
const env = getEnv();
const warn = (message: string) => console.warn(message);

export const sessionConfig = createSessionConfig({
  secrets: env.secrets,
  secure: isSecureCookieMode(env.appUrl, env.nodeEnv),
  domain: env.cookieDomain,
  maxAgeSeconds: env.sessionMaxAgeSeconds,
  trimClaims,
  warn,
});

/** One indexed read per authenticated request, or a short in-process cache (SESSION_VERSION_CACHE_MS). */
export const sessionStates = createSessionStateReader<SessionState>(
  async (userId) => (await getStore()).getSessionState(userId),
  env.sessionVersionCacheMs,
);

const callbacks = createSessionCallbacks({ getStore, sessionStates, warn });

export const authOptions = createAuthOptions({ env, config: sessionConfig, callbacks, getStore });

const runtime: SessionRuntime = { config: sessionConfig, callbacks, parsePatch: parseSessionPatch };

const updatedResponses = new WeakSet<NextApiResponse>();

/** See `updateSessionOnResponse`: the one function every mutating route calls. */
export async function updateSession(req: NextApiRequest, res: NextApiResponse, patch?: unknown) {
  const result = await updateSessionOnResponse(runtime, req, res, patch);
  if (result.status === 'updated') updatedResponses.add(res);
  return result;
}

const staleUntilWritten = new WeakSet<NextApiResponse>();

/**
 * A write route met a stale token and leaves the re-issue to its own `updateSession` after
 * the write (one issue instead of two). If the write fails first, `reissueIfLeftStale` lets
 * the error answer carry the fresh session anyway, as the version check used to.
 */
export function deferStaleReissue(res: NextApiResponse): void {
  staleUntilWritten.add(res);
}

export async function reissueIfLeftStale(req: NextApiRequest, res: NextApiResponse): Promise<void> {
  if (staleUntilWritten.has(res) && !updatedResponses.has(res)) await updateSession(req, res);
}

/**
 * Whether this response already carries a freshly issued session (e.g. the version check
 * re-issued stale claims before the route failed). An error answer keeps that cookie: it
 * matches the store, and dropping it would only make the next request re-issue it again.
 */
export function hasUpdatedSession(res: NextApiResponse): boolean {
  return updatedResponses.has(res);
}

/** The request's decoded session (once per request), or null. */
export function readSession(req: NextApiRequest) {
  return getRequestSession(req, sessionConfig);
}

/** Expires every session-cookie variant the request carried (sign-out, refused session). */
export function endSession(req: NextApiRequest, res: NextApiResponse) {
  const requestCookieNames = listSessionCookieNames(req.cookies, sessionConfig);
  return writeSessionCookies(req, res, planSessionCookieClears({ config: sessionConfig.cookie, requestCookieNames }));
}

export function reissueSessionIfRotated(req: NextApiRequest, res: NextApiResponse) {
  const current = readSession(req);
  return current ? reissueIfRotated(sessionConfig, req, res, current) : Promise.resolve();
}
