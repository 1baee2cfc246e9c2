import { z } from 'zod';
import { defineRoute, readMutationBody, requireAdmin, RouteError } from '@/lib/api';
import { sessionStates } from '@/lib/auth';
import { getStore } from '@/lib/db';

export const config = { api: { bodyParser: false } };

const roleChangeSchema = z.strictObject({ role: z.enum(['member', 'admin']) });

/**
 * PATCH /api/admin/users/:id `{ role }`. The target's sessionVersion is bumped, so their
 * very next request (any instance) carries the new role.
 */
export default defineRoute({
  PATCH: async (req, res, session) => {
    const body = await readMutationBody(req);
    await requireAdmin(session);
    const { role } = roleChangeSchema.parse(body ?? {});
    const id = z.string().min(1).max(200).parse(req.query.id);
    const store = await getStore();
    const result = await store.setRole(id, role);
    sessionStates.forget(id);
    if (result === 'unknown-user') throw new RouteError(404, 'User not found');
    if (result === 'last-admin') throw new RouteError(409, 'The last admin cannot be demoted');
    const user = await store.findUserById(id);
    res.status(200).json({ user: user && { id: user.id, email: user.email, name: user.name, role: user.role } });
  },
});
