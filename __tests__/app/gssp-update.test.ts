import { setCookiesOf } from '../helpers/cookie-jar';
import { sessionCookieWritesOf } from '../helpers/session-cookie';
import { type TestCookieJar } from 'next-auth-server-session/testing';
import { type AppUnderContract, applyTo, mainApp, send, type SessionBody, stockApp, type StartedApp } from './contract-apps';

/**
 * The session updated from getServerSideProps, in both built apps (`next start`): the page's
 * own answer carries the cookie, its HTML is rendered from the updated session, and
 * next-auth reads the update afterwards.
 */

function getPage(url: string, app: AppUnderContract, jar: TestCookieJar | null): Promise<Response> {
  const headers: Record<string, string> = { ...app.gsspUpdate.headers };
  if (jar && jar.names().length > 0) headers.cookie = jar.header();
  return fetch(`${url}${app.gsspUpdate.path}`, { headers, redirect: 'manual' });
}

async function nextAuthSession(url: string, jar: TestCookieJar): Promise<SessionBody> {
  return (await (await send(`${url}/api/auth/session`, jar, 'GET')).json()) as SessionBody;
}

describe.each([mainApp, stockApp].map((app) => [app.name, app] as const))('getServerSideProps updates the session: %s', (_name, app) => {
  const cookieName = app.cookieName('http');
  let server: StartedApp;
  beforeAll(async () => {
    server = await app.start('http');
  }, 90_000);
  afterAll(() => server?.stop());

  it("answers the page with one Set-Cookie per session-cookie name and X-Revalidate-Session, renders the update, and next-auth's GET /api/auth/session reads it", async () => {
    const jar = await app.signIn(server.url);
    expect(app.gsspUpdate.sessionShows(await nextAuthSession(server.url, jar))).toBe(false);

    const response = await applyTo(jar, getPage(server.url, app, jar));

    expect(response.status).toBe(200);
    const writes = sessionCookieWritesOf(setCookiesOf(response.headers), cookieName);
    expect(writes.written).toEqual([cookieName]);
    expect(writes.duplicated).toEqual([]);
    expect(response.headers.get('x-revalidate-session')).toBe('true');
    expect(app.gsspUpdate.pageShows(await response.text())).toBe(true);
    expect(app.gsspUpdate.sessionShows(await nextAuthSession(server.url, jar))).toBe(true);
  });

  it('sends a signed-out visitor to sign in, writing no session', async () => {
    const response = await getPage(server.url, app, null);

    expect([302, 307]).toContain(response.status);
    expect(response.headers.get('location')).toMatch(/signin\?callbackUrl=/);
    expect(sessionCookieWritesOf(setCookiesOf(response.headers), cookieName).written).toEqual([]);
    expect(response.headers.get('x-revalidate-session')).toBeNull();
  });
});

describe('getServerSideProps updates the session: main app, a revoked session', () => {
  const cookieName = mainApp.cookieName('http');
  let server: StartedApp;
  beforeAll(async () => {
    server = await mainApp.start('http');
  }, 90_000);
  afterAll(() => server?.stop());

  it('sends a session revoked elsewhere to sign in, expiring its cookie, and writes nothing to the store', async () => {
    const revoked = await mainApp.signIn(server.url);
    const other = await mainApp.signIn(server.url);
    expect((await send(`${server.url}/api/session/revoke-all`, other, 'POST', {})).status).toBe(200);

    const response = await applyTo(revoked, getPage(server.url, mainApp, revoked));

    expect(response.status).toBe(307);
    expect(response.headers.get('location')).toBe('/signin?callbackUrl=/welcome');
    const writes = sessionCookieWritesOf(setCookiesOf(response.headers), cookieName);
    expect(writes).toMatchObject({ written: [], duplicated: [] });
    expect(writes.expired).toContain(cookieName);
    expect(revoked.names().filter((name) => name.startsWith(cookieName))).toEqual([]);
    const fresh = await mainApp.signIn(server.url);
    expect(mainApp.gsspUpdate.sessionShows(await nextAuthSession(server.url, fresh))).toBe(false);
  });
});
