import { startFaultPostgres } from '../helpers/fault-postgres';
import { testPostgresUrl } from '../../support/postgres';

// Runs where a PostgreSQL server is available (CI): the app under test uses a cluster of
// this file's own, which the tests stop and restart. Set before the app's modules load.
const withPostgres = Boolean(testPostgresUrl());
if (withPostgres) {
  process.env.DATABASE_URL = startFaultPostgres();
  process.env.STORE_TIMEOUT_MS = '1000';
}

import 'next-test-api-route-handler';
import pg from 'pg';
import { stopListeningForStateChanges } from '@/lib/auth';
import { getStore } from '@/lib/db';
import * as nextAuthRoute from '@/pages/api/auth/[...nextauth]';
import * as cartRoute from '@/pages/api/cart';
import * as refreshRoute from '@/pages/api/session/refresh';
import { type TestCookieJar } from 'next-auth-server-session/testing';
import { removeFaultPostgres, restartServer, stopServer } from '../helpers/fault-postgres';
import { callRoute } from '../helpers/routes';
import { sessionTokenOf } from '../helpers/session-cookie';
import { signInAsAlice } from '../helpers/sign-in';

const addToCart = (jar: TestCookieJar, productId: number) => callRoute(cartRoute, { url: '/api/cart', method: 'POST', body: { productId, quantity: 1 }, jar });

async function quantityInCart(productId: number): Promise<number> {
  const store = await getStore();
  const alice = await store.findUserByEmail('alice@example.com');
  const cart = await store.getCart(alice?.id ?? '');
  return cart.items.find((line) => line.productId === productId)?.quantity ?? 0;
}

(withPostgres ? describe : describe.skip)('store faults (PostgreSQL of its own)', () => {
  afterAll(async () => {
    await stopListeningForStateChanges();
    await (await getStore()).close();
    removeFaultPostgres();
  });

  it('a stopped database: 503 with { error }, the cookie untouched, and recovery without a restart', async () => {
    const jar = await signInAsAlice();
    expect((await addToCart(jar, 1)).status).toBe(200);
    const before = sessionTokenOf(jar);

    stopServer();
    try {
      const refresh = await callRoute(refreshRoute, { url: '/api/session/refresh', method: 'POST', body: { data: { name: 'Lost?' } }, jar });
      const cart = await addToCart(jar, 2);
      const cookieAfterErrors = sessionTokenOf(jar);
      const session = await callRoute(nextAuthRoute, { url: '/api/auth/session', params: { nextauth: ['session'] }, jar });

      expect(refresh.status).toBe(503);
      expect(refresh.body).toEqual({ error: expect.any(String) });
      expect(refresh.setCookies).toEqual([]);
      expect(cart.status).toBe(503);
      expect(cookieAfterErrors).toBe(before);
      // next-auth's own read keeps the session through the outage (nobody is signed out).
      expect(session.body).toMatchObject({ user: { email: 'alice@example.com' } });
    } finally {
      restartServer();
    }

    const recovered = await addToCart(jar, 2);
    expect(recovered.status).toBe(200);
    expect(recovered.body).toMatchObject({ session: { user: { name: 'Alice' } } });
  }, 60_000);

  it('a store slower than STORE_TIMEOUT_MS: 503 in about that time, and the timed-out write never lands', async () => {
    const jar = await signInAsAlice();
    const before = await quantityInCart(5);
    const locker = new pg.Client({ connectionString: process.env.DATABASE_URL });
    await locker.connect();
    await locker.query('BEGIN');
    await locker.query('LOCK TABLE cart_items IN ACCESS EXCLUSIVE MODE');
    try {
      const started = Date.now();
      const response = await addToCart(jar, 5);

      expect(response.status).toBe(503);
      expect(response.setCookies).toEqual([]);
      expect(Date.now() - started).toBeLessThan(4000);
    } finally {
      await locker.query('ROLLBACK');
      await locker.end();
    }

    expect(await quantityInCart(5)).toBe(before);
    expect((await addToCart(jar, 5)).status).toBe(200);
  }, 60_000);
});
