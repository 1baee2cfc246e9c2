import { act, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { loadPage } from '@/lib/http/load-page';
import SignIn from '@/pages/signin';
import { installFakeNetwork, makeSession, type FakeNetwork } from '../helpers/fake-network';

jest.mock('@/lib/http/load-page', () => ({ loadPage: jest.fn() }));

const CREDENTIALS = '/api/auth/callback/credentials';
const navigations = jest.mocked(loadPage);

describe('the sign-in page', () => {
  let network: FakeNetwork;
  beforeEach(() => {
    network = installFakeNetwork(null);
  });
  afterEach(() => {
    navigations.mockReset();
    window.history.replaceState(null, '', '/');
  });

  function signInSucceeds() {
    network.route('POST', CREDENTIALS, () => {
      network.session = makeSession();
      return { body: { url: 'http://localhost/' } };
    });
  }

  async function signInFrom(callbackUrl: string) {
    window.history.replaceState(null, '', `/signin?callbackUrl=${encodeURIComponent(callbackUrl)}`);
    signInSucceeds();
    render(<SignIn />);
    fireEvent.change(screen.getByLabelText('Email'), { target: { value: 'alice@example.com' } });
    fireEvent.change(screen.getByLabelText('Password'), { target: { value: 'alice-password' } });
    await act(async () => {
      fireEvent.click(screen.getByRole('button', { name: 'Sign in' }));
    });
    await waitFor(() => expect(navigations).toHaveBeenCalledTimes(1));
    return navigations.mock.calls[0]?.[0] ?? '';
  }

  async function submit(email: string, password: string) {
    render(<SignIn />);
    fireEvent.change(screen.getByLabelText('Email'), { target: { value: email } });
    fireEvent.change(screen.getByLabelText('Password'), { target: { value: password } });
    await act(async () => {
      fireEvent.click(screen.getByRole('button', { name: 'Sign in' }));
    });
    return screen.findByRole('alert');
  }

  it('shows how long to wait when sign-in is throttled (429 with Retry-After)', async () => {
    network.route('POST', CREDENTIALS, () => ({ status: 429, body: { error: 'Too many sign-in attempts; try again in 42 s.' }, headers: { 'Retry-After': '42' } }));

    const alert = await submit('alice@example.com', 'alice-password');

    expect(alert.textContent).toBe('Too many attempts, try again in 42 s.');
    expect(screen.getByRole('button', { name: 'Sign in' })).toHaveProperty('disabled', false);
  });

  it('says "wrong email or password" for a refused password, and posts what signIn() posts', async () => {
    network.route('POST', CREDENTIALS, () => ({ status: 401, body: { url: 'http://localhost/api/auth/error?error=CredentialsSignin&provider=credentials' } }));

    const alert = await submit('alice@example.com', 'wrong-password');

    expect(alert.textContent).toBe('Wrong email or password.');
    const post = network.calls.find((call) => call.path === CREDENTIALS);
    expect(post?.body).toEqual({ email: 'alice@example.com', password: 'wrong-password', callbackUrl: 'http://localhost/', csrfToken: 'csrf-token', json: 'true' });
  });

  it('says sign-in is unavailable when the server fails', async () => {
    network.route('POST', CREDENTIALS, () => ({ status: 503, body: { error: 'Sign-in is unavailable; please retry.' } }));

    const alert = await submit('alice@example.com', 'alice-password');

    expect(alert.textContent).toBe('Sign-in is unavailable; please retry.');
  });

  it.each(['/.//evil.example', '/%2e//evil.example', '/./\\evil.example', '//evil.example'])(
    'after signing in from ?callbackUrl=%s, loads a page of this site, and posts only that',
    async (callbackUrl) => {
      const target = await signInFrom(callbackUrl);

      expect(new URL(target, window.location.href).origin).toBe(window.location.origin);
      expect(target.startsWith(`${window.location.origin}/`)).toBe(true);
      expect(network.calls.find((call) => call.path === CREDENTIALS)?.body).toMatchObject({ callbackUrl: target });
    },
  );

  it('after signing in, loads the page it was sent from, with its query and hash', async () => {
    expect(await signInFrom('/cart?x=1#y')).toBe('http://localhost/cart?x=1#y');
  });

  it('offers no identity provider sign-in when none is configured', () => {
    render(<SignIn identityProvider={false} errorCode={null} />);

    expect(screen.queryByRole('button', { name: 'Sign in with the identity provider' })).toBeNull();
  });

  it.each([
    ['AccessDenied', 'No account here uses that email. Sign in with your email and password, or ask for an account.'],
    ['OAuthCallback', 'Signing in with the identity provider failed; please retry.'],
    ['<b>anything</b>', 'Sign-in failed; please retry.'],
  ])("says what next-auth's ?error=%s means, never the code", (errorCode, message) => {
    render(<SignIn identityProvider errorCode={errorCode} />);

    expect(screen.getByRole('alert').textContent).toBe(message);
  });
});

describe('the sign-in page with an identity provider', () => {
  const SIGNIN_OIDC = '/api/auth/signin/oidc';
  let network: FakeNetwork;
  let consoleError: jest.SpyInstance;

  beforeEach(() => {
    network = installFakeNetwork(null);
    // next-auth's signIn() posts a URLSearchParams body; the fake reads strings.
    const fake = globalThis.fetch;
    globalThis.fetch = ((input: string | URL, init?: RequestInit) =>
      fake(input, init?.body instanceof URLSearchParams ? { ...init, body: init.body.toString() } : init)) as typeof fetch;
    network.route('GET', '/api/auth/providers', () => ({
      body: {
        credentials: { id: 'credentials', name: 'Email and password', type: 'credentials', signinUrl: '', callbackUrl: '' },
        oidc: { id: 'oidc', name: 'Identity provider', type: 'oauth', signinUrl: '', callbackUrl: '' },
      },
    }));
    network.route('POST', SIGNIN_OIDC, () => ({ body: { url: 'http://127.0.0.1:3001/auth?client_id=app' } }));
    // jsdom cannot follow next-auth's `window.location.href = url` to the provider, and says so.
    consoleError = jest.spyOn(console, 'error').mockImplementation(() => undefined);
  });

  afterEach(() => {
    consoleError.mockRestore();
    window.history.replaceState(null, '', '/');
  });

  async function clickProviderButton() {
    render(<SignIn identityProvider errorCode={null} />);
    await act(async () => {
      fireEvent.click(screen.getByRole('button', { name: 'Sign in with the identity provider' }));
    });
    await waitFor(() => expect(network.count('POST', SIGNIN_OIDC)).toBe(1));
    return network.calls.find((call) => call.path === SIGNIN_OIDC)?.body;
  }

  it("starts next-auth's OIDC sign-in with a CSRF token and the page it was sent from", async () => {
    window.history.replaceState(null, '', `/signin?callbackUrl=${encodeURIComponent('/cart?x=1')}`);

    expect(await clickProviderButton()).toEqual({ csrfToken: 'csrf-token', callbackUrl: 'http://localhost/cart?x=1', json: 'true' });
  });

  it.each(['//evil.example', 'https://evil.example/'])('sends only a page of this site as the callback URL, never ?callbackUrl=%s', async (callbackUrl) => {
    window.history.replaceState(null, '', `/signin?callbackUrl=${encodeURIComponent(callbackUrl)}`);

    expect(await clickProviderButton()).toMatchObject({ callbackUrl: 'http://localhost/' });
  });
});
