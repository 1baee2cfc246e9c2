import type { SessionStateLike } from './freshness';

export interface SessionStateReader<S extends SessionStateLike> {
  /** The user's session state: from the cache while younger than ttlMs, else one store read. */
  get(userId: string): Promise<S | null>;
  /** Records a state just read elsewhere (a re-projection), so the next request need not read it. */
  remember(userId: string, state: S | null): void;
  /** Drops the cached state after a write that changed it (role, revocation, disabling). */
  forget(userId: string): void;
}

/**
 * Per-process cache of session states. ttlMs = 0 (the default) always reads: a change
 * made on another instance is seen by the very next request. A TTL trades that for one
 * read per user per TTL; changes made through this process are remembered at once.
 */
export function createSessionStateReader<S extends SessionStateLike>(
  load: (userId: string) => Promise<S | null>,
  ttlMs: number,
  clock: () => number = Date.now,
): SessionStateReader<S> {
  const entries = new Map<string, { state: S | null; expiresAt: number }>();
  const maxEntries = 10_000;
  /**
   * Per user with a read in flight: `forget` bumps the generation, so a read that began
   * before a write (and may hold the state from before it) answers its caller but is not
   * cached. Kept only while reads are in flight, so it stays as small as the concurrency.
   */
  const inFlight = new Map<string, { generation: number; reads: number }>();

  function remember(userId: string, state: S | null): void {
    if (ttlMs <= 0) return;
    // A slow read must not put an older version back over a newer one.
    const cached = entries.get(userId)?.state;
    if (cached && state && cached.sessionVersion > state.sessionVersion) return;
    if (entries.size >= maxEntries) entries.delete(entries.keys().next().value as string);
    entries.set(userId, { state, expiresAt: clock() + ttlMs });
  }

  async function loadUncached(userId: string): Promise<S | null> {
    if (ttlMs <= 0) return load(userId);
    const reads = inFlight.get(userId) ?? { generation: 0, reads: 0 };
    const generation = reads.generation;
    reads.reads += 1;
    inFlight.set(userId, reads);
    try {
      const state = await load(userId);
      if (reads.generation === generation) remember(userId, state);
      return state;
    } finally {
      reads.reads -= 1;
      if (reads.reads === 0) inFlight.delete(userId);
    }
  }

  return {
    async get(userId) {
      const entry = entries.get(userId);
      if (entry && entry.expiresAt > clock()) return entry.state;
      return loadUncached(userId);
    },
    remember,
    forget(userId) {
      entries.delete(userId);
      const reads = inFlight.get(userId);
      if (reads) reads.generation += 1;
    },
  };
}
