import type { NextApiRequest, NextApiResponse } from 'next';
import { defineRoute, readMutationBody, requireUserIdForUpdate, sessionOrThrow } from '@/lib/api';
import { updateSession } from '@/lib/auth';
import { productIdSchema, setQuantitySchema } from '@/lib/cart/cart-input';
import { assertCartChanged } from '@/lib/cart/cart-outcome';
import { getStore } from '@/lib/db';

export const config = { api: { bodyParser: false } };

async function setQuantity(req: NextApiRequest, res: NextApiResponse, quantity: number) {
  const userId = await requireUserIdForUpdate(req, res);
  const productId = productIdSchema.parse(req.query.productId);
  const store = await getStore();
  assertCartChanged(await store.setCartQuantity(userId, productId, quantity), productId);
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
