import { signInErrorMessage } from '@/lib/auth/sign-in-errors';

describe('signInErrorMessage', () => {
  it('says that no account uses the email for AccessDenied (the signIn callback refused an OIDC sign-in)', () => {
    expect(signInErrorMessage('AccessDenied')).toBe('No account here uses that email. Sign in with your email and password, or ask for an account.');
  });

  it.each(['OAuthCallback', 'Callback'])('says the provider sign-in failed for %s', (code) => {
    expect(signInErrorMessage(code)).toBe('Signing in with the identity provider failed; please retry.');
  });

  it.each(['The data store is unavailable', '<script>alert(1)</script>', 'toString', '__proto__'])('never shows the code itself: %s gets the generic message', (code) => {
    expect(signInErrorMessage(code)).toBe('Sign-in failed; please retry.');
  });

  it.each([undefined, null, '', ['AccessDenied']])('shows nothing without a code (%p)', (code) => {
    expect(signInErrorMessage(code)).toBeNull();
  });
});
