import { getStore, type SessionState } from '../db';
import { dialectOf } from '../db/connect';
import type { StateNotificationListener } from '../db/state-notifications';
import { getEnv } from '../env';
import { logInfo, logWarn } from '../log';
import { createSessionUpdater } from '../session';
import { createAuthOptions } from './auth-options';
import { createSessionCallbacks } from './callbacks';
import { parseSessionPatch } from './session-patch';
import { createSessionStateReader, type SessionStateReader } from './state-cache';
import { invalidateAcrossInstances } from './state-invalidation';

/**
 * The app's wiring of the session toolkit: one `authOptions` (next-auth's, and the
 * toolkit's only configuration) and one merge policy in its callbacks.
 */
const env = getEnv();

/**
 * On PostgreSQL (several instances may share it) the cache is on only while this process
 * LISTENs for changes (state-invalidation.ts); on SQLite (one process) the routes'
 * `forget` after each write is enough.
 */
const invalidatedByNotifications = dialectOf(env.databaseUrl) === 'postgres' && env.sessionVersionCacheMs > 0;

// One reader (and listen connection) per process, on globalThis: Next.js bundles API routes
// and pages (admin.tsx's getServerSideProps) apart, and `next dev` reloads modules.
const globalForStates = globalThis as typeof globalThis & {
  __sessionStates?: SessionStateReader<SessionState>;
  __sessionStateListener?: StateNotificationListener;
};

/** Started with the store, on the first read: importing this module (as `next build` does) connects nowhere. */
function startListeningOnce(): void {
  if (!invalidatedByNotifications || globalForStates.__sessionStateListener) return;
  globalForStates.__sessionStateListener = invalidateAcrossInstances(sessionStates, {
    databaseUrl: env.databaseUrl,
    timeoutMs: env.storeTimeoutMs,
    info: logInfo,
    warn: logWarn,
  });
}

/** One indexed read per authenticated request, or a per-process cache (SESSION_VERSION_CACHE_MS). */
export const sessionStates = (globalForStates.__sessionStates ??= createSessionStateReader<SessionState>(
  async (userId) => {
    const store = await getStore();
    startListeningOnce();
    return store.getSessionState(userId);
  },
  env.sessionVersionCacheMs,
  Date.now,
  !invalidatedByNotifications,
));

const callbacks = createSessionCallbacks({ getStore, sessionStates, warn: logWarn });

export const authOptions = createAuthOptions({ env, callbacks, getStore });

/** Server-side session updates; a patch from a client is checked by the same policy as next-auth's `update(data)`. */
export const sessions = createSessionUpdater(authOptions, {
  validatePatch(input) {
    const parsed = parseSessionPatch(input);
    if (parsed.ok) return { patch: parsed.patch };
    // Refused here, so callbacks.jwt never sees it: the one log line of this request.
    logWarn('session.patch-refused', { via: 'session-updater', issues: parsed.issues });
    return { issues: parsed.issues };
  },
});
