import { logWarn } from '../log';
/** How often a store deletes expired Idempotency-Keys (of every user). */
export const IDEMPOTENCY_CLEANUP_EVERY_MS = 60_000;
/** Rows per statement: each batch is a short write of its own, so other writes get between them. */
export const IDEMPOTENCY_CLEANUP_BATCH_ROWS = 500;
/** Batches per run at most: a backlog is worked off over several runs, never in one long burst. */
export const IDEMPOTENCY_CLEANUP_MAX_BATCHES = 20;

export interface IdempotencyCleanupOptions {
  everyMs?: number;
  batchRows?: number;
  maxBatches?: number;
  /** A failed run (it is retried on the next tick); without it, the failure is logged as a warning. */
  onError?: (error: unknown) => void;
}

// A cleanup that always fails (permissions, a dropped index) would let the table grow again unseen.
function warnCleanupFailed(error: unknown): void {
  logWarn('db.idempotency-cleanup-failed', { error: error instanceof Error ? error.message : String(error) });
}

type DeleteExpired = (beforeMs: number, maxRows: number) => Promise<number>;

/** One run: batches until one comes back short (nothing more has expired) or the run's bound. */
export async function runIdempotencyCleanup(deleteExpired: DeleteExpired, options: IdempotencyCleanupOptions = {}): Promise<number> {
  const { batchRows = IDEMPOTENCY_CLEANUP_BATCH_ROWS, maxBatches = IDEMPOTENCY_CLEANUP_MAX_BATCHES } = options;
  let deleted = 0;
  for (let batch = 0; batch < maxBatches; batch++) {
    const rows = await deleteExpired(Date.now(), batchRows);
    deleted += rows;
    if (rows < batchRows) break;
  }
  return deleted;
}

/**
 * Deletes expired keys on a timer, as the sign-in limiter's store does for `rate_limits`:
 * a key is otherwise removed only by its own user's next keyed write, so the keys of users
 * who stop writing would stay. The timer is unref'd (it never keeps the process alive), a
 * run never overlaps the previous one, and a failed run is logged and left to the next. Returns `stop`.
 *
 * @example
 * const stop = startIdempotencyCleanup((beforeMs, maxRows) => store.deleteExpiredIdempotencyKeys(beforeMs, maxRows));
 */
export function startIdempotencyCleanup(deleteExpired: DeleteExpired, options: IdempotencyCleanupOptions = {}): () => void {
  let running = false;
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    runIdempotencyCleanup(deleteExpired, options)
      .catch((error: unknown) => (options.onError ?? warnCleanupFailed)(error))
      .finally(() => (running = false));
  }, options.everyMs ?? IDEMPOTENCY_CLEANUP_EVERY_MS);
  timer.unref();
  return () => clearInterval(timer);
}
