/**
 * What the sign-in page says for the `?error=` next-auth redirects to it with (`pages.error`
 * is /signin). The code is never shown: a thrown signIn callback puts its message there, and
 * anyone can write a link with any text in it.
 */
const MESSAGES: Readonly<Record<string, string>> = {
  // Our signIn callback refused an OIDC sign-in (oidc-accounts.ts): no user with that
  // verified email, or one that cannot sign in; the page does not say which.
  AccessDenied: 'No account here uses that email. Sign in with your email and password, or ask for an account.',
  OAuthSignin: 'The identity provider could not be reached; please retry.',
  OAuthCallback: 'Signing in with the identity provider failed; please retry.',
  Callback: 'Signing in with the identity provider failed; please retry.',
  SessionRequired: 'Please sign in to continue.',
};

const FALLBACK = 'Sign-in failed; please retry.';

/** The message for next-auth's error code, or null when there is none. */
export function signInErrorMessage(code: unknown): string | null {
  if (typeof code !== 'string' || code === '') return null;
  return Object.hasOwn(MESSAGES, code) ? (MESSAGES[code] ?? FALLBACK) : FALLBACK;
}
