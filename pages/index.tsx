import Link from 'next/link';
import { useEffect, useMemo } from 'react';
import { signOut, useSession } from 'next-auth/react';
import { formatCents } from '@/components/format';
import { ProviderNotifications } from '@/components/ProviderNotifications';
import { clearSignOutReason, readSignOutMessage } from '@/lib/http/sign-out-reason';

/**
 * Why the server signed this tab out, if it said. Read when the tab turns signed out (only
 * ever in the browser: the server renders the loading state), forgotten once shown.
 */
function useSignOutMessage(signedOut: boolean): string | null {
  const message = useMemo(() => (signedOut ? readSignOutMessage() : null), [signedOut]);
  useEffect(() => {
    if (message) clearSignOutReason();
  }, [message]);
  return message;
}

export default function Home() {
  const { data: session, status } = useSession();
  const signOutMessage = useSignOutMessage(status === 'unauthenticated');
  if (!session && status === 'loading') return <p className="muted">Loading…</p>;
  if (!session) {
    return (
      <section className="card">
        <h1>Welcome</h1>
        {signOutMessage && (
          <p role="alert" className="error" data-testid="sign-out-reason">
            {signOutMessage}
          </p>
        )}
        <p>You are not signed in.</p>
        <Link href="/signin" className="button">
          Sign in
        </Link>
      </section>
    );
  }
  return (
    <>
      <section className="card">
        <h1>Hello, {session.user.name}</h1>
        <p>
          Signed in as <strong>{session.user.email}</strong> with the role <strong>{session.user.role}</strong>.
        </p>
        <p className="muted">
          Cart: {session.cart.count} item(s), {formatCents(session.cart.totalCents, session.user.preferences.locale)} in total.
        </p>
        <button type="button" className="button" onClick={() => signOut({ callbackUrl: '/signin' })}>
          Sign out
        </button>
      </section>
      {session.oidc?.linked && <ProviderNotifications locale={session.user.preferences.locale} />}
    </>
  );
}
