import type { IncomingMessage, ServerResponse } from 'node:http';
import { getCookie, setCookie } from 'cookies-next/server';
import { getAuthOptions } from '../auth';
import { getStore } from '../db';
import { StoreUnavailableError } from '../db/store';

/**
 * The product last added to the cart: a cookie of the shop's own beside the session's (the
 * session is for who the user is and what the server checks; this is only a hint for the
 * shop page). Written with cookies-next in the same route as the session update.
 */
export const LAST_ADDED_COOKIE = 'last-added-product';

/** A request and its answer, as an API route and `getServerSideProps` both have them. */
export interface CookieContext {
  req: IncomingMessage & { cookies?: Partial<Record<string, string>> };
  res: ServerResponse;
}

export interface LastAddedProduct {
  id: number;
  name: string;
}

const PRODUCT_ID = /^[1-9]\d{0,8}$/;

/** No Max-Age: the hint lasts as long as the browser session, not beyond. Secure as the session cookie is. */
export function rememberLastAdded({ req, res }: CookieContext, productId: number): Promise<void> {
  const secure = getAuthOptions().useSecureCookies === true;
  return setCookie(LAST_ADDED_COOKIE, String(productId), { req, res, httpOnly: true, sameSite: 'lax', path: '/', secure });
}

/**
 * The product the cookie names, for the shop page: null without the cookie, for a value
 * that is not a product id (the browser sends what it likes), for a product no longer in
 * the catalog, and during a store outage (a hint is not worth a failed page).
 */
export async function readLastAdded(context: CookieContext): Promise<LastAddedProduct | null> {
  const value = await getCookie(LAST_ADDED_COOKIE, context);
  if (value === undefined || !PRODUCT_ID.test(value)) return null;
  try {
    const product = await (await getStore()).findProduct(Number(value));
    return product && { id: product.id, name: product.name };
  } catch (error) {
    if (error instanceof StoreUnavailableError) return null;
    throw error;
  }
}
