import type { Kysely } from 'kysely';
import type { RefreshCoordination } from 'next-auth-server-session';
import type { Pool as PgPool, PoolClient } from 'pg';
import { logWarn } from '../log';
import { dialectOf, openPostgresPool } from './connect';
import { type IdempotencyCleanupOptions, startIdempotencyCleanup } from './idempotency-cleanup';
import type { Database } from './schema';
import { StoreUnavailableError } from './store';

/**
 * Rows stay this long past their grace window. The refresher judges the window itself (it is
 * sealed in the row) and answers a spent refresh token found here with `revoked`, ending that
 * one session; without the row it would send the spent token to the provider, whose reuse
 * detection revokes the whole grant (see `RefreshCoordination`).
 */
export const KEEP_AFTER_GRACE_SECONDS = 86_400;
/** Refresh tokens one PostgreSQL instance exchanges at once (one lock connection each). */
export const REFRESH_LOCK_CONNECTIONS = 5;
/** Set on the lock pool's connections, so an operator finds them in pg_stat_activity and pg_locks. */
export const REFRESH_LOCK_APPLICATION_NAME = 'oauth-refresh-lock';

export interface RefreshCoordinationOptions {
  /** Bound on each wait for the lock (the turn in this process, a lock connection, the advisory lock); the store's timeout. */
  timeoutMs?: number;
  /** Default `KEEP_AFTER_GRACE_SECONDS`. */
  keepAfterGraceSeconds?: number;
  /** PostgreSQL: the lock pool's size; default `REFRESH_LOCK_CONNECTIONS`. */
  lockConnections?: number;
  /** The periodic deletion of expired rows (defaults in idempotency-cleanup.ts, whose timer it reuses). */
  cleanup?: IdempotencyCleanupOptions;
  /** Milliseconds since the epoch, for rows' expiry; injectable for tests. */
  clock?: () => number;
}

/** The app store's coordination, with what the store itself runs: the cleanup's batches and `close`. */
export interface StoreRefreshCoordination extends RefreshCoordination {
  /** Deletes up to `maxRows` rows expired by `beforeMs`; returns how many. */
  deleteExpiredSuccessors(beforeMs: number, maxRows: number): Promise<number>;
  /** Ends the lock pool (PostgreSQL). */
  close(): Promise<void>;
}

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

function unavailable(error: unknown): StoreUnavailableError {
  return error instanceof StoreUnavailableError ? error : new StoreUnavailableError({ cause: error });
}

/** `promise`'s value, or StoreUnavailableError once `ms` have passed (the promise runs on, unheeded). */
function withinMs<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new StoreUnavailableError({ cause: new Error(`${what} took over ${ms} ms`) })), Math.max(0, ms));
    promise.then(
      (value) => (clearTimeout(timer), resolve(value)),
      (error: unknown) => (clearTimeout(timer), reject(unavailable(error))),
    );
  });
}

type Exclusive = <T>(key: string, deadlineMs: number, work: () => Promise<T>) => Promise<T>;

// Hand-written, as the package's createMemoryCoordination: a Map of async-mutex instances per key would be as long, and a dependency.
/**
 * The lock within one process: a promise chain per key. A call that gives up waiting still
 * leaves its link, which settles only after the holder it waited for, so no later call can
 * overtake that holder.
 */
function createKeyedTurns(): Exclusive {
  const tails = new Map<string, Promise<void>>();
  return async (key, deadlineMs, work) => {
    const previous = tails.get(key) ?? Promise.resolve();
    let done: () => void = () => undefined;
    const mine = new Promise<void>((resolve) => (done = resolve));
    const tail = previous.then(() => mine);
    tails.set(key, tail);
    try {
      await withinMs(previous, deadlineMs - Date.now(), 'waiting for the refresh lock in this process');
      return await work();
    } finally {
      done();
      if (tails.get(key) === tail) tails.delete(key);
    }
  };
}

const LOCK = 'SELECT pg_advisory_lock(hashtextextended($1, 0))';
const UNLOCK = 'SELECT pg_advisory_unlock(hashtextextended($1, 0)) AS unlocked';

/**
 * PostgreSQL, across instances: a session-level advisory lock, held on a connection of the
 * lock pool while `work` runs and released by `pg_advisory_unlock`. No transaction is open
 * meanwhile: `work` is a call to the identity provider (seconds, at worst), and a transaction
 * idle that long would hold its snapshot and trip `idle_in_transaction_session_timeout`. The
 * pool is not the store's, so a burst of refreshes cannot take the connections every request
 * needs. A connection whose lock state is unknown (a lock that may be granted after we gave
 * up, an unlock that failed) is destroyed, not reused: the server drops a session's locks with it.
 * Session-level locks need a direct connection (or PgBouncer in session mode), not transaction pooling.
 */
