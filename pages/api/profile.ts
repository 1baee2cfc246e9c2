import { answerMutation, defineRoute, RouteError, NOT_SIGNED_IN, readMutationBody, refuseEndedSession, requireSessionForWrite, requireUserId, sessionOrThrow } from '@/lib/api';
import { sessionPatchSchema } from '@/lib/auth/session-patch';
import { getStore } from '@/lib/db';
import type { UserRecord } from '@/lib/db/store';

export const config = { api: { bodyParser: false } };

function toProfile(user: UserRecord) {
  return { id: user.id, name: user.name, email: user.email, role: user.role, preferences: user.preferences };
}

export default defineRoute({
  GET: async (_req, res, session) => {
    const userId = await requireUserId(session);
    const user = await (await getStore()).findUserById(userId);
    if (!user) throw new RouteError(401, NOT_SIGNED_IN);
    res.status(200).json({ profile: toProfile(user) });
  },

  /** PATCH /api/profile `{ name?, preferences? }`: the store first, then the session; once per Idempotency-Key. */
  PATCH: async (req, res, requestSession) => {
    const body = await readMutationBody(req);
    const { userId, guard } = await requireSessionForWrite(requestSession);
    const change = sessionPatchSchema.parse(body ?? {});
    await answerMutation(
      { req, res, session: requestSession, userId, body },
      (writes) => writes.updateProfile(userId, change, guard),
      async (user) => {
        // The guard failed: revoked, disabled or deleted since the session was checked.
        if (!user) return refuseEndedSession(requestSession, userId);
        const session = sessionOrThrow(await requestSession.update());
        return { status: 200, body: { profile: toProfile(user), session } };
      },
    );
  },
});
