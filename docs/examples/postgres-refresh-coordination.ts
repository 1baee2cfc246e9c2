import type { RefreshCoordination } from 'next-auth-server-session';
import { Pool } from 'pg';

/**
 * A `RefreshCoordination` on PostgreSQL (node-postgres), for an app with several instances
 * (docs/adopting.md, "Access tokens that refresh without races"). The successors live in one
 * table; the lock is a session-level advisory lock per refresh-token hash:
 *
 *   CREATE TABLE oauth_refresh_successors (key text PRIMARY KEY, sealed text NOT NULL, expires_at timestamptz NOT NULL);
 *   CREATE INDEX oauth_refresh_successors_expires_at_idx ON oauth_refresh_successors (expires_at);
 *
 * and now and then (a timer, cron): DELETE FROM oauth_refresh_successors WHERE expires_at < now();
 * This repository's own, on Kysely, is lib/db/refresh-coordination.ts.
 */

const LOCK = 'SELECT pg_advisory_lock(hashtextextended($1, 0))';
const UNLOCK = 'SELECT pg_advisory_unlock(hashtextextended($1, 0)) AS unlocked';

export function createPostgresRefreshCoordination(connectionString: string): RefreshCoordination {
  const rows = new Pool({ connectionString, max: 2 });
  // The locks' own few connections: a burst of refreshes never takes the ones the app's queries need.
  // statement_timeout bounds the wait for a lock (another instance calling the provider: the refresher's timeoutMs, 10 s by default).
  const locks = new Pool({ connectionString, max: 5, statement_timeout: 15_000, application_name: 'oauth-refresh-lock' });
  for (const pool of [rows, locks]) pool.on('error', (error) => console.error('[refresh-coordination]', error.message));

  return {
    async runExclusive(key, work) {
      const client = await locks.connect();
      let unlocked = false;
      try {
        await client.query(LOCK, [key]);
        // No transaction is open while `work` calls the provider: only the lock is held.
        try {
          return await work();
        } finally {
          unlocked = (await client.query<{ unlocked: boolean }>(UNLOCK, [key])).rows[0]?.unlocked === true;
        }
      } finally {
        // A connection whose lock may still be held is closed, not reused: the server drops its locks with it.
        client.release(!unlocked);
      }
    },
    async readSuccessor(key) {
      const { rows: found } = await rows.query<{ sealed: string }>('SELECT sealed FROM oauth_refresh_successors WHERE key = $1 AND expires_at > now()', [key]);
      return found[0]?.sealed ?? null;
    },
    async writeSuccessor(key, sealed, ttlSeconds) {
      // Autocommitted before runExclusive unlocks, so the next holder reads it. Kept a day past its grace
      // window: a spent refresh token found here then ends one session instead of the whole grant.
      await rows.query(
        `INSERT INTO oauth_refresh_successors (key, sealed, expires_at)
         VALUES ($1, $2, now() + make_interval(secs => $3) + interval '1 day')
         ON CONFLICT (key) DO UPDATE SET sealed = EXCLUDED.sealed, expires_at = EXCLUDED.expires_at`,
        [key, sealed, ttlSeconds],
      );
    },
  };
}
