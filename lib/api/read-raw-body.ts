import type { IncomingMessage } from 'node:http';
import getRawBody from 'raw-body';
import { RouteError } from './route-error';

export const MAX_BODY_BYTES = 16 * 1024;
/** How long a whole body may take to arrive: a client trickling bytes holds a connection and a handler. */
export const BODY_TIMEOUT_MS = 10_000;

export interface ReadRawBodyOptions {
  maxBytes?: number;
  timeoutMs?: number;
}

/**
 * The rest of a refused body is never read: the error answer closes the connection
 * instead, so a chunked body that never ends (or a declared gigabyte) costs nothing more.
 * (Draining it, to keep the connection alive, is what an endless body exploits.)
 */
export const CLOSE_CONNECTION = { Connection: 'close' } as const;

function tooLarge(maxBytes: number): RouteError {
  return new RouteError(413, `Request body is larger than ${maxBytes / 1024} KB`, { limitBytes: maxBytes }, CLOSE_CONNECTION);
}

function tooSlow(timeoutMs: number): RouteError {
  return new RouteError(408, `Request body took longer than ${timeoutMs / 1000} s to arrive`, { timeoutMs }, CLOSE_CONNECTION);
}

/** raw-body's refusals as our answers: over the limit 413; a body cut short (client gone, length not met) 400. */
function toRouteError(error: unknown, maxBytes: number): unknown {
  const type = (error as { type?: unknown } | null)?.type;
  if (type === 'entity.too.large') return tooLarge(maxBytes);
  if (type === 'request.aborted' || type === 'request.size.invalid') return new RouteError(400, 'Request body ended before it was complete', {}, CLOSE_CONNECTION);
  return error;
}

/**
 * The body's bytes, within `maxBytes` (16 KB; raw-body: a declared Content-Length over it
 * is refused before a byte is read, a stream is stopped as it passes it) and within
 * `timeoutMs` (10 s) for the whole body, which raw-body does not limit: past it the request
 * is paused, and its listeners go with the connection that the 408 closes. Refusals are
 * `RouteError`s: 413 `{ limitBytes }`, 408 `{ timeoutMs }`, 400 for a body cut short.
 * @example
 * const bytes = await readRawBody(req, { timeoutMs: 500 }); // a test's short limit
 */
export async function readRawBody(req: IncomingMessage, options: ReadRawBodyOptions = {}): Promise<Buffer> {
  const { maxBytes = MAX_BODY_BYTES, timeoutMs = BODY_TIMEOUT_MS } = options;
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      req.pause();
      reject(tooSlow(timeoutMs));
    }, timeoutMs);
  });
  try {
    return await Promise.race([getRawBody(req, { length: req.headers['content-length'], limit: maxBytes }), deadline]);
  } catch (error) {
    throw toRouteError(error, maxBytes);
  } finally {
    clearTimeout(timer);
  }
}
