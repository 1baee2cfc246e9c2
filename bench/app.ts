/**
 * The app under load: `next build` when stale (the tests' own freshness check), then
 * `next start` on 127.0.0.1 with a fresh SQLite database (startApp), and alice signed in
 * through next-auth's real credentials flow with a 10-line cart, like the codec's token.
 */
import { statSync } from 'node:fs';
import path from 'node:path';
import { ROOT } from '../support/app-server';
import buildApp from '../support/build-app';
import { signInOverHttp } from '../support/http-sign-in';
import type { TestCookieJar } from '../lib/session/testing';

export const SESSION_COOKIE = '__Secure-next-auth.session-token';
export const CART_LINES = 10;

export interface BuildOutcome {
  built: boolean;
  seconds: number;
}

export interface SignedInSession {
  url: string;
  jar: TestCookieJar;
  csrfToken: string;
}

function buildIdMtime(): number {
  try {
    return statSync(path.join(ROOT, '.next', 'BUILD_ID')).mtimeMs;
  } catch {
    return 0;
  }
}

export async function ensureBuilt(): Promise<BuildOutcome> {
  const before = buildIdMtime();
  const started = Date.now();
  await buildApp();
  return { built: buildIdMtime() !== before, seconds: (Date.now() - started) / 1000 };
}

async function send(session: SignedInSession, pathname: string, init: RequestInit = {}): Promise<Response> {
  const response = await fetch(`${session.url}${pathname}`, {
    ...init,
    redirect: 'manual',
    headers: { ...(init.headers as Record<string, string>), cookie: session.jar.header() },
  });
  session.jar.apply(response);
  return response;
}

async function expectOk(response: Response, what: string): Promise<void> {
  if (response.status !== 200) throw new Error(`${what}: HTTP ${response.status} ${await response.text()}`);
}

/** next-auth's credentials flow (the tests' helper), checked: the bench measures nothing without a session. */
export async function signIn(url: string, email: string, password: string): Promise<SignedInSession> {
  const { jar, csrfToken } = await signInOverHttp(url, email, password);
  if (!jar.get(SESSION_COOKIE)) throw new Error(`sign-in as ${email} set no ${SESSION_COOKIE} cookie`);
  return { url, jar, csrfToken };
}

/** Adds lines 1..n (POST /api/cart); each response re-issues the session cookie. */
export async function fillCart(session: SignedInSession, lines: number): Promise<void> {
  for (let productId = 1; productId <= lines; productId += 1) {
    const response = await send(session, '/api/cart', {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: session.url },
      body: JSON.stringify({ productId, quantity: 1 + (productId % 3) }),
    });
    await expectOk(response, `POST /api/cart (line ${productId})`);
  }
}

/**
 * Brings the jar's session cookie up to the store's current session version: next-auth's
 * session read re-issues the cookie, re-projected from the store when the version moved.
 * Without it, a load of GET requests after an update run would each re-issue stale claims.
 */
export async function syncSessionCookie(session: SignedInSession): Promise<void> {
  const response = await send(session, '/api/auth/session');
  await expectOk(response, 'GET /api/auth/session');
  const body = (await response.json()) as { user?: { email?: string } };
  if (body.user?.email !== 'alice@example.com') throw new Error(`no session after sync: ${JSON.stringify(body)}`);
}
