// @ts-check
// CommonJS, not TypeScript: next.config.js loads it with require() (typed by security-headers.d.ts).

/**
 * The Content-Security-Policy. `next dev` needs eval and inline scripts (React Refresh), a
 * websocket and its overlay's data: images; production serves only its own files. The
 * production value has no `:` on purpose: Next compiles every config header value holding
 * one as a path template against the route's parameters, on every request
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
 * Every answer's security headers, pages and API alike: the CSP, no MIME sniffing, a strict
 * referrer policy, no framing; HTTPS for a year, subdomains too (only in secure-cookie mode,
 * where the app is served over HTTPS; browsers ignore it over http); no window of another
 * origin keeps a handle on ours; powerful features the app never uses are off.
 * @param {{ dev: boolean, secure: boolean }} mode
 * @returns {{ key: string, value: string }[]}
 */
function securityHeaders({ dev, secure }) {
  return [
    { key: 'Content-Security-Policy', value: contentSecurityPolicy(dev) },
    { key: 'X-Content-Type-Options', value: 'nosniff' },
    { key: 'Referrer-Policy', value: 'strict-origin-when-cross-origin' },
    { key: 'X-Frame-Options', value: 'DENY' },
    ...(secure ? [{ key: 'Strict-Transport-Security', value: 'max-age=31536000; includeSubDomains' }] : []),
    { key: 'Cross-Origin-Opener-Policy', value: 'same-origin' },
    { key: 'Permissions-Policy', value: 'camera=(), microphone=(), geolocation=(), payment=()' },
  ];
}

module.exports = { securityHeaders };
