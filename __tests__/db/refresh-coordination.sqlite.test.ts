import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { openSqliteFile } from '../../lib/db/connect';
import { createStore } from '../../lib/db/create-store';
import type { Store } from '../../lib/db/store';
import { describeRefreshCoordinationContract } from '../helpers/refresh-coordination-contract';
import { describeStoreRefreshCoordination, type SuccessorRow } from './refresh-coordination-conformance';

const tempDir = mkdtempSync(path.join(tmpdir(), 'sqlite-refresh-'));
const databaseUrl = `file:${path.join(tempDir, 'app.db')}`;

let shared: Promise<Store> | undefined;
afterAll(async () => {
  await (await shared)?.close();
  rmSync(tempDir, { recursive: true, force: true });
});

// One process serves a SQLite database: both handles are that process's store.
describeRefreshCoordinationContract('SQLite store', async () => {
  shared ??= createStore(databaseUrl);
  const coordination = (await shared).refreshCoordination();
  return [coordination, coordination];
});

describeStoreRefreshCoordination('SQLite', (options) => createStore(databaseUrl, options), {
  readRows: async () => {
    const sqlite = openSqliteFile(databaseUrl);
    try {
      const rows = sqlite.prepare('SELECT key, sealed, expires_at AS expiresAt FROM oauth_refresh_successors').all() as SuccessorRow[];
      return rows;
    } finally {
      sqlite.close();
    }
  },
});
