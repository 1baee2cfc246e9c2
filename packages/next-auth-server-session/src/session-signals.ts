import { REVALIDATE_HEADER } from './revalidate-header';
import { createSingleFlight } from './single-flight';

/** Gathers the responses of one burst (e.g. 20 parallel mutations) into one revalidation. */
const BURST_WINDOW_MS = 20;

type Handler = () => Promise<unknown>;

/** What "revalidate" and "sign out" mean; `SessionSync` supplies them from next-auth/react. */
export interface SessionHandlers {
  revalidate: Handler;
  signOut: Handler;
}

let handlers: SessionHandlers | null = null;

const revalidation = createSingleFlight(() => handlers?.revalidate() ?? Promise.resolve(), BURST_WINDOW_MS);
const signOut = createSingleFlight(() => handlers?.signOut() ?? Promise.resolve());

/**
 * The bridge between plain module code (fetch wrappers, the fetch observer) and React:
 * the mounted `SessionSync` registers the handlers, everything else only signals.
 * Returns an unregister function that leaves a newer registration in place.
 */
export function registerSessionHandlers(next: SessionHandlers): () => void {
  handlers = next;
  return () => {
    if (handlers === next) handlers = null;
  };
}

/**
 * Call with every response your own fetch wrapper receives: one carrying
 * `X-Revalidate-Session: true` revalidates the session (in every tab), once per burst.
 * Resolves when that revalidation has finished, at once for any other response.
 *
 * @example
 * const response = await fetch(url, init);
 * void noticeSessionResponse(response);
 */
export function noticeSessionResponse(response: Pick<Response, 'headers'>): Promise<void> {
  if (response.headers.get(REVALIDATE_HEADER) !== 'true') return Promise.resolve();
  return revalidation.trigger();
}

/**
 * Call when your API says the session is gone (typically a 401 from your own routes):
 * however many calls arrive together, next-auth signs out once, without a redirect, so
 * the UI shows the signed-out state instead of looping through the sign-in page.
 */
export function requestSignOut(): Promise<void> {
  return signOut.trigger();
}
