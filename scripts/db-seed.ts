import { loadProjectEnv } from './load-env';

async function main(): Promise<void> {
  loadProjectEnv();
  const { getDatabaseUrl } = await import('../lib/env');
  const { createStore, seedDemoData } = await import('../lib/db');
  const store = await createStore(getDatabaseUrl());
  try {
    const { productsAdded, usersAdded } = await seedDemoData(store);
    console.log(`[db:seed] added ${productsAdded} products and ${usersAdded} users (existing data kept)`);
  } finally {
    await store.close();
  }
}

main().catch((error: unknown) => {
  console.error('[db:seed] failed:', error instanceof Error ? error.message : error);
  process.exit(1);
});
