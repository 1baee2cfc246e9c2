import {
  type RateLimiterAbstract,
  RateLimiterMemory,
  RateLimiterPostgres,
  RateLimiterSQLite,
} from 'rate-limiter-flexible';
import { type ConnectOptions, dialectOf, openPostgresPool, openSqliteFile } from './connect';

/** `points` per `durationSeconds` (0 = the count never expires), keys under `keyPrefix`. */
export interface LimiterSpec {
  keyPrefix: string;
  points: number;
  durationSeconds: number;
}

/** rate-limiter-flexible limiters whose counts live in the app's own database. */
export interface RateLimiterStore {
  /** Resolves once the limiter's table exists. */
  createLimiter(spec: LimiterSpec): Promise<RateLimiterAbstract>;
  close(): Promise<void>;
}

/** One table for every limiter (keys carry their limiter's prefix); created by the library. */
const TABLE = 'rate_limits';
const CLEANUP_EVERY_MS = 5 * 60_000;
/** Rows are kept an hour past expiry, as the library's own cleanup does. */
const KEEP_EXPIRED_MS = 60 * 60_000;

interface DriverClient {
  storeOptions: { storeClient: unknown; storeType?: string };
  Limiter: typeof RateLimiterSQLite | typeof RateLimiterPostgres;
  deleteExpired(beforeMs: number): Promise<unknown>;
  close(): Promise<void>;
}

/**
 * A connection of the limiter's own (not the store's pool): better-sqlite3 would run the
 * limiter's transaction inside a store transaction on a shared handle, and a flood of
 * sign-ins must not take the pool connections that every other request needs.
 */
function openDriverClient(databaseUrl: string, options: ConnectOptions): DriverClient {
  if (dialectOf(databaseUrl) === 'sqlite') {
    const sqlite = openSqliteFile(databaseUrl, options.sqliteSynchronous);
    return {
      storeOptions: { storeClient: sqlite, storeType: 'better-sqlite3' },
      Limiter: RateLimiterSQLite,
      deleteExpired: async (beforeMs) => sqlite.prepare(`DELETE FROM ${TABLE} WHERE expire < ?`).run(beforeMs),
      close: async () => void sqlite.close(),
    };
  }
  const pool = openPostgresPool(databaseUrl, { timeoutMs: options.timeoutMs ?? 5000, max: 4 });
  return {
    storeOptions: { storeClient: pool, storeType: 'pool' },
    Limiter: RateLimiterPostgres,
    deleteExpired: (beforeMs) => pool.query(`DELETE FROM ${TABLE} WHERE expire < $1`, [beforeMs]),
    close: () => pool.end(),
  };
}

/**
 * Opens limiters over the database at `databaseUrl` (`file:` = SQLite, `postgres://`),
 * so their counts hold across restarts and every instance shares them. While the database
 * is unreachable each limiter falls back to an in-process one with the same limits
 * (the library's `insuranceLimiter`).
 *
 * @example
 * const limiters = await openRateLimiterStore('file:./.data/app.db');
 * const perIp = await limiters.createLimiter({ keyPrefix: 'signin_ip_day', points: 100, durationSeconds: 86_400 });
 */
export async function openRateLimiterStore(databaseUrl: string, options: ConnectOptions = {}): Promise<RateLimiterStore> {
  const client = openDriverClient(databaseUrl, options);
  const cleanup = setInterval(() => {
    client.deleteExpired(Date.now() - KEEP_EXPIRED_MS).catch(() => undefined);
  }, CLEANUP_EVERY_MS);
  cleanup.unref();

  const optionsFor = ({ keyPrefix, points, durationSeconds }: LimiterSpec, tableCreated: boolean) => {
    const shape = { keyPrefix, points, duration: durationSeconds };
    return { ...shape, ...client.storeOptions, tableName: TABLE, tableCreated, clearExpiredByTimeout: false, insuranceLimiter: new RateLimiterMemory(shape) };
  };
  // The library creates the table from each limiter's constructor; concurrent CREATE TABLE
  // IF NOT EXISTS on PostgreSQL can fail with "already exists", so it is done once, first.
  let table: Promise<void> | undefined;
  const createTable = (spec: LimiterSpec) =>
    new Promise<void>((resolve, reject) => {
      new client.Limiter(optionsFor(spec, false), (error?: Error) => (!error || isAlreadyExists(error) ? resolve() : reject(error)));
    });

  return {
    async createLimiter(spec) {
      table ??= createTable(spec).catch((error: unknown) => {
        table = undefined;
        throw error;
      });
      await table;
      return new client.Limiter(optionsFor(spec, true));
    },
    close: async () => {
      clearInterval(cleanup);
      await client.close();
    },
  };
}

/** Another process created the table meanwhile (PostgreSQL: duplicate_table, duplicate_object, unique_violation). */
function isAlreadyExists(error: Error): boolean {
  return ['42P07', '42710', '23505'].includes((error as Error & { code?: string }).code ?? '');
}
