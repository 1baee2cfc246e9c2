import { setCookiesOf } from '../helpers/cookie-jar';
import { sessionCookieWritesOf } from '../helpers/session-cookie';
import { type TestCookieJar } from 'next-auth-server-session/testing';
import { applyTo, getPage, mainApp, postForm, send, type SessionBody, stockApp, type StartedApp } from './contract-apps';

/**
 * The session updated from getServerSideProps, in both built apps (`next start`): the page's
 * own answer carries the cookie, its HTML is rendered from the updated session, and
 * next-auth reads the update afterwards. The fixture's /onboarding updates on GET; the main
 * app's /welcome only offers the browser's language on GET, and applies it on the offer's
 * form POST.
 */

async function nextAuthSession(url: string, jar: TestCookieJar): Promise<SessionBody> {
  return (await (await send(`${url}/api/auth/session`, jar, 'GET')).json()) as SessionBody;
}

const GERMAN_BROWSER = { 'accept-language': 'de-DE,de;q=0.9,en;q=0.8' };

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

    const response = await applyTo(jar, app.gsspUpdate.send(server.url, jar));

    expect(response.status).toBe(200);
    const writes = sessionCookieWritesOf(setCookiesOf(response.headers), cookieName);
    expect(writes.written).toEqual([cookieName]);
    expect(writes.duplicated).toEqual([]);
    expect(response.headers.get('x-revalidate-session')).toBe('true');
    expect(app.gsspUpdate.pageShows(await response.text())).toBe(true);
    expect(app.gsspUpdate.sessionShows(await nextAuthSession(server.url, jar))).toBe(true);
  });

  it('sends a signed-out visitor to sign in, writing no session', async () => {
    const response = await app.gsspUpdate.send(server.url, null);

    expect([302, 307]).toContain(response.status);
    expect(response.headers.get('location')).toMatch(/signin\?callbackUrl=/);
    expect(sessionCookieWritesOf(setCookiesOf(response.headers), cookieName).written).toEqual([]);
    expect(response.headers.get('x-revalidate-session')).toBeNull();
  });
});

describe("main app: /welcome changes the locale only when the user takes the offer", () => {
  const cookieName = mainApp.cookieName('http');
  let server: StartedApp;
  beforeAll(async () => {
    server = await mainApp.start('http');
  }, 90_000);
  afterAll(() => server?.stop());

  // Alice, on en-US, before each test: a test that fails by writing does not fail the next.
  beforeEach(async () => {
    const jar = await mainApp.signIn(server.url);
    expect((await send(`${server.url}/api/profile`, jar, 'PATCH', { preferences: { locale: 'en-US' } })).status).toBe(200);
  });

  it("offers the browser's language on GET, in a same-page form, and writes nothing", async () => {
    const jar = await mainApp.signIn(server.url);

    const response = await applyTo(jar, getPage(`${server.url}/welcome`, jar, GERMAN_BROWSER));

    expect(response.status).toBe(200);
    expect(response.headers.get('x-revalidate-session')).toBeNull();
    const html = await response.text();
    expect(html).toContain('data-testid="welcome-locale">en-US</strong>');
    const form = /<form [^>]*data-testid="welcome-suggestion"[^>]*>/.exec(html)?.[0] ?? '';
    expect(form).toContain('method="post"');
    expect(form).toContain('action="/welcome"');
    expect(html).toContain('<input type="hidden" name="locale" value="de-DE"/>');
    expect(html).toContain('Deutsch (de-DE)');
    expect(mainApp.gsspUpdate.sessionShows(await nextAuthSession(server.url, jar))).toBe(false);
  });

  it('says the offer was applied on the answer to its POST', async () => {
    const jar = await mainApp.signIn(server.url);

    const response = await applyTo(jar, postForm(`${server.url}/welcome`, jar, { locale: 'de-DE' }, GERMAN_BROWSER));

    const html = await response.text();
    expect(html).toContain('data-testid="welcome-applied"');
    expect(html).not.toContain('data-testid="welcome-suggestion"');
  });

  it.each<[string, Record<string, string>]>([
    ['another Origin', { origin: 'https://evil.example' }],
    ['Sec-Fetch-Site: cross-site', { 'sec-fetch-site': 'cross-site' }],
  ])('answers a cross-site POST (%s) with the 403 page, writing nothing', async (_label, headers) => {
    const jar = await mainApp.signIn(server.url);

    const response = await applyTo(jar, postForm(`${server.url}/welcome`, jar, { locale: 'de-DE' }, headers));

    expect(response.status).toBe(403);
    expect(await response.text()).toContain('data-testid="welcome-refused"');
    expect(sessionCookieWritesOf(setCookiesOf(response.headers), cookieName).written).toEqual([]);
    expect(response.headers.get('x-revalidate-session')).toBeNull();
    expect(mainApp.gsspUpdate.sessionShows(await nextAuthSession(server.url, jar))).toBe(false);
    const fresh = await mainApp.signIn(server.url);
    expect(mainApp.gsspUpdate.sessionShows(await nextAuthSession(server.url, fresh))).toBe(false);
  });

  it("answers a locale the app lacks with the 400 page, writing nothing", async () => {
    const jar = await mainApp.signIn(server.url);

    const response = await applyTo(jar, postForm(`${server.url}/welcome`, jar, { locale: 'it-IT' }));

    expect(response.status).toBe(400);
    expect(mainApp.gsspUpdate.sessionShows(await nextAuthSession(server.url, jar))).toBe(false);
  });
});

describe('getServerSideProps updates the session: main app, a revoked session', () => {
  const cookieName = mainApp.cookieName('http');
  let server: StartedApp;
  beforeAll(async () => {
    server = await mainApp.start('http');
  }, 90_000);
  afterAll(() => server?.stop());

  it.each<[string, (url: string, jar: TestCookieJar) => Promise<Response>]>([
    ['the offer taken (POST)', (url, jar) => mainApp.gsspUpdate.send(url, jar)],
    ['the page (GET)', (url, jar) => getPage(`${url}/welcome`, jar, GERMAN_BROWSER)],
  ])('sends a session revoked elsewhere to sign in from %s, expiring its cookie, and writes nothing to the store', async (_label, request) => {
    const revoked = await mainApp.signIn(server.url);
    const other = await mainApp.signIn(server.url);
    expect((await send(`${server.url}/api/session/revoke-all`, other, 'POST', {})).status).toBe(200);

    const response = await applyTo(revoked, request(server.url, revoked));

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
