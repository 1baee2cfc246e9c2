import type { JWT } from 'next-auth/jwt';

/** The store's side of a session check (see Store.getSessionState). */
export interface SessionStateLike {
  sessionVersion: number;
  sessionEpoch: number;
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
const CLOCK_TOLERANCE_MS = 15_000;

/**
 * A session cannot begin in the future, nor after its token was issued: under the time
 * rule such a token would outlive every "sign out everywhere" (which refuses sessions begun
 * before it), so it is refused whoever minted it. Only tokens without an epoch are judged
 * so: for the others no instant decides anything, and comparing the signing instance's
 * clock with this one's would sign users out whenever two clocks drift 15 s apart.
 */
function hasImpossibleStart(token: JWT, nowMs: number): boolean {
  const startedAt = sessionStartedAt(token);
  if (startedAt > nowMs + CLOCK_TOLERANCE_MS) return true;
  return typeof token.iat === 'number' && startedAt > token.iat * 1000 + CLOCK_TOLERANCE_MS;
}

/**
 * Whether "sign out everywhere" ended this session. A token carries the store's session
 * epoch from its sign-in (`sessionEpoch`, bumped by each revocation in the same row), so
 * the rule compares two numbers the store issued: an instance whose clock runs behind
 * another's can neither keep a revoked session alive nor end a newer one. Tokens minted
 * before epochs existed have none and keep the time rule (`authTime` against
 * `revokedBefore`, both instants from app clocks) until their next re-issue stamps one.
 */
function isRevoked(token: JWT, state: SessionStateLike): boolean {
  // Not only older: an epoch the store never reached (a restored database) is no session of its.
  if (typeof token.sessionEpoch === 'number') return token.sessionEpoch !== state.sessionEpoch;
  return state.revokedBefore !== null && sessionStartedAt(token) < state.revokedBefore;
}

/**
 * Compares a token with the store: `ended` (user gone, disabled, the session was revoked,
 * or claims to begin in the future) -> refuse; `stale` (the store changed
 * what the token projects) -> re-issue fresh claims; `fresh` -> use as is.
 */
export function assessToken(token: JWT, state: SessionStateLike | null, nowMs: number = Date.now()): Freshness {
  if (!state || state.disabled) return 'ended';
  if (typeof token.sessionEpoch !== 'number' && hasImpossibleStart(token, nowMs)) return 'ended';
  if (isRevoked(token, state)) return 'ended';
  return token.sessionVersion === state.sessionVersion ? 'fresh' : 'stale';
}
