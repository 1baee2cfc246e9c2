// A short store timeout, so that a slow write answers 503 quickly. Set before the app's modules load.
process.env.STORE_TIMEOUT_MS = '1000';
const STORE_TIMEOUT_MS = 1000;

import 'next-test-api-route-handler';
import { TransactionBuilder } from 'kysely';
import { getStore, MAX_LIVE_IDEMPOTENCY_KEYS } from '@/lib/db';
import * as cartRoute from '@/pages/api/cart';
import * as cartLineRoute from '@/pages/api/cart/[productId]';
import * as profileRoute from '@/pages/api/profile';
import { type TestCookieJar } from 'next-auth-server-session/testing';
import { callRoute } from '../helpers/routes';
import { decodeSessionOf, sessionSetCookies } from '../helpers/session-cookie';
import { createUserAndSignIn } from '../helpers/sign-in';

const keyed = (key: string | undefined): Record<string, string> => (key === undefined ? {} : { 'idempotency-key': key });

function addToCart(jar: TestCookieJar, body: unknown, key?: string) {
  return callRoute(cartRoute, { url: '/api/cart', method: 'POST', body, jar, headers: keyed(key) });
}

function changeLine(jar: TestCookieJar, productId: number, method: 'PATCH' | 'DELETE', body: unknown, key?: string) {
  const path = `/api/cart/${productId}`;
  return callRoute(cartLineRoute, { url: path, method, params: { productId: String(productId) }, body, jar, headers: keyed(key) });
}

async function quantityInCart(userId: string, productId: number): Promise<number> {
  const cart = await (await getStore()).getCart(userId);
  return cart.items.find((line) => line.productId === productId)?.quantity ?? 0;
}

/**
 * A slow commit: the next store transaction does its work, then waits `delayMs` before
 * committing, holding SQLite's one connection meanwhile. Resolves once it has committed.
 * (A lock held by a second SQLite connection cannot do this: better-sqlite3 waits for it
 * synchronously, so the route's timer cannot fire before the write lands.)
 */
function commitNextTransactionLate(delayMs: number): Promise<void> {
  const execute = TransactionBuilder.prototype.execute;
  let committed: () => void = () => undefined;
  const done = new Promise<void>((resolve) => (committed = resolve));
  jest.spyOn(TransactionBuilder.prototype, 'execute').mockImplementationOnce(async function (this: TransactionBuilder<unknown>, work) {
    try {
      return await execute.call(this, async (trx) => {
        const result = await work(trx);
        await new Promise((resolve) => setTimeout(resolve, delayMs));
        return result;
      });
    } finally {
      committed();
    }
  });
  return done;
}

afterEach(() => {
  jest.restoreAllMocks();
});

