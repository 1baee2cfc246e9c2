import 'next-test-api-route-handler';
import pg from 'pg';
import type { TestCookieJar } from 'next-auth-server-session/testing';
import { createTestDatabase, testPostgresUrl, type TestDatabase } from '../../support/postgres';
import { callRoute, type RouteModule } from '../helpers/routes';
import { createUserAndSignIn } from '../helpers/sign-in';

/**
 * The route-level Idempotency-Key tests on PostgreSQL: the app runs on a database of this
 * file's own, on the shared test server. The app's modules load in beforeAll, once
 * DATABASE_URL points there (lib/auth reads the environment when it loads).
 */
const serverUrl = testPostgresUrl();
const STORE_TIMEOUT_MS = 1000;

let database: TestDatabase | undefined;
let cartRoute: RouteModule;

beforeAll(async () => {
  if (!serverUrl) return;
  database = await createTestDatabase(serverUrl);
  process.env.DATABASE_URL = database.url;
  process.env.STORE_TIMEOUT_MS = String(STORE_TIMEOUT_MS);
  cartRoute = await import('@/pages/api/cart');
});

afterAll(async () => {
  if (!database) return;
  await (await import('@/lib/auth')).stopListeningForStateChanges();
  await (await import('@/lib/db')).getStore().then((store) => store.close());
  await database.drop();
});

const PRODUCT_ID = 3;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function addToCart(jar: TestCookieJar, key: string) {
  return callRoute(cartRoute, { url: '/api/cart', method: 'POST', body: { productId: PRODUCT_ID, quantity: 1 }, jar, headers: { 'idempotency-key': key } });
}

async function query<Row extends pg.QueryResultRow>(client: pg.Client, text: string, values: unknown[] = []): Promise<Row[]> {
  return (await client.query<Row>(text, values)).rows;
}

async function connect(): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: database?.url });
  await client.connect();
  return client;
}

/**
 * A slow store made of real locks: the add's insert waits for one lock and its session
 * version bump for another, each wait shorter than statement_timeout (STORE_TIMEOUT_MS)
 * but together longer than the route waits. So the route answers 503 and the write then
 * commits, about 1.5 x STORE_TIMEOUT_MS after the request.
 */
async function holdLocksOnCartWrite(userId: string): Promise<{ released: Promise<void> }> {
  const [tableLocker, rowLocker] = await Promise.all([connect(), connect()]);
  await query(tableLocker, 'BEGIN');
  await query(tableLocker, 'LOCK TABLE cart_items IN ACCESS EXCLUSIVE MODE');
  await query(rowLocker, 'BEGIN');
  // NO KEY UPDATE: blocks the version bump, not the foreign-key checks of the inserts.
  await query(rowLocker, 'SELECT id FROM users WHERE id = $1 FOR NO KEY UPDATE', [userId]);
  const release = async (client: pg.Client, afterMs: number) => {
    await sleep(afterMs);
    await query(client, 'ROLLBACK');
    await client.end();
  };
  const released = Promise.all([release(tableLocker, STORE_TIMEOUT_MS * 0.75), release(rowLocker, STORE_TIMEOUT_MS * 1.5)]);
  return { released: released.then(() => undefined) };
}

async function quantityInCart(userId: string): Promise<number> {
  const client = await connect();
  try {
    const rows = await query<{ quantity: number }>(client, 'SELECT quantity FROM cart_items WHERE user_id = $1 AND product_id = $2', [userId, PRODUCT_ID]);
    return rows[0]?.quantity ?? 0;
  } finally {
    await client.end();
  }
}

/** Polls until the late write is visible (it commits shortly after the locks are released). */
async function waitForQuantity(userId: string, expected: number): Promise<void> {
  const deadline = Date.now() + STORE_TIMEOUT_MS * 3;
  while ((await quantityInCart(userId)) !== expected && Date.now() < deadline) await sleep(25);
}

(serverUrl ? describe : describe.skip)('Idempotency-Key on PostgreSQL', () => {
  it('a retry after a 503 whose write committed late applies the add exactly once', async () => {
    const { user, jar } = await createUserAndSignIn();
    const locks = await holdLocksOnCartWrite(user.id);

    const first = await addToCart(jar, 'late-commit');
    expect(first.status).toBe(503);
    await locks.released;
    await waitForQuantity(user.id, 1);
    const retry = await addToCart(jar, 'late-commit');

    expect(retry.status).toBe(200);
    expect(await quantityInCart(user.id)).toBe(1);
  }, 30_000);

  it('a retry that arrives while the timed-out write is still in flight waits for it and applies nothing', async () => {
    const { user, jar } = await createUserAndSignIn();
    const locks = await holdLocksOnCartWrite(user.id);

    const first = await addToCart(jar, 'in-flight');
    expect(first.status).toBe(503);
    const retry = await addToCart(jar, 'in-flight');
    await locks.released;

    expect(retry.status).toBe(200);
    expect(retry.body).toMatchObject({ cart: { items: [{ productId: PRODUCT_ID, quantity: 1 }] } });
    expect(await quantityInCart(user.id)).toBe(1);
  }, 30_000);
});
