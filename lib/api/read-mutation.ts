import type { NextApiRequest } from 'next';
import { getEnv } from '../env';
import { readJsonBody } from './read-json-body';
import { RouteError } from './route-error';
import { assertSameOrigin } from './same-origin';

/** Every mutating route's preamble: same-origin check (403), then the JSON body (415/413/400). */
export async function readMutationBody(req: NextApiRequest): Promise<unknown> {
  assertSameOrigin(req, getEnv().appUrl.origin);
  return readJsonBody(req);
}

/**
 * The preamble of a mutation that takes no body (DELETE): as `readMutationBody`, then 400
 * for any body at all, `{}` and `null` included. Its key then binds the method and path
 * alone, and nothing the client sent is hashed or kept with it.
 */
export async function assertNoMutationBody(req: NextApiRequest): Promise<void> {
  if ((await readMutationBody(req)) !== undefined) throw new RouteError(400, `${req.method ?? 'This'} request takes no body`);
}
