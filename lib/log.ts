/**
 * The app's log lines: one JSON object per line, every string in it cut to a bounded
 * length, so nothing a client sends (a key with a newline, a 100 KB value) can forge a
 * line or flood the log. Hand-written: a logging library (pino) would be a dependency for
 * two functions; the line has the shape pino writes (`level`, `event`, then the fields).
 */

/** Every string in a log line, key or value, is cut to this many characters. */
export const MAX_LOG_VALUE_CHARS = 200;
/** Items of an array (and keys of an object) kept, and how deep a value is followed. */
const MAX_ITEMS = 20;
const MAX_DEPTH = 4;
const MAX_STACK_FRAMES = 8;

export type LogFields = Readonly<Record<string, unknown>>;
type Level = 'info' | 'warn' | 'error';

function cut(text: string): string {
  return text.length <= MAX_LOG_VALUE_CHARS ? text : `${text.slice(0, MAX_LOG_VALUE_CHARS)}… (${text.length} chars)`;
}

/** An error's stack as an array of frames: its first line repeats the message, already logged. */
function describeError(error: Error, depth: number): Record<string, unknown> {
  const frames = (error.stack ?? '')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line.startsWith('at '))
    .slice(0, MAX_STACK_FRAMES);
  const cause = error.cause === undefined ? {} : { cause: toLoggable(error.cause, depth + 1) };
  return { name: cut(error.name), message: cut(error.message), stack: frames.map(cut), ...cause };
}

/** A copy that JSON can encode, bounded in length, breadth and depth (so cycles end too). */
function toLoggable(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return cut(value);
  if (value === null || value === undefined || typeof value === 'number' || typeof value === 'boolean') return value;
  if (typeof value !== 'object') return cut(String(value));
  if (depth >= MAX_DEPTH) return '[…]';
  if (value instanceof Error) return describeError(value, depth);
  if (Array.isArray(value)) {
    const items = value.slice(0, MAX_ITEMS).map((item: unknown) => toLoggable(item, depth + 1));
    return value.length > MAX_ITEMS ? [...items, `… (${value.length} items)`] : items;
  }
  const entries = Object.entries(value);
  const kept = entries.slice(0, MAX_ITEMS).map(([key, item]) => [cut(key), toLoggable(item, depth + 1)]);
  if (entries.length > MAX_ITEMS) kept.push(['…', `${entries.length} keys`]);
  return Object.fromEntries(kept);
}

/**
 * JSON escapes every control character below U+0020 but leaves these raw, and log viewers
 * and terminals break lines at some of them (U+0085 NEL, U+2028, U+2029; C1 controls).
 */
const RAW_LINE_BREAKERS = /[\u007f-\u009f\u2028\u2029]/g;

/** The line `logWarn` / `logError` write. */
function formatLogLine(level: Level, event: string, fields: LogFields = {}): string {
  const head = { level, event: cut(event) };
  const line = JSON.stringify({ ...head, ...(toLoggable(fields) as object), ...head });
  return line.replace(RAW_LINE_BREAKERS, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/**
 * One JSON line on stderr. Log an event once per request, with client input as fields
 * (never spliced into the event name).
 * @example
 * logWarn('session.patch-refused', { issues }); // {"level":"warn","event":"session.patch-refused","issues":[...]}
 */
/** A change of state worth one line (a connection regained), not a problem. */
export function logInfo(event: string, fields?: LogFields): void {
  console.info(formatLogLine('info', event, fields));
}

export function logWarn(event: string, fields?: LogFields): void {
  console.warn(formatLogLine('warn', event, fields));
}

export function logError(event: string, fields?: LogFields): void {
  console.error(formatLogLine('error', event, fields));
}
