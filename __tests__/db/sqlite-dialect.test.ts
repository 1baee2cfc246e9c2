import BetterSqlite3 from 'better-sqlite3';
import { Kysely, sql } from 'kysely';
import { FifoLock } from '@/lib/db/fifo-lock';
import { FairSqliteDialect } from '@/lib/db/sqlite-dialect';

interface Db {
  counter: { id: number; value: number };
}

function openDatabase() {
  const sqlite = new BetterSqlite3(':memory:');
  sqlite.exec('create table counter (id integer primary key, value integer not null); insert into counter values (1, 0);');
  const prepare = jest.spyOn(sqlite, 'prepare');
  const db = new Kysely<Db>({ dialect: new FairSqliteDialect(sqlite) });
  return { db, prepare };
}

const readValue = (db: Kysely<Db>) => db.selectFrom('counter').select('value').where('id', '=', 1).executeTakeFirstOrThrow();

describe('FifoLock', () => {
  it('hands the lock over in arrival order, even to a holder that asks again at once', async () => {
    const lock = new FifoLock();
    const order: string[] = [];
    await lock.acquire();
    const waiters = ['a', 'b', 'c'].map(async (name) => {
      await lock.acquire();
      order.push(name);
      lock.release();
    });
    // The holder releases and immediately asks again: it must queue behind a, b and c.
    lock.release();
    const again = lock.acquire().then(() => order.push('holder again'));
    await Promise.all([...waiters, again]);
    expect(order).toEqual(['a', 'b', 'c', 'holder again']);
  });
});

describe('FairSqliteDialect', () => {
  it('prepares each distinct SQL once and reuses the statement', async () => {
    const { db, prepare } = openDatabase();
    for (let i = 0; i < 5; i += 1) await readValue(db);
    await db.updateTable('counter').set({ value: 7 }).where('id', '=', 1).execute();
    await db.updateTable('counter').set({ value: 8 }).where('id', '=', 1).execute();

    expect((await readValue(db)).value).toBe(8);
    expect(prepare).toHaveBeenCalledTimes(2);
    await db.destroy();
  });

  it('runs concurrent read-modify-write transactions one after another, none lost', async () => {
    const { db } = openDatabase();
    const increments = Array.from({ length: 50 }, () =>
      db.transaction().execute(async (trx) => {
        const { value } = await trx.selectFrom('counter').select('value').where('id', '=', 1).executeTakeFirstOrThrow();
        await new Promise((resolve) => setImmediate(resolve)); // yield mid-transaction
        await trx.updateTable('counter').set({ value: value + 1 }).where('id', '=', 1).execute();
      }),
    );
    await Promise.all(increments);

    expect((await readValue(db)).value).toBe(50);
    await db.destroy();
  });

  it('rolls a failed transaction back and frees the connection for the next query', async () => {
    const { db } = openDatabase();
    await expect(
      db.transaction().execute(async (trx) => {
        await trx.updateTable('counter').set({ value: 99 }).where('id', '=', 1).execute();
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');

    expect((await readValue(db)).value).toBe(0);
    // better-sqlite3's native addon keeps the SqliteError class of the first test file that
    // loaded it, so in a shared jest worker the error is from another realm: match by shape.
    const failure: unknown = await sql`select nonsense from nowhere`.execute(db).then(() => null, (error: unknown) => error);
    expect(failure).toMatchObject({ message: expect.stringMatching(/no such table/) });
    expect((await readValue(db)).value).toBe(0);
    await db.destroy();
  });

  it('reports changes and the inserted row id like Kysely’s own driver', async () => {
    const { db } = openDatabase();
    const inserted = await db.insertInto('counter').values({ id: 5, value: 1 }).executeTakeFirstOrThrow();
    const updated = await db.updateTable('counter').set({ value: 2 }).executeTakeFirstOrThrow();

    expect(inserted.insertId).toBe(5n);
    expect(updated.numUpdatedRows).toBe(2n);
    await db.destroy();
  });
});
