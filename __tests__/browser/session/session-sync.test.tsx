import { act, render, screen, waitFor } from '@testing-library/react';
import type { Session } from 'next-auth';
import { SessionProvider, useSession } from 'next-auth/react';
import useSWR, { SWRConfig, type Key } from 'swr';
import { noticeSessionResponse, requestSignOut, SessionSync } from 'next-auth-server-session/client';
import { installFakeNetwork, makeSession, REVALIDATE, type FakeNetwork } from '../../helpers/fake-network';
import { settle } from '../../helpers/settle';

const plainFetcher = (url: string) => fetch(url).then((response) => response.json());

function Reader({ url }: { url: string }) {
  useSWR<unknown>(url);
  return null;
}

function Status() {
  return <span data-testid="status">{useSession().status}</span>;
}

function renderSync(network: FakeNetwork, refreshKeys?: readonly Key[]) {
  return render(
    <SessionProvider session={network.session}>
      <SWRConfig value={{ provider: () => new Map(), fetcher: plainFetcher }}>
        <SessionSync refreshKeys={refreshKeys}>
          <Reader url="/api/cart" />
          <Reader url="/api/profile" />
          <Reader url="/api/products" />
          <Status />
        </SessionSync>
      </SWRConfig>
    </SessionProvider>,
  );
}

/** A mutation whose response carries the header, reported the way an app's fetch wrapper does. */
async function mutateOnServer(network: FakeNetwork, nextSession: Session) {
  network.route('POST', '/api/change', () => {
    network.session = nextSession;
    return { body: {}, headers: REVALIDATE };
  });
  await act(async () => {
    await noticeSessionResponse(await fetch('/api/change', { method: 'POST' }));
  });
  await settle();
}

/** What another tab's `update()` leaves in localStorage, as next-auth writes it. */
function broadcastFromAnotherTab() {
  const message = { event: 'session', data: { trigger: 'getSession' }, timestamp: Math.floor(Date.now() / 1000) };
  window.dispatchEvent(new StorageEvent('storage', { key: 'nextauth.message', newValue: JSON.stringify(message) }));
}

function loadsOf(network: FakeNetwork) {
  return {
    cart: network.count('GET', '/api/cart'),
    profile: network.count('GET', '/api/profile'),
    products: network.count('GET', '/api/products'),
  };
}

describe('SessionSync', () => {
  let network: FakeNetwork;
  beforeEach(() => {
    network = installFakeNetwork(makeSession());
    for (const path of ['/api/cart', '/api/profile', '/api/products']) network.route('GET', path, () => ({ body: {} }));
  });

  it('refreshes the given keys, and no other, when the session content changes', async () => {
    renderSync(network, ['/api/cart', '/api/profile']);
    await settle();
    const before = loadsOf(network);

    await mutateOnServer(network, makeSession({ count: 2 }));

    expect(loadsOf(network)).toEqual({ cart: before.cart + 1, profile: before.profile + 1, products: before.products });
  });

  it('leaves the keys alone when a revalidation only moves the expiry', async () => {
    renderSync(network, ['/api/cart']);
    await settle();
    const before = loadsOf(network);

    const later = new Date(Date.now() + 7200_000).toISOString();
    await mutateOnServer(network, { ...makeSession(), expires: later });

    expect(network.count('POST', '/api/auth/session')).toBe(1);
    expect(loadsOf(network).cart).toBe(before.cart);
  });

  it('counts every field of the session as content, not only the user and the cart', async () => {
    network.session = Object.assign(makeSession(), { tenant: 'acme' });
    renderSync(network, ['/api/cart']);
    await settle();
    const before = loadsOf(network);

    await mutateOnServer(network, Object.assign(makeSession(), { tenant: 'globex' }));

    expect(loadsOf(network).cart).toBe(before.cart + 1);
  });

  it("refreshes the keys when another tab's broadcast brings a changed session", async () => {
    renderSync(network, ['/api/cart']);
    await settle();
    const before = loadsOf(network);

    network.session = makeSession({ count: 5 });
    act(() => broadcastFromAnotherTab());
    await settle();

    expect(network.count('POST', '/api/auth/session')).toBe(0);
    expect(loadsOf(network).cart).toBe(before.cart + 1);
  });

  it('refreshes a function key by the key it returns', async () => {
    renderSync(network, [() => '/api/profile']);
    await settle();
    const before = loadsOf(network);

    await mutateOnServer(network, makeSession({ name: 'Alice Liddell' }));

    expect(loadsOf(network)).toEqual({ ...before, profile: before.profile + 1 });
  });

  it('signs out once, without a redirect, however many sign-outs are requested together', async () => {
    renderSync(network);
    await settle();

    await act(() => Promise.all([requestSignOut(), requestSignOut(), requestSignOut()]));

    await waitFor(() => expect(screen.getByTestId('status').textContent).toBe('unauthenticated'));
    expect(network.count('POST', '/api/auth/signout')).toBe(1);
    expect(window.location.pathname).toBe('/');
  });
});
