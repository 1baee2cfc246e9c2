import { setCookie } from 'cookies-next/server';
import type { NextApiRequest, NextApiResponse } from 'next';
import type { SessionConfig } from './config';
import { planSessionCookieWrites, type CookieWrite } from './cookie-writes';
import { readSessionToken, type CurrentSession } from './read-session';
import { computeSessionUpdate, type SessionRuntime, type SessionUpdate } from './update-session';

export const REVALIDATE_HEADER = 'X-Revalidate-Session';

const decodedPerRequest = new WeakMap<NextApiRequest, CurrentSession | null>();

/** Decodes the request's session once; later calls in the same request reuse it. */
export function getRequestSession(req: NextApiRequest, config: SessionConfig): CurrentSession | null {
  if (!decodedPerRequest.has(req)) decodedPerRequest.set(req, readSessionToken(req.cookies, config));
  return decodedPerRequest.get(req) ?? null;
}

function cookieNameOf(setCookieHeader: string): string {
  return setCookieHeader.slice(0, setCookieHeader.indexOf('=')).trim();
}

/**
 * Writes the planned cookies, keeping every other Set-Cookie already on the response but
 * dropping earlier ones for the same names (e.g. from getServerSession), so the response
 * never carries two headers for one cookie.
 */
export async function writeSessionCookies(
  req: NextApiRequest,
  res: NextApiResponse,
  writes: readonly CookieWrite[],
): Promise<void> {
  if (writes.length === 0) return;
  const names = new Set(writes.map((write) => write.name));
  const existing = res.getHeader('Set-Cookie');
  const kept = (Array.isArray(existing) ? existing : existing ? [String(existing)] : []).filter(
    (header) => !names.has(cookieNameOf(header)),
  );
  if (kept.length > 0) res.setHeader('Set-Cookie', kept);
  else res.removeHeader('Set-Cookie');
  for (const write of writes) {
    await setCookie(write.name, write.value, { req, res, ...write.options });
  }
}

function markFresh(res: NextApiResponse): void {
  res.setHeader(REVALIDATE_HEADER, 'true');
  res.setHeader('Cache-Control', 'no-store');
}

/**
 * Decode -> callbacks.jwt(trigger "update") -> encode -> Set-Cookie, plus
 * `X-Revalidate-Session: true` so every tab refetches its session.
 * Does not call getServerSession (which would append a session cookie of its own).
 *
 * @example
 * const result = await updateSession(req, res, { name: 'Alice B.' });
 * if (result.status === 'no-session') return res.status(401).json({ error: 'Not signed in' });
 */
export async function updateSessionOnResponse(
  runtime: SessionRuntime,
  req: NextApiRequest,
  res: NextApiResponse,
  patch?: unknown,
): Promise<SessionUpdate> {
  const current = getRequestSession(req, runtime.config);
  const result = await computeSessionUpdate(runtime, req.cookies, current, patch);
  await writeSessionCookies(req, res, result.cookies);
  if (result.status === 'updated') markFresh(res);
  return result;
}

/**
 * A token opened with a previous secret gets re-issued under the current one, with the
 * same claims, so a secret rotation signs no one out.
 */
export async function reissueIfRotated(
  config: SessionConfig,
  req: NextApiRequest,
  res: NextApiResponse,
  current: CurrentSession,
): Promise<void> {
  if (current.secretIndex === 0) return;
  // eslint-disable-next-line @typescript-eslint/no-unused-vars
  const { iat, exp, jti, ...claims } = current.token;
  const writes = planSessionCookieWrites({
    config: config.cookie,
    token: config.encodeToken(claims),
    requestCookieNames: current.cookieNames,
    maxAgeSeconds: config.maxAgeSeconds,
    now: Date.now(),
  });
  await writeSessionCookies(req, res, writes);
}
