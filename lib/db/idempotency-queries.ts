import { type ColumnType, type Kysely, sql, type Transaction } from 'kysely';
import type { Database } from './schema';
import type { IdempotencyClaim, OnceResult, StoredAnswer } from './store';

type Nullable<T> = ColumnType<T | null, T | null | undefined, T | null>;

/** The `idempotency_keys` table (migration 0003), typed next to its only queries. */
export interface IdempotencyKeysTable {
  user_id: string;
  key: string;
  request_hash: string;
  /** JSON of the write's outcome: set in the key's own transaction, so never null once committed. */
  outcome: Nullable<string>;
  answer_status: Nullable<number>;
  /** JSON of the route's first answer, recorded after the write's transaction. */
  answer_body: Nullable<string>;
  expires_at: number;
}

type KeysDatabase = Database & { idempotency_keys: IdempotencyKeysTable };

function withKeys(db: Kysely<Database>): Kysely<KeysDatabase> {
  return db.withTables<{ idempotency_keys: IdempotencyKeysTable }>();
}

/**
 * The cart and profile queries open a transaction of their own; run under a key they must
 * join the key's transaction instead (Kysely does not nest them: `trx.transaction()` throws).
 */
function joiningTransaction(trx: Transaction<Database>): Kysely<Database> {
  const join = () => ({ execute: <T>(work: (inner: Transaction<Database>) => Promise<T>) => work(trx) });
  return new Proxy(trx, {
    get(target, property) {
      if (property === 'transaction') return join;
      // Kysely keeps its state in #private fields: members run against the real instance.
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

async function readEarlierUse<T>(db: Kysely<KeysDatabase>, claim: IdempotencyClaim): Promise<OnceResult<T>> {
  const row = await db
    .selectFrom('idempotency_keys')
    .select(['request_hash', 'outcome', 'answer_status', 'answer_body'])
    .where('user_id', '=', claim.userId)
    .where('key', '=', claim.key)
    .executeTakeFirstOrThrow();
  if (row.request_hash !== claim.requestHash) return { status: 'key-reused' };
  const answer = row.answer_status === null ? null : { status: row.answer_status, body: JSON.parse(row.answer_body ?? 'null') as unknown };
  return { status: 'replayed', outcome: JSON.parse(row.outcome ?? 'null') as T, answer };
}

export interface KeyLimits {
  /** Live keys one user may hold; a fresh key beyond them is refused. */
  maxLiveKeys: number;
  /**
   * PostgreSQL: one user's keyed writes take turns, or concurrent fresh keys would each count
   * the others' uncommitted rows as absent and all pass the cap. SQLite runs one at a time.
   */
  serializePerUser: boolean;
}

/** The namespace of the per-user advisory locks (the two-key form; Kysely's migration lock uses the one-key form). */
const USER_KEYS_LOCK_SPACE = 0x6b657973;

/**
 * Taken first in the transaction and held to its end. A lock of its own, not one on the
 * user's row: the writes lock that row in their own ways (migration 0003 says how one lock
 * too many there deadlocked two keyed profile updates), and this one meets none of them.
 */
async function takeTurnForUser(trx: Transaction<Database>, userId: string): Promise<void> {
  await sql`select pg_advisory_xact_lock(${sql.lit(USER_KEYS_LOCK_SPACE)}, hashtext(${userId}))`.execute(trx);
}

/** The freshly inserted key beyond the cap is taken back (in its transaction: nothing stays). */
async function refuseBeyondCap(keys: Kysely<KeysDatabase>, claim: IdempotencyClaim, nowMs: number, maxLiveKeys: number): Promise<OnceResult<never> | null> {
  const liveOfUser = () => keys.selectFrom('idempotency_keys').where('user_id', '=', claim.userId).where('expires_at', '>', nowMs);
  const { count } = await liveOfUser().select((eb) => eb.fn.countAll().as('count')).executeTakeFirstOrThrow();
  if (Number(count) <= maxLiveKeys) return null;
  await keys.deleteFrom('idempotency_keys').where('user_id', '=', claim.userId).where('key', '=', claim.key).execute();
  const { oldest } = await liveOfUser().select((eb) => eb.fn.min('expires_at').as('oldest')).executeTakeFirstOrThrow();
  return { status: 'too-many-keys', retryAfterMs: Math.max(0, Number(oldest ?? nowMs) - nowMs) };
}

/**
 * The key's row goes in first, in the write's transaction: a concurrent request with the
 * same key waits (PostgreSQL: for the user's turn, taken first; SQLite runs one transaction
 * at a time) until this one commits or rolls back, and then finds the key instead of
 * writing again. The cap is checked before the write runs; an existing key replays whatever
 * the count. The user's expired keys go here too (a few, read by the primary key); the
 * periodic cleanup takes those of users who stopped writing.
 */
export async function applyOnce<T>(
  db: Kysely<Database>,
  claim: IdempotencyClaim,
  write: (db: Kysely<Database>) => Promise<T>,
  limits: KeyLimits,
): Promise<OnceResult<T>> {
  return db.transaction().execute(async (trx) => {
    const keys = withKeys(trx);
    if (limits.serializePerUser) await takeTurnForUser(trx, claim.userId);
    const nowMs = Date.now();
    await keys.deleteFrom('idempotency_keys').where('user_id', '=', claim.userId).where('expires_at', '<=', nowMs).execute();
    const inserted = await keys
      .insertInto('idempotency_keys')
      .values({ user_id: claim.userId, key: claim.key, request_hash: claim.requestHash, expires_at: claim.expiresAtMs })
      .onConflict((oc) => oc.columns(['user_id', 'key']).doNothing())
      .executeTakeFirst();
    if (Number(inserted.numInsertedOrUpdatedRows ?? 0) === 0) return readEarlierUse<T>(keys, claim);
    const refused = await refuseBeyondCap(keys, claim, nowMs, limits.maxLiveKeys);
    if (refused) return refused;
    const outcome = await write(joiningTransaction(trx));
    await keys
      .updateTable('idempotency_keys')
      .set({ outcome: JSON.stringify(outcome) ?? null })
      .where('user_id', '=', claim.userId)
      .where('key', '=', claim.key)
      .execute();
    return { status: 'applied', outcome };
  });
}

export async function recordAnswer(db: Kysely<Database>, userId: string, key: string, answer: StoredAnswer): Promise<void> {
  await withKeys(db)
    .updateTable('idempotency_keys')
    .set({ answer_status: answer.status, answer_body: JSON.stringify(answer.body) ?? null })
    .where('user_id', '=', userId)
    .where('key', '=', key)
    .where('answer_status', 'is', null)
    .execute();
}

/**
 * One bounded batch of the periodic cleanup, read through the `expires_at` index (migration
 * 0008). PostgreSQL skips rows another transaction holds (a user's keyed write, another
 * instance's cleanup) rather than wait for them: the next run takes them.
 */
export async function deleteExpiredKeys(db: Kysely<Database>, beforeMs: number, maxRows: number, options: { skipLocked: boolean }): Promise<number> {
  const keys = withKeys(db);
  const expired = keys
    .selectFrom('idempotency_keys')
    .select(['user_id', 'key'])
    .where('expires_at', '<=', beforeMs)
    .limit(maxRows)
    .$if(options.skipLocked, (query) => query.forUpdate().skipLocked())
    .$asTuple('user_id', 'key');
  const deleted = await keys
    .deleteFrom('idempotency_keys')
    .where(({ eb, refTuple }) => eb(refTuple('user_id', 'key'), 'in', expired))
    .executeTakeFirst();
  return Number(deleted.numDeletedRows);
}
