import type { NextApiRequest, NextApiResponse } from 'next';
import { setApiHeaders } from '@/lib/api';
import { getEnv } from '@/lib/env';
import { logWarn } from '@/lib/log';
import { createAccessTokenVerifier, type AccessTokenVerifier } from '@/lib/resource/access-token-verifier';
import { listNotifications } from '@/lib/resource/notifications';

/**
 * GET /api/backend/notifications: the demo's resource API, as a separate backend would be. It
 * knows nothing of sessions or cookies: only a Bearer access token from the identity provider,
 * verified against the provider's keys (lib/resource/access-token-verifier.ts).
 */

let verifier: AccessTokenVerifier | undefined;

function getVerifier(): AccessTokenVerifier | undefined {
  const oidc = getEnv().oidc;
  if (!oidc) return undefined;
  verifier ??= createAccessTokenVerifier({ issuer: oidc.issuer });
  return verifier;
}

function bearerOf(req: NextApiRequest): string | undefined {
  const match = /^Bearer ([A-Za-z0-9._~+/-]+=*)$/.exec(req.headers.authorization ?? '');
  return match?.[1];
}

function refuse(res: NextApiResponse, error: string): void {
  res.setHeader('WWW-Authenticate', 'Bearer error="invalid_token"');
  res.status(401).json({ error });
}

export default async function notifications(req: NextApiRequest, res: NextApiResponse) {
  setApiHeaders(res);
  if (req.method !== 'GET') {
    res.setHeader('Allow', 'GET');
    return res.status(405).json({ error: `Method ${req.method ?? ''} not allowed`, allow: 'GET' });
  }
  const tokenVerifier = getVerifier();
  if (!tokenVerifier) return res.status(404).json({ error: 'No identity provider is configured' });
  const accessToken = bearerOf(req);
  if (!accessToken) return refuse(res, 'An access token is required (Authorization: Bearer)');
  try {
    const verified = await tokenVerifier.verify(accessToken);
    if (!verified) return refuse(res, 'The access token is invalid or expired');
    res.status(200).json({ subject: verified.subject, notifications: listNotifications(verified.subject) });
  } catch (error) {
    logWarn('backend.jwks-unreachable', { error: error instanceof Error ? error.message : String(error) });
    res.status(503).json({ error: "The identity provider's keys cannot be fetched; please retry" });
  }
}
