import { defineRoute, readMutationBody, requireUserId, requireUserIdForUpdate, sessionOrThrow } from '@/lib/api';
import { addToCartSchema } from '@/lib/cart/cart-input';
import { assertCartChanged } from '@/lib/cart/cart-outcome';
import { getStore } from '@/lib/db';

export const config = { api: { bodyParser: false } };

export default defineRoute({
  GET: async (_req, res, session) => {
    const userId = await requireUserId(session);
    res.status(200).json(await (await getStore()).getCart(userId));
  },

  /** POST /api/cart `{ productId, quantity }`: adds to the line (1-99 in all). */
  POST: async (req, res, requestSession) => {
    const body = await readMutationBody(req);
    const userId = await requireUserIdForUpdate(requestSession);
    const { productId, quantity } = addToCartSchema.parse(body ?? {});
    const store = await getStore();
    assertCartChanged(await store.addToCart(userId, productId, quantity), productId);
    const session = sessionOrThrow(await requestSession.update());
    res.status(200).json({ cart: await store.getCart(userId), session });
  },
});
