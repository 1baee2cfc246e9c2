/**
 * What the per-request session check costs: one indexed read of the user's session state
 * (SESSION_VERSION_CACHE_MS=0, the default) versus a hit in the in-process cache.
 * Interleaved rounds in one process; prints medians and p99 in microseconds.
 *
 *   npx tsx scripts/version-check.ts                 # SQLite (temp file)
 *   DATABASE_URL=postgres://... npx tsx scripts/version-check.ts   # also PostgreSQL
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createStore, seedDemoData, type Store } from '../lib/db';
import { getDatabaseUrl } from '../lib/env';
import { timeSessionChecks } from '../support/measure/session-check';
import { percentile } from '../support/measure/stats';

const ROUNDS = 5000;

async function measure(label: string, store: Store): Promise<void> {
  await seedDemoData(store);
  const timings = await timeSessionChecks(store, ROUNDS);
  for (const [name, values] of Object.entries(timings)) {
    console.log(`${label.padEnd(10)} ${name.padEnd(9)} median ${percentile(values, 0.5).toFixed(1)} us  p99 ${percentile(values, 0.99).toFixed(1)} us`);
  }
  await store.close();
}

async function main(): Promise<void> {
  const dir = mkdtempSync(path.join(tmpdir(), 'bench-version-'));
  await measure('SQLite', await createStore(`file:${path.join(dir, 'app.db')}`));
  const configured = getDatabaseUrl();
  if (configured.startsWith('postgres')) await measure('PostgreSQL', await createStore(configured));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
