import 'next-test-api-route-handler';
import * as db from '@/lib/db';
import { LAST_ADDED_COOKIE, readLastAdded, rememberLastAdded } from '@/lib/cart/last-added';
import { StoreUnavailableError } from '@/lib/db/store';
import { demoProduct } from '@/lib/db/seed';
import { callHandler } from '../helpers/session-toolkit';

const USER_ID = '0f8fad5b-d9cb-469f-a165-70867728950e';
const OTHER_USER_ID = '7c9e6679-7425-40de-944b-e07fc1f90ae7';

/** The cookies of a request as Next parses them (`req.cookies`: each value already decoded once), with the hint set to `value`. */
const cookiesWith = (value: string) => ({ theme: 'dark', [LAST_ADDED_COOKIE]: value });

afterEach(() => jest.restoreAllMocks());

describe('rememberLastAdded', () => {
  it("writes the user's id and the product id in an httpOnly, SameSite=Lax cookie on Path=/ that ends with the browser session", async () => {
    const response = await callHandler(async (req, res) => {
      await rememberLastAdded({ req, res }, USER_ID, 42);
      res.status(200).end();
    });

    expect(response.setCookies).toEqual([expect.objectContaining({ name: LAST_ADDED_COOKIE, value: `${USER_ID}.42`, httpOnly: true, sameSite: 'lax', path: '/' })]);
    expect(response.setCookies[0]?.maxAge).toBeUndefined();
    expect(response.setCookies[0]?.expires).toBeUndefined();
  });
});

describe('readLastAdded', () => {
  it('answers the product the cookie names for the signed-in user, from the catalog', async () => {
    expect(await readLastAdded(cookiesWith(`${USER_ID}.7`), USER_ID)).toEqual({ id: 7, name: demoProduct(7).name });
  });

  it('answers null without the cookie', async () => {
    expect(await readLastAdded({ theme: 'dark' }, USER_ID)).toBeNull();
  });

  it('answers null for a signed-out visitor: the hint outlives the sign-out, not its display', async () => {
    expect(await readLastAdded(cookiesWith(`${USER_ID}.7`), null)).toBeNull();
  });

  it("answers null for another user's hint on the same browser", async () => {
    expect(await readLastAdded(cookiesWith(`${USER_ID}.7`), OTHER_USER_ID)).toBeNull();
  });

  it.each(['', '7', '.7', `${USER_ID}`, `${USER_ID}.`, `x${USER_ID}.7`, `${USER_ID}x.7`, `${USER_ID}:7`])("answers null for a value that is not the user's hint: %j", async (value) => {
    expect(await readLastAdded(cookiesWith(value), USER_ID)).toBeNull();
  });

  it.each(['0', '-1', '07', '3.5', '1e3', 'abc', '1234567890', '7; other=1', '%E0', '%'])('answers null for a product part that is no product id: %j', async (value) => {
    expect(await readLastAdded(cookiesWith(`${USER_ID}.${value}`), USER_ID)).toBeNull();
  });

  // Next leaves a value it cannot decode as sent; decoding it again (cookies-next's getCookie) threw URIError: a 500 on /shop.
  it.each(['%E0', '%', '%E0%A4%A', `${USER_ID}.%E0`])('answers null for a malformed percent sequence, never throwing: %j', async (value) => {
    expect(await readLastAdded(cookiesWith(value), USER_ID)).toBeNull();
  });

  it('answers null for a product no longer in the catalog', async () => {
    expect(await readLastAdded(cookiesWith(`${USER_ID}.999999`), USER_ID)).toBeNull();
  });

  it('answers null during a store outage: the hint never fails the page', async () => {
    jest.spyOn(db, 'getStore').mockRejectedValue(new StoreUnavailableError());

    expect(await readLastAdded(cookiesWith(`${USER_ID}.7`), USER_ID)).toBeNull();
  });

  it('lets any other error through', async () => {
    jest.spyOn(db, 'getStore').mockRejectedValue(new TypeError('a bug'));

    await expect(readLastAdded(cookiesWith(`${USER_ID}.7`), USER_ID)).rejects.toThrow('a bug');
  });
});
