import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * Thrown by the jwt callback when a token may no longer be used (its user is gone or
 * disabled, or the session was revoked).
 * next-auth answers any jwt-callback error by expiring the session cookies, which is
 * exactly what this case wants; updateSession maps it to "no session".
 */
export class SessionEndedError extends Error {
  readonly code = 'ERR_SESSION_ENDED';
  constructor(readonly reason: 'user-not-found' | 'revoked' | 'no-subject') {
    super(`Session ended: ${reason}`);
    this.name = 'SessionEndedError';
  }
}

const reportingScope = new AsyncLocalStorage<boolean>();

/**
 * next-auth also treats a store outage thrown from the jwt callback as "sign out"
 * (core/routes/session.js clears the cookies), so on next-auth's paths the callback
 * keeps the current token instead. updateSession runs the callback in this scope
 * because it wants the error, to answer 503 and leave the cookie alone.
 */
export function runReportingStoreErrors<T>(fn: () => Promise<T>): Promise<T> {
  return reportingScope.run(true, fn);
}

export function isReportingStoreErrors(): boolean {
  return reportingScope.getStore() === true;
}
