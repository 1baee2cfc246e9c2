import { decode, type JWT } from 'next-auth/jwt';
import request from 'supertest';
import { createStore, type Store } from '@/lib/db';
import { type RunningApp, startApp } from '../../support/app-server';
import { setCookiesOf } from '../helpers/cookie-jar';
import { type TestCookieJar } from 'next-auth-server-session/testing';
import { signInOverHttp } from '../../support/http-sign-in';

const SESSION_COOKIE = '__Secure-next-auth.session-token';

async function signIn(app: RunningApp, email: string, password: string): Promise<TestCookieJar> {
  return (await signInOverHttp(app.url, email, password)).jar;
}

/** The session each response issued; the newest is the one with the highest sessionVersion. */
async function newestToken(app: RunningApp, responses: request.Response[]): Promise<JWT | null> {
  const tokens = await Promise.all(
    responses.map((response) => {
      const cookie = setCookiesOf(response.headers).find((candidate) => candidate.name === SESSION_COOKIE);
      return decode({ token: cookie?.value, secret: app.secret });
    }),
  );
  return tokens.reduce<JWT | null>((newest, token) => ((token?.sessionVersion ?? -1) > (newest?.sessionVersion ?? -1) ? token : newest), null);
}

describe('concurrent writes through the real server and store', () => {
  let app: RunningApp;
  let store: Store;
  beforeAll(async () => {
    app = await startApp();
    store = await createStore(app.databaseUrl);
  }, 90_000);
  afterAll(async () => {
    await store?.close();
    await app?.stop();
  });

  it('50 concurrent adds of one product sum exactly, and the newest session agrees with the store', async () => {
    const jar = await signIn(app, 'alice@example.com', 'alice-password');

    const responses = await Promise.all(
      Array.from({ length: 50 }, () => request(app.url).post('/api/cart').set('Cookie', jar.header()).send({ productId: 42, quantity: 1 })),
    );

    expect(responses.map((response) => response.status)).toEqual(Array(50).fill(200));
    const alice = await store.findUserByEmail('alice@example.com');
    const cart = await store.getCart(alice?.id ?? '');
    expect(cart.items.find((line) => line.productId === 42)?.quantity).toBe(50);
    const newest = await newestToken(app, responses);
    expect(newest?.sessionVersion).toBe(alice?.sessionVersion);
    expect(newest?.cart).toMatchObject({ count: cart.count, totalCents: cart.totalCents });
  }, 60_000);

  it('20 concurrent profile saves: the last write wins and the newest session matches the store', async () => {
    const jar = await signIn(app, 'admin@example.com', 'admin-password');

    const responses = await Promise.all(
      Array.from({ length: 20 }, (_, index) =>
        request(app.url).patch('/api/profile').set('Cookie', jar.header()).send({ name: `Admin ${index}`, preferences: { theme: index % 2 ? 'dark' : 'light' } }),
      ),
    );

    expect(responses.map((response) => response.status)).toEqual(Array(20).fill(200));
    const stored = await store.findUserByEmail('admin@example.com');
    expect(stored?.name).toMatch(/^Admin \d+$/);
    const newest = await newestToken(app, responses);
    expect(newest).toMatchObject({ name: stored?.name, preferences: stored?.preferences, sessionVersion: stored?.sessionVersion });
  }, 60_000);
});
