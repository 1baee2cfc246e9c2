import { createServer, request as httpRequest, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { apiResolver } from 'next/dist/server/api-utils/node/api-resolver';
import type { RouteModule } from './routes';

/**
 * One long-lived HTTP server on 127.0.0.1 that hands every request to Next's own
 * `apiResolver`, exactly as next-test-api-route-handler does (cookie parsing, the query,
 * `config.api.bodyParser`, `res.status/json/send`), but without starting a server per call.
 * Fuzz tests need thousands of requests; NTARH's per-call server costs more than the route.
 */

export interface FuzzRoute {
  pattern: RegExp;
  module: RouteModule;
  /** The dynamic segments of the path, as Next's router would pass them in `req.query`. */
  params?(match: RegExpExecArray): Record<string, string | string[]>;
}

export interface RawRequest {
  method: string;
  path: string;
  headers?: Record<string, string>;
  body?: Buffer;
  /** Send the body with `Transfer-Encoding: chunked` instead of a Content-Length. */
  chunked?: boolean;
}

export interface RawResponse {
  status: number;
  headers: IncomingHttpHeaders;
  setCookies: string[];
  text: string;
}

export interface FuzzServer {
  origin: string;
  send(request: RawRequest): Promise<RawResponse>;
  /** Errors a handler let escape to Next's resolver (it would answer 500); drained on read. */
  takeHandlerErrors(): unknown[];
  close(): Promise<void>;
}

/** Next's preview-mode context; the routes under test never use preview mode. */
const API_CONTEXT = { previewModeId: '', previewModeEncryptionKey: '', previewModeSigningKey: '', dev: false };
const REQUEST_TIMEOUT_MS = 10_000;

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/** `[productId]`-style parameter: the decoded path segment. */
export function segmentParam(name: string) {
  return (match: RegExpExecArray) => ({ [name]: decodeSegment(match[1] ?? '') });
}

/** `[...nextauth]`-style parameter: the decoded segments after the prefix. */
export function catchAllParam(name: string) {
  return (match: RegExpExecArray) => ({ [name]: (match[1] ?? '').split('/').map(decodeSegment) });
}

function queryOf(url: URL): Record<string, string | string[]> {
  const query: Record<string, string | string[]> = {};
  for (const [key, value] of url.searchParams) {
    const previous = query[key];
    query[key] = previous === undefined ? value : [...(Array.isArray(previous) ? previous : [previous]), value];
  }
  return query;
}

function createDispatcher(routes: readonly FuzzRoute[], handlerErrors: unknown[]): Server {
  return createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    for (const route of routes) {
      const match = route.pattern.exec(url.pathname);
      if (!match) continue;
      const query = { ...queryOf(url), ...route.params?.(match) };
      // propagateError: a handler error reaches us (not just Next's generic 500), so the test can name it.
      apiResolver(req, res, query, route.module, API_CONTEXT, true).catch((error: unknown) => {
        handlerErrors.push(error);
        if (!res.headersSent) res.statusCode = 500;
        res.end();
      });
      return;
    }
    res.statusCode = 404;
    res.end();
  });
}

function sendOver(origin: string, request: RawRequest): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { ...request.headers };
    if (request.body && !request.chunked) headers['content-length'] = String(request.body.length);
    // A fresh connection per request (agent: false): a route that answers before reading
    // the whole body cannot leave a half-read keep-alive socket for the next case.
    const req = httpRequest(`${origin}${request.path}`, { method: request.method, headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('error', reject);
      res.on('end', () => {
        const setCookie = res.headers['set-cookie'];
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          setCookies: setCookie ?? [],
          text: Buffer.concat(chunks).toString('utf8'),
        });
      });
    });
    req.setTimeout(REQUEST_TIMEOUT_MS, () => req.destroy(new Error(`no answer within ${REQUEST_TIMEOUT_MS} ms`)));
    req.on('error', reject);
    if (request.body && request.chunked) {
      // Two writes, so the body really arrives in more than one chunk.
      const half = Math.floor(request.body.length / 2);
      req.write(request.body.subarray(0, half));
      req.end(request.body.subarray(half));
    } else {
      req.end(request.body);
    }
  });
}

/** Starts the dispatcher on an ephemeral port of 127.0.0.1. */
export async function startFuzzServer(routes: readonly FuzzRoute[]): Promise<FuzzServer> {
  const handlerErrors: unknown[] = [];
  const server = createDispatcher(routes, handlerErrors);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const origin = `http://127.0.0.1:${port}`;
  return {
    origin,
    send: (request) => sendOver(origin, request),
    takeHandlerErrors: () => handlerErrors.splice(0),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
