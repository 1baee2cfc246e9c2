import { readdirSync } from 'node:fs';
import path from 'node:path';
import { pathsOtherThanApiRoutes } from '@/lib/http/api-route-paths';

// Next's own matcher for a config header rule, as `next start` builds it from the routes manifest.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { buildCustomRoute } = require('next/dist/server/lib/router-utils/filesystem') as {
  buildCustomRoute(type: 'header', item: { source: string; headers: unknown[] }): { match(pathname: string): false | object };
};

/** Whether Next would send the rule's headers with the answer for `pathname`. */
function ruleCovers(apiEntries: readonly string[], pathname: string): boolean {
  return buildCustomRoute('header', { source: pathsOtherThanApiRoutes(apiEntries), headers: [] }).match(pathname) !== false;
}

describe('pathsOtherThanApiRoutes (where next.config.js sends the security headers)', () => {
  const appEntries = readdirSync(path.join(__dirname, '..', '..', 'pages', 'api'));

  it.each(['/', '/signin', '/cart', '/_next/static/chunks/main.js', '/api', '/api/unknown', '/api/cartx', '/apis/cart'])(
    "covers %s: a page, a file, or an API path no route of this app serves",
    (pathname) => {
      expect(ruleCovers(appEntries, pathname)).toBe(true);
    },
  );

  it.each(['/api/cart', '/api/cart/3', '/api/health', '/api/auth/session', '/api/auth/callback/credentials', '/api/session/refresh'])(
    'leaves %s to its route, which sets the headers itself',
    (pathname) => {
      expect(ruleCovers(appEntries, pathname)).toBe(false);
    },
  );

  it('reads a route name literally: a dot in it is no wildcard', () => {
    expect(ruleCovers(['v1.0.ts'], '/api/v1.0')).toBe(false);
    expect(ruleCovers(['v1.0.ts'], '/api/v1x0')).toBe(true);
  });

  it('leaves all of /api to a dynamic route at the top, which answers every path there', () => {
    expect(ruleCovers(['[resource].ts', 'health.ts'], '/api/anything')).toBe(false);
    expect(ruleCovers(['[resource].ts', 'health.ts'], '/api')).toBe(false);
    expect(ruleCovers(['[resource].ts', 'health.ts'], '/signin')).toBe(true);
  });
});
