import type { ColumnType, Kysely, Transaction } from 'kysely';
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

/**
 * The key's row goes in first, in the write's transaction: a concurrent request with the
 * same key blocks on it (PostgreSQL's unique index; SQLite runs one transaction at a time)
 * until this one commits or rolls back, and then finds the key instead of writing again.
 * Expired keys of the user are removed here, lazily.
 */
export async function applyOnce<T>(
  db: Kysely<Database>,
  claim: IdempotencyClaim,
  write: (db: Kysely<Database>) => Promise<T>,
): Promise<OnceResult<T>> {
  return db.transaction().execute(async (trx) => {
    const keys = withKeys(trx);
    await keys.deleteFrom('idempotency_keys').where('user_id', '=', claim.userId).where('expires_at', '<=', Date.now()).execute();
    const inserted = await keys
      .insertInto('idempotency_keys')
      .values({ user_id: claim.userId, key: claim.key, request_hash: claim.requestHash, expires_at: claim.expiresAtMs })
      .onConflict((oc) => oc.columns(['user_id', 'key']).doNothing())
      .executeTakeFirst();
    if (Number(inserted.numInsertedOrUpdatedRows ?? 0) === 0) return readEarlierUse<T>(keys, claim);
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
