import type { NextApiRequest, NextApiResponse } from 'next';
import type { RequestSession } from '@/lib/session';
import { defineRoute, readMutationBody, requireUserIdForUpdate, sessionOrThrow } from '@/lib/api';
import { productIdSchema, setQuantitySchema } from '@/lib/cart/cart-input';
import { assertCartChanged } from '@/lib/cart/cart-outcome';
import { getStore } from '@/lib/db';

export const config = { api: { bodyParser: false } };

async function setQuantity(req: NextApiRequest, res: NextApiResponse, requestSession: RequestSession, quantity: number) {
  const userId = await requireUserIdForUpdate(requestSession);
  const productId = productIdSchema.parse(req.query.productId);
  const store = await getStore();
  assertCartChanged(await store.setCartQuantity(userId, productId, quantity), productId);
  const session = sessionOrThrow(await requestSession.update());
  res.status(200).json({ cart: await store.getCart(userId), session });
}

export default defineRoute({
  /** PATCH /api/cart/:productId `{ quantity }`; 0 removes the line. */
  PATCH: async (req, res, session) => {
    const body = await readMutationBody(req);
    await setQuantity(req, res, session, setQuantitySchema.parse(body ?? {}).quantity);
  },
  DELETE: async (req, res, session) => {
    await readMutationBody(req);
    await setQuantity(req, res, session, 0);
  },
});
