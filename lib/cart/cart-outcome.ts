import { NOT_SIGNED_IN } from '../api/require-session';
import { RouteError } from '../api/route-error';
import { type AddToCartResult, MAX_LINE_QUANTITY, type SetQuantityResult } from '../db/store';

/** Maps a cart change's outcome to HTTP: returns for a change that happened, throws otherwise. */
export function assertCartChanged(result: AddToCartResult | SetQuantityResult, productId: number): void {
  switch (result) {
    case 'added':
    case 'updated':
    case 'removed':
      return;
    case 'unknown-user':
      throw new RouteError(401, NOT_SIGNED_IN);
    case 'unknown-product':
      throw new RouteError(404, `Product ${productId} not found`);
    case 'not-in-cart':
      throw new RouteError(404, `Product ${productId} is not in the cart`);
    case 'limit-exceeded':
      throw new RouteError(409, `At most ${MAX_LINE_QUANTITY} of one product per cart`, { limit: MAX_LINE_QUANTITY });
    case 'invalid-quantity':
      throw new RouteError(400, `Quantity must be a whole number from 1 to ${MAX_LINE_QUANTITY}`);
  }
}
