import { defineRoute, requireAdmin } from '@/lib/api';
import { getStore } from '@/lib/db';

/** GET /api/admin/users: every user with their role (admins only). */
export default defineRoute({
  GET: async (_req, res, session) => {
    await requireAdmin(session);
    const users = await (await getStore()).listUsers();
    res.status(200).json({ users: users.map(({ id, email, name, role }) => ({ id, email, name, role })) });
  },
});
