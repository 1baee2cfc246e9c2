/**
 * The URL `value` names, read against `base` as a browser follows a link (without `base`:
 * only an absolute URL), when it is an http(s) URL on `origin`; otherwise null. The one
 * same-origin test for URLs a client chooses: parsing with the URL rules catches tricks a
 * prefix check misses ("/\t/evil.com" becomes "//evil.com" once the tab is stripped).
 */
export function sameOriginUrl(value: unknown, origin: string, base?: string): URL | null {
  if (typeof value !== 'string' || value === '') return null;
  try {
    const url = new URL(value, base);
    // Every javascript:, data: or blob: URL has the opaque origin "null": only http(s) can match.
    const isHttp = url.protocol === 'http:' || url.protocol === 'https:';
    return isHttp && url.origin === origin ? url : null;
  } catch {
    return null;
  }
}

/**
 * Where to send the browser for a same-origin `url`: always absolute. Its bare path is not
 * safe: "/.//evil.example" parses as this site with the path "//evil.example", which a
 * browser then reads as another host. Drops the user:password a same-origin URL may carry.
 */
export function navigationTarget(url: URL): string {
  return `${url.origin}${url.pathname}${url.search}${url.hash}`;
}

/**
 * Only this site's own pages after sign-in (an open redirect is a phishing aid), as a full
 * URL; anything else goes home.
 *
 * @example
 * safeCallbackUrl('/cart?x=1', 'https://app.example.com'); // 'https://app.example.com/cart?x=1'
 * safeCallbackUrl('/.//evil.example', 'https://app.example.com'); // 'https://app.example.com//evil.example'
 * safeCallbackUrl('https://evil.example/', 'https://app.example.com'); // 'https://app.example.com/'
 */
export function safeCallbackUrl(value: unknown, origin: string): string {
  const url = sameOriginUrl(value, origin, origin);
  return url ? navigationTarget(url) : `${origin}/`;
}
