/**
 * Our app under load: `next start` with a fresh SQLite database (startApp), and alice signed
 * in through next-auth's real credentials flow with a 10-line cart, like the codec's token.
 */
import { signInOverHttp } from '../support/http-sign-in';
import type { TestCookieJar } from 'next-auth-server-session/testing';

export const SESSION_COOKIE = '__Secure-next-auth.session-token';
export const CART_LINES = 10;

export interface SignedInSession {
  url: string;
  jar: TestCookieJar;
  csrfToken: string;
}

async function send(session: SignedInSession, pathname: string, init: RequestInit = {}): Promise<Response> {
  const headers = { ...(init.headers as Record<string, string>), cookie: session.jar.header() };
  const response = await fetch(`${session.url}${pathname}`, { ...init, redirect: 'manual', headers });
  session.jar.apply(response);
  if (response.status !== 200) throw new Error(`${pathname}: HTTP ${response.status} ${await response.text()}`);
  return response;
}

/** next-auth's credentials flow, checked: the bench measures nothing without a session. */
export async function signIn(url: string, email: string, password: string): Promise<SignedInSession> {
  const { jar, csrfToken } = await signInOverHttp(url, email, password);
  if (!jar.get(SESSION_COOKIE)) throw new Error(`sign-in as ${email} set no ${SESSION_COOKIE} cookie`);
  return { url, jar, csrfToken };
}

/** Adds lines 1..n (POST /api/cart); each response re-issues the session cookie. */
export async function fillCart(session: SignedInSession, lines: number): Promise<void> {
  for (let productId = 1; productId <= lines; productId += 1) {
    const body = JSON.stringify({ productId, quantity: 1 + (productId % 3) });
    await send(session, '/api/cart', { method: 'POST', headers: { 'content-type': 'application/json', origin: session.url }, body });
  }
}

/**
 * Brings the jar's session cookie up to the store's session version (the session read
 * re-issues it, re-projected): without it, every GET after an update run would re-issue.
 */
export async function syncSessionCookie(session: SignedInSession): Promise<void> {
  const body = (await (await send(session, '/api/auth/session')).json()) as { user?: { email?: string } };
  if (body.user?.email !== 'alice@example.com') throw new Error(`no session after sync: ${JSON.stringify(body)}`);
}
