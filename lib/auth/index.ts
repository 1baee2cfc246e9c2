import type { NextApiRequest, NextApiResponse } from 'next';
import { getStore } from '../db';
import { getEnv } from '../env';
import { createSessionConfig } from '../session/config';
import { isSecureCookieMode } from '../session/cookie-config';
import { getRequestSession, reissueIfRotated, updateSessionOnResponse } from '../session/next-adapter';
import type { SessionRuntime } from '../session/update-session';
import { createAuthOptions } from './auth-options';
import { createSessionCallbacks } from './callbacks';
import { trimClaims } from './claims';
import { parseSessionPatch } from './session-patch';

/**
 * The app's wiring of the session toolkit: one config (codec, cookie, max age) and one
 * set of callbacks, shared by next-auth (authOptions) and our routes (updateSession).
 */
const env = getEnv();
const warn = (message: string) => console.warn(message);

export const sessionConfig = createSessionConfig({
  secrets: env.secrets,
  secure: isSecureCookieMode(env.appUrl, env.nodeEnv),
  domain: env.cookieDomain,
  maxAgeSeconds: env.sessionMaxAgeSeconds,
  trimClaims,
  warn,
});

const callbacks = createSessionCallbacks({ getStore, warn });

export const authOptions = createAuthOptions({ env, config: sessionConfig, callbacks, getStore });

const runtime: SessionRuntime = { config: sessionConfig, callbacks, parsePatch: parseSessionPatch };

/** See `updateSessionOnResponse`: the one function every mutating route calls. */
export function updateSession(req: NextApiRequest, res: NextApiResponse, patch?: unknown) {
  return updateSessionOnResponse(runtime, req, res, patch);
}

/** The request's decoded session (once per request), or null. */
export function readSession(req: NextApiRequest) {
  return getRequestSession(req, sessionConfig);
}

export function reissueSessionIfRotated(req: NextApiRequest, res: NextApiResponse) {
  const current = readSession(req);
  return current ? reissueIfRotated(sessionConfig, req, res, current) : Promise.resolve();
}
