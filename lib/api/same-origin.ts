import type { IncomingMessage } from 'node:http';
import { RouteError } from './route-error';

/**
 * CSRF check for our own mutating routes (next-auth guards only its own). SameSite=Lax
 * already keeps the cookie off cross-site POSTs in current browsers; this refuses them
 * outright, and covers older browsers and same-site-but-cross-origin requests. Takes any
 * request (an API route's, or a page's form post in `getServerSideProps`): it reads headers only.
 */
export function assertSameOrigin(req: Pick<IncomingMessage, 'headers'>, appOrigin: string): void {
  const fetchSite = req.headers['sec-fetch-site'];
  if (fetchSite === 'cross-site') throw new RouteError(403, 'Cross-site request refused');
  const origin = req.headers.origin;
  if (origin !== undefined && origin !== appOrigin) throw new RouteError(403, 'Cross-origin request refused');
}
