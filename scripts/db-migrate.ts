import { loadProjectEnv } from './load-env';

async function main(): Promise<void> {
  loadProjectEnv();
  const { getDatabaseUrl } = await import('../lib/env');
  const { connectDatabase, dialectOf } = await import('../lib/db/connect');
  const { migrateToLatest } = await import('../lib/db/migrations');
  const url = getDatabaseUrl();
  const db = connectDatabase(url);
  try {
    const applied = await migrateToLatest(db as never);
    console.log(`[db:migrate] ${dialectOf(url)}: ${applied.length ? `applied ${applied.join(', ')}` : 'up to date'}`);
  } finally {
    await db.destroy();
  }
}

main().catch((error: unknown) => {
  console.error('[db:migrate] failed:', error instanceof Error ? error.message : error);
  process.exit(1);
});
