import { decode, type JWT } from 'next-auth/jwt';
import { joinChunks } from 'next-auth-server-session';
import { TestCookieJar } from 'next-auth-server-session/testing';
import { appEnv, freePort, ROOT, startNextServer } from '../../support/app-server';
import { callbackUrlsFor, type IdentityProviderOptions, type RunningIdentityProvider, signInAtProvider, startIdentityProvider } from '../../support/idp';

/**
 * The built app (`next start`) signing in with the real development identity provider
 * (idp/, its own process), over HTTP: for the whole-app tests of the OIDC sign-in and of the
 * access-token refresh.
 */

/** next start runs in production: secure cookie names (production forces them). */
export const SECURE_SESSION_COOKIE = '__Secure-next-auth.session-token';

export interface OidcAppInstance {
  url: string;
  secret: string;
  databaseUrl: string;
  output(): string;
  stop(): Promise<void>;
}

/**
 * Free ports for `appCount` app instances, and a provider that redirects to each one's
 * callback (it only redirects to a callback URL it was given, so the ports come first).
 */
export async function startProviderForApps(appCount: number, options: Omit<IdentityProviderOptions, 'redirectUris'> = {}): Promise<{ idp: RunningIdentityProvider; ports: number[] }> {
  const ports: number[] = [];
  while (ports.length < appCount) {
    const port = await freePort();
    if (!ports.includes(port)) ports.push(port);
  }
  const redirectUris = ports.flatMap((port) => callbackUrlsFor(new URL(`http://127.0.0.1:${port}`)));
  return { idp: await startIdentityProvider({ ...options, redirectUris }), ports };
}

/** `next start` of the built app on `port`, with `idp` as its OpenID Provider (`overrides` last). */
export async function startAppWithProvider(port: number, idp: RunningIdentityProvider, overrides: Record<string, string> = {}): Promise<OidcAppInstance> {
  const env = appEnv(port, { OIDC_ISSUER: idp.issuer, OIDC_CLIENT_ID: idp.clientId, OIDC_CLIENT_SECRET: idp.clientSecret, ...overrides });
  const server = await startNextServer(ROOT, port, env);
  return { ...server, secret: env.NEXTAUTH_SECRET ?? '', databaseUrl: env.DATABASE_URL ?? '' };
}

/** A request with the jar's cookies, redirects not followed; the answer's cookies go into the jar. */
export async function sendWithJar(baseUrl: string, path: string, jar: TestCookieJar, init: RequestInit = {}): Promise<Response> {
  const response = await fetch(new URL(path, baseUrl), { ...init, headers: { ...init.headers, cookie: jar.header() }, redirect: 'manual' });
  jar.apply(response);
  return response;
}

/** next-auth's OAuth flow as a browser runs it: POST signin (with CSRF), the provider's login form, the callback. */
export async function signInWithProvider(appUrl: string, credentials: { email: string; password: string }): Promise<{ jar: TestCookieJar; callback: Response }> {
  const jar = new TestCookieJar();
  const { csrfToken } = (await (await sendWithJar(appUrl, '/api/auth/csrf', jar)).json()) as { csrfToken: string };
  const start = await sendWithJar(appUrl, '/api/auth/signin/oidc', jar, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ csrfToken, callbackUrl: `${appUrl}/profile`, json: 'true' }),
  });
  const { url } = (await start.json()) as { url: string };
  const back = await signInAtProvider(url, credentials, new TestCookieJar());
  const callback = await sendWithJar(appUrl, `${back.pathname}${back.search}`, jar);
  return { jar, callback };
}

export function sessionTokenOf(jar: TestCookieJar): string | undefined {
  return joinChunks(jar.toObject(), SECURE_SESSION_COOKIE);
}

export async function decodeSession(jar: TestCookieJar, secret: string): Promise<JWT | null> {
  return decode({ token: sessionTokenOf(jar), secret });
}

/** The provider's tokens the session cookie carries; throws when it carries none. */
export async function oauthOf(jar: TestCookieJar, secret: string): Promise<NonNullable<JWT['oauth']>> {
  const oauth = (await decodeSession(jar, secret))?.oauth;
  if (!oauth) throw new Error('the session carries no provider tokens');
  return oauth;
}
