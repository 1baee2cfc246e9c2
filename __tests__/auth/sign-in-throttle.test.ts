// This file's limits, set before the app's modules load: a small per-IP budget keeps the
// daily-limit test quick; the per-account limit is the default (10).
process.env.SIGNIN_MAX_FAILURES_PER_IP_PER_DAY = '20';
delete process.env.SIGNIN_MAX_FAILURES;
delete process.env.TRUST_PROXY;

import 'next-test-api-route-handler';
import crypto from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as defaultRoute from '@/pages/api/auth/[...nextauth]';
import { createTestDatabase, testPostgresUrl, type TestDatabase } from '../../support/postgres';
import type { RouteModule } from '../helpers/routes';
import { ALICE } from '../helpers/sign-in';
import { type AttemptOptions, attemptSignIn as attemptWith, failSignIns } from '../helpers/sign-in-attempt';

/**
 * Sign-in throttling (issue 13 item 1) through next-auth's real credentials callback:
 * consecutive failures per account + client IP, failures per IP per day, checked before
 * any password hash runs, answered 429 with Retry-After.
 */

type From = Partial<AttemptOptions> & Pick<AttemptOptions, 'ip'>;
const attemptSignIn = (email: string, password: string, from: From) => attemptWith(email, password, { route: defaultRoute, ...from });
const failTimes = (times: number, email: string, from: From) => failSignIns(times, email, { route: defaultRoute, ...from });

/**
 * The route module loaded with extra environment (a fresh module registry; the database is
 * shared). The app reads its environment on first use, so it is read here, before the
 * environment is put back.
 */
