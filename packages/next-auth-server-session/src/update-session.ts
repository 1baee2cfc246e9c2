import type { Session } from 'next-auth';
import type { JWT } from 'next-auth/jwt';
import { planSessionCookieWrites, planSessionEnd, type CookieWrite } from './cookie-writes';
import type { CurrentSession } from './read-session';
import type { SessionCookie } from './session-cookie';
import type { PatchIssue, SessionSettings } from './settings';

export type SessionUpdate =
  | { status: 'updated'; session: Session; token: JWT }
  /** `ended`: the app's jwt callback refused the session, and its cookies are expired (next-auth does the same). */
  | { status: 'no-session'; ended: boolean }
  | { status: 'invalid-patch'; issues: readonly PatchIssue[] }
  /** A store outage the app marked (`tolerateStoreOutages`): nothing written, the cookie stays. */
  | { status: 'unavailable'; error: unknown };

export interface PlannedUpdate {
  result: SessionUpdate;
  cookies: CookieWrite[];
}

interface UpdateInput {
  current: CurrentSession | null;
  cookie: SessionCookie;
  patch?: unknown;
}

/**
 * Framework-free core of an update, in next-auth's order (core/routes/session.js):
 * `callbacks.jwt({ token, trigger: "update", session: patch })` -> `callbacks.session` ->
 * encode -> cookies -> `events.session`. An error in any step ends the session as next-auth
 * does (every variant expired), unless the app marked it as a store outage.
 */
export async function computeSessionUpdate(settings: SessionSettings, input: UpdateInput): Promise<PlannedUpdate> {
  const { current, cookie } = input;
  if (!current) return { result: { status: 'no-session', ended: false }, cookies: [] };

  let patch = input.patch;
  if (settings.validatePatch) {
    const check = settings.validatePatch(patch);
    if (check.issues && check.issues.length > 0) return { result: { status: 'invalid-patch', issues: check.issues }, cookies: [] };
    patch = check.patch;
  }

  const now = settings.clock();
  let token: JWT, session: Session, value: string;
  try {
    token = await settings.callbacks.jwt(current.token, patch);
    session = await settings.callbacks.session(current.token, token, new Date(now + settings.maxAgeSeconds * 1000).toISOString());
    value = await settings.codec.encode(token, settings.maxAgeSeconds);
  } catch (error) {
    if (settings.callbacks.isOutage(error)) return { result: { status: 'unavailable', error }, cookies: [] };
    settings.logError('JWT_SESSION_ERROR', error);
    const cookies = planSessionEnd({ cookie, requestCookieNames: current.cookieNames, maxChunks: settings.maxChunks });
    return { result: { status: 'no-session', ended: true }, cookies };
  }

  const cookies = planSessionCookieWrites({
    cookie,
    token: value,
    requestCookieNames: current.cookieNames,
    maxAgeSeconds: settings.maxAgeSeconds,
    maxChunks: settings.maxChunks,
    now,
  });
  await settings.callbacks.notify(session, token);
  return { result: { status: 'updated', session, token }, cookies };
}

/** The same claims under the current secret with a new expiry (a rotated secret signs no one out). */
export async function computeReissue(settings: SessionSettings, current: CurrentSession, cookie: SessionCookie): Promise<CookieWrite[]> {
  // eslint-disable-next-line @typescript-eslint/no-unused-vars
  const { iat, exp, jti, ...claims } = current.token;
  return planSessionCookieWrites({
    cookie,
    token: await settings.codec.encode(claims, settings.maxAgeSeconds),
    requestCookieNames: current.cookieNames,
    maxAgeSeconds: settings.maxAgeSeconds,
    maxChunks: settings.maxChunks,
    now: settings.clock(),
  });
}
