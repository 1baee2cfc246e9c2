import { z } from 'zod';
import { defineRoute, readMutationBody, refuseEndedSession, requireAdminForWrite, RouteError } from '@/lib/api';
import { getSessionStates } from '@/lib/auth';
import { getStore } from '@/lib/db';

export const config = { api: { bodyParser: false } };

const roleChangeSchema = z.strictObject({ role: z.enum(['member', 'admin']) });

/**
 * PATCH /api/admin/users/:id `{ role }`. The target's sessionVersion is bumped, so their
 * very next request (any instance) carries the new role. 409 for the last enabled admin.
 */
export default defineRoute({
  PATCH: async (req, res, session) => {
    const body = await readMutationBody(req);
    const { userId: actorId, guard } = await requireAdminForWrite(session);
    const { role } = roleChangeSchema.parse(body ?? {});
    const id = z.string().min(1).max(200).parse(req.query.id);
    const store = await getStore();
    // The actor's role and session are checked again in the change's own transaction
    // (demoted meanwhile: 403; signed out everywhere or disabled meanwhile: 401).
    const result = await store.setRoleAs(actorId, id, role, guard);
    getSessionStates().forget(id);
    if (result === 'session-ended') await refuseEndedSession(session, actorId);
    if (result === 'forbidden') throw new RouteError(403, 'Admins only');
    if (result === 'unknown-user') throw new RouteError(404, 'User not found');
    if (result === 'last-admin') throw new RouteError(409, 'The last admin cannot be demoted');
    const user = await store.findUserById(id);
    res.status(200).json({ user: user && { id: user.id, email: user.email, name: user.name, role: user.role } });
  },
});
