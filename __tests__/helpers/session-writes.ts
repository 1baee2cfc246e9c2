import type { Store } from '@/lib/db/store';
import type { TestCookieJar } from 'next-auth-server-session/testing';
import * as cartLineRoute from '@/pages/api/cart/[productId]';
import * as cartRoute from '@/pages/api/cart';
import * as profileRoute from '@/pages/api/profile';
import { callRoute, type RouteResult } from './routes';
import { SESSION_COOKIE, sessionCookieWritesOf } from './session-cookie';

/** The product every write below touches; `addLineFirst` puts one of it in the cart. */
export const WRITTEN_PRODUCT = 3;

export interface SessionWrite {
  label: string;
  /** The store method the route's write goes through (without a key: the store's own). */
  storeMethod: 'addToCart' | 'setCartQuantity' | 'updateProfile' | 'applyOnce';
  send(jar: TestCookieJar): Promise<RouteResult>;
}

const changeLine = (jar: TestCookieJar, method: 'PATCH' | 'DELETE', body?: unknown) =>
  callRoute(cartLineRoute, { url: `/api/cart/${WRITTEN_PRODUCT}`, method, params: { productId: String(WRITTEN_PRODUCT) }, body, jar });

const ADD_TO_CART: SessionWrite = {
  label: 'adding to the cart',
  storeMethod: 'addToCart',
  send: (jar) => callRoute(cartRoute, { url: '/api/cart', method: 'POST', body: { productId: WRITTEN_PRODUCT, quantity: 1 }, jar }),
};

export const CHANGE_PROFILE: SessionWrite = {
  label: 'changing the profile',
  storeMethod: 'updateProfile',
  send: (jar) => callRoute(profileRoute, { url: '/api/profile', method: 'PATCH', body: { name: 'Never Written', preferences: { theme: 'dark' } }, jar }),
};

/** Every write a signed-in user makes through the API on their own session's behalf. */
export const SESSION_WRITES: SessionWrite[] = [
  ADD_TO_CART,
  { label: 'changing a quantity', storeMethod: 'setCartQuantity', send: (jar) => changeLine(jar, 'PATCH', { quantity: 5 }) },
  { label: 'removing a line', storeMethod: 'setCartQuantity', send: (jar) => changeLine(jar, 'DELETE') },
  CHANGE_PROFILE,
  {
    label: 'adding to the cart under an Idempotency-Key',
    storeMethod: 'applyOnce',
    send: (jar) =>
      callRoute(cartRoute, { url: '/api/cart', method: 'POST', body: { productId: WRITTEN_PRODUCT, quantity: 1 }, headers: { 'idempotency-key': 'racing-write' }, jar }),
  },
];

/** Puts one of WRITTEN_PRODUCT in the cart through the route, so the jar holds a fresh token. */
export async function addLineFirst(jar: TestCookieJar): Promise<void> {
  const added = await ADD_TO_CART.send(jar);
  if (added.status !== 200) throw new Error(`could not add the first line: ${added.status}`);
}

/** What a write could change: the user's row (profile, versions) and their cart. */
export async function readWrittenState(store: Store, userId: string) {
  return { user: await store.findUserById(userId), cart: await store.getCart(userId) };
}

/** A refused session: 401 and every session-cookie variant expired (the default budget: 3 chunks). */
export function expectSessionRefused(response: RouteResult): void {
  expect(response.status).toBe(401);
  expect(sessionCookieWritesOf(response.setCookies)).toEqual({
    written: [],
    expired: [SESSION_COOKIE, `${SESSION_COOKIE}.0`, `${SESSION_COOKIE}.1`, `${SESSION_COOKIE}.2`],
    duplicated: [],
  });
}
