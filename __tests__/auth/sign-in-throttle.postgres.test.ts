import 'next-test-api-route-handler';
import pg from 'pg';
import { createTestDatabase, testPostgresUrl, type TestDatabase } from '../../support/postgres';
import type { RouteModule } from '../helpers/routes';
import { ADMIN, ALICE } from '../helpers/sign-in';
import { attemptSignIn, failSignIns } from '../helpers/sign-in-attempt';

/**
 * Sign-in throttling with the app on PostgreSQL: a database of this file's own on the
 * shared test server. The app's modules load in beforeAll, once DATABASE_URL points there
 * (lib/auth reads the environment when it loads).
 */
const serverUrl = testPostgresUrl();

let database: TestDatabase | undefined;
let route: RouteModule;

beforeAll(async () => {
  if (!serverUrl) return;
  database = await createTestDatabase(serverUrl);
  process.env.DATABASE_URL = database.url;
  route = await import('@/pages/api/auth/[...nextauth]');
});

afterAll(async () => {
  if (!database) return;
  const db = await import('@/lib/db');
  await Promise.all([db.getStore().then((store) => store.close()), db.getRateLimiterStore().then((limiters) => limiters.close())]);
  await database.drop();
});

if (!serverUrl) console.info('Sign-in throttle on PostgreSQL (route level) skipped: run with DATABASE_URL=postgres://...');

(serverUrl ? describe : describe.skip)('sign-in throttling on PostgreSQL', () => {
  it('answers 429 with Retry-After after 10 wrong passwords, and keeps the count in the database', async () => {
    const ip = '203.0.113.40';
    const failures = await failSignIns(10, ALICE.email, { route, ip });

    const refused = await attemptSignIn(ALICE.email, ALICE.password, { route, ip });
    const owner = await attemptSignIn(ALICE.email, ALICE.password, { route, ip: '198.51.100.40' });

    expect(failures).toEqual(Array(10).fill(401));
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(refused.body).toEqual({ error: expect.stringMatching(/too many/i) });
    expect(owner.status).toBe(200);
    const client = new pg.Client({ connectionString: database?.url });
    await client.connect();
    try {
      const { rows } = await client.query<{ key: string }>("SELECT key FROM rate_limits WHERE key LIKE 'signin_fail_account_ip:%'");
      expect(rows.length).toBeGreaterThan(0);
    } finally {
      await client.end();
    }
  });

  it(
    'refuses an account from a fresh IP after 100 failures from 100 IPs, and still lets the owner in from an IP they used',
    async () => {
      const ownerIp = '192.0.2.78';
      const home = await attemptSignIn(ADMIN.email, ADMIN.password, { route, ip: ownerIp });
      const botnet: number[] = [];
      for (let i = 0; i < 100; i++) botnet.push((await attemptSignIn(ADMIN.email, 'wrong-password', { route, ip: `198.18.0.${i + 1}` })).status);

      const fresh = await attemptSignIn(ADMIN.email, 'wrong-password', { route, ip: '198.18.1.1' });
      const owner = await attemptSignIn(ADMIN.email, ADMIN.password, { route, ip: ownerIp });

      expect(home.status).toBe(200);
      expect(botnet).toEqual(Array(100).fill(401));
      expect(fresh.status).toBe(429);
      expect(fresh.body).toEqual({ error: expect.stringMatching(/^Too many failed sign-ins for this account today/) });
      expect(Number(fresh.headers.get('retry-after'))).toBeGreaterThan(23 * 3600);
      expect(owner.status).toBe(200);
    },
    120_000,
  );
});
