// This file's limits, set before the app's modules load: a small per-IP budget keeps the
// daily-limit test quick; the per-account+IP limit is the default (10), the per-account daily
// ceiling too (100).
process.env.SIGNIN_MAX_FAILURES_PER_IP_PER_DAY = '20';
delete process.env.SIGNIN_MAX_FAILURES;
delete process.env.SIGNIN_MAX_FAILURES_PER_ACCOUNT_PER_DAY;
delete process.env.TRUST_PROXY;

import 'next-test-api-route-handler';
import crypto from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as defaultRoute from '@/pages/api/auth/[...nextauth]';
import { createTestDatabase, testPostgresUrl, type TestDatabase } from '../../support/postgres';
import type { RouteModule } from '../helpers/routes';
import { ADMIN, ALICE } from '../helpers/sign-in';
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

/**
 * Credential stuffing from a botnet: one failure per address, each address fresh, so no
 * per-IP or per-account+IP count ever fills. Here the admin's account (its own in this file).
 */
describe('sign-in throttling: the per-account ceiling across all IPs', () => {
  const ownerIp = '192.0.2.77';
  const botnetIp = (i: number) => `198.18.${Math.floor(i / 250)}.${(i % 250) + 1}`;
  let botnet: number[];

  beforeAll(async () => {
    // The owner has signed in from home before the attack.
    expect((await attemptSignIn(ADMIN.email, ADMIN.password, { ip: ownerIp })).status).toBe(200);
    botnet = [];
    for (let i = 0; i < 100; i++) botnet.push((await attemptSignIn(ADMIN.email, 'wrong-password', { ip: botnetIp(i) })).status);
  }, 120_000);

  it('lets 100 failures through, one from each of 100 IPs', () => {
    expect(botnet).toEqual(Array(100).fill(401));
  });

  it('answers the 101st attempt, from a fresh IP, 429 with the account message and a Retry-After to the end of the day window', async () => {
    const scrypt = jest.spyOn(crypto, 'scrypt');

    const refused = await attemptSignIn(ADMIN.email, 'wrong-password', { ip: botnetIp(100) });

    expect(refused.status).toBe(429);
    expect(refused.body).toEqual({ error: expect.stringMatching(/^Too many failed sign-ins for this account today/) });
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(23 * 3600);
    expect(Number(refused.headers.get('retry-after'))).toBeLessThanOrEqual(24 * 3600);
    expect(scrypt).not.toHaveBeenCalled();
  });

  it('refuses the right password from an IP the account never signed in from (the owner abroad waits for the window)', async () => {
    const refused = await attemptSignIn(ADMIN.email, ADMIN.password, { ip: '203.0.113.200' });

    expect(refused.status).toBe(429);
    expect(refused.sessionCookie).toBeUndefined();
  });

  it('lets the owner sign in from an IP the account signed in from before', async () => {
    const owner = await attemptSignIn(ADMIN.email, ADMIN.password, { ip: ownerIp });

    expect(owner.status).toBe(200);
    expect(owner.sessionCookie).toBeDefined();
  });

  it('leaves other accounts alone, from the same IPs', async () => {
    const other = await attemptSignIn('someone-else@example.com', 'wrong-password', { ip: botnetIp(0) });

    expect(other.status).toBe(401);
  });
});

/** Library level: the same throttle over each store the app supports. */
const LIMITS = { maxFailures: 3, maxFailuresPerIpPerDay: 100, maxFailuresPerAccountPerDay: 50 };
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

  describe('the per-account ceiling (maxFailuresPerAccountPerDay)', () => {
    const ceiling = { maxFailuresPerAccountPerDay: 5 };
    const from = (ip: string) => ({ email: ATTEMPT.email, ip });
    const DAY_SECONDS = 24 * 60 * 60;

    async function failFromManyIps(throttle: Throttle, count: number) {
      const decisions = [];
      for (let i = 0; i < count; i++) decisions.push(await fail(throttle, from(`198.18.0.${i + 1}`)));
      return decisions;
    }

    it('refuses the account from a fresh IP once it has failed maxFailuresPerAccountPerDay times from as many IPs', async () => {
      const { store, throttle } = await openThrottle(await newDatabaseUrl(), ceiling);
      const decisions = await failFromManyIps(throttle, 5);

      const refused = await throttle.begin(from('198.18.1.1'));

      expect(decisions.map((decision) => decision.allowed)).toEqual([true, true, true, true, true]);
      expect(refused).toEqual({ allowed: false, retryAfterSeconds: expect.any(Number), limit: 'account-per-day' });
      expect(refused.allowed || refused.retryAfterSeconds).toBeGreaterThan(DAY_SECONDS - 60);
      await store.close();
    });

    it('counts the same account under any case and spacing, and no other account', async () => {
      const { store, throttle } = await openThrottle(await newDatabaseUrl(), ceiling);
      for (let i = 0; i < 5; i++) await fail(throttle, { email: i % 2 ? ' ALICE@example.com' : 'alice@EXAMPLE.com ', ip: `198.18.0.${i + 1}` });

      expect((await throttle.begin(from('198.18.1.1'))).allowed).toBe(false);
      expect((await throttle.begin({ email: 'bob@example.com', ip: '198.18.1.1' })).allowed).toBe(true);
      await store.close();
    });

    // Six of each, one more than the ceiling: counting either outcome would close the account.
    it.each(['succeeded', 'not-checked'] as const)('does not count attempts that %s', async (outcome) => {
      const { store, throttle } = await openThrottle(await newDatabaseUrl(), ceiling);
      for (let i = 0; i < 6; i++) {
        const decision = await throttle.begin(from(`198.18.0.${i + 1}`));
        if (decision.allowed) await throttle.settle(decision.ticket, outcome);
      }

      expect((await throttle.begin(from('198.18.1.1'))).allowed).toBe(true);
      await store.close();
    });

    it('lets an IP the account has signed in from through, under its own account+IP limit', async () => {
      const { store, throttle } = await openThrottle(await newDatabaseUrl(), ceiling);
      const home = from('192.0.2.50');
      const first = await throttle.begin(home);
      if (first.allowed) await throttle.settle(first.ticket, 'succeeded');
      await failFromManyIps(throttle, 6);

      const homeDecisions = [await fail(throttle, home), await fail(throttle, home), await fail(throttle, home)];
      const homeAfterThree = await throttle.begin(home);

      expect(homeDecisions.map((decision) => decision.allowed)).toEqual([true, true, true]);
      expect(homeAfterThree).toEqual({ allowed: false, retryAfterSeconds: 60 });
      await store.close();
    });

    it('opens the account to fresh IPs again when the day window ends', async () => {
      let now = Date.parse('2030-01-01T00:00:00Z');
      jest.spyOn(Date, 'now').mockImplementation(() => now);
      const { store, throttle } = await openThrottle(await newDatabaseUrl(), ceiling);
      await failFromManyIps(throttle, 6);
      const refused = await throttle.begin(from('198.18.1.1'));

      now += (refused.allowed ? 0 : refused.retryAfterSeconds) * 1000 + 1000;

      expect(refused.allowed).toBe(false);
      expect((await throttle.begin(from('198.18.1.1'))).allowed).toBe(true);
      await store.close();
    });
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
