import { noticeSessionResponse, requestSignOut } from 'next-auth-server-session/client';
import { HttpError, NetworkError } from './errors';
import type { Method } from './method';
import { rememberSignOutReason } from './sign-out-reason';

async function readBody(response: Response): Promise<unknown> {
  const text = await response.text();
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return { error: text.slice(0, 200) };
  }
}

/** The one interceptor every response of ours passes through. */
function interceptResponse(url: string, response: Response): void {
  void noticeSessionResponse(response);
  // Only our API's 401 means "your session is gone"; next-auth's routes answer for themselves.
  if (response.status === 401 && url.startsWith('/api/') && !url.startsWith('/api/auth/')) void requestSignOut();
}

/**
 * JSON in, JSON out. Non-2xx throws `HttpError` (status + the server's `{ error, ... }`),
 * no answer throws `NetworkError`.
 */
async function fetchJson<T>(url: string, init: { method?: Method; body?: unknown; headers?: Record<string, string> } = {}): Promise<T> {
  const hasBody = init.body !== undefined;
  let response: Response;
  try {
    response = await fetch(url, {
      method: init.method ?? 'GET',
      credentials: 'same-origin',
      headers: { Accept: 'application/json', ...(hasBody ? { 'Content-Type': 'application/json' } : {}), ...init.headers },
      body: hasBody ? JSON.stringify(init.body) : undefined,
    });
  } catch (error) {
    throw new NetworkError({ cause: error });
  }
  interceptResponse(url, response);
  const body = await readBody(response);
  if (response.status === 401) rememberSignOutReason(body);
  if (!response.ok) throw new HttpError(response.status, body as HttpError['body']);
  return body as T;
}

/** SWR's global fetcher. */
export function fetcher<T>(url: string): Promise<T> {
  return fetchJson<T>(url);
}

/** The wait before a mutation's one retry: this plus up to as much again, so clients do not retry in step. */
const RETRY_DELAY_MS = 250;

/** A fresh key per mutation. `randomUUID` exists in secure contexts only (https, localhost). */
function newIdempotencyKey(): string {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  return Array.from(crypto.getRandomValues(new Uint8Array(16)), (byte) => byte.toString(16).padStart(2, '0')).join('');
}

/** No answer, or the server's "temporarily unavailable": the write may or may not have landed. */
function isRetryable(error: unknown): boolean {
  return error instanceof NetworkError || (error instanceof HttpError && error.status === 503);
}

/**
 * Every mutation goes through here, so its response reaches the interceptor too. Each call
 * carries a fresh `Idempotency-Key` and is retried once, with the same key, after a network
 * error or a 503: should the first write have landed after all, the server replays its
 * answer instead of applying it twice.
 */
export async function send<T>(method: Method, url: string, body?: unknown): Promise<T> {
  const init = { method, body, headers: { 'Idempotency-Key': newIdempotencyKey() } };
  try {
    return await fetchJson<T>(url, init);
  } catch (error) {
    if (!isRetryable(error)) throw error;
    await new Promise((resolve) => setTimeout(resolve, RETRY_DELAY_MS * (1 + Math.random())));
    return fetchJson<T>(url, init);
  }
}
