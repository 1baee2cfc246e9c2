import contentType from 'content-type';
import type { NextApiRequest } from 'next';
import { parseJsonText } from './parse-json-text';
import { CLOSE_CONNECTION, readRawBody, type ReadRawBodyOptions } from './read-raw-body';
import { RouteError } from './route-error';

export { MAX_BODY_BYTES } from './read-raw-body';

export interface ReadJsonBodyOptions extends ReadRawBodyOptions {
  maxDepth?: number;
}

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

/**
 * Reads a JSON body from a route with `bodyParser: false` (Next's own parser answers
 * oversize bodies with a plain-text 413; this answers every failure with JSON): 415 for
 * another content type, 413 past `maxBytes` (16 KB), 408 when the whole body takes longer
 * than `timeoutMs` (10 s), 400 for a body nested deeper than `maxDepth` (32) or invalid
 * JSON. An empty body is `undefined`.
 * @example
 * const body = await readJsonBody(req, { timeoutMs: 500 }); // a test's short limit
 */
export async function readJsonBody(req: NextApiRequest, options: ReadJsonBodyOptions = {}): Promise<unknown> {
  const hasBody = Number(req.headers['content-length'] ?? 0) > 0 || req.headers['transfer-encoding'] !== undefined;
  const isJson = isJsonContentType(req.headers['content-type']);
  if (hasBody && !isJson) throw new RouteError(415, 'Content-Type must be application/json', {}, CLOSE_CONNECTION);
  const raw = await readRawBody(req, options);
  if (raw.length === 0) return undefined;
  if (!isJson) throw new RouteError(415, 'Content-Type must be application/json');
  return parseJsonText(raw.toString('utf8'), options.maxDepth);
}
