import { noticeSessionResponse } from './session-signals';

/** The observers this module created, so a fetch that is already one is not wrapped again. */
const observers = new WeakSet<typeof fetch>();

function isSameOrigin(input: RequestInfo | URL): boolean {
  const href = typeof input === 'string' ? input : 'href' in input ? input.href : input.url;
  try {
    return new URL(href, window.location.href).origin === window.location.origin;
  } catch {
    return false;
  }
}

function noticeQuietly(input: RequestInfo | URL, response: Response): void {
  try {
    if (isSameOrigin(input)) void noticeSessionResponse(response);
  } catch {
    // A stand-in Response without headers (a test double): observing must never make a fetch fail.
  }
}

/**
 * Puts an observer around the current `globalThis.fetch` unless it already is one.
 *
 * Why patch fetch: an SWR middleware sees only what the app's fetcher returns (often
 * parsed JSON), never the Response and its `X-Revalidate-Session` header, and the browser
 * has no other way to read a response's headers. The observer passes every call through
 * unchanged (same arguments, same Response, same rejection) and only reads the header of
 * same-origin responses: other origins' headers are not ours to act on.
 *
 * Why "unless it already is one", called again before every fetch rather than once: code
 * that assigns `globalThis.fetch` later (a test's fake network, a polyfill, monitoring
 * tools) drops the observer, and the next call puts it back around the new fetch. A fetch
 * captured before installing (`const f = fetch`) is not observed; call sites that read the
 * global `fetch` when they run are. Never installs on the server, where `fetch` is shared
 * by every request.
 */
export function installFetchObserver(): void {
  if (typeof window === 'undefined' || typeof globalThis.fetch !== 'function') return;
  const inner = globalThis.fetch;
  if (observers.has(inner)) return;
  const observed: typeof fetch = async (...args: Parameters<typeof fetch>) => {
    const response = await inner(...args);
    noticeQuietly(args[0], response);
    return response;
  };
  observers.add(observed);
  globalThis.fetch = observed;
}
