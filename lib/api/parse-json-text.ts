import { RouteError } from './route-error';

/**
 * How deep a request body may nest. JSON.parse itself copes with any depth, but what
 * consumes the value afterwards recurses (JSON.stringify when an Idempotency-Key is hashed,
 * zod, res.json) and overflows the stack long before a 16 KB body runs out of brackets.
 * Our bodies nest 3 levels at most.
 */
export const MAX_JSON_DEPTH = 32;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACKET = 0x5b;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACKET = 0x5d;
const CLOSE_BRACE = 0x7d;

/** Where the string opened at `start` ends: its first quote after an even run of backslashes (or the end of the text). */
function endOfString(text: string, start: number): number {
  let from = start + 1;
  for (;;) {
    const quote = text.indexOf('"', from);
    if (quote === -1) return text.length;
    let backslashes = 0;
    while (text.charCodeAt(quote - 1 - backslashes) === BACKSLASH) backslashes++;
    if (backslashes % 2 === 0) return quote;
    from = quote + 1;
  }
}

/**
 * Whether `text` opens more than `maxDepth` arrays/objects at once, brackets inside strings
 * not counted: one pass, no recursion, stopping at the first level too deep. Hand-written
 * because the JSON libraries we know either recurse or offer no depth limit. Malformed
 * text may be counted loosely; JSON.parse refuses it next anyway.
 */
export function exceedsJsonDepth(text: string, maxDepth: number): boolean {
  let depth = 0;
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    if (code === QUOTE) index = endOfString(text, index);
    else if (code === OPEN_BRACKET || code === OPEN_BRACE) {
      if (++depth > maxDepth) return true;
    } else if (code === CLOSE_BRACKET || code === CLOSE_BRACE) depth--;
  }
  return false;
}

/**
 * A request body's JSON: 400 `{ error, maxDepth }` when it nests deeper than `maxDepth`
 * (checked on the text, before anything recursive touches it), 400 when it is not JSON.
 * @example
 * parseJsonText('[[1]]'); // [[1]]
 */
export function parseJsonText(text: string, maxDepth = MAX_JSON_DEPTH): unknown {
  if (exceedsJsonDepth(text, maxDepth)) throw new RouteError(400, `Request body nests deeper than ${maxDepth} levels`, { maxDepth });
  try {
    return JSON.parse(text);
  } catch {
    throw new RouteError(400, 'Request body is not valid JSON');
  }
}
