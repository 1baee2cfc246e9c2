import type { NextApiRequest, NextApiResponse } from 'next';
import { readSession, reissueSessionIfRotated } from '../auth';
import type { SessionUpdate } from '../session/update-session';
import { RouteError } from './route-error';

export const NOT_SIGNED_IN = 'Not signed in';

/** The signed-in user's id, or 401. A token from a previous secret is re-issued on the way. */
export async function requireUserId(req: NextApiRequest, res: NextApiResponse): Promise<string> {
  const current = readSession(req);
  if (!current?.token.sub) throw new RouteError(401, NOT_SIGNED_IN);
  await reissueSessionIfRotated(req, res);
  return current.token.sub;
}

/** Maps updateSession's outcome: the new session, or the error to answer. */
export function sessionOrThrow(result: SessionUpdate) {
  if (result.status === 'no-session') throw new RouteError(401, NOT_SIGNED_IN);
  if (result.status === 'invalid-patch') throw new RouteError(400, 'Invalid session patch', { issues: result.issues });
  return result.session;
}
