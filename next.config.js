// @ts-check
const { PHASE_DEVELOPMENT_SERVER } = require('next/constants');
const { readdirSync } = require('node:fs');
const path = require('node:path');
const { pathsOtherThanApiRoutes } = require('./lib/http/api-route-paths');
const { securityHeaders } = require('./lib/http/security-headers');

/**
 * The app's secure-cookie rule (lib/auth/auth-options.ts): an https NEXTAUTH_URL, or
 * production. Read here from process.env because `headers()` runs when the config is
 * loaded for `next build` (Next writes its answer into the routes manifest, which `next
 * start` serves as is) and for `next dev`: a production build (`next build` sets
 * NODE_ENV=production) always sends HSTS; `next dev` only for an https NEXTAUTH_URL
 * (.env.local is loaded before the config).
 */
function isSecureCookieMode() {
  return process.env.NODE_ENV === 'production' || /^https:/i.test(process.env.NEXTAUTH_URL ?? '');
}

/** @param {string} phase @returns {import('next').NextConfig} */
module.exports = (phase) => ({
  reactStrictMode: true,
  poweredByHeader: false,
  // Every dynamic answer is per user and `no-store`, so an ETag could never be revalidated
  // against; hashing each body for one is wasted (static files get theirs from the file server).
  generateEtags: false,
  // better-sqlite3 and pg are native/server-only: let Node require them at run time.
  serverExternalPackages: ['better-sqlite3', 'pg'],
  // `npm run typecheck` checks the whole project (tests and scripts too) and CI runs it
  // before building; doing it again inside every `next build` only costs time.
  typescript: { ignoreBuildErrors: true },
  async headers() {
    // Read from pages/api when the config loads (the build), so a new route is covered.
    const source = pathsOtherThanApiRoutes(readdirSync(path.join(__dirname, 'pages', 'api')));
    return [{ source, headers: securityHeaders({ dev: phase === PHASE_DEVELOPMENT_SERVER, secure: isSecureCookieMode() }) }];
  },
});
