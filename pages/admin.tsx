import { useSession } from 'next-auth/react';
import { RequireSignIn } from '@/components/RequireSignIn';

/** Placeholder: user and role management arrives with server-initiated invalidation. */
export default function AdminPage() {
  const { data: session } = useSession();
  return (
    <RequireSignIn>
      <section className="card">
        <h1>Admin</h1>
        {session?.user.role === 'admin' ? (
          <p className="muted">User and role management is coming soon.</p>
        ) : (
          <p className="error">You do not have access to this page.</p>
        )}
      </section>
    </RequireSignIn>
  );
}
