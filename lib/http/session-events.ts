import { createSingleFlight, type SingleFlight } from './single-flight';

/** Responses that carry this header changed the session cookie: the browser's copy is stale. */
export const REVALIDATE_HEADER = 'x-revalidate-session';

/** Gathers the responses of one burst (e.g. 20 parallel mutations) into one revalidation. */
const BURST_WINDOW_MS = 20;

type Handler = () => Promise<unknown>;

let revalidateHandler: Handler | null = null;
let signedOutHandler: Handler | null = null;

const revalidation: SingleFlight = createSingleFlight(() => revalidateHandler?.() ?? Promise.resolve(), BURST_WINDOW_MS);
const signOut: SingleFlight = createSingleFlight(() => signedOutHandler?.() ?? Promise.resolve());

/**
 * The bridge between the fetch wrapper (plain module code) and React: `SessionSync`
 * registers what "revalidate" and "signed out" mean; the wrapper only signals.
 * Returns an unregister function.
 */
export function registerSessionHandlers(handlers: { revalidate: Handler; signedOut: Handler }): () => void {
  revalidateHandler = handlers.revalidate;
  signedOutHandler = handlers.signedOut;
  return () => {
    if (revalidateHandler === handlers.revalidate) revalidateHandler = null;
    if (signedOutHandler === handlers.signedOut) signedOutHandler = null;
  };
}

export function requestSessionRevalidation(): Promise<void> {
  return revalidation.trigger();
}

export function reportSignedOut(): Promise<void> {
  return signOut.trigger();
}
