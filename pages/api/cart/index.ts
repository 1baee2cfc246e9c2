import { answerMutation, defineRoute, readMutationBody, requireSessionForWrite, requireUserId } from '@/lib/api';
import { addToCartSchema } from '@/lib/cart/cart-input';
import { answerCartChange } from '@/lib/cart/cart-outcome';
import { rememberLastAdded } from '@/lib/cart/last-added';
import { getStore } from '@/lib/db';

export const config = { api: { bodyParser: false } };

export default defineRoute({
  GET: async (_req, res, session) => {
    const userId = await requireUserId(session);
    res.status(200).json(await (await getStore()).getCart(userId));
  },

  /** POST /api/cart `{ productId, quantity }`: adds to the line (1-99 in all); once per Idempotency-Key. */
  POST: async (req, res, requestSession) => {
    const body = await readMutationBody(req);
    const { userId, guard } = await requireSessionForWrite(requestSession);
    const { productId, quantity } = addToCartSchema.parse(body ?? {});
    await answerMutation(
      { req, res, session: requestSession, userId, body },
      (writes) => writes.addToCart(userId, productId, quantity, guard),
      async (outcome) => {
        const reply = await answerCartChange(requestSession, userId, productId)(outcome); // throws when nothing was added
        await rememberLastAdded({ req, res }, userId, productId); // the shop page's hint, beside the session
        return reply;
      },
    );
  },
});
