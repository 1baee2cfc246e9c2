/**
 * Thrown by the jwt callback when a token may no longer be used (its user is gone or
 * disabled, the session was revoked, or the sign-in at the identity provider ended: its
 * grant revoked, so its access token cannot be renewed). next-auth and the session toolkit
 * both answer an error from the jwt callback by expiring every session cookie: exactly what
 * this wants.
 */
export class SessionEndedError extends Error {
  readonly code = 'ERR_SESSION_ENDED';
  constructor(readonly reason: 'user-not-found' | 'revoked' | 'no-subject' | 'provider-sign-in-ended') {
    super(`Session ended: ${reason}`);
    this.name = 'SessionEndedError';
  }
}
