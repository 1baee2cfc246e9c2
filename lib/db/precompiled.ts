import { type Compilable, CompiledQuery, type Kysely, type QueryResult, type Transaction } from 'kysely';
import type { Database } from './schema';

type Db = Kysely<Database> | Transaction<Database>;

/** Stands for the n-th argument of a precompiled query where the builder wants a value. */
class Slot {
  constructor(readonly index: number) {}
}

/** A placeholder for argument `index`, typed as the value the builder expects there. */
export function slot<T>(index: number): T {
  return new Slot(index) as unknown as T;
}

/**
 * A query built and compiled once per database (Kysely re-builds and re-compiles a query
 * on every call, a sizable share of a request on the hot paths), then run with new
 * arguments in its parameter slots. Values written in the builder itself stay as they are.
 * Compiled per dialect adapter, which a transaction shares with its database.
 * @example
 * const byId = precompile((db) => db.selectFrom('users').selectAll().where('id', '=', slot<string>(0)));
 * const { rows } = await byId(db, [userId]);
 */
export function precompile<R>(build: (db: Db) => Compilable<R>) {
  const compiled = new WeakMap<object, CompiledQuery<R>>();
  return (db: Db, args: readonly unknown[]): Promise<QueryResult<R>> => {
    const adapter = db.getExecutor().adapter;
    let query = compiled.get(adapter);
    if (!query) {
      query = build(db).compile();
      compiled.set(adapter, query);
    }
    const parameters = query.parameters.map((value) => (value instanceof Slot ? args[value.index] : value));
    return db.executeQuery<R>({ ...query, parameters } as CompiledQuery<R>);
  };
}
