import Link from 'next/link';
import { signOut, useSession } from 'next-auth/react';
import { formatCents } from './format';

/**
 * Name, role and mini-cart straight from the session, so they follow every update.
 * While `update()` runs, next-auth reports "loading" but keeps the data: render the data.
 */
export function Header() {
  const { data: session, status } = useSession();
  return (
    <header className="header">
      <Link href="/" className="header__brand">
        Session Toolkit Demo
      </Link>
      <nav className="header__nav" aria-label="Main">
        <Link href="/shop">Shop</Link>
        {session && <Link href="/profile">Profile</Link>}
        {session?.user.role === 'admin' && (
          <Link href="/admin" data-testid="admin-link">
            Admin
          </Link>
        )}
      </nav>
      <div className="header__user" data-testid="header-user">
        {!session && status === 'loading' && <span>Loading…</span>}
        {!session && status === 'unauthenticated' && <Link href="/signin">Sign in</Link>}
        {session && (
          <>
            <Link href="/cart" className="mini-cart" data-testid="mini-cart" aria-label={`Cart: ${session.cart.count} items`}>
              Cart <span data-testid="mini-cart-count">{session.cart.count}</span>
              <span className="muted"> · {formatCents(session.cart.totalCents, session.user.preferences.locale)}</span>
            </Link>
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
