import { z } from 'zod';
import { defineRoute, readMutationBody, sessionOrThrow } from '@/lib/api';

export const config = { api: { bodyParser: false } };

/** Mirrors next-auth's `update(data)`; the data itself is checked by the session patch policy. */
const refreshBodySchema = z.strictObject({ data: z.unknown().optional() });

/**
 * POST /api/session/refresh `{ data?: { name?, preferences? } }`: applies the patch and
 * re-syncs every claim from the store. An empty body only re-syncs.
 */
export default defineRoute({
  POST: async (req, res, requestSession) => {
    const body = refreshBodySchema.parse((await readMutationBody(req)) ?? {});
    const session = sessionOrThrow(await requestSession.update(body.data));
    res.status(200).json({ session });
  },
});
