// Hand-written, no library fits: lru-cache would be a fourth dependency for a bounded Map with a TTL per entry.
export interface ExpiringMap<V> {
  /** The value while its TTL runs, else undefined (and the entry is dropped). */
  get(key: string): V | undefined;
  set(key: string, value: V, ttlMs: number): void;
  readonly size: number;
}

interface Entry<V> {
  value: V;
  expiresAtMs: number;
}

/**
 * A Map whose entries expire, bounded to `maxEntries` (the oldest write goes first). Each
 * write drops expired entries from the oldest end, so a steady stream of writes keeps it
 * small; `get` checks the expiry itself, so an entry is never served late.
 */
export function createExpiringMap<V>(maxEntries: number, clock: () => number): ExpiringMap<V> {
  const entries = new Map<string, Entry<V>>();

  function dropExpired(now: number): void {
    for (const [key, entry] of entries) {
      if (entry.expiresAtMs > now) break;
      entries.delete(key);
    }
  }

  return {
    get(key) {
      const entry = entries.get(key);
      if (!entry) return undefined;
      if (entry.expiresAtMs > clock()) return entry.value;
      entries.delete(key);
      return undefined;
    },
    set(key, value, ttlMs) {
      const now = clock();
      entries.delete(key); // re-inserted at the young end
      entries.set(key, { value, expiresAtMs: now + ttlMs });
      dropExpired(now);
      while (entries.size > maxEntries) entries.delete(entries.keys().next().value as string);
    },
    get size() {
      return entries.size;
    },
  };
}
