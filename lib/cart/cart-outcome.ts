import type { MutationAnswer } from '../api/idempotency';
import { refuseEndedSession, sessionOrThrow } from '../api/require-session';
import { RouteError } from '../api/route-error';
import { getStore } from '../db';
import { type AddToCartResult, MAX_LINE_QUANTITY, type SetQuantityResult } from '../db/store';
import type { RequestSession } from 'next-auth-server-session';

type CartChangeResult = AddToCartResult | SetQuantityResult;
/** Outcomes that end the session rather than fail the change (see answerCartChange). */
type SessionRefusal = 'session-ended' | 'unknown-user';

/** Maps a cart change's outcome to HTTP: returns for a change that happened, throws otherwise. */
export function assertCartChanged(result: Exclude<CartChangeResult, SessionRefusal>, productId: number): void {
  switch (result) {
    case 'added':
    case 'updated':
    case 'removed':
      return;
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
 * re-projected from the store, and the cart as it now is. For `answerMutation`. A change
 * the store refused because the session ended meanwhile (revoked, disabled, deleted) ends
 * it here too: 401 with every session cookie expired.
 */
export function answerCartChange(session: RequestSession, userId: string, productId: number) {
  return async (outcome: CartChangeResult): Promise<MutationAnswer> => {
    if (outcome === 'session-ended' || outcome === 'unknown-user') return refuseEndedSession(session, userId);
    assertCartChanged(outcome, productId);
    const issued = sessionOrThrow(await session.update());
    return { status: 200, body: { cart: await (await getStore()).getCart(userId), session: issued } };
  };
}
