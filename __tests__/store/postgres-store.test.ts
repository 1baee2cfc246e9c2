import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { createStore } from '../../lib/db/create-store';
import { describeStoreConformance } from './store-conformance';

/** Kept by __tests__/helpers/test-env.ts when `npm test` runs with a postgres:// DATABASE_URL. */
const serverUrl = process.env.TEST_POSTGRES_URL;

async function runOnServer(statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}

if (serverUrl) {
  // Each run gets its own database, so runs never see each other's rows and the seed
  // test starts from an empty catalog. The name is [a-z0-9_] only: safe to interpolate.
  const databaseName = `t_${randomBytes(8).toString('hex')}`;
  const databaseUrl = new URL(serverUrl);
  databaseUrl.pathname = `/${databaseName}`;

  beforeAll(async () => {
    await runOnServer(`CREATE DATABASE ${databaseName}`);
  });

  afterAll(async () => {
    // FORCE (PostgreSQL 13+) ends connections a failed test may have left open.
    await runOnServer(`DROP DATABASE IF EXISTS ${databaseName} WITH (FORCE)`);
  });

  describeStoreConformance('PostgreSQL', () => createStore(databaseUrl.toString()));
} else {
  console.info(
    'PostgreSQL store suite skipped: run it with DATABASE_URL=postgres://... npm test ' +
      '(a throwaway server: DATABASE_URL=$(scripts/start-test-postgres.sh | tail -n 1) npm test)',
  );
  describe.skip('without TEST_POSTGRES_URL', () => {
    describeStoreConformance('PostgreSQL', () => createStore('postgres://unused'));
  });
}
