/**
 * The figures of the PostgreSQL session-state cache (docs/benchmarks.md, "Session-state
 * cache on PostgreSQL"), on 127.0.0.1 only and bounded (about a minute):
 * 1. the per-request session check (`sessionStates.get` + `assessToken`), cached vs uncached;
 * 2. `GET /api/cart` req/s on one `next start` instance, cache on vs off (autocannon,
 *    interleaved rounds against two instances on one database, one loaded at a time);
 * 3. how long a committed change takes to drop the entry from another connection's cache
 *    (LISTEN/NOTIFY), over 200 changes.
 *
 *   npm run build   # the app under test, once
 *   DATABASE_URL=postgres://... npx tsx scripts/state-cache-figures.ts
 *
 * Makes (and drops) a database of its own on that server. Not part of `npm test`.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import autocannon from 'autocannon';
import pg from 'pg';
import { type RunningApp, ROOT, startApp } from '../support/app-server';
import { signInOverHttp } from '../support/http-sign-in';
import { timeSessionChecks } from '../support/measure/session-check';
import { percentile } from '../support/measure/stats';
import { createTestDatabase, type TestDatabase } from '../support/postgres';
import { createSessionStateReader } from '../lib/auth/state-cache';
import { invalidateAcrossInstances } from '../lib/auth/state-invalidation';
import { createStore, seedDemoData, type SessionState, type Store } from '../lib/db';
import { getDatabaseUrl } from '../lib/env';

const CHECK_ROUNDS = 5000;
const HTTP_ROUNDS = 3;
const HTTP_SECONDS = 5;
const HTTP_CONNECTIONS = 10;
const CHANGES = 200;

const describeUs = (values: number[]) => `median ${percentile(values, 0.5).toFixed(1)} us, p99 ${percentile(values, 0.99).toFixed(1)} us`;
const describeMs = (values: number[]) => `median ${percentile(values, 0.5).toFixed(2)} ms, p99 ${percentile(values, 0.99).toFixed(2)} ms`;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function aliceOf(store: Store) {
  const user = await store.findUserByEmail('alice@example.com');
  if (!user) throw new Error('no demo user');
  return user;
}

/** 1. One check per round for each reader, interleaved; the first tenth is warm-up. */
async function measureCheck(store: Store): Promise<void> {
  const timings = await timeSessionChecks(store, CHECK_ROUNDS);
  console.log(`session check, uncached (one PostgreSQL read): ${describeUs(timings.uncached)}`);
  console.log(`session check, cached:                        ${describeUs(timings.cached)}`);
}

async function cartRequestsPerSecond(app: RunningApp, cookie: string): Promise<number> {
  const result = await autocannon({
    url: `${app.url}/api/cart`,
    connections: HTTP_CONNECTIONS,
    duration: HTTP_SECONDS,
    headers: { cookie },
  });
  if (result.non2xx > 0 || result.errors > 0) throw new Error(`GET /api/cart: ${result.non2xx} non-2xx, ${result.errors} errors`);
  return result.requests.average;
}

/** 2. Two instances on one database, cache on and off, loaded one at a time in alternation. */
async function measureCartThroughput(databaseUrl: string): Promise<void> {
  if (!existsSync(path.join(ROOT, '.next', 'BUILD_ID'))) throw new Error('no build: run `npm run build` first');
  const shared = { DATABASE_URL: databaseUrl, NEXTAUTH_SECRET: 'state-cache-figures-secret-0123456789abcdef' };
  const apps = { off: await startApp({ ...shared, SESSION_VERSION_CACHE_MS: '0' }), on: await startApp({ ...shared, SESSION_VERSION_CACHE_MS: '60000' }) };
  try {
    const cookies = {
      off: (await signInOverHttp(apps.off.url, 'alice@example.com', 'alice-password')).jar.header(),
      on: (await signInOverHttp(apps.on.url, 'alice@example.com', 'alice-password')).jar.header(),
    };
    const rates: Record<'off' | 'on', number[]> = { off: [], on: [] };
    for (const name of ['off', 'on'] as const) await cartRequestsPerSecond(apps[name], cookies[name]).catch(() => 0); // warm-up
    for (let round = 0; round < HTTP_ROUNDS; round += 1) {
      for (const name of ['off', 'on'] as const) rates[name].push(await cartRequestsPerSecond(apps[name], cookies[name]));
    }
    const avg = (values: number[]) => values.reduce((sum, value) => sum + value, 0) / values.length;
    console.log(
      `GET /api/cart, ${HTTP_CONNECTIONS} connections, ${HTTP_ROUNDS} x ${HTTP_SECONDS} s each: ` +
        `cache off ${avg(rates.off).toFixed(0)} req/s (${rates.off.map((rate) => rate.toFixed(0)).join(', ')}), ` +
        `cache on ${avg(rates.on).toFixed(0)} req/s (${rates.on.map((rate) => rate.toFixed(0)).join(', ')}), ` +
        `${(avg(rates.on) / avg(rates.off)).toFixed(2)}x`,
    );
  } finally {
    await Promise.all([apps.off.stop(), apps.on.stop()]);
  }
}

/** 3. From sending a committing UPDATE on one connection to `forget` on the listening reader. */
async function measureNotificationLatency(store: Store, databaseUrl: string): Promise<void> {
  const user = await aliceOf(store);
  const reader = createSessionStateReader<SessionState>((id) => store.getSessionState(id), 60_000, Date.now, false);
  let dropped: (() => void) | undefined;
  const forget = reader.forget.bind(reader);
  reader.forget = (userId) => {
    forget(userId);
    dropped?.();
  };
  let listening: () => void = () => undefined;
  const ready = new Promise<void>((resolve) => (listening = resolve));
  const listener = invalidateAcrossInstances(reader, { databaseUrl, info: () => listening(), warn: () => undefined });
  const writer = new pg.Client({ connectionString: databaseUrl });
  await writer.connect();
  try {
    await ready;
    const fromSend: number[] = [];
    const writeRoundTrip: number[] = [];
    for (let change = 0; change < CHANGES; change += 1) {
      const seen = new Promise<number>((resolve) => (dropped = () => resolve(performance.now())));
      const sent = performance.now();
      await writer.query('UPDATE users SET session_version = session_version + 1 WHERE id = $1', [user.id]);
      writeRoundTrip.push(performance.now() - sent);
      fromSend.push((await seen) - sent);
      await sleep(2);
    }
    console.log(`change -> cache drop on the listener (from sending the UPDATE): ${describeMs(fromSend)}`);
    console.log(`  the UPDATE's own round trip (commit acknowledged):            ${describeMs(writeRoundTrip)}`);
  } finally {
    await writer.end();
    await listener.close();
  }
}

async function main(): Promise<void> {
  const serverUrl = getDatabaseUrl();
  if (!serverUrl.startsWith('postgres')) throw new Error('set DATABASE_URL=postgres://... (a server this script may create a database on)');
  let database: TestDatabase | undefined;
  let store: Store | undefined;
  try {
    database = await createTestDatabase(serverUrl);
    store = await createStore(database.url);
    await seedDemoData(store);
    await measureCheck(store);
    await measureNotificationLatency(store, database.url);
    await measureCartThroughput(database.url);
  } finally {
    await store?.close();
    await database?.drop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
