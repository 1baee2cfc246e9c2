import Link from 'next/link';
import { useRouter } from 'next/router';
import { useSession } from 'next-auth/react';
import { type ReactNode, useEffect } from 'react';

/**
 * Renders children for a signed-in user. Signed out (including after a 401 from our API
 * or a revoked session), it sends the visitor to the sign-in page once, with a way back;
 * the sign-in page itself never redirects, so there is no loop.
 */
export function RequireSignIn({ children }: { children: ReactNode }) {
  const { data: session, status } = useSession();
  const router = useRouter();
  const signedOut = !session && status === 'unauthenticated';

  useEffect(() => {
    if (signedOut && router.isReady) void router.replace(`/signin?callbackUrl=${encodeURIComponent(router.asPath)}`);
  }, [signedOut, router]);

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
