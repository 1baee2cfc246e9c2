import pg from 'pg';
import { type RunningApp, startApp } from '../../support/app-server';
import { signInOverHttp } from '../../support/http-sign-in';
import { createTestDatabase, testPostgresUrl, type TestDatabase } from '../../support/postgres';
import type { TestCookieJar } from 'next-auth-server-session/testing';

/**
 * Two `next start` instances behind one NEXTAUTH_URL (A's), on one PostgreSQL database,
 * with the session-state cache on for 60 s: what one instance changes, the other must see
 * on the user's next request, through LISTEN/NOTIFY. Every test primes B's cache first (one
 * request on B), so a pass proves invalidation and not a cold cache.
 */
const postgresUrl = testPostgresUrl();
const LISTENER = 'session-state-listener';
const ALICE = { email: 'alice@example.com', password: 'alice-password' };
const ADMIN = { email: 'admin@example.com', password: 'admin-password' };

/** Repeats `attempt` until it returns true, for at most `withinMs`; true if it did. */
async function becomesTrue(attempt: () => Promise<boolean>, withinMs: number): Promise<boolean> {
  const deadline = Date.now() + withinMs;
  for (;;) {
    if (await attempt()) return true;
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

(postgresUrl ? describe : describe.skip)('two app instances on one PostgreSQL database, session-state cache on', () => {
  let first: RunningApp;
  let second: RunningApp;
  let database: TestDatabase;
  let sql: pg.Client;
  /** On the server's own database: a database cannot refuse connections from inside itself. */
  let server: pg.Client;
  let aliceId: string;

  /** A request as a browser on the app's one public URL (A's) sends it, to either instance. */
  async function call(app: RunningApp, jar: TestCookieJar, path: string, init: { method?: string; body?: unknown } = {}) {
    const response = await fetch(`${app.url}${path}`, {
      method: init.method ?? 'GET',
      headers: { cookie: jar.header(), origin: first.url, 'content-type': 'application/json' },
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
    });
    jar.apply(response);
    return { status: response.status, body: (await response.json().catch(() => null)) as Record<string, unknown> | null };
  }
  const signIn = async (who: { email: string; password: string }) => (await signInOverHttp(first.url, who.email, who.password)).jar;
  const roleOn = async (app: RunningApp, jar: TestCookieJar) =>
    ((await call(app, jar, '/api/auth/session')).body?.user as { role?: string } | undefined)?.role;
  const setAliceRole = async (admin: TestCookieJar, role: string) =>
    expect((await call(first, admin, `/api/admin/users/${aliceId}`, { method: 'PATCH', body: { role } })).status).toBe(200);
  const databaseName = () => new URL(database.url).pathname.slice(1); // [a-z0-9_] (createTestDatabase)
  const listenerCount = async () =>
    Number((await sql.query('SELECT count(*) AS n FROM pg_stat_activity WHERE application_name = $1', [LISTENER])).rows[0].n);

  beforeAll(async () => {
    database = await createTestDatabase(postgresUrl ?? '');
    const shared = { DATABASE_URL: database.url, NEXTAUTH_SECRET: 'two-instances-share-this-secret-0123456789', SESSION_VERSION_CACHE_MS: '60000' };
    first = await startApp(shared);
    second = await startApp({ ...shared, NEXTAUTH_URL: first.url });
    sql = new pg.Client({ connectionString: database.url });
    await sql.connect();
    server = new pg.Client({ connectionString: postgresUrl });
    await server.connect();
    const admin = await signIn(ADMIN);
    const users = (await call(first, admin, '/api/admin/users')).body?.users as { id: string; email: string }[];
    aliceId = users.find((user) => user.email === ALICE.email)?.id ?? '';
    // Each instance listens once it has served an authenticated request (the last test checks both do).
    await call(second, admin, '/api/cart');
    await becomesTrue(async () => (await listenerCount()) === 2, 5000);
  }, 120_000);
  afterAll(async () => {
    await server?.query(`ALTER DATABASE ${databaseName()} ALLOW_CONNECTIONS true`).catch(() => undefined);
    await server?.end();
    await sql?.end();
    await Promise.all([first?.stop(), second?.stop()]);
    await database?.drop();
  });

  // A failed test must not leave alice an admin for the next one.
  beforeEach(async () => {
    await sql.query("UPDATE users SET role = 'member', session_version = session_version + 1 WHERE id = $1 AND role <> 'member'", [aliceId]);
  });

  it("shows a role change made through A in B's next response to the user, within 1 s", async () => {
    const alice = await signIn(ALICE);
    const admin = await signIn(ADMIN);
    expect(await roleOn(second, alice)).toBe('member'); // B has alice's state cached now

    await setAliceRole(admin, 'admin');

    expect(await becomesTrue(async () => (await roleOn(second, alice)) === 'admin', 1000)).toBe(true);
  });

  it('refuses on B, within 1 s, an older session of a user who signed out everywhere through A', async () => {
    const older = await signIn(ALICE);
    const current = await signIn(ALICE);
    expect((await call(second, older, '/api/cart')).status).toBe(200);

    expect((await call(first, current, '/api/session/revoke-all', { method: 'POST', body: {} })).status).toBe(200);

    expect(await becomesTrue(async () => (await call(second, older, '/api/cart')).status === 401, 1000)).toBe(true);
  });

  it('stays correct while the listen connection is down, and listens again', async () => {
    const alice = await signIn(ALICE);
    const admin = await signIn(ADMIN);
    expect(await roleOn(second, alice)).toBe('member');

    // Kill both listeners and keep them out, so the change below is announced to no one.
    await server.query(`ALTER DATABASE ${databaseName()} ALLOW_CONNECTIONS false`);
    await sql.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1', [LISTENER]);
    await sql.query("UPDATE users SET role = 'admin', session_version = session_version + 1 WHERE id = $1", [aliceId]);

    // B learns of the loss when its client reads the termination, a moment after it; a request
    // that beats it may still be answered from the cache. From then on the cache is gone, the
    // change made before B noticed included, and B reads the store.
    expect(await becomesTrue(async () => second.output().includes('"event":"session-state.listen-lost"'), 5000)).toBe(true);
    expect(await roleOn(second, alice)).toBe('admin');
    await server.query(`ALTER DATABASE ${databaseName()} ALLOW_CONNECTIONS true`);
    expect(await becomesTrue(async () => (await listenerCount()) === 2, 10_000)).toBe(true);
    expect(second.output()).not.toContain(database.url);

    expect(await roleOn(second, alice)).toBe('admin'); // cached again
    await setAliceRole(admin, 'member');
    expect(await becomesTrue(async () => (await roleOn(second, alice)) === 'member', 1000)).toBe(true);
  }, 30_000);
});
