import { serialize } from 'cookie';
import type { CookieWrite } from './cookie-writes';

/**
 * Set-Cookie lines exactly as `cookie`'s serialize writes them, without re-serialising what
 * repeats: serialize re-validates and re-encodes a whole token value and its attributes on
 * every call, while the attributes change only with the Expires second, and the expiry lines
 * of a session's unused chunk names never change.
 */

type Options = CookieWrite['options'];

/** Values `cookie` writes as they are: encodeURIComponent leaves them alone and the cookie-value grammar allows them. */
const PLAIN_VALUE = /^[A-Za-z0-9._~-]*$/;

/** `<name>=` plus the attributes: serialize's output for an empty value, which is what an expiry line is. */
function serializeEmpty(name: string, options: Options): string {
  return serialize(name, '', { path: '/', ...options });
}

/**
 * How many expiry lines are memoised per options object. The names worth it are the fixed
 * ones (`<name>`, `.0` ... `.N` of the budget), which every plan lists first; past the bound
 * a line is serialised each time, so stray names a client makes up cost no memory.
 */
export const MAX_MEMOISED_LINES = 16;

/** By options object (cookie-writes.ts shares one per cookie's expiries), then by name. */
const linesByOptions = new WeakMap<Options, Map<string, string>>();

function emptyLine(name: string, options: Options): string {
  let lines = linesByOptions.get(options);
  if (!lines) linesByOptions.set(options, (lines = new Map()));
  const memoised = lines.get(name);
  if (memoised !== undefined) return memoised;
  const line = serializeEmpty(name, options);
  if (lines.size < MAX_MEMOISED_LINES) lines.set(name, line);
  return line;
}

/** How many expiry lines are memoised for these options (tests check the bound). */
export function countMemoisedLines(options: Options): number {
  return linesByOptions.get(options)?.size ?? 0;
}

/** The last template made for a value's attributes: `Expires` is written to the second, so writes within one second share it. */
let lastTemplate: { name: string; options: Options; second: number; template: string } | undefined;

/** Every attribute but Expires equal (Expires is compared to the second by the caller). */
function sameAttributes(a: Options, b: Options): boolean {
  const keys = Object.keys(a) as (keyof Options)[];
  if (keys.length !== Object.keys(b).length) return false;
  return keys.every((key) => key === 'expires' || a[key] === b[key]);
}

function templateFor(name: string, options: Options): string {
  const second = Math.floor(options.expires.getTime() / 1000);
  const last = lastTemplate;
  if (last && last.name === name && last.second === second && (last.options === options || sameAttributes(last.options, options))) return last.template;
  const template = serializeEmpty(name, options);
  lastTemplate = { name, options, second, template };
  return template;
}

/** One planned cookie as a Set-Cookie header value: serialize's output (with `Path=/` unless the options name another). */
export function toSetCookieLine({ name, value, options }: CookieWrite): string {
  if (value === '') return emptyLine(name, options);
  if (!PLAIN_VALUE.test(value)) return serialize(name, value, { path: '/', ...options });
  return `${name}=${value}${templateFor(name, options).slice(name.length + 1)}`;
}
