import { defineRoute, readMutationBody, refuseEndedSession, requireSessionForWrite } from '@/lib/api';
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
    const { userId, guard } = await requireSessionForWrite(session);
    // A session that ended meanwhile revokes nothing: not the sessions begun since.
    if (!(await (await getStore()).revokeSessions(userId, Date.now(), guard))) await refuseEndedSession(session, userId);
    getSessionStates().forget(userId);
    await session.end();
    res.status(200).json({ revoked: true });
  },
});
