import { act, render } from '@testing-library/react';
import { SessionProvider } from 'next-auth/react';
import type { ReactNode } from 'react';
import useSWR, { SWRConfig } from 'swr';
import { observeSessionResponses, SessionSync } from 'next-auth-server-session/client';
import { installFakeNetwork, makeSession, REVALIDATE, type FakeNetwork } from '../../helpers/fake-network';
import { settle } from '../../helpers/settle';

/** An adopter's own fetcher: no toolkit wrapper, it never looks at a header. */
const plainFetcher = (url: string) => fetch(url).then((response) => response.json());

function Reader({ url }: { url: string }) {
  const { data } = useSWR<unknown>(url);
  return <span>{data === undefined ? 'loading' : 'loaded'}</span>;
}

/** A hook that never fetches (no key yet): only the middleware's mount can install the observer. */
function Idle() {
  useSWR(null);
  return null;
}

/** `count` readers of distinct keys on one path (the fake network routes by path). */
const readers = (path: string, count: number) =>
  Array.from({ length: count }, (_, page) => <Reader key={page} url={`${path}?page=${page}`} />);

function withMiddleware(network: FakeNetwork, children: ReactNode) {
  return (
    <SessionProvider session={network.session}>
      <SWRConfig value={{ provider: () => new Map(), fetcher: plainFetcher, use: [observeSessionResponses] }}>
        <SessionSync>{children}</SessionSync>
      </SWRConfig>
    </SessionProvider>
  );
}

/** Records every read of the revalidate header, whoever reads it. */
function recordHeaderReads(): string[] {
  const inner = globalThis.fetch;
  const reads: string[] = [];
  globalThis.fetch = (async (...args: Parameters<typeof fetch>) => {
    const response = await inner(...args);
    const get = response.headers.get.bind(response.headers);
    response.headers.get = (name: string) => {
      if (name.toLowerCase() === 'x-revalidate-session') reads.push(name);
      return get(name);
    };
    return response;
  }) as typeof fetch;
  return reads;
}

const sessionUpdates = (network: FakeNetwork) => network.count('POST', '/api/auth/session');

describe('the SWR middleware with an app-owned fetcher', () => {
  let network: FakeNetwork;
  beforeEach(() => {
    network = installFakeNetwork(makeSession());
    network.route('GET', '/api/marked', () => ({ body: { ok: true }, headers: REVALIDATE }));
    network.route('GET', '/api/plain', () => ({ body: { ok: true } }));
    network.route('POST', '/api/cart', () => ({ body: { added: true }, headers: REVALIDATE }));
  });

  it('revalidates the session once for five responses with the header', async () => {
    render(withMiddleware(network, readers('/api/marked', 5)));
    await settle(300);

    expect(network.count('GET', '/api/marked')).toBe(5);
    expect(sessionUpdates(network)).toBe(1);
  });

  it('does not revalidate for responses without the header', async () => {
    render(withMiddleware(network, readers('/api/plain', 5)));
    await settle(300);

    expect(network.count('GET', '/api/plain')).toBe(5);
    expect(sessionUpdates(network)).toBe(0);
  });

  it("ignores the header on another origin's response", async () => {
    render(withMiddleware(network, <Reader url="https://elsewhere.example/api/marked" />));
    await settle(300);

    expect(network.count('GET', '/api/marked')).toBe(1);
    expect(sessionUpdates(network)).toBe(0);
  });

  it("observes the app's own fetch mutations once a hook has mounted, passing them through unchanged", async () => {
    render(withMiddleware(network, <Idle />));
    await settle();

    const answer = await act(async () => {
      const response = await fetch('/api/cart', { method: 'POST', body: JSON.stringify({ productId: 7 }) });
      return { status: response.status, body: await response.json() };
    });
    await settle(300);

    expect(answer).toEqual({ status: 200, body: { added: true } });
    expect(network.calls.find((call) => call.method === 'POST' && call.path === '/api/cart')?.body).toEqual({ productId: 7 });
    expect(sessionUpdates(network)).toBe(1);
  });

  it('reads each response once however many SWRConfigs use the middleware', async () => {
    const headerReads = recordHeaderReads();
    render(
      withMiddleware(
        network,
        <SWRConfig value={{ use: [observeSessionResponses] }}>
          <SWRConfig value={{ use: [observeSessionResponses] }}>{readers('/api/marked', 4)}</SWRConfig>
        </SWRConfig>,
      ),
    );
    await settle(300);

    expect(network.count('GET', '/api/marked')).toBe(4);
    // Every response (next-auth's own too) passes one observer: one read per call.
    expect(headerReads).toHaveLength(network.calls.length);
    expect(sessionUpdates(network)).toBe(1);
  });

  it('keeps observing after something replaces the global fetch', async () => {
    const unobservedFetch = globalThis.fetch;
    const { rerender } = render(withMiddleware(network, <Reader url="/api/plain" />));
    await settle();
    expect(globalThis.fetch).not.toBe(unobservedFetch);

    globalThis.fetch = (...args: Parameters<typeof fetch>) => unobservedFetch(...args);
    rerender(withMiddleware(network, [<Reader key="plain" url="/api/plain" />, <Reader key="marked" url="/api/marked" />]));
    await settle(300);

    expect(network.count('GET', '/api/marked')).toBe(1);
    expect(sessionUpdates(network)).toBe(1);
  });
});
