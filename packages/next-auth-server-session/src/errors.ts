/**
 * Misconfiguration of the toolkit: a programming error with a stable code, thrown at the
 * first use of the updater (not an outcome of a request).
 */
export class SessionConfigError extends Error {
  constructor(
    readonly code: 'ERR_SESSION_NO_SECRET' | 'ERR_SESSION_NOT_JWT',
    message: string,
  ) {
    super(message);
    this.name = 'SessionConfigError';
  }
}
