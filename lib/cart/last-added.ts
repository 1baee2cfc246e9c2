import type { IncomingMessage, ServerResponse } from 'node:http';
import { setCookie } from 'cookies-next/server';
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
/** Between the user id and the product id: encodeURIComponent keeps it as is, so the cookie reads as it was written. */
const SEPARATOR = '.';

/**
 * The hint names its user as well as the product: on a shared browser it outlives a sign-out
 * (nothing clears it), and only the user who added the product is shown it. No Max-Age: it
 * lasts as long as the browser session, not beyond. Secure as the session cookie is.
 */
export function rememberLastAdded({ req, res }: CookieContext, userId: string, productId: number): Promise<void> {
  const secure = getAuthOptions().useSecureCookies === true;
  return setCookie(LAST_ADDED_COOKIE, `${userId}${SEPARATOR}${productId}`, { req, res, httpOnly: true, sameSite: 'lax', path: '/', secure });
}

/** The product id of a hint written for `userId`; null for another user's hint, or for anything else. */
function productIdFor(value: string | undefined, userId: string): number | null {
  if (value === undefined) return null;
  const at = value.lastIndexOf(SEPARATOR);
  if (at < 0 || value.slice(0, at) !== userId) return null;
  const productId = value.slice(at + 1);
  return PRODUCT_ID.test(productId) ? Number(productId) : null;
}

/**
 * The product the hint names, for the shop page of `userId` (null when signed out): null
 * without the cookie, for another user's hint, for a value that is no hint (the browser sends
 * what it likes), for a product no longer in the catalog, and during a store outage (a hint
 * is not worth a failed page).
 *
 * Takes the cookies as Next parsed them (`req.cookies`): each value decoded once, a malformed
 * `%` sequence left as sent. cookies-next's `getCookie` decodes them a second time, which
 * throws `URIError` on a value such as `%E0`.
 * @example
 * const session = await getServerSession(req, res, authOptions);
 * const lastAdded = await readLastAdded(req.cookies, session?.user.id ?? null);
 */
export async function readLastAdded(cookies: Partial<Record<string, string>>, userId: string | null): Promise<LastAddedProduct | null> {
  if (!userId) return null;
  const productId = productIdFor(cookies[LAST_ADDED_COOKIE], userId);
  if (productId === null) return null;
  try {
    const product = await (await getStore()).findProduct(productId);
    return product && { id: product.id, name: product.name };
  } catch (error) {
    if (error instanceof StoreUnavailableError) return null;
    throw error;
  }
}
