import Link from 'next/link';
import { useSession } from 'next-auth/react';
import type { ReactNode } from 'react';

/** Renders children for a signed-in user; otherwise a sign-in prompt (no redirect loop). */
export function RequireSignIn({ children }: { children: ReactNode }) {
  const { data: session, status } = useSession();
  if (!session && status === 'loading') return <p className="muted">Loading…</p>;
  if (!session) {
    return (
      <section className="card" data-testid="signed-out">
        <h1>Please sign in</h1>
        <p>
          You are signed out. <Link href="/signin">Sign in</Link> to continue.
        </p>
      </section>
    );
  }
  return <>{children}</>;
}
