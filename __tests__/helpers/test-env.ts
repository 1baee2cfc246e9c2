import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

/**
 * Runs before each test file: a fresh SQLite file per file (jest gives each file its own
 * module registry, so each gets its own store), a test secret, and the app's URL.
 * A test that needs other values sets them before importing the app's modules.
 */
export const TEST_SECRET = 'test-secret-that-is-long-enough-for-the-check-0123456789';
export const TEST_APP_URL = 'http://localhost:3000';

process.env.NEXTAUTH_SECRET ??= TEST_SECRET;
process.env.NEXTAUTH_URL ??= TEST_APP_URL;
process.env.SEED_DEMO_DATA = 'true';
// A PostgreSQL DATABASE_URL given to `npm test` is kept for the store suite (TEST_POSTGRES_URL);
// route tests always run on their own SQLite file.
if (/^postgres(ql)?:\/\//.test(process.env.DATABASE_URL ?? '')) process.env.TEST_POSTGRES_URL ??= process.env.DATABASE_URL;
process.env.DATABASE_URL = `file:${path.join(mkdtempSync(path.join(tmpdir(), 'session-test-')), 'app.db')}`;
