import { listenForStateChanges, type StateNotificationListener } from '../db/state-notifications';
import type { LogFields } from '../log';
import type { SessionStateLike } from './freshness';
import type { SessionStateReader } from './state-cache';

export interface StateInvalidationDeps {
  databaseUrl: string;
  timeoutMs?: number;
  info(event: string, fields: LogFields): void;
  warn(event: string, fields: LogFields): void;
}

/** The error's code and class only: a driver message may name the host or the user. */
function describeLoss(error: unknown): LogFields {
  if (!(error instanceof Error)) return {};
  const code = (error as { code?: unknown }).code;
  return { error: error.name, ...(typeof code === 'string' ? { code } : {}) };
}

/**
 * Keeps `reader`'s cache right across instances: every committed change to a user's
 * session state (from any instance, script or psql) arrives as a PostgreSQL notification
 * and drops that user's entry. Caching is on only while the listen connection is: when it
 * drops, changes made meanwhile are never announced, so the whole cache goes and every
 * request reads the store until LISTEN is in effect again (`setCaching`).
 */
export function invalidateAcrossInstances<S extends SessionStateLike>(
  reader: SessionStateReader<S>,
  deps: StateInvalidationDeps,
): StateNotificationListener {
  let started = Date.now();
  return listenForStateChanges(
    deps.databaseUrl,
    {
      onChange: ({ userId }) => reader.forget(userId),
      onListening() {
        reader.setCaching(true);
        deps.info('session-state.listening', { afterMs: Date.now() - started });
      },
      onLost(error) {
        reader.setCaching(false);
        started = Date.now();
        deps.warn('session-state.listen-lost', { ...describeLoss(error), caching: 'off until listening again' });
      },
    },
    { timeoutMs: deps.timeoutMs },
  );
}
