import type { NextApiRequest, NextApiResponse } from 'next';
import { deferStaleReissue, endSession, readSession, reissueSessionIfRotated, sessionStates, updateSession } from '../auth';
import { getStore } from '../db';
import { assessToken } from '../session/freshness';
import type { SessionUpdate } from '../session/update-session';
import { RouteError } from './route-error';

export const NOT_SIGNED_IN = 'Not signed in';

/** Maps updateSession's outcome: the new session, or the error to answer. */
export function sessionOrThrow(result: SessionUpdate) {
  if (result.status === 'no-session') {
    throw new RouteError(401, NOT_SIGNED_IN, {}, { keepSessionCookies: result.cookies.length > 0 });
  }
  if (result.status === 'invalid-patch') throw new RouteError(400, 'Invalid session patch', { issues: result.issues });
  return result.session;
}

/** The signed-in user and how the token compares with the store; an ended session is refused here. */
async function checkSession(req: NextApiRequest, res: NextApiResponse): Promise<{ userId: string; verdict: 'fresh' | 'stale' }> {
  const current = readSession(req);
  const userId = current?.token.sub;
  if (!current || !userId) throw new RouteError(401, NOT_SIGNED_IN);
  const verdict = assessToken(current.token, await sessionStates.get(userId));
  if (verdict === 'ended') {
    await endSession(req, res);
    throw new RouteError(401, NOT_SIGNED_IN, {}, { keepSessionCookies: true });
  }
  return { userId, verdict };
}

/**
 * The signed-in user's id, after comparing the token with the store (one indexed read,
 * or the SESSION_VERSION_CACHE_MS cache):
 * - refused (revoked, disabled, deleted): every session cookie expired, 401;
 * - stale (role, profile or cart changed elsewhere): fresh claims re-issued in this same
 *   response with X-Revalidate-Session, so the open page updates;
 * - from a previous secret: re-issued under the current one.
 */
export async function requireUserId(req: NextApiRequest, res: NextApiResponse): Promise<string> {
  const { userId, verdict } = await checkSession(req, res);
  if (verdict === 'stale') sessionOrThrow(await updateSession(req, res));
  else await reissueSessionIfRotated(req, res);
  return userId;
}

/**
 * For a route that writes and then calls `updateSession` itself: refuses an ended session
 * like `requireUserId`, but leaves a stale or rotated token to that one update (which
 * re-reads every claim and encodes under the current secret) instead of issuing twice.
 * Should the write fail, `defineRoute` re-issues a stale token with the error answer.
 */
export async function requireUserIdForUpdate(req: NextApiRequest, res: NextApiResponse): Promise<string> {
  const { userId, verdict } = await checkSession(req, res);
  if (verdict === 'stale') deferStaleReissue(res);
  return userId;
}

/** An admin, checked against the store (never the token alone), or 403. */
export async function requireAdmin(req: NextApiRequest, res: NextApiResponse): Promise<string> {
  const userId = await requireUserId(req, res);
  const user = await (await getStore()).findUserById(userId);
  if (user?.role !== 'admin') throw new RouteError(403, 'Admins only');
  return userId;
}
