import type { NextApiResponse } from 'next';
import { isSecureCookieMode } from '../auth/auth-options';
import { getEnv } from '../env';
import { securityHeaders } from '../http/security-headers';

type HeaderList = readonly (readonly [name: string, value: string])[];

let apiHeaders: HeaderList | undefined;

function buildApiHeaders(): HeaderList {
  const { appUrl, nodeEnv } = getEnv();
  const headers = securityHeaders({ dev: nodeEnv === 'development', secure: isSecureCookieMode(appUrl, nodeEnv) });
  return [...headers.map(({ key, value }) => [key, value] as const), ['Cache-Control', 'no-store']];
}

/**
 * What every API answer carries: the app's security headers (next.config.js sends the same
 * with pages) and `Cache-Control: no-store`, as answers are per user. Set by each route
 * rather than by a config rule, which Next would match against every request's path
 * (next.config.js says why); the list is made once per process.
 */
export function setApiHeaders(res: NextApiResponse): void {
  apiHeaders ??= buildApiHeaders();
  for (const [name, value] of apiHeaders) res.setHeader(name, value);
}
