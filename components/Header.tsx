import Link from 'next/link';
import { signOut, useSession } from 'next-auth/react';

/** The signed-in user's name and role, straight from the session (so it follows every update). */
export function Header() {
  const { data: session, status } = useSession();
  return (
    <header className="header">
      <Link href="/" className="header__brand">
        Session Toolkit Demo
      </Link>
      <nav className="header__nav" aria-label="Main" />
      <div className="header__user" data-testid="header-user">
        {status === 'loading' && <span>Loading…</span>}
        {status === 'unauthenticated' && <Link href="/signin">Sign in</Link>}
        {session && (
          <>
            <span className="header__name" data-testid="header-name">
              {session.user.name}
            </span>
            <span className="badge" data-testid="header-role">
              {session.user.role}
            </span>
            <button type="button" className="button button--ghost" onClick={() => signOut({ callbackUrl: '/signin' })}>
              Sign out
            </button>
          </>
        )}
      </div>
    </header>
  );
}
