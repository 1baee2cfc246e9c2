import 'next-test-api-route-handler';
import { getStore } from '@/lib/db';
import * as cartRoute from '@/pages/api/cart';
import * as cartLineRoute from '@/pages/api/cart/[productId]';
import * as productsRoute from '@/pages/api/products';
import { type TestCookieJar } from 'next-auth-server-session/testing';
import { callRoute } from '../helpers/routes';
import { decodeSessionOf } from '../helpers/session-cookie';
import { signInAsAlice } from '../helpers/sign-in';

function addToCart(jar: TestCookieJar, body: unknown) {
  return callRoute(cartRoute, { url: '/api/cart', method: 'POST', body, jar });
}

function changeLine(jar: TestCookieJar, productId: string, method: 'PATCH' | 'DELETE', body?: unknown) {
  return callRoute(cartLineRoute, { url: `/api/cart/${productId}`, method, params: { productId }, body, jar });
}

describe('cart routes', () => {
  let jar: TestCookieJar;
  beforeEach(async () => {
    jar = await signInAsAlice();
    const cart = await callRoute(cartRoute, { url: '/api/cart', jar });
    for (const line of (cart.body as { items: { productId: number }[] }).items) {
      await changeLine(jar, String(line.productId), 'DELETE');
    }
  });

  it('adds a product and the session projects count, total and lines', async () => {
    const response = await addToCart(jar, { productId: 3, quantity: 2 });

    expect(response.status).toBe(200);
    const product = await (await getStore()).findProduct(3);
    const expected = { count: 2, totalCents: 2 * (product?.priceCents ?? 0), items: [{ productId: 3, quantity: 2 }] };
    expect(response.body).toMatchObject({ session: { cart: expected } });
    expect((await decodeSessionOf(jar))?.cart).toEqual(expected);
    expect(response.headers.get('x-revalidate-session')).toBe('true');
  });

  it('GET /api/cart returns the lines with names and prices', async () => {
    await addToCart(jar, { productId: 5, quantity: 1 });

    const response = await callRoute(cartRoute, { url: '/api/cart', jar });

    expect(response.body).toMatchObject({ count: 1, items: [{ productId: 5, quantity: 1, name: expect.any(String), priceCents: expect.any(Number) }] });
  });

  it('answers 404 for an unknown product', async () => {
    const response = await addToCart(jar, { productId: 999999, quantity: 1 });

    expect(response.status).toBe(404);
    expect(response.setCookies).toEqual([]);
  });

  it.each([
    ['quantity 0', { productId: 1, quantity: 0 }],
    ['quantity 100', { productId: 1, quantity: 100 }],
    ['a fractional quantity', { productId: 1, quantity: 1.5 }],
    ['a missing productId', { quantity: 1 }],
    ['an extra key', { productId: 1, quantity: 1, priceCents: 0 }],
  ])('answers 400 for %s', async (_label, body) => {
    const response = await addToCart(jar, body);

    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({ error: expect.any(String), issues: expect.any(Array) });
  });

  it('answers 409 past 99 of one product and keeps the line as it was', async () => {
    await addToCart(jar, { productId: 7, quantity: 60 });

    const response = await addToCart(jar, { productId: 7, quantity: 40 });

    expect(response.status).toBe(409);
    expect((await decodeSessionOf(jar))?.cart?.items).toEqual([{ productId: 7, quantity: 60 }]);
  });

  it('PATCH sets the quantity and 0 removes the line', async () => {
    await addToCart(jar, { productId: 8, quantity: 1 });

    const updated = await changeLine(jar, '8', 'PATCH', { quantity: 4 });
    expect(updated.body).toMatchObject({ session: { cart: { count: 4 } } });

    const removed = await changeLine(jar, '8', 'PATCH', { quantity: 0 });
    expect(removed.status).toBe(200);
    expect((await decodeSessionOf(jar))?.cart).toMatchObject({ count: 0, items: [] });
  });

  it('DELETE removes the line; a second DELETE answers 404', async () => {
    await addToCart(jar, { productId: 9, quantity: 2 });

    expect((await changeLine(jar, '9', 'DELETE')).status).toBe(200);
    expect((await changeLine(jar, '9', 'DELETE')).status).toBe(404);
  });

  it('answers 400 for a non-numeric product id in the path', async () => {
    const response = await changeLine(jar, 'abc', 'PATCH', { quantity: 1 });

    expect(response.status).toBe(400);
  });

  it('answers 401 without a session', async () => {
    const response = await callRoute(cartRoute, { url: '/api/cart', method: 'POST', body: { productId: 1, quantity: 1 } });

    expect(response.status).toBe(401);
  });
});

describe('GET /api/products', () => {
  it('pages the catalog', async () => {
    const first = await callRoute(productsRoute, { url: '/api/products?page=1&pageSize=10' });
    const second = await callRoute(productsRoute, { url: '/api/products?page=2&pageSize=10' });

    const page1 = first.body as { items: { id: number }[]; total: number };
    const page2 = second.body as { items: { id: number }[] };
    expect(page1.items).toHaveLength(10);
    expect(page1.total).toBeGreaterThanOrEqual(200);
    expect(page2.items[0]?.id).toBeGreaterThan(page1.items[9]?.id ?? Infinity);
  });

  it('answers 400 for a page size over 100', async () => {
    const response = await callRoute(productsRoute, { url: '/api/products?pageSize=1000' });

    expect(response.status).toBe(400);
  });
});

describe('DELETE /api/cart/:productId takes no body', () => {
  /** 8,000 nested arrays: under the 16 KB limit, and deeper than JSON.stringify can hash. */
  const deepBody = `${'['.repeat(8000)}${']'.repeat(8000)}`;

  function deleteWithBody(jar: TestCookieJar, body: string, headers: Record<string, string> = {}) {
    return callRoute(cartLineRoute, {
      url: '/api/cart/3',
      method: 'DELETE',
      params: { productId: '3' },
      headers: { 'content-type': 'application/json', ...headers },
      body,
      jar,
    });
  }

  it('answers 4xx JSON, not 500, to a deeply nested body sent with an Idempotency-Key', async () => {
    const jar = await signInAsAlice();

    const response = await deleteWithBody(jar, deepBody, { 'idempotency-key': 'deep-delete-1' });

    expect(response.status).toBeGreaterThanOrEqual(400);
    expect(response.status).toBeLessThan(500);
    expect(response.body).toMatchObject({ error: expect.any(String) });
  });

  it.each([['{}'], ['null'], ['{"quantity":0}']])('answers 400 { error } to a DELETE with the body %s, and leaves the line', async (body) => {
    const jar = await signInAsAlice();
    await addToCart(jar, { productId: 3, quantity: 1 });
    const before = (await callRoute(cartRoute, { url: '/api/cart', jar })).body;

    const response = await deleteWithBody(jar, body);

    expect(response).toMatchObject({ status: 400, body: { error: expect.any(String) } });
    expect((await callRoute(cartRoute, { url: '/api/cart', jar })).body).toEqual(before);
    expect(before).toMatchObject({ items: expect.arrayContaining([expect.objectContaining({ productId: 3 })]) });
  });
});
