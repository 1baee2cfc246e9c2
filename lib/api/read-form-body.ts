import type { IncomingMessage } from 'node:http';
import contentType from 'content-type';
import { CLOSE_CONNECTION, readRawBody, type ReadRawBodyOptions } from './read-raw-body';
import { RouteError } from './route-error';

const FORM_TYPE = 'application/x-www-form-urlencoded';

/** A missing or malformed header (RFC 7231, as `content-type` reads it) is not a form. */
function isFormContentType(header: string | undefined): boolean {
  if (header === undefined) return false;
  try {
    return contentType.parse(header).type === FORM_TYPE;
  } catch {
    return false;
  }
}

/**
 * An HTML form's POST body (`application/x-www-form-urlencoded`), where Next parses none: a
 * page's `getServerSideProps`, or a route with `bodyParser: false`. Read by `readRawBody`
 * within its limits (413 past `maxBytes`, 408 past `timeoutMs`, 400 for a body cut short);
 * 415 for another content type, before any of the body is read. An empty body is an empty
 * set of fields.
 * @example
 * const form = await readFormBody(req, { maxBytes: 1024 }); // a form of a few short fields
 * form.get('locale');
 */
export async function readFormBody(req: IncomingMessage, options: ReadRawBodyOptions = {}): Promise<URLSearchParams> {
  if (!isFormContentType(req.headers['content-type'])) throw new RouteError(415, `Content-Type must be ${FORM_TYPE}`, {}, CLOSE_CONNECTION);
  return new URLSearchParams((await readRawBody(req, options)).toString('utf8'));
}
