import { parse as parseQueryString } from 'node:querystring';
import contentType from 'content-type';
import type { NextApiRequest } from 'next';
import { parseJsonText } from '../api/parse-json-text';
import { readRawBody, type ReadRawBodyOptions } from '../api/read-raw-body';
import { RouteError } from '../api/route-error';

const JSON_TYPES = new Set(['application/json', 'application/ld+json']);

/** Next's reading: a missing or malformed header is text/plain; the charset defaults to UTF-8. */
function mediaTypeOf(header: string | undefined): { type: string; charset: string } {
  try {
    const { type, parameters } = contentType.parse(header ?? 'text/plain');
    return { type, charset: parameters.charset ?? 'utf-8' };
  } catch {
    return { type: 'text/plain', charset: 'utf-8' };
  }
}

function decode(bytes: Buffer, charset: string): string {
  let decoder: TextDecoder;
  try {
    decoder = new TextDecoder(charset);
  } catch {
    throw new RouteError(415, `Content-Type charset ${charset} is not supported`);
  }
  return decoder.decode(bytes);
}

/**
 * The body of a request to next-auth's route, read under our routes' limits (16 KB, 10 s;
 * see `readRawBody`) and parsed as Next's own API body parser would
 * (next/dist/server/api-utils/node/parse-body.js), which next-auth's Next adapter expects in
 * `req.body`: JSON (empty = `{}`; nested at most 32 deep), form-urlencoded as
 * `querystring` decodes it, anything else as text. Refusals are `RouteError`s (413, 408,
 * 400, 415), where Next's parser answers in plain text, allows 1 MB and waits for ever.
 * @example
 * req.body = await readNextAuthBody(req);
 */
export async function readNextAuthBody(req: NextApiRequest, options: ReadRawBodyOptions = {}): Promise<unknown> {
  const { type, charset } = mediaTypeOf(req.headers['content-type']);
  const text = decode(await readRawBody(req, options), charset);
  if (JSON_TYPES.has(type)) return text.length === 0 ? {} : parseJsonText(text);
  if (type === 'application/x-www-form-urlencoded') return parseQueryString(text);
  return text;
}
