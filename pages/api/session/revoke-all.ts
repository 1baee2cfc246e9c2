import { defineRoute, readMutationBody, requireUserId } from '@/lib/api';
import { getSessionStates } from '@/lib/auth';
import { getStore } from '@/lib/db';

export const config = { api: { bodyParser: false } };

/**
 * POST /api/session/revoke-all: "sign out everywhere". Every session of this user that
 * began before now is refused from its next request on, on every instance; this
 * response also expires this browser's cookies.
 */
export default defineRoute({
  POST: async (req, res, session) => {
    await readMutationBody(req);
    const userId = await requireUserId(session);
    await (await getStore()).revokeSessions(userId, Date.now());
    getSessionStates().forget(userId);
    await session.end();
    res.status(200).json({ revoked: true });
  },
});
