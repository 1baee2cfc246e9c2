import type { Kysely } from 'kysely';
import type { RefreshCoordination } from 'next-auth-server-session';
import { addToCart, findProduct, getCart, insertMissingProducts, listProducts, setCartQuantity } from './cart-queries';
import { type ConnectOptions, connectDatabase, type Dialect, dialectOf } from './connect';
import { type IdempotencyCleanupOptions, startIdempotencyCleanup } from './idempotency-cleanup';
import { applyOnce, deleteExpiredKeys, type KeyLimits, recordAnswer } from './idempotency-queries';
import { migrateToLatest } from './migrations';
import { createRefreshCoordination, type RefreshCoordinationOptions, startSuccessorCleanup, type StoreRefreshCoordination } from './refresh-coordination';
import type { Database } from './schema';
import { MAX_LIVE_IDEMPOTENCY_KEYS, type Store, StoreUnavailableError } from './store';
import {
  deleteUser,
  findUserByEmail,
  findUserById,
  findUserByOidcSubject,
  getSessionState,
  insertUser,
  linkOidcSubject,
  listUsers,
  replacePasswordHash,
  revokeSessions,
  setDisabled,
  setRole,
  setRoleAs,
  updateProfile,
} from './user-queries';

export interface StoreOptions extends ConnectOptions {
  /** Live Idempotency-Keys one user may hold (default `MAX_LIVE_IDEMPOTENCY_KEYS`). */
  maxLiveIdempotencyKeys?: number;
  /** The periodic deletion of expired keys (defaults in idempotency-cleanup.ts). */
  idempotencyCleanup?: IdempotencyCleanupOptions;
  /** The access-token refresher's coordination (its lock waits take `timeoutMs`). */
  refreshCoordination?: Omit<RefreshCoordinationOptions, 'timeoutMs'>;
}

/** The store's queries; `createStore` adds the refresh coordination, which is no query. */
type StoreQueries = Omit<Store, 'refreshCoordination'>;

function storeOver(db: Kysely<Database>, dialect: Dialect, keyLimits: KeyLimits): StoreQueries {
  return {
    findUserById: (id) => findUserById(db, id),
    findUserByEmail: (email) => findUserByEmail(db, email),
    findUserByOidcSubject: (issuer, subject) => findUserByOidcSubject(db, issuer, subject),
    linkOidcSubject: (userId, issuer, subject) => linkOidcSubject(db, userId, issuer, subject),
    createUser: (user) => insertUser(db, user),
    updateProfile: (id, change, guard) => updateProfile(db, id, change, { lockRows: dialect === 'postgres', guard }),
    getSessionState: (id) => getSessionState(db, id),
    setRole: (id, role) => setRole(db, id, role, { lockRows: dialect === 'postgres' }),
    setRoleAs: (actorId, id, role, guard) => setRoleAs(db, actorId, id, role, { lockRows: dialect === 'postgres', guard }),
    replacePasswordHash: (id, currentHash, newHash) => replacePasswordHash(db, id, currentHash, newHash),
    listUsers: () => listUsers(db),
    revokeSessions: (id, beforeMs, guard) => revokeSessions(db, id, beforeMs, guard),
    setDisabled: (id, disabled) => setDisabled(db, id, disabled),
    deleteUser: (id) => deleteUser(db, id),
    listProducts: (page, pageSize) => listProducts(db, page, pageSize),
    findProduct: (id) => findProduct(db, id),
    insertMissingProducts: (products) => insertMissingProducts(db, products),
    getCart: (userId) => getCart(db, userId),
    addToCart: (userId, productId, quantity, guard) => addToCart(db, userId, productId, quantity, { lockRows: dialect === 'postgres', guard }),
    setCartQuantity: (userId, productId, quantity, guard) => setCartQuantity(db, userId, productId, quantity, { lockRows: dialect === 'postgres', guard }),
    // The same writes, run over the key's transaction (the cart and profile queries join it).
    applyOnce: (claim, write) => applyOnce(db, claim, (trx) => write(storeOver(trx, dialect, keyLimits)), keyLimits),
    recordAnswer: (userId, key, answer) => recordAnswer(db, userId, key, answer),
    deleteExpiredIdempotencyKeys: (beforeMs, maxRows) => deleteExpiredKeys(db, beforeMs, maxRows, { skipLocked: dialect === 'postgres' }),
    close: () => db.destroy(),
  };
}

/** A driver error as callers see it: one kind of failure to map (503), with no driver message. */
function toUnavailable(error: unknown): StoreUnavailableError {
  return error instanceof StoreUnavailableError ? error : new StoreUnavailableError({ cause: error });
}

