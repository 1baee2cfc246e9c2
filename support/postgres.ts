import { randomBytes } from 'node:crypto';
import pg from 'pg';

/** Kept by test-env.ts (and .ci/run) when `npm test` runs with a postgres:// DATABASE_URL. */
export function testPostgresUrl(): string | undefined {
  const url = process.env.TEST_POSTGRES_URL ?? process.env.DATABASE_URL;
  return url && /^postgres(ql)?:\/\//.test(url) ? url : undefined;
}

async function runOnServer(serverUrl: string, statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}

export interface TestDatabase {
  url: string;
  drop(): Promise<void>;
}

/**
 * A database of its own on the test server, so runs never see each other's rows.
 * The name is [a-z0-9_] only: safe to interpolate.
 */
export async function createTestDatabase(serverUrl: string): Promise<TestDatabase> {
  const name = `t_${randomBytes(8).toString('hex')}`;
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  await runOnServer(serverUrl, `CREATE DATABASE ${name}`);
  return {
    url: url.toString(),
    // FORCE (PostgreSQL 13+) ends connections a failed test or a server may have left open.
    drop: () => runOnServer(serverUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`),
  };
}
