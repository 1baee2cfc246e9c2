import type { Session } from 'next-auth';
import { REVALIDATE_HEADER } from '@/packages/next-auth-server-session/src/revalidate-header';

/**
 * A stand-in for the server at the network boundary (global fetch), for jsdom tests.
 * Only the wire is fake: next-auth/react, SWR, our fetch wrapper and components are real.
 * Routes answer from a small in-memory state, like the real API would.
 */

export interface RecordedCall {
  method: string;
  path: string;
  body: unknown;
}

interface FakeReply {
  status?: number;
  body?: unknown;
  headers?: Record<string, string>;
}

type Route = (call: RecordedCall) => FakeReply | Promise<FakeReply>;

class FakeHeaders {
  private readonly map: Map<string, string>;
  constructor(init: Record<string, string>) {
    this.map = new Map(Object.entries(init).map(([key, value]) => [key.toLowerCase(), value]));
  }
  get(name: string): string | null {
    return this.map.get(name.toLowerCase()) ?? null;
  }
  has(name: string): boolean {
    return this.map.has(name.toLowerCase());
  }
}

class FakeResponse {
  readonly ok: boolean;
  readonly headers: FakeHeaders;
  constructor(
    readonly status: number,
    private readonly payload: string,
    headers: Record<string, string>,
  ) {
    this.ok = status >= 200 && status < 300;
    this.headers = new FakeHeaders({ 'content-type': 'application/json', ...headers });
  }
  async json(): Promise<unknown> {
    return JSON.parse(this.payload || 'null');
  }
  async text(): Promise<string> {
    return this.payload;
  }
  clone(): FakeResponse {
    return new FakeResponse(this.status, this.payload, {});
  }
}

export function makeSession(overrides: { name?: string; role?: 'member' | 'admin'; count?: number; totalCents?: number } = {}): Session {
  return {
    user: {
      id: 'user-1',
      name: overrides.name ?? 'Alice',
      email: 'alice@example.com',
      role: overrides.role ?? 'member',
      preferences: { theme: 'light', locale: 'en-US' },
    },
    cart: { count: overrides.count ?? 0, totalCents: overrides.totalCents ?? 0, items: [] },
    expires: new Date(Date.now() + 3600_000).toISOString(),
  };
}

function parseBody(init: { body?: unknown } | undefined): unknown {
  if (typeof init?.body !== 'string') return undefined;
  try {
    return JSON.parse(init.body);
  } catch {
    return Object.fromEntries(new URLSearchParams(init.body));
  }
}

export interface FakeNetwork {
  calls: RecordedCall[];
  /** The server's view of the session; null = signed out. */
  session: Session | null;
  route(method: string, path: string, handler: Route): void;
  count(method: string, path: string): number;
}

/** Installs the fake as global fetch. next-auth's own endpoints answer from `network.session`. */
export function installFakeNetwork(initial: Session | null): FakeNetwork {
  const routes = new Map<string, Route>();
  const network: FakeNetwork = {
    calls: [],
    session: initial,
    route: (method, path, handler) => routes.set(`${method} ${path}`, handler),
    count: (method, path) => network.calls.filter((call) => call.method === method && call.path === path).length,
  };
  network.route('GET', '/api/auth/session', () => ({ body: network.session ?? {} }));
  network.route('POST', '/api/auth/session', () => ({ body: network.session ?? {} }));
  network.route('GET', '/api/auth/csrf', () => ({ body: { csrfToken: 'csrf-token' } }));
  network.route('POST', '/api/auth/signout', () => {
    network.session = null;
    return { body: { url: 'http://localhost/signin' } };
  });

  const fakeFetch = async (input: string | URL, init?: { method?: string; body?: unknown }) => {
    const url = new URL(String(input), 'http://localhost');
    const call: RecordedCall = { method: (init?.method ?? 'GET').toUpperCase(), path: url.pathname, body: parseBody(init) };
    network.calls.push(call);
    // A real network answers on a later task, never synchronously.
    await new Promise((resolve) => setTimeout(resolve, 1));
    const handler = routes.get(`${call.method} ${call.path}`);
    const reply = handler ? await handler(call) : { status: 404, body: { error: 'Not found' } };
    return new FakeResponse(reply.status ?? 200, reply.body === undefined ? '' : JSON.stringify(reply.body), reply.headers ?? {});
  };
  globalThis.fetch = fakeFetch as unknown as typeof fetch;
  return network;
}

export const REVALIDATE = { [REVALIDATE_HEADER]: 'true' };
