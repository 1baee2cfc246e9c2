import { testApiHandler } from 'next-test-api-route-handler';
import type { NextApiHandler } from 'next';
import { type SetCookie, setCookiesOf } from './cookie-jar';
import { TestCookieJar } from 'next-auth-server-session/testing';

export interface RouteModule {
  default: NextApiHandler;
  config?: unknown;
}

export interface RouteCall {
  url: string;
  method?: string;
  params?: Record<string, string | string[]>;
  headers?: Record<string, string>;
  /** An object is sent as JSON; a string as is. */
  body?: unknown;
  jar?: TestCookieJar;
}

export interface RouteResult {
  status: number;
  headers: Headers;
  body: unknown;
  setCookies: SetCookie[];
}

/**
 * Calls a real route module through next-test-api-route-handler (Next's own API resolver,
 * so `config.api.bodyParser` and the query are honoured), carrying cookies in `jar`.
 */
export async function callRoute(mod: RouteModule, call: RouteCall): Promise<RouteResult> {
  let result: RouteResult | undefined;
  await testApiHandler({
    pagesHandler: mod as never,
    url: call.url,
    params: call.params,
    rejectOnHandlerError: true,
    test: async ({ fetch }) => {
      const headers: Record<string, string> = { ...call.headers };
      if (call.jar && call.jar.names().length > 0) headers.cookie = call.jar.header();
      let body: string | undefined;
      if (typeof call.body === 'string') body = call.body;
      else if (call.body !== undefined) {
        body = JSON.stringify(call.body);
        headers['content-type'] ??= 'application/json';
      }
      const response = await fetch({ method: call.method ?? 'GET', headers, body });
      const text = await response.text();
      let parsed: unknown = text;
      try {
        parsed = text ? JSON.parse(text) : undefined;
      } catch {
        // not JSON: keep the text
      }
      const setCookies = setCookiesOf(response.headers);
      call.jar?.apply(response);
      result = { status: response.status, headers: response.headers, body: parsed, setCookies };
    },
  });
  if (!result) throw new Error('route was not called');
  return result;
}
