import 'next-test-api-route-handler';
import * as db from '@/lib/db';
import { LAST_ADDED_COOKIE, readLastAdded, rememberLastAdded, type CookieContext } from '@/lib/cart/last-added';
import { StoreUnavailableError } from '@/lib/db/store';
import { demoProduct } from '@/lib/db/seed';
import { callHandler } from '../helpers/session-toolkit';

/** What `getServerSideProps` gets: a request whose cookies Next has parsed, and its answer. */
function contextWith(cookies: Record<string, string>): CookieContext {
  return { req: { headers: {}, cookies } as CookieContext['req'], res: {} as CookieContext['res'] };
}

afterEach(() => jest.restoreAllMocks());

describe('rememberLastAdded', () => {
  it('writes the product id in an httpOnly, SameSite=Lax cookie on Path=/ that ends with the browser session', async () => {
    const response = await callHandler(async (req, res) => {
      await rememberLastAdded({ req, res }, 42);
      res.status(200).end();
    });

    expect(response.setCookies).toEqual([expect.objectContaining({ name: LAST_ADDED_COOKIE, value: '42', httpOnly: true, sameSite: 'lax', path: '/' })]);
    expect(response.setCookies[0]?.maxAge).toBeUndefined();
    expect(response.setCookies[0]?.expires).toBeUndefined();
  });
});

describe('readLastAdded', () => {
  it('answers the product the cookie names, from the catalog', async () => {
    expect(await readLastAdded(contextWith({ [LAST_ADDED_COOKIE]: '7' }))).toEqual({ id: 7, name: demoProduct(7).name });
  });

  it('answers null without the cookie', async () => {
    expect(await readLastAdded(contextWith({ theme: 'dark' }))).toBeNull();
  });

  it.each(['', '0', '-1', '07', '3.5', '1e3', 'abc', '1234567890', '7; other=1'])('answers null for a value that is no product id: %j', async (value) => {
    expect(await readLastAdded(contextWith({ [LAST_ADDED_COOKIE]: value }))).toBeNull();
  });

  it('answers null for a product no longer in the catalog', async () => {
    expect(await readLastAdded(contextWith({ [LAST_ADDED_COOKIE]: '999999' }))).toBeNull();
  });

  it('answers null during a store outage: the hint never fails the page', async () => {
    jest.spyOn(db, 'getStore').mockRejectedValue(new StoreUnavailableError());

    expect(await readLastAdded(contextWith({ [LAST_ADDED_COOKIE]: '7' }))).toBeNull();
  });

  it('lets any other error through', async () => {
    jest.spyOn(db, 'getStore').mockRejectedValue(new TypeError('a bug'));

    await expect(readLastAdded(contextWith({ [LAST_ADDED_COOKIE]: '7' }))).rejects.toThrow('a bug');
  });
});
