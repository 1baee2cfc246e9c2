import useSWR from 'swr';
import { send } from '@/lib/http';
import { FieldError } from './FieldError';
import { useAsyncAction } from './use-async-action';

interface AdminUser {
  id: string;
  email: string;
  name: string;
  role: 'member' | 'admin';
}

function RoleSelect({ user, onSaved }: { user: AdminUser; onSaved: () => void }) {
  const { run: change, error, pending: saving } = useAsyncAction(async (role: string) => {
    await send('PATCH', `/api/admin/users/${encodeURIComponent(user.id)}`, { role });
    onSaved();
  });

  return (
    <>
      <label className="visually-hidden" htmlFor={`role-${user.id}`}>
        Role of {user.email}
      </label>
      <select id={`role-${user.id}`} value={user.role} disabled={saving} onChange={(event) => void change(event.target.value)} data-testid={`role-${user.email}`}>
        <option value="member">member</option>
        <option value="admin">admin</option>
      </select>
      <FieldError error={error} />
    </>
  );
}

export function AdminUsers() {
  const { data, error, isLoading, mutate } = useSWR<{ users: AdminUser[] }>('/api/admin/users');
  if (error) return <FieldError error={error} />;
  if (isLoading || !data) return <p className="muted">Loading users…</p>;
  if (data.users.length === 0) return <p className="muted">No users.</p>;
  return (
    <table className="table">
      <thead>
        <tr>
          <th scope="col">Email</th>
          <th scope="col">Name</th>
          <th scope="col">Role</th>
        </tr>
      </thead>
      <tbody>
        {data.users.map((user) => (
          <tr key={user.id}>
            <td>{user.email}</td>
            <td>{user.name}</td>
            <td>
              <RoleSelect user={user} onSaved={() => void mutate()} />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
