import { act, render, screen, waitFor } from '@testing-library/react';
import { AppProviders } from '@/components/AppProviders';
import { Header } from '@/components/Header';
import { HttpError, NetworkError, fetcher, send } from '@/lib/http';
import { installFakeNetwork, makeSession, REVALIDATE, type FakeNetwork } from '../helpers/fake-network';
import { settle } from '../helpers/settle';

function renderApp(network: FakeNetwork) {
  return render(
    <AppProviders session={network.session}>
      <Header />
    </AppProviders>,
  );
}

const sessionUpdates = (network: FakeNetwork) => network.count('POST', '/api/auth/session');

describe('the fetch wrapper and session revalidation', () => {
  let network: FakeNetwork;
  beforeEach(() => {
    network = installFakeNetwork(makeSession());
    network.route('POST', '/api/cart', () => {
      network.session = makeSession({ count: (network.session?.cart.count ?? 0) + 1 });
      return { body: { cart: {} }, headers: REVALIDATE };
    });
    network.route('GET', '/api/products', () => ({ body: { items: [], total: 0 } }));
  });

  it('a response with X-Revalidate-Session triggers exactly one session request', async () => {
    renderApp(network);
    await settle();

    await act(() => send('POST', '/api/cart', { productId: 1, quantity: 1 }));
    await settle();

    expect(sessionUpdates(network)).toBe(1);
    expect(screen.getByTestId('mini-cart-count').textContent).toBe('1');
  });

  it('20 concurrent responses with the header trigger one session request', async () => {
    renderApp(network);
    await settle();

    await act(() => Promise.all(Array.from({ length: 20 }, () => send('POST', '/api/cart', { productId: 1, quantity: 1 }))));
    await settle(300);

    // All 20 answers land inside one burst window here; on a real network a straddle may add one.
    expect(sessionUpdates(network)).toBe(1);
    expect(screen.getByTestId('mini-cart-count').textContent).toBe('20');
  });

  it('responses that straddle a finished revalidation start one new one', async () => {
    renderApp(network);
    await settle();

    await act(() => send('POST', '/api/cart', { productId: 1, quantity: 1 }));
    await settle();
    await act(() => send('POST', '/api/cart', { productId: 1, quantity: 1 }));
    await settle();

    expect(sessionUpdates(network)).toBe(2);
  });

  it('responses without the header trigger none', async () => {
    renderApp(network);
    await settle();

    await act(() => Promise.all([fetcher('/api/products'), fetcher('/api/products')]));
    await settle();

    expect(sessionUpdates(network)).toBe(0);
  });

  it('a non-2xx answer throws HttpError with the status and the server message', async () => {
    network.route('POST', '/api/profile', () => ({ status: 400, body: { error: 'Invalid request', issues: [{ path: 'name' }] } }));

    const error = await send('POST', '/api/profile', {}).catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(HttpError);
    expect(error).toMatchObject({ status: 400, message: 'Invalid request', body: { issues: [{ path: 'name' }] } });
  });

  it('a failed connection throws NetworkError', async () => {
    globalThis.fetch = (() => Promise.reject(new TypeError('Failed to fetch'))) as typeof fetch;

    await expect(fetcher('/api/cart')).rejects.toBeInstanceOf(NetworkError);
  });

  it('a 401 from our API moves the UI to signed-out, once, without a redirect', async () => {
    network.route('GET', '/api/cart', () => ({ status: 401, body: { error: 'Not signed in' } }));
    renderApp(network);
    await settle();
    expect(screen.getByTestId('header-name').textContent).toBe('Alice');

    await act(() => Promise.all([fetcher('/api/cart').catch(() => null), fetcher('/api/cart').catch(() => null)]));

    await waitFor(() => expect(screen.getByRole('link', { name: 'Sign in' })).toBeTruthy());
    expect(screen.queryByTestId('header-name')).toBeNull();
    expect(network.count('POST', '/api/auth/signout')).toBe(1);
    expect(window.location.pathname).toBe('/');
  });
});

describe('per-user data after a session change', () => {
  it('revalidates /api/cart when the revalidated session differs', async () => {
    const network = installFakeNetwork(makeSession());
    network.route('GET', '/api/cart', () => ({ body: { items: [], count: network.session?.cart.count ?? 0, totalCents: 0 } }));
    network.route('POST', '/api/cart', () => {
      network.session = makeSession({ count: 3 });
      return { body: {}, headers: REVALIDATE };
    });
    const { CartTable } = await import('@/components/CartTable');
    render(
      <AppProviders session={network.session}>
        <CartTable />
      </AppProviders>,
    );
    await settle();
    const cartLoadsBefore = network.count('GET', '/api/cart');

    await act(() => send('POST', '/api/cart', { productId: 1, quantity: 3 }));
    await settle(300);

    expect(network.count('GET', '/api/cart')).toBe(cartLoadsBefore + 1);
  });
});