async function holdAdvisoryLock<T>(pool: PgPool, key: string, wait: { deadlineMs: number; timeoutMs: number }, work: () => Promise<T>): Promise<T> {
  let client: PoolClient;
  try {
    client = await pool.connect();
  } catch (error) {
    throw unavailable(error);
  }
  try {
    // The pool's statement_timeout ends the wait on the server; this timer covers a server that went silent.
    await withinMs(client.query(LOCK, [key]), wait.deadlineMs - Date.now(), 'waiting for the refresh lock');
  } catch (error) {
    client.release(true);
    throw unavailable(error);
  }
  try {
    return await work();
  } finally {
    const unlocked = await withinMs(client.query<{ unlocked: boolean }>(UNLOCK, [key]), wait.timeoutMs, 'unlocking').then(
      (result) => result.rows[0]?.unlocked === true,
      (error: unknown) => {
        logWarn('db.refresh-unlock-failed', { error: messageOf(error) });
        return false;
      },
    );
    client.release(!unlocked);
  }
}

async function readSuccessor(db: Kysely<Database>, key: string, nowMs: number): Promise<string | null> {
  const row = await db
    .selectFrom('oauth_refresh_successors')
    .select('sealed')
    .where('key', '=', key)
    .where('expires_at', '>', nowMs)
    .executeTakeFirst();
  return row?.sealed ?? null;
}

async function writeSuccessor(db: Kysely<Database>, key: string, sealed: string, expiresAtMs: number): Promise<void> {
  await db
    .insertInto('oauth_refresh_successors')
    .values({ key, sealed, expires_at: expiresAtMs })
    .onConflict((oc) => oc.column('key').doUpdateSet((eb) => ({ sealed: eb.ref('excluded.sealed'), expires_at: eb.ref('excluded.expires_at') })))
    .execute();
}

/** One bounded batch, read through the `expires_at` index; PostgreSQL skips rows an upsert holds. */
async function deleteExpiredSuccessors(db: Kysely<Database>, beforeMs: number, maxRows: number, skipLocked: boolean): Promise<number> {
  const expired = db
    .selectFrom('oauth_refresh_successors')
    .select('key')
    .where('expires_at', '<=', beforeMs)
    .limit(maxRows)
    .$if(skipLocked, (query) => query.forUpdate().skipLocked());
  const deleted = await db.deleteFrom('oauth_refresh_successors').where('key', 'in', expired).executeTakeFirst();
  return Number(deleted.numDeletedRows);
}

/**
 * The `RefreshCoordination` of the app's store (see its contract in the package): successors
 * in `oauth_refresh_successors` (migration 0009), a lock per key as described above. Errors
 * of the lock come as `StoreUnavailableError`; the row queries are guarded by the store.
 *
 * @example
 * const coordination = createRefreshCoordination(db, databaseUrl, { timeoutMs: env.storeTimeoutMs });
 * const refresher = createAccessTokenRefresher({ ...provider, secret: env.secret, coordination });
 */
export function createRefreshCoordination(db: Kysely<Database>, databaseUrl: string, options: RefreshCoordinationOptions = {}): StoreRefreshCoordination {
  const { timeoutMs = 5000, keepAfterGraceSeconds = KEEP_AFTER_GRACE_SECONDS, clock = Date.now } = options;
  const postgres = dialectOf(databaseUrl) === 'postgres';
  const pool = postgres
    ? openPostgresPool(databaseUrl, { timeoutMs, max: options.lockConnections ?? REFRESH_LOCK_CONNECTIONS, applicationName: REFRESH_LOCK_APPLICATION_NAME })
    : null;
  const inTurn = createKeyedTurns();
  // SQLite serves one process (README, "Running several instances"): the turn is the lock, and the row read inside it answers whoever comes after the exchange.
  const exclusive: Exclusive = pool ? (key, deadlineMs, work) => inTurn(key, deadlineMs, () => holdAdvisoryLock(pool, key, { deadlineMs, timeoutMs }, work)) : inTurn;

  return {
    runExclusive: (key, work) => exclusive(key, Date.now() + timeoutMs, work),
    readSuccessor: (key) => readSuccessor(db, key, clock()),
    writeSuccessor: (key, sealed, ttlSeconds) => writeSuccessor(db, key, sealed, clock() + (ttlSeconds + keepAfterGraceSeconds) * 1000),
    deleteExpiredSuccessors: (beforeMs, maxRows) => deleteExpiredSuccessors(db, beforeMs, maxRows, postgres),
    close: async () => {
      await pool?.end();
    },
  };
}

// A cleanup that always fails would let the table grow again unseen.
function warnCleanupFailed(error: unknown): void {
  logWarn('db.refresh-successor-cleanup-failed', { error: messageOf(error) });
}

/** Deletes expired successors on the idempotency cleanup's timer (unref'd, runs never overlap); returns `stop`. */
export function startSuccessorCleanup(deleteExpired: (beforeMs: number, maxRows: number) => Promise<number>, options: IdempotencyCleanupOptions = {}): () => void {
  return startIdempotencyCleanup(deleteExpired, { onError: warnCleanupFailed, ...options });
}
