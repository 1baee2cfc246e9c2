/**
 * Only this site's own pages: an open redirect after sign-in is a phishing aid. Parsing
 * with the browser's own URL rules catches tricks a prefix check misses ("/\t/evil.com"
 * becomes "//evil.com" once the tab is stripped).
 */
export function safeCallbackUrl(value: unknown, origin: string): string {
  if (typeof value !== 'string') return '/';
  try {
    const url = new URL(value, origin);
    return url.origin === origin ? `${url.pathname}${url.search}${url.hash}` : '/';
  } catch {
    return '/';
  }
}
