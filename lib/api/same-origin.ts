import type { NextApiRequest } from 'next';
import { RouteError } from './route-error';

/**
 * CSRF check for our own mutating routes (next-auth guards only its own). SameSite=Lax
 * already keeps the cookie off cross-site POSTs in current browsers; this refuses them
 * outright, and covers older browsers and same-site-but-cross-origin requests.
 */
export function assertSameOrigin(req: NextApiRequest, appOrigin: string): void {
  const fetchSite = req.headers['sec-fetch-site'];
  if (fetchSite === 'cross-site') throw new RouteError(403, 'Cross-site request refused');
  const origin = req.headers.origin;
  if (origin !== undefined && origin !== appOrigin) throw new RouteError(403, 'Cross-origin request refused');
}
