import { createHash, randomBytes } from 'node:crypto';
import { TestCookieJar } from 'next-auth-server-session/testing';
import { signInAtProvider, type RunningIdentityProvider } from '../../support/idp';

/**
 * The client side of the flows the app will run (authorization code + PKCE + state, then
 * refresh), by hand over fetch, so the provider is tested without next-auth.
 */

export interface TokenSet {
  access_token: string;
  refresh_token?: string;
  id_token?: string;
  token_type: string;
  expires_in: number;
  scope?: string;
}

export interface Discovery {
  issuer: string;
  authorization_endpoint: string;
  token_endpoint: string;
  jwks_uri: string;
  code_challenge_methods_supported: string[];
  token_endpoint_auth_methods_supported: string[];
  scopes_supported: string[];
  grant_types_supported: string[];
}

export const APP_SCOPE = 'openid email profile offline_access';

export async function fetchDiscovery(idp: RunningIdentityProvider): Promise<Discovery> {
  const response = await fetch(`${idp.issuer}/.well-known/openid-configuration`);
  if (!response.ok) throw new Error(`discovery answered ${response.status}`);
  return (await response.json()) as Discovery;
}

/** An authorization request as next-auth sends it (PKCE S256 and state). */
export function authorizationRequestFor(idp: RunningIdentityProvider, discovery: Discovery, params: Record<string, string> = {}) {
  const codeVerifier = randomBytes(32).toString('base64url');
  const state = randomBytes(16).toString('base64url');
  const redirectUri = idp.redirectUris[0] ?? '';
  const url = new URL(discovery.authorization_endpoint);
  url.search = new URLSearchParams({
    client_id: idp.clientId,
    response_type: 'code',
    redirect_uri: redirectUri,
    scope: APP_SCOPE,
    state,
    code_challenge: createHash('sha256').update(codeVerifier).digest('base64url'),
    code_challenge_method: 'S256',
    ...params,
  }).toString();
  return { url: url.href, codeVerifier, state, redirectUri };
}

/** POSTs to the token endpoint with client_secret_basic (default) or client_secret_post. */
export function postToken(idp: RunningIdentityProvider, discovery: Discovery, params: Record<string, string>, auth: 'basic' | 'post' = 'basic'): Promise<Response> {
  const basic = Buffer.from(`${encodeURIComponent(idp.clientId)}:${encodeURIComponent(idp.clientSecret)}`).toString('base64');
  const body = new URLSearchParams(auth === 'post' ? { ...params, client_id: idp.clientId, client_secret: idp.clientSecret } : params);
  return fetch(discovery.token_endpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...(auth === 'basic' ? { authorization: `Basic ${basic}` } : {}) },
    body,
  });
}

export async function refresh(idp: RunningIdentityProvider, discovery: Discovery, refreshToken: string, auth: 'basic' | 'post' = 'basic'): Promise<Response> {
  return postToken(idp, discovery, { grant_type: 'refresh_token', refresh_token: refreshToken }, auth);
}

/** Signs in as the account and redeems the code: the first token set of a fresh grant. */
export async function signIn(
  idp: RunningIdentityProvider,
  discovery: Discovery,
  credentials: { email: string; password: string },
  { jar = new TestCookieJar(), params = {} }: { jar?: TestCookieJar; params?: Record<string, string> } = {},
): Promise<TokenSet> {
  const request = authorizationRequestFor(idp, discovery, params);
  const callback = await signInAtProvider(request.url, credentials, jar);
  if (callback.searchParams.get('state') !== request.state) throw new Error('the provider returned another state');
  const code = callback.searchParams.get('code');
  if (!code) throw new Error(`no code in the callback: ${callback.searchParams.get('error') ?? 'unknown'}`);
  const response = await postToken(idp, discovery, { grant_type: 'authorization_code', code, redirect_uri: request.redirectUri, code_verifier: request.codeVerifier });
  if (!response.ok) throw new Error(`the code exchange answered ${response.status}: ${await response.text()}`);
  return (await response.json()) as TokenSet;
}
