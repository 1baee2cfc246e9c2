import fc from 'fast-check';
import { cookieHeaderOf, type CookieSpec } from './fuzz-cookies';
import type { CheckedExchange, FuzzHarness, RouteKind } from './fuzz-harness';
import { acceptedSecrets, decodeToken, unambiguousToken } from './fuzz-oracle';
import type { RawRequest } from './fuzz-server';
import { SESSION_COOKIE } from './session-cookie';

/**
 * Well-formed, same-origin requests to every route that reads the session, for properties
 * about the cookie rather than the request: whatever the cookie, the only outcomes are the
 * signed-in answer or "not signed in".
 */

export type Target =
  | 'refresh'
  | 'profile-get'
  | 'profile-patch'
  | 'profile-patch-invalid'
  | 'cart-get'
  | 'cart-add'
  | 'cart-add-invalid'
  | 'cart-remove'
  | 'next-auth-get'
  | 'next-auth-update';

export const TARGETS: readonly Target[] = [
  'refresh',
  'profile-get',
  'profile-patch',
  'profile-patch-invalid',
  'cart-get',
  'cart-add',
  'cart-add-invalid',
  'cart-remove',
  'next-auth-get',
  'next-auth-update',
];

/** The statuses each target may answer: signed in (2xx, or a 4xx found after the session check), or 401. */
export const ALLOWED_STATUSES: Record<Target, readonly number[]> = {
  refresh: [200, 401],
  'profile-get': [200, 401],
  'profile-patch': [200, 401],
  'profile-patch-invalid': [400, 401],
  'cart-get': [200, 401],
  'cart-add': [200, 401, 409],
  'cart-add-invalid': [400, 401],
  'cart-remove': [200, 401, 404],
  'next-auth-get': [200],
  'next-auth-update': [200, 400],
};

