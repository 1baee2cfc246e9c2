import type { Session } from 'next-auth';
import type { CookieMap } from './chunks';
import type { SessionCallbacks } from './callbacks';
import type { SessionConfig } from './config';
import { planSessionCookieClears, planSessionCookieWrites, type CookieWrite } from './cookie-writes';
import { runReportingStoreErrors, SessionEndedError } from './errors';
import { listSessionCookieNames, type CurrentSession } from './read-session';

export interface SessionRuntime {
  config: SessionConfig;
  callbacks: SessionCallbacks;
  /** Validates a client patch before anything runs; the jwt callback re-checks it. */
  parsePatch(patch: unknown): { ok: true; patch: unknown } | { ok: false; issues: unknown[] };
  clock?: () => number;
}

export type SessionUpdate =
  | { status: 'updated'; session: Session; cookies: CookieWrite[] }
  /** `cookies` expire the old ones only when a readable token's user is gone. */
  | { status: 'no-session'; cookies: CookieWrite[] }
  | { status: 'invalid-patch'; issues: unknown[]; cookies: [] };

/**
 * Framework-free core of updateSession: current token -> callbacks.jwt (trigger "update")
 * -> encode -> the cookies to write. Store failures propagate (the caller answers 503 and
 * writes nothing, so the client's cookie survives).
 */
export async function computeSessionUpdate(
  runtime: SessionRuntime,
  cookies: CookieMap,
  current: CurrentSession | null,
  patch?: unknown,
): Promise<SessionUpdate> {
  const { config, callbacks } = runtime;
  if (!current) return { status: 'no-session', cookies: [] };

  const parsed = runtime.parsePatch(patch);
  if (!parsed.ok) return { status: 'invalid-patch', issues: parsed.issues, cookies: [] };

  let token;
  try {
    token = await runReportingStoreErrors(() =>
      callbacks.jwt({ token: current.token, trigger: 'update', session: parsed.patch }),
    );
  } catch (error) {
    // A readable token whose user is gone: expire every variant so the browser stops sending it.
    if (error instanceof SessionEndedError) {
      const requestCookieNames = listSessionCookieNames(cookies, config);
      return { status: 'no-session', cookies: planSessionCookieClears({ config: config.cookie, requestCookieNames }) };
    }
    throw error;
  }

  const requestCookieNames = listSessionCookieNames(cookies, config);
  const now = (runtime.clock ?? Date.now)();
  const value = config.encodeToken(token);
  const expires = new Date(now + config.maxAgeSeconds * 1000).toISOString();
  const session = await callbacks.session({ session: { expires }, token });
  return {
    status: 'updated',
    session,
    cookies: planSessionCookieWrites({
      config: config.cookie,
      token: value,
      requestCookieNames,
      maxAgeSeconds: config.maxAgeSeconds,
      now,
    }),
  };
}


