import pg from 'pg';
import { createStore } from '../../lib/db/create-store';
import { createTestDatabase, testPostgresUrl, type TestDatabase } from '../../support/postgres';
import { describeStoreConformance } from './store-conformance';

const serverUrl = testPostgresUrl();

if (serverUrl) {
  let database: TestDatabase | undefined;
  let databaseUrl: Promise<string> | undefined;
  const openDatabase = () => {
    databaseUrl ??= createTestDatabase(serverUrl).then((created) => {
      database = created;
      return created.url;
    });
    return databaseUrl;
  };

  afterAll(async () => {
    await database?.drop();
  });

  /** One statement on a connection of its own, as a script or psql would run it. */
  const runBehindTheStore = async <Row extends pg.QueryResultRow>(statement: string, parameters: unknown[]) => {
    const client = new pg.Client({ connectionString: await openDatabase() });
    await client.connect();
    try {
      return (await client.query<Row>(statement, parameters)).rows;
    } finally {
      await client.end();
    }
  };

  describeStoreConformance('PostgreSQL', async (options) => createStore(await openDatabase(), options), {
    writeRevokedBefore: async (userId, revokedBefore) => void (await runBehindTheStore('UPDATE users SET revoked_before = $1 WHERE id = $2', [revokedBefore, userId])),
    insertCartLine: async (userId, productId, quantity) =>
      void (await runBehindTheStore('INSERT INTO cart_items (user_id, product_id, quantity) VALUES ($1, $2, $3)', [userId, productId, quantity])),
    countIdempotencyKeys: async (userId) =>
      (await runBehindTheStore<{ count: number }>('SELECT count(*)::int AS count FROM idempotency_keys WHERE user_id = $1', [userId]))[0]?.count ?? 0,
    listIndexes: async (table) =>
      (await runBehindTheStore<{ indexname: string }>('SELECT indexname FROM pg_indexes WHERE tablename = $1', [table])).map((row) => row.indexname),
  });
} else {
  console.info(
    'PostgreSQL store suite skipped: run it with DATABASE_URL=postgres://... npm test ' +
      '(a throwaway server: DATABASE_URL=$(scripts/start-test-postgres.sh | tail -n 1) npm test)',
  );
  describe.skip('without TEST_POSTGRES_URL', () => {
    describeStoreConformance('PostgreSQL', () => createStore('postgres://unused'));
  });
}