/**
 * Every method's driver error becomes `StoreUnavailableError`, so callers have one kind
 * of failure to map (503) and no driver message (which may hold a host or user name)
 * ever reaches a response.
 */
function guardStore(store: StoreQueries, timeoutMs = DEFAULT_STORE_TIMEOUT_MS): StoreQueries {
  const guarded = {} as Record<keyof StoreQueries, unknown>;
  for (const key of Object.keys(store) as (keyof StoreQueries)[]) {
    const method = store[key] as (...args: unknown[]) => Promise<unknown>;
    guarded[key] = (...args: unknown[]) => withTimeout(() => method(...args), timeoutMs);
  }
  return guarded as StoreQueries;
}

/**
 * The row queries as the store's other calls; `runExclusive` is left unguarded: it bounds its
 * own waits for the lock, and the work it runs (a call to the identity provider) is the
 * refresher's, bounded by the refresher's own timeout, which may be longer than the store's.
 */
function guardCoordination(coordination: StoreRefreshCoordination, timeoutMs: number): StoreRefreshCoordination {
  return {
    runExclusive: (key, work) => coordination.runExclusive(key, work),
    readSuccessor: (key) => withTimeout(() => coordination.readSuccessor(key), timeoutMs),
    writeSuccessor: (key, sealed, ttlSeconds) => withTimeout(() => coordination.writeSuccessor(key, sealed, ttlSeconds), timeoutMs),
    deleteExpiredSuccessors: (beforeMs, maxRows) => withTimeout(() => coordination.deleteExpiredSuccessors(beforeMs, maxRows), timeoutMs),
    close: () => coordination.close(),
  };
}

const DEFAULT_STORE_TIMEOUT_MS = 5000;

/**
 * A slow store answers 503 instead of holding the request (and a connection) open. One
 * promise and one timer per call, errors mapped in the same step (an async wrapper,
 * Promise.race or finally would each add promises to every store call).
 */
function withTimeout<T>(work: () => Promise<T>, timeoutMs: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new StoreUnavailableError({ cause: new Error(`store call exceeded ${timeoutMs} ms`) })), timeoutMs);
    const fail = (error: unknown) => {
      clearTimeout(timer);
      reject(toUnavailable(error));
    };
    let running: Promise<T>;
    try {
      running = work();
    } catch (error) {
      return fail(error);
    }
    running.then((value) => {
      clearTimeout(timer);
      resolve(value);
    }, fail);
  });
}

function keyLimitsOf(options: StoreOptions, dialect: Dialect): KeyLimits {
  const maxLiveKeys = options.maxLiveIdempotencyKeys ?? MAX_LIVE_IDEMPOTENCY_KEYS;
  if (!Number.isInteger(maxLiveKeys) || maxLiveKeys < 1) throw new RangeError('maxLiveIdempotencyKeys must be a positive integer');
  return { maxLiveKeys, serializePerUser: dialect === 'postgres' };
}

/**
 * Connects, applies pending migrations, and returns the guarded store, which deletes
 * expired Idempotency-Keys and refresh successors on timers of its own until it is closed.
 */
export async function createStore(databaseUrl: string, options: StoreOptions = {}): Promise<Store> {
  const keyLimits = keyLimitsOf(options, dialectOf(databaseUrl));
  const timeoutMs = options.timeoutMs ?? DEFAULT_STORE_TIMEOUT_MS;
  const db = connectDatabase(databaseUrl, { ...options, timeoutMs });
  try {
    await migrateToLatest(db as Kysely<unknown>);
  } catch (error) {
    await db.destroy();
    throw error;
  }
  const store = guardStore(storeOver(db, dialectOf(databaseUrl), keyLimits), timeoutMs);
  const coordination = guardCoordination(createRefreshCoordination(db, databaseUrl, { ...options.refreshCoordination, timeoutMs }), timeoutMs);
  const stopCleanup = startIdempotencyCleanup(store.deleteExpiredIdempotencyKeys, options.idempotencyCleanup);
  const stopSuccessorCleanup = startSuccessorCleanup(coordination.deleteExpiredSuccessors, options.refreshCoordination?.cleanup);
  const { runExclusive, readSuccessor, writeSuccessor } = coordination;
  const refreshCoordination: RefreshCoordination = { runExclusive, readSuccessor, writeSuccessor };
  return {
    ...store,
    refreshCoordination: () => refreshCoordination,
    close: async () => {
      stopCleanup();
      stopSuccessorCleanup();
      try {
        await coordination.close();
      } finally {
        await store.close();
      }
    },
  };
}
