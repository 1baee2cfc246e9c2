import { act, fireEvent, render, screen } from '@testing-library/react';
import SignIn from '@/pages/signin';
import { installFakeNetwork, type FakeNetwork } from '../helpers/fake-network';

jest.mock('next/router', () => ({ useRouter: () => ({ query: {}, push: jest.fn() }) }));

const CREDENTIALS = '/api/auth/callback/credentials';

describe('the sign-in page', () => {
  let network: FakeNetwork;
  beforeEach(() => {
    network = installFakeNetwork(null);
  });

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
    expect(post?.body).toEqual({ email: 'alice@example.com', password: 'wrong-password', callbackUrl: '/', csrfToken: 'csrf-token', json: 'true' });
  });

  it('says sign-in is unavailable when the server fails', async () => {
    network.route('POST', CREDENTIALS, () => ({ status: 503, body: { error: 'Sign-in is unavailable; please retry.' } }));

    const alert = await submit('alice@example.com', 'alice-password');

    expect(alert.textContent).toBe('Sign-in is unavailable; please retry.');
  });
});
