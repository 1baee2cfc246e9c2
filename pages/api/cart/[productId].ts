import type { NextApiRequest, NextApiResponse } from 'next';
import type { RequestSession } from 'next-auth-server-session';
import { answerMutation, assertNoMutationBody, defineRoute, readMutationBody, requireSessionForWrite } from '@/lib/api';
import { productIdSchema, setQuantitySchema } from '@/lib/cart/cart-input';
import { answerCartChange } from '@/lib/cart/cart-outcome';

export const config = { api: { bodyParser: false } };

/** Once per Idempotency-Key, like every mutation. */
async function setQuantity(req: NextApiRequest, res: NextApiResponse, requestSession: RequestSession, body: unknown, quantity: number) {
  const { userId, guard } = await requireSessionForWrite(requestSession);
  const productId = productIdSchema.parse(req.query.productId);
  await answerMutation(
    { req, res, session: requestSession, userId, body },
    (writes) => writes.setCartQuantity(userId, productId, quantity, guard),
    answerCartChange(requestSession, userId, productId),
  );
}

export default defineRoute({
  /** PATCH /api/cart/:productId `{ quantity }`; 0 removes the line. */
  PATCH: async (req, res, session) => {
    const body = await readMutationBody(req);
    await setQuantity(req, res, session, body, setQuantitySchema.parse(body ?? {}).quantity);
  },
  /** DELETE /api/cart/:productId, without a body (400 for one). */
  DELETE: async (req, res, session) => {
    await assertNoMutationBody(req);
    await setQuantity(req, res, session, undefined, 0);
  },
});
