import type { NextApiRequest, NextApiResponse } from 'next';
import { defineRoute, HttpError, readMutationBody, requireUserId, sessionOrThrow } from '@/lib/api';
import { updateSession } from '@/lib/auth';
import { productIdSchema, setQuantitySchema } from '@/lib/cart/cart-input';
import { getStore } from '@/lib/db';

export const config = { api: { bodyParser: false } };

async function setQuantity(req: NextApiRequest, res: NextApiResponse, quantity: number) {
  const userId = await requireUserId(req, res);
  const productId = productIdSchema.parse(req.query.productId);
  const store = await getStore();
  const result = await store.setCartQuantity(userId, productId, quantity);
  if (result === 'not-in-cart') throw new HttpError(404, `Product ${productId} is not in the cart`);
  if (result === 'unknown-user') throw new HttpError(401, 'Not signed in');
  const session = sessionOrThrow(await updateSession(req, res));
  res.status(200).json({ cart: await store.getCart(userId), session });
}

export default defineRoute({
  /** PATCH /api/cart/:productId `{ quantity }`; 0 removes the line. */
  PATCH: async (req, res) => {
    const body = await readMutationBody(req);
    await setQuantity(req, res, setQuantitySchema.parse(body ?? {}).quantity);
  },
  DELETE: async (req, res) => {
    await readMutationBody(req);
    await setQuantity(req, res, 0);
  },
});
