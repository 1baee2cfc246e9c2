/**
 * Why the server ended the session, kept for the signed-out page to say: the 401 that ends it
 * also signs the tab out (fetch-json.ts), and the page that showed the error is gone by then.
 * Per tab (sessionStorage), read once.
 */
const KEY = 'app.sign-out-reason';

/** The `reason` of the 401 that ends a session whose sign-in at the identity provider ended. */
export const PROVIDER_SIGN_IN_ENDED = 'provider-sign-in-ended';

/** The reasons the server gives that the signed-out page explains. */
export const SIGN_OUT_MESSAGES: Readonly<Record<string, string>> = {
  [PROVIDER_SIGN_IN_ENDED]: 'Your sign-in at the identity provider ended (signed out or revoked there). Please sign in again.',
};

/** Keeps the `reason` of a 401 answer body when the page has something to say about it. */
export function rememberSignOutReason(body: unknown): void {
  const reason = (body as { reason?: unknown } | undefined)?.reason;
  if (typeof reason !== 'string' || !Object.hasOwn(SIGN_OUT_MESSAGES, reason)) return;
  try {
    sessionStorage.setItem(KEY, reason);
  } catch {
    // storage refused (private mode): the page just says "not signed in"
  }
}

/** The message for the last reason kept; null when there is none. */
export function readSignOutMessage(): string | null {
  try {
    const reason = sessionStorage.getItem(KEY);
    return reason ? (SIGN_OUT_MESSAGES[reason] ?? null) : null;
  } catch {
    return null;
  }
}

/** Forgets the reason once the page has shown it: the next sign-out says only "not signed in". */
export function clearSignOutReason(): void {
  try {
    sessionStorage.removeItem(KEY);
  } catch {
    // nothing kept
  }
}
