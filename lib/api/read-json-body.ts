import type { NextApiRequest } from 'next';
import { RouteError } from './route-error';

export const MAX_BODY_BYTES = 16 * 1024;

function isJsonContentType(header: string | undefined): boolean {
  const type = header?.split(';')[0]?.trim().toLowerCase();
  return type === 'application/json' || Boolean(type?.endsWith('+json'));
}

async function readLimited(req: NextApiRequest, maxBytes: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > maxBytes) throw tooLarge(maxBytes);
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of req) {
    const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
    total += buffer.length;
    if (total > maxBytes) throw tooLarge(maxBytes);
    chunks.push(buffer);
  }
  return Buffer.concat(chunks);
}

function tooLarge(maxBytes: number): RouteError {
  return new RouteError(413, `Request body is larger than ${maxBytes / 1024} KB`, { limitBytes: maxBytes });
}

/**
 * Reads a JSON body from a route with `bodyParser: false` (Next's own parser answers
 * oversize bodies with a plain-text 413; this answers every failure with JSON).
 * An empty body is `undefined`; a non-empty one must be `application/json`.
 */
export async function readJsonBody(req: NextApiRequest, maxBytes = MAX_BODY_BYTES): Promise<unknown> {
  const hasBody = Number(req.headers['content-length'] ?? 0) > 0 || req.headers['transfer-encoding'] !== undefined;
  if (hasBody && !isJsonContentType(req.headers['content-type'])) {
    throw new RouteError(415, 'Content-Type must be application/json');
  }
  const raw = await readLimited(req, maxBytes);
  if (raw.length === 0) return undefined;
  if (!isJsonContentType(req.headers['content-type'])) throw new RouteError(415, 'Content-Type must be application/json');
  try {
    return JSON.parse(raw.toString('utf8'));
  } catch {
    throw new RouteError(400, 'Request body is not valid JSON');
  }
}
