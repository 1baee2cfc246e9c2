import { z } from 'zod';
import { defineRoute, readMutationBody, requireAdmin, RouteError } from '@/lib/api';
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
    const actorId = await requireAdmin(session);
    const { role } = roleChangeSchema.parse(body ?? {});
    const id = z.string().min(1).max(200).parse(req.query.id);
    const store = await getStore();
    // The actor's role is checked again in the change's own transaction (demoted meanwhile: 403).
    const result = await store.setRoleAs(actorId, id, role);
    getSessionStates().forget(id);
    if (result === 'forbidden') throw new RouteError(403, 'Admins only');
    if (result === 'unknown-user') throw new RouteError(404, 'User not found');
    if (result === 'last-admin') throw new RouteError(409, 'The last admin cannot be demoted');
    const user = await store.findUserById(id);
    res.status(200).json({ user: user && { id: user.id, email: user.email, name: user.name, role: user.role } });
  },
});
