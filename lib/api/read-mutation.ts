import type { NextApiRequest } from 'next';
import { getEnv } from '../env';
import { readJsonBody } from './read-json-body';
import { assertSameOrigin } from './same-origin';

/** Every mutating route's preamble: same-origin check (403), then the JSON body (415/413/400). */
export async function readMutationBody(req: NextApiRequest): Promise<unknown> {
  assertSameOrigin(req, getEnv().appUrl.origin);
  return readJsonBody(req);
}
