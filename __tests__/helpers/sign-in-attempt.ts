import { testApiHandler } from 'next-test-api-route-handler';
import type { IncomingMessage } from 'node:http';
import { TestCookieJar } from 'next-auth-server-session/testing';
import type { RouteModule } from './routes';
import { SESSION_COOKIE } from './session-cookie';

/**
 * Sign-in attempts from a chosen client address, for the throttling tests: next-auth's
 * real credentials callback through next-test-api-route-handler, with the socket's
 * `remoteAddress` set as the server will read it.
 */

export interface AttemptOptions {
  /** `[...nextauth]` as loaded by the test (its environment decides TRUST_PROXY and the store). */
  route: RouteModule;
  /** The socket's remote address, as the server sees it. */
  ip: string;
  headers?: Record<string, string>;
}

export interface AttemptResult {
  status: number;
  headers: Headers;
  body: unknown;
  sessionCookie: string | undefined;
}

function fromAddress(ip: string) {
  return (req: IncomingMessage) => {
    Object.defineProperty(req.socket, 'remoteAddress', { value: ip, configurable: true });
  };
}

/** next-auth's CSRF token is reusable: one per route module, as an attacker would keep one. */
const csrfByRoute = new WeakMap<RouteModule, Promise<{ token: string; cookie: string }>>();

function csrfFor(route: RouteModule): Promise<{ token: string; cookie: string }> {
  const cached = csrfByRoute.get(route);
  if (cached) return cached;
  const fetched = (async () => {
    const jar = new TestCookieJar();
    let token = '';
    await testApiHandler({
      pagesHandler: route as never,
      url: '/api/auth/csrf',
      params: { nextauth: ['csrf'] },
      test: async ({ fetch }) => {
        const response = await fetch();
        jar.apply(response);
        token = ((await response.json()) as { csrfToken: string }).csrfToken;
      },
    });
    return { token, cookie: jar.header() };
  })();
  csrfByRoute.set(route, fetched);
  return fetched;
}

/** One POST /api/auth/callback/credentials, as next-auth's signIn() sends it. */
export async function attemptSignIn(email: string, password: string, { route, ip, headers = {} }: AttemptOptions): Promise<AttemptResult> {
  const { token, cookie } = await csrfFor(route);
  let result: AttemptResult | undefined;
  await testApiHandler({
    pagesHandler: route as never,
    url: '/api/auth/callback/credentials',
    params: { nextauth: ['callback', 'credentials'] },
    requestPatcher: fromAddress(ip),
    rejectOnHandlerError: true,
    test: async ({ fetch }) => {
      const response = await fetch({
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', cookie, ...headers },
        body: new URLSearchParams({ csrfToken: token, email, password, json: 'true' }).toString(),
      });
      const jar = new TestCookieJar().apply(response);
      const text = await response.text();
      result = { status: response.status, headers: response.headers, body: text ? JSON.parse(text) : undefined, sessionCookie: jar.get(SESSION_COOKIE) };
    },
  });
  if (!result) throw new Error('route was not called');
  return result;
}

/** `times` wrong passwords in a row; their statuses. */
export async function failSignIns(times: number, email: string, options: AttemptOptions): Promise<number[]> {
  const statuses: number[] = [];
  for (let i = 0; i < times; i++) statuses.push((await attemptSignIn(email, 'wrong-password', options)).status);
  return statuses;
}
