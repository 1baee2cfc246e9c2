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

/**
 * Compares a token with the store: `ended` (user gone, disabled, or the session began
 * before a revocation) -> refuse; `stale` (the store changed what the token projects)
 * -> re-issue fresh claims; `fresh` -> use as is.
 */
export function assessToken(token: JWT, state: SessionStateLike | null): Freshness {
  if (!state || state.disabled) return 'ended';
  if (state.revokedBefore !== null && sessionStartedAt(token) < state.revokedBefore) return 'ended';
  return token.sessionVersion === state.sessionVersion ? 'fresh' : 'stale';
}
