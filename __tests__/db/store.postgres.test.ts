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
  const runBehindTheStore = async (statement: string, parameters: unknown[]) => {
    const client = new pg.Client({ connectionString: await openDatabase() });
    await client.connect();
    try {
      await client.query(statement, parameters);
    } finally {
      await client.end();
    }
  };

  describeStoreConformance('PostgreSQL', async () => createStore(await openDatabase()), {
    writeRevokedBefore: (userId, revokedBefore) => runBehindTheStore('UPDATE users SET revoked_before = $1 WHERE id = $2', [revokedBefore, userId]),
    insertCartLine: (userId, productId, quantity) =>
      runBehindTheStore('INSERT INTO cart_items (user_id, product_id, quantity) VALUES ($1, $2, $3)', [userId, productId, quantity]),
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
