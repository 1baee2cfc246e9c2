import { HttpError, fetcher, send } from '@/lib/http';
import { installFakeNetwork, makeSession, type FakeNetwork } from '../../helpers/fake-network';

/** The Idempotency-Key of every request that reached the network (the fake records bodies, not headers). */
function recordKeys(options: { failFirstConnection?: boolean } = {}): (string | undefined)[] {
  const keys: (string | undefined)[] = [];
  const network = globalThis.fetch;
  let connections = 0;
  globalThis.fetch = ((input: string | URL, init?: { headers?: Record<string, string> }) => {
    keys.push(init?.headers?.['Idempotency-Key']);
    connections += 1;
    if (options.failFirstConnection && connections === 1) return Promise.reject(new TypeError('Failed to fetch'));
    return network(input, init as RequestInit);
  }) as typeof fetch;
  return keys;
}

/** Answers `statuses` in turn, then 200. */
function answerInTurn(network: FakeNetwork, statuses: number[]): void {
  const pending = [...statuses];
  network.route('POST', '/api/cart', () => {
    const status = pending.shift() ?? 200;
    return status === 200 ? { body: { cart: { count: 1 } } } : { status, body: { error: `status ${status}` } };
  });
}

describe('send: Idempotency-Key and one retry', () => {
  let network: FakeNetwork;
  beforeEach(() => {
    network = installFakeNetwork(makeSession());
  });

  it('sends a different key with each mutation, and none with a read', async () => {
    answerInTurn(network, []);
    network.route('GET', '/api/cart', () => ({ body: { items: [] } }));
    const keys = recordKeys();

    await send('POST', '/api/cart', { productId: 1, quantity: 1 });
    await send('POST', '/api/cart', { productId: 1, quantity: 1 });
    await fetcher('/api/cart');

    expect(keys).toEqual([expect.any(String), expect.any(String), undefined]);
    expect(keys[0]).not.toBe(keys[1]);
  });

  it('retries a 503 once with the same key and resolves with the answer of the retry', async () => {
    answerInTurn(network, [503]);
    const keys = recordKeys();

    await expect(send('POST', '/api/cart', { productId: 1, quantity: 1 })).resolves.toEqual({ cart: { count: 1 } });

    expect(network.count('POST', '/api/cart')).toBe(2);
    expect(keys).toHaveLength(2);
    expect(keys[1]).toBe(keys[0]);
  });

  it('retries a network error once with the same key', async () => {
    answerInTurn(network, []);
    const keys = recordKeys({ failFirstConnection: true });

    await expect(send('POST', '/api/cart', { productId: 1, quantity: 1 })).resolves.toEqual({ cart: { count: 1 } });

    expect(network.count('POST', '/api/cart')).toBe(1);
    expect(keys).toEqual([expect.any(String), keys[0]]);
  });

  it('gives up after one retry: a second 503 throws HttpError', async () => {
    answerInTurn(network, [503, 503]);

    const error = await send('POST', '/api/cart', { productId: 1, quantity: 1 }).catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(HttpError);
    expect(error).toMatchObject({ status: 503 });
    expect(network.count('POST', '/api/cart')).toBe(2);
  });

  it('does not retry an answer that is not a 503', async () => {
    answerInTurn(network, [409]);

    await expect(send('POST', '/api/cart', { productId: 1, quantity: 1 })).rejects.toMatchObject({ status: 409 });

    expect(network.count('POST', '/api/cart')).toBe(1);
  });
});
