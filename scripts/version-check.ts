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
import { createStore, seedDemoData, type SessionState, type Store } from '../lib/db';
import { getDatabaseUrl } from '../lib/env';
import { assessToken } from '../lib/auth/freshness';
import { createSessionStateReader } from '../lib/auth/state-cache';
import { percentile } from '../support/measure/stats';

const ROUNDS = 5000;

async function measure(label: string, store: Store): Promise<void> {
  await seedDemoData(store);
  const user = await store.findUserByEmail('alice@example.com');
  if (!user) throw new Error('no demo user');
  const token = { sub: user.id, sessionVersion: user.sessionVersion, authTime: Date.now() };
  const uncached = createSessionStateReader<SessionState>((id) => store.getSessionState(id), 0);
  const cached = createSessionStateReader<SessionState>((id) => store.getSessionState(id), 60_000);
  const timings: Record<'uncached' | 'cached', number[]> = { uncached: [], cached: [] };

  for (let round = 0; round < ROUNDS; round += 1) {
    for (const [name, reader] of [['uncached', uncached], ['cached', cached]] as const) {
      const started = process.hrtime.bigint();
      const verdict = assessToken(token, await reader.get(user.id));
      timings[name].push(Number(process.hrtime.bigint() - started) / 1000);
      if (verdict !== 'fresh') throw new Error(`unexpected verdict ${verdict}`);
    }
  }
  for (const [name, values] of Object.entries(timings)) {
    const sorted = values.slice(Math.floor(ROUNDS / 10)); // drop warm-up
    console.log(`${label.padEnd(10)} ${name.padEnd(9)} median ${percentile(sorted, 0.5).toFixed(1)} us  p99 ${percentile(sorted, 0.99).toFixed(1)} us`);
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
