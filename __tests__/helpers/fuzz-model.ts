import { parse as parseContentType } from 'content-type';
import type { Store } from '@/lib/db/store';
import { LOCALES, THEMES } from './fuzz-bodies';

/**
 * An independent model of what our routes must answer, written from their contracts (the
 * route comments, README and tests), not from their code: method -> 405, cross-site ->
 * 403, body framing -> 415/413/400, then each route's schema and the store's outcome.
 * `null` means "no exact expectation" (the answer depends on who is signed in).
 */

export const APP_ORIGIN = 'http://localhost:3000';
export const MAX_BODY_BYTES = 16 * 1024;
export const MAX_JSON_DEPTH = 32;

export type ApiRoute = { name: 'refresh' | 'profile' | 'cart' } | { name: 'cart-line'; segment: string };

export const HANDLED_METHODS: Record<ApiRoute['name'], readonly string[]> = {
  refresh: ['POST'],
  profile: ['GET', 'PATCH'],
  cart: ['GET', 'POST'],
  'cart-line': ['PATCH', 'DELETE'],
};

export interface ModelRequest {
  route: ApiRoute;
  method: string;
  contentType: string | undefined;
  body: Buffer | undefined;
  chunked: boolean;
  origin: string | undefined;
  secFetchSite: string | undefined;
}

type Outcome = { status: number } | { value: unknown };

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const hasOnlyKeys = (value: Record<string, unknown>, allowed: readonly string[]) => Object.keys(value).every((key) => allowed.includes(key));

/** HTTP trims optional whitespace around header values before the route sees them. */
const headerValue = (value: string | undefined) => value?.replace(/^[ \t]+|[ \t]+$/g, '');

/** JSON is `application/json` or `+json`, of a header that is a well-formed media type (RFC 7231, as the `content-type` package reads it). */
export function isJsonContentType(header: string | undefined): boolean {
  if (header === undefined) return false;
  try {
    const { type } = parseContentType(header);
    return type === 'application/json' || type.endsWith('+json');
  } catch {
    return false;
  }
}

export function isCrossSite(request: Pick<ModelRequest, 'origin' | 'secFetchSite'>): boolean {
  const origin = headerValue(request.origin);
  return headerValue(request.secFetchSite) === 'cross-site' || (origin !== undefined && origin !== APP_ORIGIN);
}

/** Arrays and objects nested in `value`, walked with a stack of its own (a recursive walk would overflow on the deep bodies). */
function nestingOf(value: unknown): number {
  let deepest = 0;
  const pending: [unknown, number][] = [[value, 0]];
  for (let next = pending.pop(); next; next = pending.pop()) {
    const [item, depth] = next;
    if (typeof item !== 'object' || item === null) continue;
    deepest = Math.max(deepest, depth + 1);
    for (const child of Object.values(item)) pending.push([child, depth + 1]);
  }
  return deepest;
}

/** readMutationBody's contract: JSON only (415), at most 16 KB (413), parseable and nested at most 32 deep (400); empty = undefined. */
function readBody(request: ModelRequest): Outcome {
  const bytes = request.body ?? Buffer.alloc(0);
  const hasBody = bytes.length > 0 || request.chunked;
  if (hasBody && !isJsonContentType(request.contentType)) return { status: 415 };
  if (bytes.length > MAX_BODY_BYTES) return { status: 413 };
  if (bytes.length === 0) return { value: undefined };
  let value: unknown;
  try {
    value = JSON.parse(bytes.toString('utf8'));
  } catch {
    return { status: 400 };
  }
  return nestingOf(value) > MAX_JSON_DEPTH ? { status: 400 } : { value };
}

/** Characters as a person counts them: code points, so an emoji is one (as zod 4 measures strings). */
const characterCount = (text: string) => Array.from(text).length;

/** Ill-formed UTF-16: a surrogate without its pair (JSON can carry one as `"\ud800"`). */
const hasLoneSurrogate = (text: string) => /[\ud800-\udfff]/u.test(text);

