/**
 * The URL `value` names, read against `base` as a browser follows a link (without `base`:
 * only an absolute URL), when it is on `origin`; otherwise null. The one same-origin test
 * for URLs a client chooses: parsing with the URL rules catches tricks a prefix check
 * misses ("/\t/evil.com" becomes "//evil.com" once the tab is stripped).
 */
export function sameOriginUrl(value: unknown, origin: string, base?: string): URL | null {
  if (typeof value !== 'string' || value === '') return null;
  try {
    const url = new URL(value, base);
    return url.origin === origin ? url : null;
  } catch {
    return null;
  }
}

/** Only this site's own pages after sign-in (an open redirect is a phishing aid); anything else goes home. */
export function safeCallbackUrl(value: unknown, origin: string): string {
  const url = sameOriginUrl(value, origin, origin);
  return url ? `${url.pathname}${url.search}${url.hash}` : '/';
}
