import type { JWT } from 'next-auth/jwt';

/** The store's side of a session check (see Store.getSessionState). */
export interface SessionStateLike {
  sessionVersion: number;
  revokedBefore: number | null;
  disabled: boolean;
}

export type Freshness = 'fresh' | 'stale' | 'ended';

/**
 * When the session began (ms). `authTime` is set at sign-in and carried over every
 * re-issue, so "sign out everywhere" refuses sessions by when they began, not by when
 * their cookie was last refreshed. Tokens without it fall back to `iat`.
 */
export function sessionStartedAt(token: JWT): number {
  if (typeof token.authTime === 'number') return token.authTime;
  return typeof token.iat === 'number' ? token.iat * 1000 : 0;
}

/** The clock skew tolerated between instances, as next-auth's own JWT decode tolerates it (15 s). */
export const CLOCK_TOLERANCE_MS = 15_000;

/**
 * A session cannot begin in the future, nor after its token was issued: such a token
 * would outlive every "sign out everywhere" (which refuses sessions begun before it), so
 * it is refused whoever minted it.
 */
function hasImpossibleStart(token: JWT, nowMs: number): boolean {
  const startedAt = sessionStartedAt(token);
  if (startedAt > nowMs + CLOCK_TOLERANCE_MS) return true;
  return typeof token.iat === 'number' && startedAt > token.iat * 1000 + CLOCK_TOLERANCE_MS;
}

/**
 * Compares a token with the store: `ended` (user gone, disabled, the session began before
 * a revocation, or claims to begin in the future) -> refuse; `stale` (the store changed
 * what the token projects) -> re-issue fresh claims; `fresh` -> use as is.
 */
export function assessToken(token: JWT, state: SessionStateLike | null, nowMs: number = Date.now()): Freshness {
  if (!state || state.disabled) return 'ended';
  if (hasImpossibleStart(token, nowMs)) return 'ended';
  if (state.revokedBefore !== null && sessionStartedAt(token) < state.revokedBefore) return 'ended';
  return token.sessionVersion === state.sessionVersion ? 'fresh' : 'stale';
}