/** A name a person could type: 1-80 characters once trimmed, well-formed, no control characters. */
export function isValidName(name: unknown): boolean {
  if (typeof name !== 'string') return false;
  const trimmed = name.trim();
  return trimmed !== '' && characterCount(trimmed) <= 80 && !hasLoneSurrogate(trimmed) && !/\p{Cc}/u.test(trimmed);
}

/** The session patch policy: only `name` (see isValidName) and `preferences.{theme,locale}`. */
export function isValidPatch(patch: unknown): boolean {
  if (!isPlainObject(patch) || !hasOnlyKeys(patch, ['name', 'preferences'])) return false;
  const { name, preferences } = patch;
  if ('name' in patch && !isValidName(name)) return false;
  if (!('preferences' in patch)) return true;
  if (!isPlainObject(preferences) || !hasOnlyKeys(preferences, ['theme', 'locale'])) return false;
  if ('theme' in preferences && !(THEMES as readonly unknown[]).includes(preferences.theme)) return false;
  return !('locale' in preferences) || (LOCALES as readonly unknown[]).includes(preferences.locale);
}

/** `z.coerce.number().int().positive().max(2^31 - 1)`: what the cart accepts as a product id. */
export function productIdOf(value: unknown): number | null {
  const id = Number(value);
  return Number.isInteger(id) && id >= 1 && id <= 2_147_483_647 ? id : null;
}

const isQuantity = (value: unknown, min: number) => typeof value === 'number' && Number.isInteger(value) && value >= min && value <= 99;

async function cartLineStatus(store: Store, userId: string, productId: number, change: 'add' | 'set', quantity: number): Promise<number> {
  const line = (await store.getCart(userId)).items.find((item) => item.productId === productId);
  if (change === 'set') return line ? 200 : 404;
  if (!(await store.findProduct(productId))) return 404;
  return (line?.quantity ?? 0) + quantity <= 99 ? 200 : 409;
}

/** The answer for Alice's fresh session, once the body has been read. */
async function afterBody(request: ModelRequest, value: unknown, store: Store, aliceId: string | null): Promise<number | null> {
  const { route, method } = request;
  const body = value ?? {};
  if (route.name === 'refresh') {
    if (!isPlainObject(body) || !hasOnlyKeys(body, ['data'])) return 400;
    if (!aliceId) return null;
    return body.data === undefined || body.data === null || isValidPatch(body.data) ? 200 : 400;
  }
  if (!aliceId) return null;
  if (route.name === 'profile') return isValidPatch(body) ? 200 : 400;
  if (route.name === 'cart') {
    if (!isPlainObject(body) || !hasOnlyKeys(body, ['productId', 'quantity'])) return 400;
    const productId = productIdOf(body.productId);
    if (productId === null || (body.quantity !== undefined && !isQuantity(body.quantity, 1))) return 400;
    return cartLineStatus(store, aliceId, productId, 'add', (body.quantity as number | undefined) ?? 1);
  }
  if (method === 'PATCH' && (!isPlainObject(body) || !hasOnlyKeys(body, ['quantity']) || !isQuantity(body.quantity, 0))) return 400;
  const productId = productIdOf(route.name === 'cart-line' ? route.segment : undefined);
  return productId === null ? 400 : cartLineStatus(store, aliceId, productId, 'set', 0);
}

/**
 * The status our routes must answer. `aliceId` says the request carries Alice's intact,
 * current session; with any other cookie only the session-independent stages are exact.
 */
export async function expectedStatus(request: ModelRequest, store: Store, aliceId: string | null): Promise<number | null> {
  if (!HANDLED_METHODS[request.route.name].includes(request.method)) return 405;
  if (request.method === 'GET') return aliceId ? 200 : null;
  if (isCrossSite(request)) return 403;
  const read = readBody(request);
  if ('status' in read) return read.status;
  // DELETE takes no body: any at all is refused before the session is looked at.
  if (request.method === 'DELETE' && read.value !== undefined) return 400;
  return afterBody(request, read.value, store, aliceId);
}
