import pg from 'pg';
import { createStore } from '../../lib/db/create-store';
import type { Store, UserRecord } from '../../lib/db/store';
import { createTestDatabase, testPostgresUrl, type TestDatabase } from '../../support/postgres';
import { waitFor } from '../helpers/wait-for';

const serverUrl = testPostgresUrl();

/**
 * A guarded write (SessionGuard) and a revocation committed by another connection at the
 * same moment: the guard's read locks the user's row, so whichever commits second sees the
 * other. Here the revocation holds its lock first; the write waits for it and is refused.
 * (A plain read would see the row from before the revocation and let the write through.)
 */
(serverUrl ? describe : describe.skip)('PostgreSQL: a guarded write waits for a revocation in flight, then refuses', () => {
  let database: TestDatabase;
  let store: Store;
  let revoker: pg.Client;
  let observer: pg.Client;

  beforeAll(async () => {
    database = await createTestDatabase(serverUrl ?? '');
    store = await createStore(database.url);
    await store.insertMissingProducts([{ id: 1, name: 'Product 1', priceCents: 100 }]);
    revoker = new pg.Client({ connectionString: database.url });
    observer = new pg.Client({ connectionString: database.url });
    await Promise.all([revoker.connect(), observer.connect()]);
  });

  afterAll(async () => {
    await revoker?.end();
    await observer?.end();
    await store?.close();
    await database?.drop();
  });

  async function createUser(role: 'member' | 'admin' = 'member'): Promise<UserRecord> {
    const user = await store.createUser({ email: `user-${Math.random().toString(36).slice(2)}@example.test`, name: 'Test User', passwordHash: 'h', role });
    if (!user) throw new Error('could not create the user');
    return user;
  }

  /** Whether some other connection of this database is waiting for a row lock. */
  async function someoneWaitsForALock(): Promise<boolean> {
    const { rows } = await observer.query(
      "SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'",
    );
    return (rows[0] as { n: number }).n > 0;
  }

  /** Runs `write` while "sign out everywhere" of `userId` is uncommitted, and commits it once the write waits. */
  async function writeDuringRevocation<T>(userId: string, write: () => Promise<T>): Promise<T> {
    await revoker.query('BEGIN');
    try {
      await revoker.query('UPDATE users SET session_epoch = session_epoch + 1, session_version = session_version + 1 WHERE id = $1', [userId]);
      const pending = write();
      await waitFor(someoneWaitsForALock);
      await revoker.query('COMMIT');
      return await pending;
    } catch (error) {
      await revoker.query('ROLLBACK');
      throw error;
    }
  }

  it.each([
    ['an add', (store: Store, user: UserRecord) => store.addToCart(user.id, 1, 1, { sessionEpoch: user.sessionEpoch })],
    ['a quantity change', (store: Store, user: UserRecord) => store.setCartQuantity(user.id, 1, 5, { sessionEpoch: user.sessionEpoch })],
  ])('a cart write (%s) answers session-ended and writes nothing', async (_label, write) => {
    const user = await createUser();
    await store.addToCart(user.id, 1, 1);

    await expect(writeDuringRevocation(user.id, () => write(store, user))).resolves.toBe('session-ended');

    expect((await store.getCart(user.id)).items).toMatchObject([{ productId: 1, quantity: 1 }]);
  });

  it('a profile change answers null and writes nothing', async () => {
    const user = await createUser();

    await expect(writeDuringRevocation(user.id, () => store.updateProfile(user.id, { preferences: { theme: 'dark' } }, { sessionEpoch: user.sessionEpoch }))).resolves.toBeNull();

    expect((await store.findUserById(user.id))?.preferences).toEqual(user.preferences);
  });

  it("an admin's role change answers session-ended and changes nothing", async () => {
    const actor = await createUser('admin');
    const target = await createUser();

    await expect(writeDuringRevocation(actor.id, () => store.setRoleAs(actor.id, target.id, 'admin', { sessionEpoch: actor.sessionEpoch }))).resolves.toBe('session-ended');

    expect((await store.findUserById(target.id))?.role).toBe('member');
  });
});
