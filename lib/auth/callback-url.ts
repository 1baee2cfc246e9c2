import type { NextApiRequest } from 'next';
import { navigationTarget, sameOriginUrl } from '../http/safe-callback-url';

const CALLBACK_COOKIE = /^(__Secure-)?next-auth\.callback-url$/;

/** As next-auth parses it (core/lib/assert.js): a path on the base URL, or an absolute URL; ours only. */
function usableUrl(value: unknown, baseUrl: string): URL | null {
  const base = typeof value === 'string' && value.startsWith('/') ? baseUrl : undefined;
  return sameOriginUrl(value, new URL(baseUrl).origin, base);
}

function isUsable(value: unknown, baseUrl: string): boolean {
  return usableUrl(value, baseUrl) !== null;
}

/**
 * next-auth 4.24 answers 500 for a callbackUrl it cannot parse: in the query or the
 * callback-url cookie its config assertion throws, in the body its default redirect
 * callback does. Any client can send one, so unusable values (and other sites' URLs) are
 * dropped before next-auth sees the request; next-auth then falls back to the app's URL.
 */
export function dropUnusableCallbackUrls(req: NextApiRequest, baseUrl: string): void {
  if (req.query.callbackUrl !== undefined && !isUsable(req.query.callbackUrl, baseUrl)) delete req.query.callbackUrl;
  const body: unknown = req.body;
  if (body && typeof body === 'object' && 'callbackUrl' in body && !isUsable((body as { callbackUrl: unknown }).callbackUrl, baseUrl)) {
    delete (body as { callbackUrl?: unknown }).callbackUrl;
  }
  for (const name of Object.keys(req.cookies)) {
    if (CALLBACK_COOKIE.test(name) && !isUsable(req.cookies[name], baseUrl)) delete req.cookies[name];
  }
}

/**
 * next-auth's redirect callback, made total: same-site URLs pass as full URLs (never a bare
 * path such as "//evil.example"), anything else goes home.
 */
export function redirectWithinSite({ url, baseUrl }: { url: string; baseUrl: string }): string {
  const target = usableUrl(url, baseUrl);
  return target ? navigationTarget(target) : baseUrl;
}