/** A name the patch policy accepts. */
export const simpleNameArb = fc
  .string({ unit: fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz ABC'), minLength: 1, maxLength: 80 })
  .map((name) => `A${name}`.slice(0, 80));

function json(value: unknown): Buffer {
  return Buffer.from(JSON.stringify(value));
}

export interface TargetInput {
  cookie: string | undefined;
  productId: number;
  name: string;
  csrf: { cookie: string; token: string };
}

export function requestFor(target: Target, { cookie, productId, name, csrf }: TargetInput): { request: RawRequest; kind: RouteKind } {
  const headers: Record<string, string> = cookie === undefined ? {} : { cookie };
  const jsonHeaders = { ...headers, 'content-type': 'application/json' };
  const api = (method: string, path: string, body?: unknown) => ({
    kind: 'api' as const,
    request: { method, path, headers: body === undefined ? headers : jsonHeaders, body: body === undefined ? undefined : json(body) },
  });
  switch (target) {
    case 'refresh':
      return api('POST', '/api/session/refresh', { data: { name } });
    case 'profile-get':
      return api('GET', '/api/profile');
    case 'profile-patch':
      return api('PATCH', '/api/profile', { name });
    case 'profile-patch-invalid':
      return api('PATCH', '/api/profile', { name, role: 'admin' });
    case 'cart-get':
      return api('GET', '/api/cart');
    case 'cart-add':
      return api('POST', '/api/cart', { productId, quantity: 1 });
    case 'cart-add-invalid':
      return api('POST', '/api/cart', { productId, quantity: 0 });
    case 'cart-remove':
      return api('DELETE', `/api/cart/${productId}`);
    case 'next-auth-get':
      return { kind: 'next-auth', request: { method: 'GET', path: '/api/auth/session', headers } };
    case 'next-auth-update': {
      const csrfCookie = `next-auth.csrf-token=${encodeURIComponent(csrf.cookie)}`;
      const withCsrf = { ...jsonHeaders, cookie: cookie === undefined ? csrfCookie : `${cookie}; ${csrfCookie}` };
      return { kind: 'next-auth', request: { method: 'POST', path: '/api/auth/session', headers: withCsrf, body: json({ csrfToken: csrf.token, data: { name } }) } };
    }
  }
}

/**
 * Who the answer says is signed in: a user id, `null` for "nobody" (401, or next-auth's
 * empty session), or undefined when the answer is signed in but does not say as whom.
 */
export function signedInUser(kind: RouteKind, checked: CheckedExchange): string | null | undefined {
  const body = checked.json as { user?: { id?: string }; session?: { user?: { id?: string } }; profile?: { id?: string } } | undefined;
  if (kind === 'next-auth') return body?.user?.id ?? null;
  if (checked.response.status === 401) return null;
  return body?.session?.user?.id ?? body?.profile?.id;
}

export interface CookieCase {
  target: Target;
  cookie: CookieSpec;
  productId: number;
  name: string;
}

export function cookieCaseArb(cookie: fc.Arbitrary<CookieSpec>): fc.Arbitrary<CookieCase> {
  return fc.record({ target: fc.constantFrom(...TARGETS), cookie, productId: fc.integer({ min: 1, max: 240 }), name: simpleNameArb });
}

/** How many cases reached each kind of outcome: a generator that only makes garbage would show zeros. */
export interface CookieCaseStats {
  signedIn: number;
  exactChecks: number;
  chunkedSignIns: number;
  refusedTokens: number;
}

export const emptyStats = (): CookieCaseStats => ({ signedIn: 0, exactChecks: 0, chunkedSignIns: 0, refusedTokens: 0 });

export interface CookieCaseResult {
  request: RawRequest;
  checked: CheckedExchange;
  /** See signedInUser. */
  user: string | null | undefined;
}

/**
 * Sends one cookie case and checks, on top of the harness's invariants, that it signs in
 * exactly when it may: never without a usable token for that user, always with an intact
 * token in an unambiguous layout (only `<name>`, or only `.0..n`).
 */
export async function checkCookieCase(harness: FuzzHarness, kase: CookieCase, stats: CookieCaseStats): Promise<CookieCaseResult> {
  const { tokens } = harness;
  const cookie = await cookieHeaderOf(kase.cookie, tokens);
  const csrf = { cookie: tokens.csrfCookie, token: tokens.csrfToken };
  const { request, kind } = requestFor(kase.target, { cookie, productId: kase.productId, name: kase.name, csrf });
  const checked = await harness.exchange(request, kind);

  const problems: string[] = [];
  const status = checked.response.status;
  const allowed = ALLOWED_STATUSES[kase.target];
  if (!allowed.includes(status)) problems.push(`status ${status} is not one of ${allowed.join('/')}`);
  const usable = await harness.usableSubs(checked.authentic);
  const user = signedInUser(kind, checked);
  if (user) stats.signedIn += 1;
  if (user && `${SESSION_COOKIE}.1` in checked.requestCookies) stats.chunkedSignIns += 1;
  if (checked.authentic.length > 0 && usable.size === 0) stats.refusedTokens += 1;
  if (user && !usable.has(user)) problems.push(`signed in as ${user}, but the request carries no usable token for that user`);
  if (user === undefined && usable.size === 0) problems.push('answered as signed in, but the request carries no usable token');
  const token = unambiguousToken(checked.requestCookies);
  const csrfIntact = kind === 'api' || checked.requestCookies['next-auth.csrf-token'] === tokens.csrfCookie;
  const exact = token !== undefined && csrfIntact ? await decodeToken(token, acceptedSecrets()) : null;
  if (exact && typeof exact.sub === 'string' && usable.has(exact.sub)) {
    stats.exactChecks += 1;
    if (user === null) problems.push(`refused an intact token for ${exact.sub} in an unambiguous layout`);
  }
  if (problems.length > 0) harness.fail(request, checked, problems);
  return { request, checked, user };
}
