import type { GetServerSideProps } from 'next';
import { signIn } from 'next-auth/react';
import { type FormEvent, useState } from 'react';
import { signInErrorMessage } from '@/lib/auth/sign-in-errors';
import { type CredentialsResult, submitCredentials } from '@/lib/auth/submit-credentials';
import { getEnv } from '@/lib/env';
import { loadPage } from '@/lib/http/load-page';
import { safeCallbackUrl } from '@/lib/http/safe-callback-url';

const GENERIC_FAILURE = 'Wrong email or password.';
const UNAVAILABLE = 'Sign-in is unavailable; please retry.';

function messageFor(result: Exclude<CredentialsResult, { status: 'signed-in' }>): string {
  if (result.status === 'wrong-credentials') return GENERIC_FAILURE;
  if (result.status === 'throttled') return `Too many attempts, try again in ${result.retryAfterSeconds} s.`;
  return UNAVAILABLE;
}

interface SignInProps {
  /** An OpenID Provider is configured (OIDC_ISSUER...): offer to sign in with it. */
  identityProvider?: boolean;
  /** next-auth's `?error=` code, when it sent the browser back here. */
  errorCode?: string | null;
}

export const getServerSideProps: GetServerSideProps<SignInProps> = async ({ query }) => ({
  props: { identityProvider: getEnv().oidc !== null, errorCode: typeof query.error === 'string' ? query.error : null },
});

/** Where to go after signing in: `?callbackUrl=` when it is this site's, else home. */
function signedInTarget(): string {
  // The address bar, not router.query: it is there before hydration, and a quick submit
  // before that would lose the way back.
  const callbackUrl = new URLSearchParams(window.location.search).get('callbackUrl');
  return safeCallbackUrl(callbackUrl, window.location.origin);
}

export default function SignIn({ identityProvider = false, errorCode = null }: SignInProps) {
  const [error, setError] = useState<string | null>(() => signInErrorMessage(errorCode));
  const [pending, setPending] = useState(false);

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const target = signedInTarget();
    setPending(true);
    setError(null);
    const result = await submitCredentials({
      email: String(form.get('email') ?? ''),
      password: String(form.get('password') ?? ''),
      callbackUrl: target,
    });
    if (result.status !== 'signed-in') {
      setPending(false);
      setError(messageFor(result));
      return;
    }
    // A full load: this tab's SessionProvider then starts from the new session (no public
    // API refreshes it from outside signIn()).
    loadPage(target);
  }

  async function onIdentityProvider() {
    setPending(true);
    setError(null);
    try {
      // next-auth's own redirect flow: CSRF token, POST /api/auth/signin/oidc, then the provider's page.
      await signIn('oidc', { callbackUrl: signedInTarget() });
    } catch {
      setPending(false);
      setError(UNAVAILABLE);
    }
  }

  return (
    <section className="card">
      <h1>Sign in</h1>
      <form className="form" onSubmit={onSubmit} noValidate>
        <div className="field">
          <label htmlFor="email">Email</label>
          <input id="email" name="email" type="email" autoComplete="username" required />
        </div>
        <div className="field">
          <label htmlFor="password">Password</label>
          <input id="password" name="password" type="password" autoComplete="current-password" required />
        </div>
        {error && (
          <p className="error" role="alert">
            {error}
          </p>
        )}
        <button type="submit" className="button" disabled={pending}>
          {pending ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
      {identityProvider && (
        <div className="form">
          <p className="muted">or</p>
          <button type="button" className="button button--ghost" disabled={pending} onClick={onIdentityProvider}>
            Sign in with the identity provider
          </button>
        </div>
      )}
      <p className="muted">Demo: alice@example.com / alice-password, admin@example.com / admin-password</p>
    </section>
  );
}
