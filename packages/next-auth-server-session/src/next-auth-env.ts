import type { IncomingHttpHeaders } from 'node:http';

/**
 * The environment variables next-auth v4 reads by itself, read the same way here so that a
 * toolkit configured only by `authOptions` reaches the same settings next-auth does: the
 * secret fallback (next/index.js: `jwt.secret ?? NEXTAUTH_SECRET ?? AUTH_SECRET`) and the
 * base URL that decides secure cookies (utils/detect-origin.js). This is the toolkit's only
 * reader of `process.env`, and it reads at call time (never at import, so builds need none).
 */

export function readSecretFromEnv(): string | undefined {
  return process.env.NEXTAUTH_SECRET || process.env.AUTH_SECRET || undefined;
}

/**
 * Whether next-auth's base URL is https: NEXTAUTH_URL when set; behind a trusted proxy
 * (VERCEL or AUTH_TRUST_HOST) the forwarded protocol, as next-auth's detectOrigin does.
 */
export function isBaseUrlHttps(headers: IncomingHttpHeaders): boolean {
  const configured = process.env.NEXTAUTH_URL;
  if (configured) return configured.startsWith('https://');
  if (process.env.VERCEL || process.env.AUTH_TRUST_HOST) return headers['x-forwarded-proto'] !== 'http';
  return false;
}