describe('Idempotency-Key on SQLite', () => {
  it('a retry after a 503 whose write committed late applies the add exactly once', async () => {
    const { user, jar } = await createUserAndSignIn();
    const committed = commitNextTransactionLate(STORE_TIMEOUT_MS * 2);

    const first = await addToCart(jar, { productId: 3, quantity: 1 }, 'add-3-once');
    expect(first.status).toBe(503);
    await committed;
    const retry = await addToCart(jar, { productId: 3, quantity: 1 }, 'add-3-once');

    expect(retry.status).toBe(200);
    expect(retry.headers.get('idempotent-replayed')).toBe('true');
    expect(await quantityInCart(user.id, 3)).toBe(1);
    expect(retry.body).toMatchObject({ cart: { count: 1 }, session: { cart: { count: 1 } } });
    expect((await decodeSessionOf(jar))?.cart).toMatchObject({ count: 1 });
  });

  it('replays the first answer to a retry: same status and body, a fresh session cookie, nothing applied twice', async () => {
    const { user, jar } = await createUserAndSignIn();
    const first = await addToCart(jar, { productId: 4, quantity: 2 }, 'add-4');
    const versionAfterFirst = (await getStore().then((store) => store.getSessionState(user.id)))?.sessionVersion;

    const retry = await addToCart(jar, { productId: 4, quantity: 2 }, 'add-4');

    expect(first.status).toBe(200);
    expect(retry.status).toBe(200);
    expect(retry.body).toEqual(first.body);
    expect(retry.headers.get('idempotent-replayed')).toBe('true');
    expect(first.headers.get('idempotent-replayed')).toBeNull();
    expect(sessionSetCookies(retry.setCookies)).not.toEqual([]);
    expect(await decodeSessionOf(jar)).toMatchObject({ sub: user.id, sessionVersion: versionAfterFirst, cart: { count: 2 } });
    expect(await quantityInCart(user.id, 4)).toBe(2);
  });

  it('two requests with the same key at once apply once', async () => {
    const { user, jar } = await createUserAndSignIn();

    const answers = await Promise.all([1, 2].map(() => addToCart(jar, { productId: 5, quantity: 1 }, 'add-5-twice')));

    expect(answers.map((answer) => answer.status)).toEqual([200, 200]);
    expect(await quantityInCart(user.id, 5)).toBe(1);
  });

  it('answers 422 to the same key on a different body or path, and applies nothing', async () => {
    const { user, jar } = await createUserAndSignIn();
    await addToCart(jar, { productId: 6, quantity: 1 }, 'used-once');

    const otherBody = await addToCart(jar, { productId: 6, quantity: 3 }, 'used-once');
    const otherPath = await changeLine(jar, 6, 'PATCH', { quantity: 1 }, 'used-once');

    expect(otherBody.status).toBe(422);
    expect(otherBody.body).toEqual({ error: expect.any(String) });
    expect(otherBody.setCookies).toEqual([]);
    expect(otherPath.status).toBe(422);
    expect(await quantityInCart(user.id, 6)).toBe(1);
  });

  it('without a key, a repeated add applies twice, as before', async () => {
    const { user, jar } = await createUserAndSignIn();

    await addToCart(jar, { productId: 7, quantity: 1 });
    const second = await addToCart(jar, { productId: 7, quantity: 1 });

    expect(second.status).toBe(200);
    expect(second.headers.get('idempotent-replayed')).toBeNull();
    expect(await quantityInCart(user.id, 7)).toBe(2);
  });

  it("another user's request under the same key is applied for that user, never answered with the first user's", async () => {
    const alice = await createUserAndSignIn();
    const bob = await createUserAndSignIn();
    await addToCart(alice.jar, { productId: 8, quantity: 2 }, 'shared-key');

    const bobs = await addToCart(bob.jar, { productId: 8, quantity: 2 }, 'shared-key');

    expect(bobs.status).toBe(200);
    expect(bobs.headers.get('idempotent-replayed')).toBeNull();
    expect(bobs.body).toMatchObject({ session: { user: { email: bob.user.email } } });
    expect(await decodeSessionOf(bob.jar)).toMatchObject({ sub: bob.user.id });
    expect(await quantityInCart(bob.user.id, 8)).toBe(2);
    expect(await quantityInCart(alice.user.id, 8)).toBe(2);
  });

  it.each([
    ['empty', ''],
    ['longer than 200 characters', 'k'.repeat(201)],
    ['not ASCII', 'clé'],
  ])('answers 400 for a key that is %s, and applies nothing', async (_label, key) => {
    const { user, jar } = await createUserAndSignIn();

    const response = await addToCart(jar, { productId: 9, quantity: 1 }, key);

    expect(response.status).toBe(400);
    expect(response.body).toEqual({ error: expect.stringContaining('Idempotency-Key') });
    expect(await quantityInCart(user.id, 9)).toBe(0);
  });

  it('accepts a key of 200 printable characters', async () => {
    const { jar } = await createUserAndSignIn();

    expect((await addToCart(jar, { productId: 9, quantity: 1 }, `${'~ '.repeat(99)}!!`)).status).toBe(200);
  });

  it('a retried add refused with 409 is refused again, though the line has room by then', async () => {
    const { user, jar, store } = await createUserAndSignIn();
    await addToCart(jar, { productId: 10, quantity: 90 });
    const refused = await addToCart(jar, { productId: 10, quantity: 20 }, 'too-many');
    await store.setCartQuantity(user.id, 10, 1);

    const retry = await addToCart(jar, { productId: 10, quantity: 20 }, 'too-many');

    expect(refused.status).toBe(409);
    expect(retry.status).toBe(409);
    expect(retry.body).toEqual(refused.body);
    expect(retry.setCookies).toEqual([]);
    expect(await quantityInCart(user.id, 10)).toBe(1);
  });

  it('a retried DELETE answers 200 again instead of 404', async () => {
    const { user, jar } = await createUserAndSignIn();
    await addToCart(jar, { productId: 11, quantity: 1 });

    const first = await changeLine(jar, 11, 'DELETE', undefined, 'remove-11');
    const retry = await changeLine(jar, 11, 'DELETE', undefined, 'remove-11');

    expect([first.status, retry.status]).toEqual([200, 200]);
    expect(retry.body).toEqual(first.body);
    expect(await quantityInCart(user.id, 11)).toBe(0);
  });

  it('a retried PATCH /api/profile changes the profile once', async () => {
    const { user, jar, store } = await createUserAndSignIn();
    const patch = () => callRoute(profileRoute, { url: '/api/profile', method: 'PATCH', body: { name: 'Once' }, jar, headers: keyed('rename') });

    const first = await patch();
    const retry = await patch();

    expect(retry.status).toBe(200);
    expect(retry.body).toEqual(first.body);
    expect(await store.findUserById(user.id)).toMatchObject({ name: 'Once', sessionVersion: user.sessionVersion + 1 });
  });
});

