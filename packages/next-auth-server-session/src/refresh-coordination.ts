import { createExpiringMap } from './expiring-map';

/**
 * A successor as the store keeps it: an opaque string (a compact JWE the refresher seals
 * with a key derived from its `secret`). The store never sees a token in the clear.
 */
export type StoredSuccessor = string;

/**
 * What lets several server instances refresh one grant exactly once: a lock per key and a
 * small table of successors. The key is the SHA-256 (base64url) of the refresh token being
 * exchanged, never the token. The refresher runs, for a refresh token it holds:
 *
 * `runExclusive(key, () => readSuccessor(key) ?? exchange, then writeSuccessor(key, sealed, ttl))`
 *
 * Contract:
 * - `runExclusive`: no two `work`s with the same key run at once, in any instance sharing
 *   the store; different keys need not wait for each other (a hash collision that makes
 *   them wait is harmless). `work` is bounded by the refresher's `timeoutMs`. If `work`
 *   throws, rethrow it after releasing the lock.
 * - `writeSuccessor` inside the lock must be visible to `readSuccessor` of the next holder:
 *   commit it before the lock is released (or on the lock's own connection, in the same
 *   transaction).
 * - `readSuccessor` may return a successor past its `ttlSeconds`: the expiry is also sealed
 *   inside and judged by the refresher. For a rotated refresh token it then answers
 *   `revoked` without calling the provider (a spent refresh token sent again would revoke
 *   the whole grant); a provider that does not rotate is simply asked again. Delete rows at
 *   leisure: the longer a row is kept, the longer a late request with a spent token ends
 *   only its own session instead of the provider revoking the grant for every holder.
 * - A thrown error (store down) makes the refresher answer `unavailable` without calling
 *   the provider; it never refreshes uncoordinated.
 *
 * SQLite: `BEGIN IMMEDIATE` would hold the database's one write lock during a network call;
 * take a row lock instead (INSERT a lock row with an expiry, DELETE it in `finally`, retry
 * while it exists), or keep to the in-process default when there is one process.
 *
 * @example
 * // PostgreSQL (node-postgres): CREATE TABLE oauth_refresh_successors
 * //   (key text PRIMARY KEY, sealed text NOT NULL, expires_at timestamptz NOT NULL);
 * const coordination: RefreshCoordination = {
 *   async runExclusive(key, work) {
 *     const client = await pool.connect(); // the lock lives as long as this transaction
 *     try {
 *       await client.query('BEGIN');
 *       await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [key]);
 *       const result = await work();
 *       await client.query('COMMIT');
 *       return result;
 *     } catch (error) {
 *       await client.query('ROLLBACK').catch(() => undefined);
 *       throw error;
 *     } finally {
 *       client.release();
 *     }
 *   },
 *   async readSuccessor(key) {
 *     const { rows } = await pool.query('SELECT sealed FROM oauth_refresh_successors WHERE key = $1', [key]);
 *     return rows[0]?.sealed ?? null;
 *   },
 *   async writeSuccessor(key, sealed, ttlSeconds) {
 *     // autocommits on another connection, before runExclusive's COMMIT releases the lock
 *     await pool.query(
 *       `INSERT INTO oauth_refresh_successors (key, sealed, expires_at)
 *        VALUES ($1, $2, now() + make_interval(secs => $3))
 *        ON CONFLICT (key) DO UPDATE SET sealed = EXCLUDED.sealed, expires_at = EXCLUDED.expires_at`,
 *       [key, sealed, ttlSeconds],
 *     );
 *   },
 * };
 * // and now and then: DELETE FROM oauth_refresh_successors WHERE expires_at < now() - interval '1 day'
 */
export interface RefreshCoordination {
  runExclusive<T>(key: string, work: () => Promise<T>): Promise<T>;
  readSuccessor(key: string): Promise<StoredSuccessor | null>;
  writeSuccessor(key: string, successor: StoredSuccessor, ttlSeconds: number): Promise<void>;
}

export interface MemoryCoordinationOptions {
  /** Milliseconds since the epoch; injectable for tests. */
  clock?: () => number;
  /** Successors kept at most (the oldest goes first); default 10,000. */
  maxEntries?: number;
}

const DEFAULT_MAX_ENTRIES = 10_000;

/**
 * The coordination of one process (the refresher's default): a promise chain per key as
 * the lock, and a Map whose entries go at their TTL. Share one between refreshers of the
 * same process, or use it as the reference implementation in tests; several instances
 * need the app's store (see `RefreshCoordination`).
 */
export function createMemoryCoordination(options: MemoryCoordinationOptions = {}): RefreshCoordination {
  const successors = createExpiringMap<StoredSuccessor>(options.maxEntries ?? DEFAULT_MAX_ENTRIES, options.clock ?? Date.now);
  const tails = new Map<string, Promise<unknown>>();

  return {
    async runExclusive(key, work) {
      const previous = tails.get(key) ?? Promise.resolve();
      const run = previous.then(work);
      const tail = run.catch(() => undefined);
      tails.set(key, tail);
      try {
        return await run;
      } finally {
        if (tails.get(key) === tail) tails.delete(key);
      }
    },
    async readSuccessor(key) {
      return successors.get(key) ?? null;
    },
    async writeSuccessor(key, successor, ttlSeconds) {
      successors.set(key, successor, ttlSeconds * 1000);
    },
  };
}
