import { noticeSessionResponse, requestSignOut } from '@/lib/session/client';
import { HttpError, NetworkError } from './errors';

export type Method = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';

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
export async function fetchJson<T>(url: string, init: { method?: Method; body?: unknown } = {}): Promise<T> {
  const hasBody = init.body !== undefined;
  let response: Response;
  try {
    response = await fetch(url, {
      method: init.method ?? 'GET',
      credentials: 'same-origin',
      headers: { Accept: 'application/json', ...(hasBody ? { 'Content-Type': 'application/json' } : {}) },
      body: hasBody ? JSON.stringify(init.body) : undefined,
    });
  } catch (error) {
    throw new NetworkError({ cause: error });
  }
  interceptResponse(url, response);
  const body = await readBody(response);
  if (!response.ok) throw new HttpError(response.status, body as HttpError['body']);
  return body as T;
}

/** SWR's global fetcher. */
export function fetcher<T>(url: string): Promise<T> {
  return fetchJson<T>(url);
}

/** Every mutation goes through here, so its response reaches the interceptor too. */
export function send<T>(method: Method, url: string, body?: unknown): Promise<T> {
  return fetchJson<T>(url, { method, body });
}
