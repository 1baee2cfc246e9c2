import { splitIntoChunks } from './chunks';
import type { SessionCookieConfig, SessionCookieOptions } from './cookie-config';

export interface CookieWrite {
  name: string;
  value: string;
  options: SessionCookieOptions & { maxAge: number; expires: Date };
}

/**
 * The cookies that store `token`, plus an expiry for every session-cookie variant the
 * request carried that the new value does not use (stale chunks; `<name>` when now
 * chunked, or `.0..n` when no longer chunked), so reader and browser never see a mix.
 */
export function planSessionCookieWrites(input: {
  config: SessionCookieConfig;
  token: string;
  requestCookieNames: readonly string[];
  maxAgeSeconds: number;
  now: number;
}): CookieWrite[] {
  const { config, token, requestCookieNames, maxAgeSeconds, now } = input;
  const expires = new Date(now + maxAgeSeconds * 1000);
  const writes: CookieWrite[] = splitIntoChunks(config.name, token).map((chunk) => ({
    ...chunk,
    options: { ...config.options, maxAge: maxAgeSeconds, expires },
  }));
  const written = new Set(writes.map((write) => write.name));
  const stale = requestCookieNames.filter((name) => !written.has(name));
  return [...writes, ...planSessionCookieClears({ config, requestCookieNames: stale })];
}

/** Expires every listed variant (sign-out, revocation, or stale chunks). */
export function planSessionCookieClears(input: {
  config: SessionCookieConfig;
  requestCookieNames: readonly string[];
}): CookieWrite[] {
  return input.requestCookieNames.map((name) => ({
    name,
    value: '',
    options: { ...input.config.options, maxAge: 0, expires: new Date(0) },
  }));
}
