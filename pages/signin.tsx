import { useRouter } from 'next/router';
import { signIn } from 'next-auth/react';
import { type FormEvent, useState } from 'react';
import { safeCallbackUrl } from '@/lib/http/safe-callback-url';

const GENERIC_FAILURE = 'Wrong email or password.';

export default function SignIn() {
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);
  const [pending, setPending] = useState(false);

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    setPending(true);
    setError(null);
    const result = await signIn('credentials', {
      email: String(form.get('email') ?? ''),
      password: String(form.get('password') ?? ''),
      redirect: false,
    }).catch(() => 'unavailable' as const);
    setPending(false);
    if (result === 'unavailable') {
      setError('Sign-in is unavailable; please retry.');
      return;
    }
    if (!result || result.error) {
      setError(result?.error === 'CredentialsSignin' || !result ? GENERIC_FAILURE : 'Sign-in is unavailable; please retry.');
      return;
    }
    await router.push(safeCallbackUrl(router.query.callbackUrl, window.location.origin));
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