async function loadRouteWith(env: Record<string, string>): Promise<RouteModule> {
  const saved = Object.fromEntries(Object.keys(env).map((key) => [key, process.env[key]]));
  Object.assign(process.env, env);
  try {
    let route: RouteModule | undefined;
    await jest.isolateModulesAsync(async () => {
      route = await import('@/pages/api/auth/[...nextauth]');
      (await import('@/lib/env')).getEnv();
    });
    if (!route) throw new Error('route did not load');
    return route;
  } finally {
    for (const [key, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  }
}

afterEach(() => {
  jest.restoreAllMocks();
});

describe('sign-in throttling through next-auth', () => {
  it('answers 429 with Retry-After and { error } after 10 wrong passwords, without hashing even the right one', async () => {
    const ip = '203.0.113.10';
    expect(await failTimes(9, ALICE.email, { ip })).toEqual(Array(9).fill(401));
    const scrypt = jest.spyOn(crypto, 'scrypt');
    expect((await attemptSignIn(ALICE.email, 'wrong-password', { ip })).status).toBe(401);
    expect(scrypt).toHaveBeenCalled(); // the spy sees a password check
    scrypt.mockClear();

    const refused = await attemptSignIn(ALICE.email, ALICE.password, { ip });

    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(refused.body).toEqual({ error: expect.stringMatching(/too many/i) });
    expect(refused.sessionCookie).toBeUndefined();
    expect(scrypt).not.toHaveBeenCalled();
  });

  it('keeps refusing during the block, with a Retry-After within the first block (60 s)', async () => {
    const ip = '203.0.113.11';
    await failTimes(11, ALICE.email, { ip });

    const again = await attemptSignIn(ALICE.email, 'wrong-password', { ip });

    expect(again.status).toBe(429);
    expect(Number(again.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(Number(again.headers.get('retry-after'))).toBeLessThanOrEqual(60);
  });

  it('resets the account+IP count on a successful sign-in', async () => {
    const ip = '203.0.113.12';
    await failTimes(9, ALICE.email, { ip });
    const success = await attemptSignIn(ALICE.email, ALICE.password, { ip });

    const afterReset = await failTimes(10, ALICE.email, { ip });
    const eleventh = await attemptSignIn(ALICE.email, 'wrong-password', { ip });

    expect(success.status).toBe(200);
    expect(success.sessionCookie).toBeDefined();
    expect(afterReset).toEqual(Array(10).fill(401));
    expect(eleventh.status).toBe(429);
  });

  it('lets the owner sign in from another IP while the attacker’s IP is blocked for that account', async () => {
    await failTimes(11, ALICE.email, { ip: '203.0.113.13' });

    const owner = await attemptSignIn(ALICE.email, ALICE.password, { ip: '198.51.100.13' });

    expect(owner.status).toBe(200);
    expect(owner.sessionCookie).toBeDefined();
  });

  it('counts the email trimmed and lower-cased, so case and spaces are one account', async () => {
    const ip = '203.0.113.14';
    const variants = ['alice@example.com', ' ALICE@example.com', 'Alice@Example.COM ', '  alice@EXAMPLE.com'];
    for (let i = 0; i < 10; i++) await attemptSignIn(variants[i % variants.length] ?? '', 'wrong-password', { ip });

    expect((await attemptSignIn('alice@example.com', ALICE.password, { ip })).status).toBe(429);
  });

  it('refuses an IP for the rest of the day after its daily failures across many accounts', async () => {
    const ip = '203.0.113.15';
    const statuses: number[] = [];
    for (let i = 0; i < 20; i++) statuses.push((await attemptSignIn(`nobody-${i}@example.com`, 'wrong-password', { ip })).status);

    const nextAccount = await attemptSignIn('somebody-new@example.com', 'wrong-password', { ip });
    const realOwner = await attemptSignIn(ALICE.email, ALICE.password, { ip });
    const otherIp = await attemptSignIn('somebody-new@example.com', 'wrong-password', { ip: '198.51.100.15' });

    expect(statuses).toEqual(Array(20).fill(401));
    expect(nextAccount.status).toBe(429);
    expect(Number(nextAccount.headers.get('retry-after'))).toBeGreaterThan(23 * 3600);
    expect(realOwner.status).toBe(429);
    expect(otherIp.status).toBe(401);
  });

  it('does not count a sign-in without a valid CSRF token (next-auth runs no hash for it)', async () => {
    const ip = '203.0.113.16';
    for (let i = 0; i < 12; i++) {
      await attemptSignIn(ALICE.email, 'wrong-password', { ip, headers: { cookie: 'next-auth.csrf-token=forged' } });
    }

    const real = await attemptSignIn(ALICE.email, ALICE.password, { ip });

    expect(real.status).toBe(200);
  });

  describe('client IP', () => {
    it('ignores X-Forwarded-For without TRUST_PROXY: the socket address is the key', async () => {
      const ip = '203.0.113.17';
      for (let i = 0; i < 10; i++) {
        await attemptSignIn(ALICE.email, 'wrong-password', { ip, headers: { 'x-forwarded-for': `192.0.2.${i + 1}` } });
      }

      const refused = await attemptSignIn(ALICE.email, ALICE.password, { ip, headers: { 'x-forwarded-for': '192.0.2.200' } });

      expect(refused.status).toBe(429);
    });

    it('with TRUST_PROXY=true keys on the last X-Forwarded-For address (the one the proxy added)', async () => {
      const route = await loadRouteWith({ TRUST_PROXY: 'true' });
      const proxy = '10.0.0.5';
      const viaProxy = (forwardedFor: string) => ({ ip: proxy, route, headers: { 'x-forwarded-for': forwardedFor } });
      for (let i = 0; i < 10; i++) await attemptSignIn(ALICE.email, 'wrong-password', viaProxy(`192.0.2.${i + 1}, 198.51.100.20`));

      const spoofedLeft = await attemptSignIn(ALICE.email, ALICE.password, viaProxy('198.51.100.99, 198.51.100.20'));
      const otherClient = await attemptSignIn(ALICE.email, ALICE.password, viaProxy('198.51.100.21'));

      expect(spoofedLeft.status).toBe(429);
      expect(otherClient.status).toBe(200);
    });
  });
});

/** Library level: the same throttle over each store the app supports. */
const LIMITS = { maxFailures: 3, maxFailuresPerIpPerDay: 100 };
const ATTEMPT = { email: 'alice@example.com', ip: '192.0.2.1' };

const postgresUrl = testPostgresUrl();
const databases: TestDatabase[] = [];

const stores: [string, () => Promise<string>][] = [
  ['SQLite', async () => `file:${path.join(mkdtempSync(path.join(tmpdir(), 'throttle-')), 'app.db')}`],
  ...(postgresUrl
    ? ([
        [
          'PostgreSQL',
          async () => {
            const database = await createTestDatabase(postgresUrl);
            databases.push(database);
            return database.url;
          },
        ],
      ] as [string, () => Promise<string>][])
    : []),
];
if (!postgresUrl) console.info('Sign-in throttle on PostgreSQL skipped: run with DATABASE_URL=postgres://...');

afterAll(async () => {
  for (const database of databases) await database.drop();
});

describe.each(stores)('sign-in throttle on %s', (_, newDatabaseUrl) => {
  async function openThrottle(databaseUrl: string, limits: Partial<typeof LIMITS> & Record<string, number> = {}) {
    const { openRateLimiterStore } = await import('@/lib/db/rate-limiter-store');
    const { createSignInThrottle } = await import('@/lib/auth/sign-in-throttle');
    const store = await openRateLimiterStore(databaseUrl);
    return { store, throttle: await createSignInThrottle(store, { ...LIMITS, ...limits }) };
  }

  type Throttle = Awaited<ReturnType<typeof openThrottle>>['throttle'];

  async function fail(throttle: Throttle, attempt = ATTEMPT) {
    const decision = await throttle.begin(attempt);
    if (decision.allowed) await throttle.settle(decision.ticket, 'failed');
    return decision;
  }

  it('refuses the attempt after maxFailures failures, before it is checked', async () => {
    const { store, throttle } = await openThrottle(await newDatabaseUrl());
    const decisions = [await fail(throttle), await fail(throttle), await fail(throttle)];

    const refused = await throttle.begin(ATTEMPT);

    expect(decisions.map((decision) => decision.allowed)).toEqual([true, true, true]);
    expect(refused).toEqual({ allowed: false, retryAfterSeconds: 60 });
    await store.close();
  });

  it('keeps a block across a restart (a new limiter store on the same database)', async () => {
    const databaseUrl = await newDatabaseUrl();
    const first = await openThrottle(databaseUrl);
    for (let i = 0; i < 4; i++) await fail(first.throttle);
    await first.store.close();

    const second = await openThrottle(databaseUrl);
    const decision = await second.throttle.begin(ATTEMPT);

    expect(decision).toEqual({ allowed: false, retryAfterSeconds: expect.any(Number) });
    expect(decision.allowed || decision.retryAfterSeconds).toBeGreaterThan(55);
    await second.store.close();
  });

  it('doubles each further block up to the cap, and starts over after a success', async () => {
    let now = Date.parse('2030-01-01T00:00:00Z');
    jest.spyOn(Date, 'now').mockImplementation(() => now);
    const { store, throttle } = await openThrottle(await newDatabaseUrl(), { firstBlockSeconds: 60, maxBlockSeconds: 200 });
    const blocks: number[] = [];
    for (let round = 0; round < 4; round++) {
      for (let i = 0; i < 3; i++) await fail(throttle);
      const refused = await throttle.begin(ATTEMPT);
      blocks.push(refused.allowed ? 0 : refused.retryAfterSeconds);
      now += blocks.at(-1)! * 1000 + 1000;
    }
    const success = await throttle.begin(ATTEMPT);
    if (success.allowed) await throttle.settle(success.ticket, 'succeeded');
    for (let i = 0; i < 3; i++) await fail(throttle);
    const afterSuccess = await throttle.begin(ATTEMPT);

    expect(blocks).toEqual([60, 120, 200, 200]);
    expect(afterSuccess).toEqual({ allowed: false, retryAfterSeconds: 60 });
    await store.close();
  });

  it('refunds an attempt that next-auth did not check (no failure counted)', async () => {
    const { store, throttle } = await openThrottle(await newDatabaseUrl());
    for (let i = 0; i < 5; i++) {
      const decision = await throttle.begin(ATTEMPT);
      if (decision.allowed) await throttle.settle(decision.ticket, 'not-checked');
    }

    expect((await throttle.begin(ATTEMPT)).allowed).toBe(true);
    await store.close();
  });
});
