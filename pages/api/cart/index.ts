import { defineRoute, HttpError, readMutationBody, requireUserId, sessionOrThrow } from '@/lib/api';
import { updateSession } from '@/lib/auth';
import { addToCartSchema } from '@/lib/cart/cart-input';
import { getStore, MAX_LINE_QUANTITY } from '@/lib/db';

export const config = { api: { bodyParser: false } };

export default defineRoute({
  GET: async (req, res) => {
    const userId = await requireUserId(req, res);
    res.status(200).json(await (await getStore()).getCart(userId));
  },

  /** POST /api/cart `{ productId, quantity }`: adds to the line (1-99 in all). */
  POST: async (req, res) => {
    const body = await readMutationBody(req);
    const userId = await requireUserId(req, res);
    const { productId, quantity } = addToCartSchema.parse(body ?? {});
    const store = await getStore();
    const result = await store.addToCart(userId, productId, quantity);
    if (result === 'unknown-user') throw new HttpError(401, 'Not signed in');
    if (result === 'unknown-product') throw new HttpError(404, `Product ${productId} not found`);
    if (result === 'limit-exceeded') {
      throw new HttpError(409, `At most ${MAX_LINE_QUANTITY} of one product per cart`, { limit: MAX_LINE_QUANTITY });
    }
    const session = sessionOrThrow(await updateSession(req, res));
    res.status(200).json({ cart: await store.getCart(userId), session });
  },
});
