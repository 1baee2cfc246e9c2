import { getEnv } from '../env';
import { createStore } from './create-store';
import { seedDemoData } from './seed';
import { type Store, StoreUnavailableError } from './store';

export * from './store';
export { createStore } from './create-store';
export { seedDemoData, DEMO_USERS, CATALOG_SIZE } from './seed';

// Kept on globalThis so that `next dev` module reloads reuse one connection pool.
const globalForStore = globalThis as typeof globalThis & { __appStore?: Promise<Store> };

async function openAppStore(): Promise<Store> {
  const env = getEnv();
  const store = await createStore(env.databaseUrl, { timeoutMs: env.storeTimeoutMs });
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
