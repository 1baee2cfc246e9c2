/**
 * The figures of the Idempotency-Key bounds (docs/reliability.md), on a throwaway SQLite file:
 * 1. rows kept after FRESH_WRITES keyed writes by one user, each under a fresh key, and how
 *    many were refused (429) by the per-user cap;
 * 2. one cleanup run over EXPIRED_ROWS expired keys among LIVE_ROWS live ones: its time, its
 *    batches and the longest batch (how long one statement holds SQLite's write lock), with
 *    the `expires_at` index and without it.
 *
 *   npx tsx scripts/idempotency-figures.ts
 *
 * Not part of `npm test`; takes a few seconds.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { openSqliteFile } from '../lib/db/connect';
import { IDEMPOTENCY_CLEANUP_BATCH_ROWS, runIdempotencyCleanup } from '../lib/db/idempotency-cleanup';
import { createStore, seedDemoData, type Store } from '../lib/db';

const FRESH_WRITES = 3000;
const EXPIRED_ROWS = 10_000;
const LIVE_ROWS = 100_000;
const USERS = 1000;
const DAY_MS = 24 * 60 * 60 * 1000;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

async function aliceId(store: Store): Promise<string> {
  const user = await store.findUserByEmail('alice@example.com');
  if (!user) throw new Error('no demo user');
  return user.id;
}

/** 1. The route's sequence for each write: the keyed write, then its answer recorded. */
async function measureFreshKeys(store: Store, databaseUrl: string): Promise<void> {
  const userId = await aliceId(store);
  await store.addToCart(userId, 1, 1);
  const statuses = new Map<string, number>();
  for (let i = 0; i < FRESH_WRITES; i++) {
    const claim = { userId, key: `fresh-${i}`, requestHash: `request-${i}`, expiresAtMs: Date.now() + DAY_MS };
    const result = await store.applyOnce(claim, (writes) => writes.setCartQuantity(userId, 1, 1 + (i % 2)));
    statuses.set(result.status, (statuses.get(result.status) ?? 0) + 1);
    if (result.status === 'applied') await store.recordAnswer(userId, claim.key, { status: 200, body: { cart: await store.getCart(userId) } });
  }
  const sqlite = openSqliteFile(databaseUrl);
  const { rows, bytes } = sqlite
    .prepare('SELECT count(*) AS rows, sum(length(answer_body) + length(outcome) + length(key) + length(request_hash)) AS bytes FROM idempotency_keys WHERE user_id = ?')
    .get(userId) as { rows: number; bytes: number };
  sqlite.close();
  console.log(`${FRESH_WRITES} fresh-key writes by one user: ${JSON.stringify(Object.fromEntries(statuses))}; rows kept: ${rows} (${(bytes / 1024).toFixed(0)} KiB of keys and answers)`);
}

function fillKeys(databaseUrl: string, withIndex: boolean): void {
  const sqlite = openSqliteFile(databaseUrl);
  // Rows of users that need not exist: deleting them is all that is measured.
  sqlite.pragma('foreign_keys = OFF');
  const now = Date.now();
  const body = JSON.stringify({ cart: { items: [{ productId: 1, name: 'Product 1', priceCents: 500, quantity: 2 }], count: 2, totalCents: 1000 } });
  const insert = sqlite.prepare(
    "INSERT INTO idempotency_keys (user_id, key, request_hash, outcome, answer_status, answer_body, expires_at) VALUES (?, ?, 'hash', '\"updated\"', 200, ?, ?)",
  );
  sqlite.transaction(() => {
    for (let i = 0; i < EXPIRED_ROWS + LIVE_ROWS; i++) {
      const expiresAt = i < EXPIRED_ROWS ? now - 1 - i : now + DAY_MS - i;
      insert.run(`user-${i % USERS}`, `key-${i}`, body, expiresAt);
    }
  })();
  if (!withIndex) sqlite.exec('DROP INDEX idempotency_keys_expires_at_idx');
  sqlite.close();
}

/** 2. One cleanup run as the store's timer makes it, each batch timed. */
async function measureCleanup(databaseUrl: string, withIndex: boolean): Promise<void> {
  const store = await createStore(databaseUrl);
  fillKeys(databaseUrl, withIndex);
  const batchMs: number[] = [];
  const timedDelete = async (beforeMs: number, maxRows: number) => {
    const started = performance.now();
    const deleted = await store.deleteExpiredIdempotencyKeys(beforeMs, maxRows);
    batchMs.push(performance.now() - started);
    return deleted;
  };
  const started = performance.now();
  const deleted = await runIdempotencyCleanup(timedDelete, { maxBatches: Math.ceil(EXPIRED_ROWS / IDEMPOTENCY_CLEANUP_BATCH_ROWS) + 1 });
  const totalMs = performance.now() - started;
  const runMs = batchMs.splice(0);
  // A run with nothing to delete, as most runs are: the statement that finds no rows.
  for (let i = 0; i < 20; i++) await timedDelete(Date.now(), IDEMPOTENCY_CLEANUP_BATCH_ROWS);
  await store.close();
  const label = withIndex ? 'with the expires_at index' : 'without it';
  console.log(
    `cleanup of ${deleted} expired keys among ${LIVE_ROWS} live ones, ${label}: ${totalMs.toFixed(0)} ms in ${runMs.length} batches ` +
      `(${runMs.map((ms) => ms.toFixed(1)).join(', ')} ms); a run with nothing to delete: median ${median(batchMs).toFixed(2)} ms`,
  );
}

async function main(): Promise<void> {
  const dir = mkdtempSync(path.join(tmpdir(), 'idempotency-figures-'));
  try {
    const keysUrl = `file:${path.join(dir, 'keys.db')}`;
    const store = await createStore(keysUrl);
    await seedDemoData(store);
    await measureFreshKeys(store, keysUrl);
    await store.close();
    for (const withIndex of [true, false]) await measureCleanup(`file:${path.join(dir, `cleanup-${withIndex}.db`)}`, withIndex);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
