import { getStore, type SessionState } from '../db';
import { getEnv } from '../env';
import { logWarn } from '../log';
import { createSessionUpdater } from '../session';
import { createAuthOptions } from './auth-options';
import { createSessionCallbacks } from './callbacks';
import { parseSessionPatch } from './session-patch';
import { createSessionStateReader } from './state-cache';

/**
 * The app's wiring of the session toolkit: one `authOptions` (next-auth's, and the
 * toolkit's only configuration) and one merge policy in its callbacks.
 */
const env = getEnv();

/** One indexed read per authenticated request, or a short in-process cache (SESSION_VERSION_CACHE_MS). */
export const sessionStates = createSessionStateReader<SessionState>(
  async (userId) => (await getStore()).getSessionState(userId),
  env.sessionVersionCacheMs,
);

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
