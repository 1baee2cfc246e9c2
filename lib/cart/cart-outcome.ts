import type { MutationAnswer } from '../api/idempotency';
import { NOT_SIGNED_IN, sessionOrThrow } from '../api/require-session';
import { RouteError } from '../api/route-error';
import { getStore } from '../db';
import { type AddToCartResult, MAX_LINE_QUANTITY, type SetQuantityResult } from '../db/store';
import type { RequestSession } from '../session';

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

/**
 * The answer of every cart change (add, set, remove): the outcome checked, the session
 * re-projected from the store, and the cart as it now is. For `answerMutation`.
 */
export function answerCartChange(session: RequestSession, userId: string, productId: number) {
  return async (outcome: AddToCartResult | SetQuantityResult): Promise<MutationAnswer> => {
    assertCartChanged(outcome, productId);
    const issued = sessionOrThrow(await session.update());
    return { status: 200, body: { cart: await (await getStore()).getCart(userId), session: issued } };
  };
}
