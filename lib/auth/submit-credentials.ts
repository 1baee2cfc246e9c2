import { getCsrfToken, getSession } from 'next-auth/react';

/** What the sign-in form shows; `unavailable` covers a network failure, a 5xx and a bad CSRF token. */
export type CredentialsResult =
  | { status: 'signed-in' }
  | { status: 'wrong-credentials' }
  | { status: 'throttled'; retryAfterSeconds: number }
  | { status: 'unavailable' };

const CALLBACK_PATH = '/api/auth/callback/credentials';
/** When a 429 comes without a usable Retry-After (a proxy's own answer). */
const DEFAULT_RETRY_AFTER_SECONDS = 60;

function retryAfterOf(response: Response): number {
  const seconds = Number(response.headers.get('retry-after'));
  return Number.isFinite(seconds) && seconds > 0 ? Math.ceil(seconds) : DEFAULT_RETRY_AFTER_SECONDS;
}

async function resultOf(response: Response): Promise<CredentialsResult> {
  if (response.status === 429) return { status: 'throttled', retryAfterSeconds: retryAfterOf(response) };
  const { url } = ((await response.json()) ?? {}) as { url?: unknown };
  if (typeof url !== 'string') return { status: 'unavailable' };
  const error = new URL(url, window.location.origin).searchParams.get('error');
  if (error === 'CredentialsSignin') return { status: 'wrong-credentials' };
  // The session cookie is HttpOnly, and a refused CSRF token also answers 200 with a URL:
  // only next-auth's session endpoint can confirm the sign-in.
  if (error || !response.ok || !(await getSession())) return { status: 'unavailable' };
  return { status: 'signed-in' };
}

/**
 * Posts the credentials as next-auth's `signIn('credentials', { redirect: false })` does
 * (CSRF token, `json: true`) but reads the answer itself: `signIn()` parses `data.url`,
 * which a throttled answer (429 `{ error }`) has none of, and never shows the Retry-After.
 *
 * @example
 * const result = await submitCredentials({ email, password, callbackUrl: '/profile' });
 * if (result.status === 'throttled') show(`try again in ${result.retryAfterSeconds} s`);
 */
export async function submitCredentials(fields: { email: string; password: string; callbackUrl: string }): Promise<CredentialsResult> {
  try {
    const csrfToken = await getCsrfToken();
    if (!csrfToken) return { status: 'unavailable' };
    const response = await fetch(CALLBACK_PATH, {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' },
      body: new URLSearchParams({ ...fields, csrfToken, json: 'true' }).toString(),
    });
    return await resultOf(response);
  } catch {
    return { status: 'unavailable' };
  }
}
