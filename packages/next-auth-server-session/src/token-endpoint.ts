import { TokenRefreshError, type TokenRefreshErrorCode } from './errors';
import type { RefreshResult } from './oauth-tokens';

export type ClientAuthMethod = 'client_secret_basic' | 'client_secret_post';

export interface RefreshGrantRequest {
  url: URL;
  clientId: string;
  clientSecret: string;
  clientAuth: ClientAuthMethod;
  refreshToken: string;
  fetch: typeof fetch;
  timeoutMs: number;
  /** Seconds since the epoch when the request is sent: `expires_in` counts from here. */
  nowSeconds: number;
}

// RFC 6749 2.3.1: client_secret_basic form-encodes id and secret before Base64 (as openid-client does).
const formEncode = (value: string) => encodeURIComponent(value).replace(/%20/g, '+');
// RFC 6749 5.2: an error code is printable ASCII without `"` and `\`; anything else is not echoed.
const ERROR_CODE = /^[\x20\x21\x23-\x5B\x5D-\x7E]{1,64}$/;

function buildRequest(request: RefreshGrantRequest): RequestInit {
  const body = new URLSearchParams({ grant_type: 'refresh_token', refresh_token: request.refreshToken });
  const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' };
  if (request.clientAuth === 'client_secret_post') {
    body.set('client_id', request.clientId);
    body.set('client_secret', request.clientSecret);
  } else {
    const credentials = `${formEncode(request.clientId)}:${formEncode(request.clientSecret)}`;
    headers.authorization = `Basic ${Buffer.from(credentials).toString('base64')}`;
  }
  // A redirect would carry the refresh token (and a posted secret) elsewhere: it is an answer, not followed.
  return { method: 'POST', headers, body: body.toString(), redirect: 'manual' };
}

function failure(code: TokenRefreshErrorCode, message: string, details: { providerError?: string; httpStatus?: number } = {}): RefreshResult {
  const status = code === 'ERR_REFRESH_REVOKED' ? 'revoked' : 'unavailable';
  return { ok: false, status, error: new TokenRefreshError(code, message, details) };
}

function parseObject(text: string): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/** `expires_in` as a number of seconds; some providers send it as a numeric string. */
function readExpiresIn(value: unknown): number | null {
  const seconds = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value;
  return typeof seconds === 'number' && Number.isFinite(seconds) && seconds >= 0 ? Math.floor(seconds) : null;
}

function readTokens(body: Record<string, unknown> | null, request: RefreshGrantRequest, httpStatus: number): RefreshResult {
  const expiresIn = readExpiresIn(body?.expires_in);
  const { access_token: accessToken, refresh_token: refreshToken } = body ?? {};
  const refreshTokenOk = refreshToken === undefined || (typeof refreshToken === 'string' && refreshToken !== '');
  if (typeof accessToken !== 'string' || accessToken === '' || expiresIn === null || !refreshTokenOk) {
    return failure('ERR_REFRESH_MALFORMED_RESPONSE', `token endpoint answered ${httpStatus} without a usable access_token, expires_in and refresh_token`, { httpStatus });
  }
  return {
    ok: true,
    tokens: {
      accessToken,
      // No refresh_token in the answer: the provider does not rotate, the one we hold stays valid.
      refreshToken: (refreshToken as string | undefined) ?? request.refreshToken,
      accessTokenExpiresAt: request.nowSeconds + expiresIn,
    },
  };
}

function readAnswer(httpStatus: number, text: string, request: RefreshGrantRequest): RefreshResult {
  const body = parseObject(text);
  if (httpStatus >= 200 && httpStatus < 300) return readTokens(body, request, httpStatus);
  const code = typeof body?.error === 'string' && ERROR_CODE.test(body.error) ? body.error : undefined;
  const details = { httpStatus, ...(code && { providerError: code }) };
  const answered = `token endpoint answered ${httpStatus}${code ? ` ${code}` : ''}`;
  if (code === 'invalid_grant' && httpStatus >= 400 && httpStatus < 500) {
    return failure('ERR_REFRESH_REVOKED', `${answered}: the grant is revoked or the refresh token was already used; the user must sign in again`, details);
  }
  if (httpStatus === 429 || httpStatus >= 500) return failure('ERR_REFRESH_PROVIDER_UNAVAILABLE', `${answered}: try again later`, details);
  return failure('ERR_REFRESH_REJECTED', `${answered}: check the client id, secret, clientAuth and token endpoint`, details);
}

class Aborted extends Error {}

/** Rejects when `signal` aborts, for a `fetch` (or a body read) that does not honour it. */
function raceAbort<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    signal.addEventListener('abort', () => reject(new Aborted()), { once: true });
    work.then(resolve, reject);
  });
}

function networkCode(error: unknown): string {
  const code = (error as { cause?: { code?: unknown } } | null)?.cause?.code;
  return typeof code === 'string' && /^[A-Z0-9_]{1,40}$/.test(code) ? ` (${code})` : '';
}

/**
 * POSTs `grant_type=refresh_token` to the token endpoint (RFC 6749 section 6) and reads the
 * answer into a value, never throwing: new tokens (the old refresh token kept if none came
 * back), `revoked` for `invalid_grant`, `unavailable` for a timeout, a network error, 429,
 * 5xx, another refusal or a malformed answer. An answer lost in transit (timeout, dropped
 * connection) may still have spent the refresh token at the provider.
 */
export async function requestRefreshGrant(request: RefreshGrantRequest): Promise<RefreshResult> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), request.timeoutMs);
  try {
    const response = await raceAbort(request.fetch(request.url, { ...buildRequest(request), signal: controller.signal }), controller.signal);
    const text = await raceAbort(response.text(), controller.signal);
    return readAnswer(response.status, text, request);
  } catch (error) {
    if (controller.signal.aborted) return failure('ERR_REFRESH_TIMEOUT', `token endpoint did not answer within ${request.timeoutMs} ms`);
    return failure('ERR_REFRESH_NETWORK', `token endpoint unreachable${networkCode(error)}`);
  } finally {
    clearTimeout(timer);
  }
}
