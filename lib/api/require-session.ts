import type { JWT } from 'next-auth/jwt';
import { getSessionStates } from '../auth';
import { assessToken, type SessionStateLike } from '../auth/freshness';
import { getStore } from '../db';
import type { SessionGuard } from '../db/store';
import type { RequestSession, SessionUpdate } from 'next-auth-server-session';
import { RouteError } from './route-error';

export const NOT_SIGNED_IN = 'Not signed in';

/** The signed-in user, and the guard a write on the session's behalf passes to the store. */
export interface SessionWriter {
  userId: string;
  /**
   * The epoch the session was judged valid under. The store checks it in the write itself,
   * so a revocation or disabling that lands after this check (or that the state cache has
   * not heard of yet) still refuses the write.
   */
  guard: SessionGuard;
}

/**
 * Answers 401 with every session cookie expired: for a session the store refused, at the
 * check or in a guarded write. A write refused for a session the cache still held as valid
 * drops that state, so the user's other sessions are judged afresh from the next request.
 */
export async function refuseEndedSession(session: RequestSession, userId?: string): Promise<never> {
  if (userId !== undefined) getSessionStates().forget(userId);
  await session.end();
  throw new RouteError(401, NOT_SIGNED_IN);
}

/** Maps an update's outcome: the new session, or the error to answer (a store outage rethrown: 503). */
export function sessionOrThrow(result: SessionUpdate) {
  switch (result.status) {
    case 'updated':
      return result.session;
    case 'no-session':
      throw new RouteError(401, NOT_SIGNED_IN);
    case 'invalid-patch':
      throw new RouteError(400, 'Invalid session patch', { issues: result.issues });
    case 'unavailable':
      throw result.error;
  }
}

/** The request's token and its user id; 401 without one (a token naming no user is ended too). */
async function readSignedIn(session: RequestSession) {
  const current = await session.read();
  if (!current) throw new RouteError(401, NOT_SIGNED_IN);
  const userId = current.token.sub;
  if (typeof userId !== 'string') {
    await session.end(); // readable but not ours to use: refused as the update path refuses it
    throw new RouteError(401, NOT_SIGNED_IN);
  }
  return { token: current.token, userId, rotated: current.rotated };
}

/**
 * How the token compares with the given state, and the guard for a write (the state's epoch:
 * the token's own, or for a token without one, the epoch it passed the time rule under); an
 * ended session is expired and refused here.
 */
async function judgeSession(session: RequestSession, token: JWT, state: SessionStateLike | null) {
  const verdict = assessToken(token, state);
  if (verdict === 'ended' || !state) return refuseEndedSession(session);
  return { verdict, guard: { sessionEpoch: state.sessionEpoch } };
}

/** The signed-in user and how the token compares with the store (or its cache); an ended session is refused here. */
async function checkSession(session: RequestSession) {
  const { token, userId, rotated } = await readSignedIn(session);
  const judged = await judgeSession(session, token, await getSessionStates().get(userId));
  return { userId, rotated, ...judged };
}

/**
 * The signed-in user's id, after comparing the token with the store (one indexed read,
 * or the SESSION_VERSION_CACHE_MS cache):
 * - refused (revoked, disabled, deleted): every session cookie expired, 401;
 * - stale (role, profile or cart changed elsewhere): fresh claims re-issued in this same
 *   response with X-Revalidate-Session, so the open page updates;
 * - from a previous secret: re-issued under the current one.
 */
export async function requireUserId(session: RequestSession): Promise<string> {
  const checked = await checkSession(session);
  await bringUpToDate(session, checked);
  return checked.userId;
}

/** Stale claims re-projected from the store; a token from a previous secret re-issued under the current one. */
async function bringUpToDate(session: RequestSession, { verdict, rotated }: { verdict: 'fresh' | 'stale'; rotated: boolean }): Promise<void> {
  if (verdict === 'stale') sessionOrThrow(await session.update());
  else if (rotated) await session.reissue();
}

/**
 * For a route that writes and then updates the session itself: refuses an ended session
 * like `requireUserId`, but leaves a stale or rotated token to that one update (which
 * re-reads every claim and encodes under the current secret) instead of issuing twice.
 * Should the write fail, the error answer carries no session; the next request re-issues.
 * Pass `guard` to the store's write, and answer its refusal with `refuseEndedSession`.
 *
 * @example
 * const { userId, guard } = await requireSessionForWrite(session);
 * const outcome = await store.addToCart(userId, productId, quantity, guard);
 * if (outcome === 'session-ended') await refuseEndedSession(session, userId);
 */
export async function requireSessionForWrite(session: RequestSession): Promise<SessionWriter> {
  const { userId, guard } = await checkSession(session);
  return { userId, guard };
}

/**
 * An admin, checked against the store (never the token alone), or 403 before any session
 * is re-issued (an error answer would not carry it anyway). The session itself is judged
 * by the same fresh read of the user, never by the SESSION_VERSION_CACHE_MS cache: a
 * revoked or disabled admin is refused (401) on the very next admin request, whichever
 * instance made the change.
 */
export async function requireAdmin(session: RequestSession): Promise<string> {
  return (await requireAdminForWrite(session)).userId;
}

/** `requireAdmin`, with the guard an admin's own write passes to the store (see SessionWriter). */
export async function requireAdminForWrite(session: RequestSession): Promise<SessionWriter> {
  const { token, userId, rotated } = await readSignedIn(session);
  const user = await (await getStore()).findUserById(userId);
  const { verdict, guard } = await judgeSession(session, token, user);
  if (user?.role !== 'admin') throw new RouteError(403, 'Admins only');
  await bringUpToDate(session, { verdict, rotated });
  return { userId, guard };
}
