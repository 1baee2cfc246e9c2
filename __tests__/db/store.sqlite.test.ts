import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { openSqliteFile } from '../../lib/db/connect';
import { createStore } from '../../lib/db/create-store';
import { describeStoreConformance } from './store-conformance';

const tempDir = mkdtempSync(path.join(tmpdir(), 'sqlite-store-'));

afterAll(() => {
  rmSync(tempDir, { recursive: true, force: true });
});

const conformanceFile = path.join(tempDir, 'conformance', 'store.db');
/** One statement on a connection of its own, as a script or the sqlite3 shell would run it. */
function runBehindTheStore(statement: string, ...parameters: unknown[]): Promise<void> {
  const sqlite = openSqliteFile(`file:${conformanceFile}`);
  try {
    sqlite.prepare(statement).run(...parameters);
  } finally {
    sqlite.close();
  }
  return Promise.resolve();
}

function readBehindTheStore<Row>(statement: string, ...parameters: unknown[]): Promise<Row[]> {
  const sqlite = openSqliteFile(`file:${conformanceFile}`);
  try {
    return Promise.resolve(sqlite.prepare(statement).all(...parameters) as Row[]);
  } finally {
    sqlite.close();
  }
}

describeStoreConformance('SQLite', (options) => createStore(`file:${conformanceFile}`, options), {
  writeRevokedBefore: (userId, revokedBefore) => runBehindTheStore('UPDATE users SET revoked_before = ? WHERE id = ?', revokedBefore, userId),
  insertCartLine: (userId, productId, quantity) =>
    runBehindTheStore('INSERT INTO cart_items (user_id, product_id, quantity) VALUES (?, ?, ?)', userId, productId, quantity),
  countIdempotencyKeys: async (userId) =>
    (await readBehindTheStore<{ count: number }>('SELECT count(*) AS count FROM idempotency_keys WHERE user_id = ?', userId))[0]?.count ?? 0,
  listIndexes: async (table) =>
    (await readBehindTheStore<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = ?", table)).map((row) => row.name),
});

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

  it('commits with synchronous NORMAL by default and FULL when asked', () => {
    const url = `file:${path.join(tempDir, 'synchronous', 'app.db')}`;
    const normal = openSqliteFile(url);
    const full = openSqliteFile(url, 'full');
    try {
      // SQLite's codes: 1 = NORMAL, 2 = FULL.
      expect(normal.pragma('synchronous', { simple: true })).toBe(1);
      expect(full.pragma('synchronous', { simple: true })).toBe(2);
    } finally {
      normal.close();
      full.close();
    }
  });

  it.each(['normal', 'full'])('keeps every committed write when the process is killed (synchronous %s)', async (synchronous) => {
    const databaseUrl = `file:${path.join(tempDir, `killed-${synchronous}`, 'app.db')}`;
    const seeded = await createStore(databaseUrl);
    await seeded.insertMissingProducts([{ id: 1, name: 'Product 1', priceCents: 500 }]);
    await seeded.close();

    const userId = await runUntilWrittenThenKill(databaseUrl, synchronous);

    const store = await createStore(databaseUrl);
    try {
      expect((await store.findUserById(userId))?.name).toBe('After');
      expect((await store.getCart(userId)).count).toBe(2);
    } finally {
      await store.close();
    }
  }, 30_000);
});

/** Runs the writer fixture, SIGKILLs it once it reports its commits, and returns the user id it wrote. */
function runUntilWrittenThenKill(databaseUrl: string, synchronous: string): Promise<string> {
  const fixture = path.join(__dirname, '..', 'fixtures', 'sqlite-write-then-wait.ts');
  const child = spawn(process.execPath, ['--import', 'tsx', fixture, databaseUrl, synchronous], { stdio: ['ignore', 'pipe', 'pipe'] });
  return new Promise((resolve, reject) => {
    let output = '';
    let errors = '';
    child.stderr.on('data', (chunk: Buffer) => (errors += chunk.toString()));
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('\n')) child.kill('SIGKILL');
    });
    child.once('exit', (code, signal) => {
      if (signal === 'SIGKILL' && output.trim()) resolve(output.trim());
      else reject(new Error(`writer exited with ${code ?? signal}: ${errors}`));
    });
  });
}

