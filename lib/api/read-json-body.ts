import contentType from 'content-type';
import type { NextApiRequest } from 'next';
import getRawBody from 'raw-body';
import { RouteError } from './route-error';

export const MAX_BODY_BYTES = 16 * 1024;
/** How long a whole body may take to arrive: a client trickling bytes holds a connection and a handler. */
export const BODY_TIMEOUT_MS = 10_000;

export interface ReadJsonBodyOptions {
  maxBytes?: number;
  timeoutMs?: number;
}

/**
 * The rest of a refused body is never read: the error answer closes the connection
 * instead, so a chunked body that never ends (or a declared gigabyte) costs nothing more.
 * (Draining it, to keep the connection alive, is what an endless body exploits.)
 */
const CLOSE_CONNECTION = { Connection: 'close' } as const;

/** `application/json` or any `+json` type; a missing or malformed header (RFC 7231, as `content-type` reads it) is not JSON. */
function isJsonContentType(header: string | undefined): boolean {
  if (header === undefined) return false;
  let type: string;
  try {
    type = contentType.parse(header).type;
  } catch {
    return false;
  }
  return type === 'application/json' || type.endsWith('+json');
}

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
 * The body, within `maxBytes` (raw-body: a declared Content-Length over it is refused
 * before a byte is read, a stream is stopped as it passes it) and within `timeoutMs` for
 * the whole body, which raw-body does not limit: past it the request is paused, and its
 * listeners go with the connection that the 408 closes.
 */
async function readLimited(req: NextApiRequest, maxBytes: number, timeoutMs: number): Promise<Buffer> {
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

/**
 * Reads a JSON body from a route with `bodyParser: false` (Next's own parser answers
 * oversize bodies with a plain-text 413; this answers every failure with JSON): 415 for
 * another content type, 413 past `maxBytes` (16 KB), 408 when the whole body takes longer
 * than `timeoutMs` (10 s), 400 for invalid JSON. An empty body is `undefined`.
 * @example
 * const body = await readJsonBody(req, { timeoutMs: 500 }); // a test's short limit
 */
export async function readJsonBody(req: NextApiRequest, options: ReadJsonBodyOptions = {}): Promise<unknown> {
  const { maxBytes = MAX_BODY_BYTES, timeoutMs = BODY_TIMEOUT_MS } = options;
  const hasBody = Number(req.headers['content-length'] ?? 0) > 0 || req.headers['transfer-encoding'] !== undefined;
  const isJson = isJsonContentType(req.headers['content-type']);
  if (hasBody && !isJson) throw new RouteError(415, 'Content-Type must be application/json', {}, CLOSE_CONNECTION);
  const raw = await readLimited(req, maxBytes, timeoutMs);
  if (raw.length === 0) return undefined;
  if (!isJson) throw new RouteError(415, 'Content-Type must be application/json');
  try {
    return JSON.parse(raw.toString('utf8'));
  } catch {
    throw new RouteError(400, 'Request body is not valid JSON');
  }
}
