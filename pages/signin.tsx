import { type FormEvent, useState } from 'react';
import { type CredentialsResult, submitCredentials } from '@/lib/auth/submit-credentials';
import { loadPage } from '@/lib/http/load-page';
import { safeCallbackUrl } from '@/lib/http/safe-callback-url';

const GENERIC_FAILURE = 'Wrong email or password.';
const UNAVAILABLE = 'Sign-in is unavailable; please retry.';

function messageFor(result: Exclude<CredentialsResult, { status: 'signed-in' }>): string {
  if (result.status === 'wrong-credentials') return GENERIC_FAILURE;
  if (result.status === 'throttled') return `Too many attempts, try again in ${result.retryAfterSeconds} s.`;
  return UNAVAILABLE;
}

export default function SignIn() {
  const [error, setError] = useState<string | null>(null);
  const [pending, setPending] = useState(false);

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    // The address bar, not router.query: a statically optimized page gets its query only
    // after hydration, and a quick submit before that would lose the way back.
    const callbackUrl = new URLSearchParams(window.location.search).get('callbackUrl');
    const target = safeCallbackUrl(callbackUrl, window.location.origin);
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
      <p className="muted">Demo: alice@example.com / alice-password, admin@example.com / admin-password</p>
    </section>
  );
}
