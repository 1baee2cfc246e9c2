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
});
