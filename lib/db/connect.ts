import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Database as BetterSqliteDatabase } from 'better-sqlite3';
import { Kysely, PostgresDialect } from 'kysely';
import type { Pool as PgPool } from 'pg';
import type { Database } from './schema';
import { FairSqliteDialect } from './sqlite-dialect';

export type Dialect = 'sqlite' | 'postgres';

/**
 * SQLite's `synchronous` under WAL. `normal`: a commit is in the WAL file when it returns,
 * synced at checkpoints, so a killed process loses nothing and a power loss or OS crash may
 * lose the last commits (never corrupts). `full`: every commit waits for an fsync, which
 * blocks the event loop, and survives a power loss too.
 */
export type SqliteSynchronous = 'normal' | 'full';

export interface ConnectOptions {
  timeoutMs?: number;
  sqliteSynchronous?: SqliteSynchronous;
}

/** `file:<path>` means SQLite (relative paths resolve from the working directory). */
export function dialectOf(databaseUrl: string): Dialect {
  return databaseUrl.startsWith('file:') ? 'sqlite' : 'postgres';
}

/** Opens a Kysely instance for the URL. Drivers load lazily so SQLite-only setups never need pg. */
export function connectDatabase(databaseUrl: string, options: ConnectOptions = {}): Kysely<Database> {
  return dialectOf(databaseUrl) === 'sqlite'
    ? connectSqlite(databaseUrl, options.sqliteSynchronous)
    : connectPostgres(databaseUrl, options.timeoutMs);
}

/**
 * A better-sqlite3 connection to the `file:` URL's database, configured as the store's.
 * Also used on its own by the sign-in limiter (`rate-limiter-store.ts`).
 */
export function openSqliteFile(databaseUrl: string, synchronous: SqliteSynchronous = 'normal'): BetterSqliteDatabase {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const SqliteDatabase = require('better-sqlite3') as typeof import('better-sqlite3');
  const filePath = path.resolve(databaseUrl.slice('file:'.length));
  mkdirSync(path.dirname(filePath), { recursive: true });
  const sqlite = new SqliteDatabase(filePath);
  // WAL lets readers proceed during a write; busy_timeout covers a second process (db:seed
  // while the app runs) instead of failing at once with SQLITE_BUSY.
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma(`synchronous = ${synchronous === 'full' ? 'FULL' : 'NORMAL'}`);
  sqlite.pragma('busy_timeout = 5000');
  sqlite.pragma('foreign_keys = ON');
  return sqlite;
}

function connectSqlite(databaseUrl: string, synchronous?: SqliteSynchronous): Kysely<Database> {
  return new Kysely<Database>({ dialect: new FairSqliteDialect(openSqliteFile(databaseUrl, synchronous)) });
}

/**
 * A pg pool for the `postgres://` URL, configured as the store's (timeouts, int8 as number).
 * Also used on its own, with a smaller `max`, by the sign-in limiter and the refresh locks.
 */
export function openPostgresPool(databaseUrl: string, options: { timeoutMs?: number; max?: number; applicationName?: string } = {}): PgPool {
  const { timeoutMs = 5000, max = 10, applicationName } = options;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const pg = require('pg') as typeof import('pg');
  // int8 (our millisecond timestamps) arrives as a string by default; these fit in a double.
  pg.types.setTypeParser(pg.types.builtins.INT8, (value: string) => Number(value));
  // statement_timeout makes the server itself abandon a statement the app is about to give
  // up on (STORE_TIMEOUT_MS), so a timed-out write does not commit behind the 503. It fires
  // a little earlier than the app's timer: that timer starts before BEGIN reaches the
  // server, and a statement cancelled only after the 503 could still get its lock and land.
  const pool = new pg.Pool({
    connectionString: databaseUrl,
    max,
    // Names a pool an operator should find in pg_stat_activity (the refresh locks'); else pg's default.
    ...(applicationName === undefined ? {} : { application_name: applicationName }),
    connectionTimeoutMillis: timeoutMs,
    statement_timeout: timeoutMs - Math.min(200, Math.floor(timeoutMs / 10)),
  });
  // An idle client that loses its server emits 'error' on the pool; unhandled, it kills the process.
  pool.on('error', () => undefined);
  return pool;
}

function connectPostgres(databaseUrl: string, timeoutMs = 5000): Kysely<Database> {
  return new Kysely<Database>({ dialect: new PostgresDialect({ pool: openPostgresPool(databaseUrl, { timeoutMs }) }) });
}
