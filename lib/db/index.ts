import type { RefreshCoordination } from 'next-auth-server-session';
import { getEnv } from '../env';
import { createStore } from './create-store';
import { openRateLimiterStore, type RateLimiterStore } from './rate-limiter-store';
import { seedDemoData } from './seed';
import { type Store, StoreUnavailableError } from './store';

export * from './store';
export { createStore } from './create-store';
export { seedDemoData, DEMO_USERS, CATALOG_SIZE } from './seed';
export { openRateLimiterStore, type LimiterSpec, type RateLimiterStore } from './rate-limiter-store';

// Kept on globalThis so that `next dev` module reloads reuse one connection pool.
const globalForStore = globalThis as typeof globalThis & { __appStore?: Promise<Store>; __appRateLimiterStore?: Promise<RateLimiterStore> };

async function openAppStore(): Promise<Store> {
  const env = getEnv();
  const store = await createStore(env.databaseUrl, { timeoutMs: env.storeTimeoutMs, sqliteSynchronous: env.sqliteSynchronous });
  if (env.seedDemoData) await seedDemoData(store);
  return store;
}

/**
 * The app's store: connected, migrated, and (in development or with SEED_DEMO_DATA=true)
 * seeded, once per process. A failed start is not cached, so the next request retries.
 */
export function getStore(): Promise<Store> {
  globalForStore.__appStore ??= openAppStore().catch((error: unknown) => {
    globalForStore.__appStore = undefined;
    throw error instanceof StoreUnavailableError ? error : new StoreUnavailableError({ cause: error });
  });
  return globalForStore.__appStore;
}

/**
 * The app store's refresh coordination, for an access-token refresher created at import time
 * (before the store is open): each call opens the store first, so a store that cannot start
 * makes the refresher answer `unavailable`, never refresh uncoordinated.
 */
export const storeRefreshCoordination: RefreshCoordination = {
  runExclusive: async (key, work) => (await getStore()).refreshCoordination().runExclusive(key, work),
  readSuccessor: async (key) => (await getStore()).refreshCoordination().readSuccessor(key),
  writeSuccessor: async (key, sealed, ttlSeconds) => (await getStore()).refreshCoordination().writeSuccessor(key, sealed, ttlSeconds),
};

/**
 * Rate limiters over the app's database (the sign-in throttle's), opened once per process
 * on a connection of their own. A failed start is not cached.
 */
export function getRateLimiterStore(): Promise<RateLimiterStore> {
  globalForStore.__appRateLimiterStore ??= (async () => {
    const env = getEnv();
    return openRateLimiterStore(env.databaseUrl, { timeoutMs: env.storeTimeoutMs, sqliteSynchronous: env.sqliteSynchronous });
  })().catch((error: unknown) => {
    globalForStore.__appRateLimiterStore = undefined;
    throw error;
  });
  return globalForStore.__appRateLimiterStore;
}
