import { defineRoute, readMutationBody, requireUserId, requireUserIdForUpdate, sessionOrThrow } from '@/lib/api';
import { updateSession } from '@/lib/auth';
import { addToCartSchema } from '@/lib/cart/cart-input';
import { assertCartChanged } from '@/lib/cart/cart-outcome';
import { getStore } from '@/lib/db';

export const config = { api: { bodyParser: false } };

export default defineRoute({
  GET: async (req, res) => {
    const userId = await requireUserId(req, res);
    res.status(200).json(await (await getStore()).getCart(userId));
  },

  /** POST /api/cart `{ productId, quantity }`: adds to the line (1-99 in all). */
  POST: async (req, res) => {
    const body = await readMutationBody(req);
    const userId = await requireUserIdForUpdate(req, res);
    const { productId, quantity } = addToCartSchema.parse(body ?? {});
    const store = await getStore();
    assertCartChanged(await store.addToCart(userId, productId, quantity), productId);
    const session = sessionOrThrow(await updateSession(req, res));
    res.status(200).json({ cart: await store.getCart(userId), session });
  },
});
