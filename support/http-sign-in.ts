import { TestCookieJar } from 'next-auth-server-session/testing';

/**
 * next-auth's real credentials flow over HTTP against a running app (GET csrf, POST
 * callback) with the provider's own fields. The CSRF token comes back too: next-auth's own
 * update needs it in the body.
 */
export async function signInWithCredentials(baseUrl: string, fields: Record<string, string>): Promise<{ jar: TestCookieJar; csrfToken: string }> {
  const jar = new TestCookieJar();
  const csrf = await fetch(`${baseUrl}/api/auth/csrf`);
  jar.apply(csrf);
  const { csrfToken } = (await csrf.json()) as { csrfToken: string };
  const response = await fetch(`${baseUrl}/api/auth/callback/credentials`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: jar.header() },
    body: new URLSearchParams({ ...fields, csrfToken, json: 'true' }),
    redirect: 'manual',
  });
  return { jar: jar.apply(response), csrfToken };
}

/** Signs in to this app (email + password). */
export function signInOverHttp(baseUrl: string, email: string, password: string): Promise<{ jar: TestCookieJar; csrfToken: string }> {
  return signInWithCredentials(baseUrl, { email, password });
}