describe(`Idempotency-Key: at most ${MAX_LIVE_IDEMPOTENCY_KEYS} live keys per user`, () => {
  /** Uses up the user's keys: the first through the route, the rest straight in the store (the route would take a while). */
  async function useKeysUp(jar: TestCookieJar, userId: string) {
    const first = await addToCart(jar, { productId: 12, quantity: 1 }, 'key-0');
    const store = await getStore();
    for (let i = 1; i < MAX_LIVE_IDEMPOTENCY_KEYS; i++) {
      await store.applyOnce({ userId, key: `key-${i}`, requestHash: 'another request', expiresAtMs: Date.now() + 60_000 }, async () => 'nothing written');
    }
    return first;
  }

  it('answers 429 { error } with Retry-After to one fresh key more, writes nothing, and still replays an earlier key', async () => {
    const { user, jar, store } = await createUserAndSignIn();
    const first = await useKeysUp(jar, user.id);
    const before = await store.findUserById(user.id);

    const refused = await addToCart(jar, { productId: 13, quantity: 1 }, 'one-too-many');

    expect(refused.status).toBe(429);
    expect(refused.body).toEqual({ error: expect.stringContaining('Idempotency-Key'), retryAfterSeconds: expect.any(Number) });
    expect(Number(refused.headers.get('retry-after'))).toBe((refused.body as { retryAfterSeconds: number }).retryAfterSeconds);
    expect(refused.setCookies).toEqual([]);
    expect(await quantityInCart(user.id, 13)).toBe(0);
    expect(await store.findUserById(user.id)).toEqual(before);

    const replay = await addToCart(jar, { productId: 12, quantity: 1 }, 'key-0');
    expect(replay.status).toBe(200);
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    expect(replay.body).toEqual(first.body);
  });

  it('refuses a profile change under one fresh key more and leaves the profile as it was', async () => {
    const { user, jar, store } = await createUserAndSignIn();
    await useKeysUp(jar, user.id);
    const before = await store.findUserById(user.id);

    const refused = await callRoute(profileRoute, { url: '/api/profile', method: 'PATCH', body: { name: 'Too Many' }, jar, headers: keyed('rename-too-many') });

    expect(refused.status).toBe(429);
    expect(refused.body).toMatchObject({ error: expect.any(String) });
    expect(await store.findUserById(user.id)).toEqual(before);
  });

  it('still applies a write sent without a key', async () => {
    const { user, jar } = await createUserAndSignIn();
    await useKeysUp(jar, user.id);

    expect((await addToCart(jar, { productId: 14, quantity: 1 }, 'one-too-many')).status).toBe(429);
    expect((await addToCart(jar, { productId: 14, quantity: 1 })).status).toBe(200);
    expect(await quantityInCart(user.id, 14)).toBe(1);
  });
});
