// @ts-check
// CommonJS, not TypeScript: next.config.js loads it with require() (typed by api-route-paths.d.ts).

/**
 * A header rule's `source` for every path but those our API routes serve: they set the
 * security headers themselves (lib/api/api-headers.ts), a few header writes, where Next
 * would match the rule against each of their paths and decode its parameters, the largest
 * cost of a small API answer (docs/benchmarks.md). Anything else under /api (a 404 page)
 * keeps the rule. A dynamic route at the top (pages/api/[x].ts) answers every /api path
 * itself, so then all of /api is left out.
 * @param {readonly string[]} apiEntries the entries of pages/api: route files and directories
 * @returns {string}
 */
function pathsOtherThanApiRoutes(apiEntries) {
  const routes = apiEntries.map((entry) => entry.replace(/\.[jt]sx?$/, ''));
  if (routes.some((route) => route.startsWith('['))) return '/((?!api(?:/|$)).*)';
  const names = routes.map((route) => route.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  return `/((?!api/(?:${names.join('|')})(?:/|$)).*)`;
}

module.exports = { pathsOtherThanApiRoutes };
