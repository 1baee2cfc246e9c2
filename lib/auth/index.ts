import type { AuthOptions } from 'next-auth';
import { getStore, type SessionState } from '../db';
import { dialectOf } from '../db/connect';
import type { StateNotificationListener } from '../db/state-notifications';
import { getEnv, type Env } from '../env';
import { logInfo, logWarn } from '../log';
import { createSessionUpdater, type SessionUpdater } from 'next-auth-server-session';
import { getAccessTokenRefresher } from './access-tokens';
import { createAuthOptions } from './auth-options';
import { createSessionCallbacks, type OidcCallbackDeps } from './callbacks';
import { createOidcAccounts } from './oidc-accounts';
import { parseSessionPatch } from './session-patch';
import { createSessionStateReader, type SessionStateReader } from './state-cache';
import { invalidateAcrossInstances } from './state-invalidation';

/**
 * The app's wiring of the session toolkit: one `authOptions` (next-auth's, and the
 * toolkit's only configuration) and one merge policy in its callbacks. Built on first use,
 * never at import: `next build` imports every page and route, and a build needs no
 * runtime secrets (the environment is checked when the server starts, instrumentation.ts).
 */

interface AppAuth {
  authOptions: AuthOptions;
  sessions: SessionUpdater;
}

/**
 * On PostgreSQL (several instances may share it) the cache is on only while this process
 * LISTENs for changes (state-invalidation.ts); on SQLite (one process) the routes'
 * `forget` after each write is enough.
 */
function isInvalidatedByNotifications(env: Env): boolean {
  return dialectOf(env.databaseUrl) === 'postgres' && env.sessionVersionCacheMs > 0;
}

// One reader (and listen connection) per process, on globalThis: Next.js bundles API routes
// and pages (admin.tsx's getServerSideProps) apart, and `next dev` reloads modules.
const globalForStates = globalThis as typeof globalThis & {
  __sessionStates?: SessionStateReader<SessionState>;
  __sessionStateListener?: StateNotificationListener;
};

/** Started with the store, on the first read: building the reader connects nowhere. */
function startListeningOnce(env: Env, sessionStates: SessionStateReader<SessionState>): void {
  if (!isInvalidatedByNotifications(env) || globalForStates.__sessionStateListener) return;
  globalForStates.__sessionStateListener = invalidateAcrossInstances(sessionStates, {
    databaseUrl: env.databaseUrl,
    timeoutMs: env.storeTimeoutMs,
    info: logInfo,
    warn: logWarn,
  });
}

/**
 * Closes this process's listen connection, for whoever closes the store (tests, scripts):
 * left open, it would reconnect to a database that is gone. The next store read reopens it.
 */
export async function stopListeningForStateChanges(): Promise<void> {
  const listener = globalForStates.__sessionStateListener;
  globalForStates.__sessionStateListener = undefined;
  // Closing is not a loss (no onLost): caching goes off here, or entries would outlive their feed.
  globalForStates.__sessionStates?.setCaching(false);
  await listener?.close();
}

function createAppSessionStates(env: Env): SessionStateReader<SessionState> {
  const sessionStates: SessionStateReader<SessionState> = createSessionStateReader<SessionState>(
    async (userId) => {
      const store = await getStore();
      startListeningOnce(env, sessionStates);
      return store.getSessionState(userId);
    },
    env.sessionVersionCacheMs,
    Date.now,
    !isInvalidatedByNotifications(env),
  );
  return sessionStates;
}

/** One indexed read per authenticated request, or a per-process cache (SESSION_VERSION_CACHE_MS). */
export function getSessionStates(): SessionStateReader<SessionState> {
  globalForStates.__sessionStates ??= createAppSessionStates(getEnv());
  return globalForStates.__sessionStates;
}

/** The OIDC sign-in's part of the callbacks, when a provider is configured. */
function createOidcDeps(env: Env): OidcCallbackDeps | undefined {
  const refresher = getAccessTokenRefresher();
  if (!env.oidc || !refresher) return undefined;
  return { accounts: createOidcAccounts({ settings: env.oidc, getStore, warn: logWarn }), refresher };
}

function createAppAuth(env: Env): AppAuth {
  const callbacks = createSessionCallbacks({ getStore, sessionStates: getSessionStates(), warn: logWarn, oidc: createOidcDeps(env) });
  const authOptions = createAuthOptions({ env, callbacks, getStore });
  // A patch from a client is checked by the same policy as next-auth's `update(data)`.
  const sessions = createSessionUpdater(authOptions, {
    validatePatch(input) {
      const parsed = parseSessionPatch(input);
      if (parsed.ok) return { patch: parsed.patch };
      // Refused here, so callbacks.jwt never sees it: the one log line of this request.
      logWarn('session.patch-refused', { via: 'session-updater', issues: parsed.issues });
      return { issues: parsed.issues };
    },
  });
  return { authOptions, sessions };
}

let appAuth: AppAuth | undefined;

function getAppAuth(): AppAuth {
  appAuth ??= createAppAuth(getEnv());
  return appAuth;
}

/**
 * next-auth's options for this app, built on first use. Pages and routes take them as the
 * route's `authOptions` (pages/api/auth/[...nextauth].ts, whose getters read them here);
 * lib/ calls this, as it imports nothing from pages/.
 */
export function getAuthOptions(): AuthOptions {
  return getAppAuth().authOptions;
}

/** Server-side session updates: `getSessions().forRequest(req, res)`. */
export function getSessions(): SessionUpdater {
  return getAppAuth().sessions;
}
