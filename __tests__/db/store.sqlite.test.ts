import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { createStore } from '../../lib/db/create-store';
import { describeStoreConformance } from './store-conformance';

const tempDir = mkdtempSync(path.join(tmpdir(), 'sqlite-store-'));

afterAll(() => {
  rmSync(tempDir, { recursive: true, force: true });
});

describeStoreConformance('SQLite', () => createStore(`file:${path.join(tempDir, 'conformance', 'store.db')}`));

describe('SQLite store file', () => {
  it('creates missing parent folders of the database file', async () => {
    const filePath = path.join(tempDir, 'missing', 'nested', 'app.db');
    expect(existsSync(path.dirname(filePath))).toBe(false);

    const store = await createStore(`file:${filePath}`);
    await store.close();

    expect(existsSync(filePath)).toBe(true);
  });

  it('leaves the database file in WAL journal mode', async () => {
    const filePath = path.join(tempDir, 'wal', 'app.db');
    const store = await createStore(`file:${filePath}`);
    await store.close();

    // journal_mode=WAL is stored in the file itself, so a fresh connection reports it.
    const sqlite = new SqliteDatabase(filePath, { readonly: true });
    try {
      expect(sqlite.pragma('journal_mode', { simple: true })).toBe('wal');
    } finally {
      sqlite.close();
    }
  });
});
