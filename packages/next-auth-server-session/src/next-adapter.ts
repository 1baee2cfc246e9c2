import type { IncomingMessage, ServerResponse } from 'node:http';
import { parse } from 'cookie';
import onHeaders from 'on-headers';
import type { CookieMap } from './chunks';
import type { AnsweredCookie, CookieWrite } from './cookie-writes';
import { REVALIDATE_HEADER } from './revalidate-header';
import { toSetCookieLine } from './set-cookie-line';

/**
 * A request as Next hands it to API routes (`NextApiRequest`) and `getServerSideProps`
 * (`ctx.req`), cookies parsed; or a bare Node request, whose Cookie header is read instead.
 * Responses are plain `ServerResponse`s: the toolkit uses no `res.status`/`res.json`.
 */
export type SessionRequest = IncomingMessage & { cookies?: Partial<Record<string, string>> };

/** The request's cookies: Next's parsed map, or the Cookie header parsed as Next parses it (`cookie`). */
export function readRequestCookies(req: SessionRequest): CookieMap {
  return req.cookies ?? parse(req.headers.cookie ?? '');
}

/**
 * The name of a `name=value` pair: a Cookie header's pair, or a Set-Cookie line (its first
 * pair). A pair without `=` is all name.
 */
function nameOf(pair: string): string {
  const equals = pair.indexOf('=');
  return (equals === -1 ? pair : pair.slice(0, equals)).trim();
}

/** A Set-Cookie line's `name=value`, its value encoded as the line has it. */
function firstPairOf(line: string): string {
  const end = line.indexOf(';');
  return end === -1 ? line : line.slice(0, end);
}

function setCookieHeaders(res: ServerResponse): string[] {
  const existing = res.getHeader('Set-Cookie');
  return Array.isArray(existing) ? existing : existing ? [String(existing)] : [];
}

function keepSetCookies(res: ServerResponse, keep: (name: string) => boolean): void {
  const kept = setCookieHeaders(res).filter((header) => keep(nameOf(header)));
  if (kept.length > 0) res.setHeader('Set-Cookie', kept);
  else res.removeHeader('Set-Cookie');
}

/**
 * The request as the rest of this request should see it after the writes (`getServerSession`
 * and `getToken` read `req.cookies`; code that parses or forwards the Cookie header reads
 * that): written values in, expired ones out. The header's other pairs are kept as the browser sent them; a written
 * value goes in as its Set-Cookie line's own pair (encoded, as `cookie`'s parse decodes it).
 */
function reflectInRequest(req: SessionRequest, writes: readonly CookieWrite[], lines: readonly string[], names: ReadonlySet<string>): void {
  const { cookies } = req;
  if (cookies) {
    for (const { name, value } of writes) {
      if (value === '') delete cookies[name];
      else cookies[name] = value;
    }
  }
  const header = req.headers.cookie;
  if (!header) return;
  const kept = header
    .split(';')
    .map((pair) => pair.trim())
    .filter((pair) => pair !== '' && !names.has(nameOf(pair)));
  const written = lines.filter((_, index) => writes[index]?.value !== '').map(firstPairOf);
  req.headers.cookie = [...kept, ...written].join('; ');
}

/**
 * Writes the planned cookies, keeping every other Set-Cookie already on the response but
 * dropping earlier ones for the same names (e.g. from getServerSession, or an earlier
 * update in this request), so the response never carries two headers for one cookie.
 * Serialised as `cookie` does (as next-auth does; set-cookie-line.ts) and set in one header
 * update, rather than one `setCookie` per cookie that re-parses the request and re-sets the whole list.
 */
export async function writeSessionCookies(req: SessionRequest, res: ServerResponse, writes: readonly CookieWrite[]): Promise<void> {
  if (writes.length === 0) return;
  const names = new Set(writes.map((write) => write.name));
  const kept = setCookieHeaders(res).filter((header) => !names.has(nameOf(header)));
  const lines = writes.map(toSetCookieLine);
  res.setHeader('Set-Cookie', [...kept, ...lines]);
  reflectInRequest(req, writes, lines, names);
}

/** The browser's copy of the session is stale; the answer is per user. */
export function markSessionChanged(res: ServerResponse): void {
  res.setHeader(REVALIDATE_HEADER, 'true');
  res.setHeader('Cache-Control', 'no-store');
}

/** Keeps the last Set-Cookie of each session-cookie name: the one a browser would keep. */
function keepLastSessionCookies(res: ServerResponse, cookieName: string): void {
  const headers = setCookieHeaders(res);
  const named = headers.map((header) => ({ header, name: nameOf(header) }));
  const last = new Map(named.map(({ name }, index) => [name, index]));
  const kept = named.filter(({ name }, index) => !name.startsWith(cookieName) || last.get(name) === index).map(({ header }) => header);
  if (kept.length < headers.length) res.setHeader('Set-Cookie', kept);
}

/**
 * The toolkit's rules for the answer as it finally goes out, hooked on the response itself
 * (on-headers) so they hold however the route answers:
 * - an error answer (status >= 400) must not change the client's session: when
 *   `issuedSession()` says a session was issued in this request, every session-cookie
 *   header (`<name>*`) and the revalidate header are taken off (an ended session's
 *   expiries stay);
 * - otherwise one header per session-cookie name, even when the route called
 *   `getServerSession` after an update (it appends a cookie of its own).
 */
export function settleSessionHeaders(res: ServerResponse, cookieName: string, issuedSession: () => boolean): void {
  onHeaders(res, function settle(this: ServerResponse) {
    if (this.statusCode >= 400 && issuedSession()) {
      keepSetCookies(this, (name) => !name.startsWith(cookieName));
      this.removeHeader(REVALIDATE_HEADER);
    } else {
      keepLastSessionCookies(this, cookieName);
    }
  });
}

/** The answer's session-cookie lines: which names it writes a value to, which it expires. */
function readAnsweredCookies(res: ServerResponse, cookieName: string): AnsweredCookie[] {
  return setCookieHeaders(res)
    .map((line) => ({ name: nameOf(line), pair: firstPairOf(line) }))
    .filter(({ name }) => name.startsWith(cookieName))
    .map(({ name, pair }) => ({ name, issued: pair.slice(pair.indexOf('=') + 1).trim() !== '' }));
}

/**
 * Whoever writes the answer (next-auth's handler, `getServerSession`, a page), as its headers
 * go out: one Set-Cookie per session-cookie name, plus the expiries `planMissing` adds for
 * what the answer writes.
 */
export function guardSessionAnswer(res: ServerResponse, cookieName: string, planMissing: (answered: readonly AnsweredCookie[]) => CookieWrite[]): void {
  onHeaders(res, function guard(this: ServerResponse) {
    keepLastSessionCookies(this, cookieName);
    const missing = planMissing(readAnsweredCookies(this, cookieName));
    if (missing.length > 0) this.setHeader('Set-Cookie', [...setCookieHeaders(this), ...missing.map(toSetCookieLine)]);
  });
}
