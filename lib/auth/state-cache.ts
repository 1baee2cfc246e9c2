import type { SessionStateLike } from './freshness';

export interface SessionStateReader<S extends SessionStateLike> {
  /** The user's session state: from the cache while younger than ttlMs (and caching is on), else one store read. */
  get(userId: string): Promise<S | null>;
  /** Taken before reading a state elsewhere; `remember` then refuses it if a `forget` or `clear` came since. */
  mark(): number;
  /** Records a state read elsewhere (a re-projection) since `readMark`, so the next request need not read it. */
  remember(userId: string, state: S | null, readMark: number): void;
  /** Drops the cached state after a write that changed it (role, revocation, disabling). */
  forget(userId: string): void;
  /**
   * Turns caching on or off and drops every entry either way. Off: every `get` reads the
   * store (the cache cannot be kept right, e.g. its invalidation feed is down). On: only
   * reads that begin from now on may be cached; one begun while off may predate a change
   * whose invalidation was lost.
   */
  setCaching(on: boolean): void;
  /** Whether states are cached now (ttlMs > 0 and caching on). */
  isCaching(): boolean;
}

/**
 * Per-process cache of session states. ttlMs = 0 always reads: a change made on another
 * instance is seen by the very next request. A TTL trades that for one read per user per
 * TTL unless something (lib/auth/state-invalidation.ts) calls `forget` for changes made
 * elsewhere; changes made through this process are forgotten at once.
 * `caching` is the initial switch (see `setCaching`).
 */
export function createSessionStateReader<S extends SessionStateLike>(
  load: (userId: string) => Promise<S | null>,
  ttlMs: number,
  clock: () => number = Date.now,
  caching = true,
): SessionStateReader<S> {
  const maxEntries = 10_000;
  const entries = new Map<string, { state: S | null; expiresAt: number }>();
  /**
   * Every `forget` advances the epoch and stamps the user with it. A read that began at an
   * earlier epoch may hold the state from before that write (a revocation, a role change):
   * it answers its caller but is never cached, whoever did the read (the reader itself or a
   * re-projection in the callbacks). `setCaching` stamps every user at once (`clearedAt`).
   */
  let epoch = 0;
  let clearedAt = 0;
  let on = caching;
  const forgottenAt = new Map<string, number>();

  function remember(userId: string, state: S | null, readMark: number): void {
    if (ttlMs <= 0 || !on || clearedAt > readMark || (forgottenAt.get(userId) ?? -1) > readMark) return;
    // A slow read must not put an older version back over a newer one.
    const cached = entries.get(userId)?.state;
    if (cached && state && cached.sessionVersion > state.sessionVersion) return;
    if (entries.size >= maxEntries) entries.delete(entries.keys().next().value as string);
    entries.set(userId, { state, expiresAt: clock() + ttlMs });
  }

  return {
    async get(userId) {
      const entry = on ? entries.get(userId) : undefined;
      if (entry && entry.expiresAt > clock()) return entry.state;
      const readMark = epoch;
      const state = await load(userId);
      remember(userId, state, readMark);
      return state;
    },
    mark: () => epoch,
    remember,
    forget(userId) {
      entries.delete(userId);
      epoch += 1;
      forgottenAt.delete(userId); // re-inserted last, so the oldest stamps go first below
      forgottenAt.set(userId, epoch);
      if (forgottenAt.size > maxEntries) {
        // The oldest stamp goes; a read older than it may have been that user's, so none is cached.
        const [oldestUser, oldestStamp] = forgottenAt.entries().next().value as [string, number];
        forgottenAt.delete(oldestUser);
        clearedAt = Math.max(clearedAt, oldestStamp);
      }
    },
    setCaching(next) {
      entries.clear();
      forgottenAt.clear(); // every stamp is older than clearedAt now
      epoch += 1;
      clearedAt = epoch;
      on = next;
    },
    isCaching: () => on && ttlMs > 0,
  };
}
