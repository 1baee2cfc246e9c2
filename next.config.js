// @ts-check
const { PHASE_DEVELOPMENT_SERVER } = require('next/constants');

/**
 * Security headers for every page. `next dev` needs eval and inline scripts (React
 * Refresh), a websocket and its overlay's data: images; production serves only its own
 * files. The production value has no `:` on purpose: Next compiles every header value
 * holding one as a path template against the route's parameters, on every request
 * (prepare-destination.js `compileNonPath`), and the app shows no data: images.
 * @param {boolean} dev
 */
function contentSecurityPolicy(dev) {
  return [
    "default-src 'self'",
    `script-src 'self'${dev ? " 'unsafe-eval' 'unsafe-inline'" : ''}`,
    "style-src 'self' 'unsafe-inline'",
    `img-src 'self'${dev ? ' data:' : ''}`,
    `connect-src 'self'${dev ? ' ws: wss:' : ''}`,
    "font-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}

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

/**
 * Headers beyond the CSP: HTTPS for a year, subdomains too (only in secure-cookie mode,
 * where the app is served over HTTPS; browsers ignore it over http); no window of another
 * origin keeps a handle on ours; powerful features the app never uses are off.
 * @returns {{ key: string, value: string }[]}
 */
function httpsAndIsolationHeaders() {
  return [
    ...(isSecureCookieMode() ? [{ key: 'Strict-Transport-Security', value: 'max-age=31536000; includeSubDomains' }] : []),
    { key: 'Cross-Origin-Opener-Policy', value: 'same-origin' },
    { key: 'Permissions-Policy', value: 'camera=(), microphone=(), geolocation=(), payment=()' },
  ];
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
    return [
      {
        source: '/:path*',
        headers: [
          { key: 'Content-Security-Policy', value: contentSecurityPolicy(phase === PHASE_DEVELOPMENT_SERVER) },
          { key: 'X-Content-Type-Options', value: 'nosniff' },
          { key: 'Referrer-Policy', value: 'strict-origin-when-cross-origin' },
          { key: 'X-Frame-Options', value: 'DENY' },
          ...httpsAndIsolationHeaders(),
        ],
      },
      // Per-user answers: never stored by a browser or a shared cache.
      { source: '/api/:path*', headers: [{ key: 'Cache-Control', value: 'no-store' }] },
    ];
  },
});
