import { deletesCookie, setCookiesOf } from '../helpers/cookie-jar';
import { type TestCookieJar } from 'next-auth-server-session/testing';
import { signInOverHttp } from '../../support/http-sign-in';
import { type AppUnderContract, applyTo, getPage, mainApp, postForm, send, type SessionBody, stockApp, type StartedApp } from './contract-apps';

/**
 * cookies-next (v6) beside the session toolkit, in both built apps (`next start`): a route
 * writes cookies of its own with cookies-next before and after `forRequest(...).update()`
 * (the fixture's POST /api/preferences; the main app's POST /api/cart, whose hint the shop
 * page reads back on the server, for its user only). The answer carries both, one line per
 * session-cookie name.
 */
const cases = [mainApp, stockApp].map((app) => [app.name, app] as [string, AppUnderContract]);

describe.each(cases)('cookies-next in the same route: %s', (_name, app) => {
  const cookieName = app.cookieName('http');
  const route = app.cookiesNext;
  let server: StartedApp;
  beforeAll(async () => {
    server = await app.start('http');
  }, 90_000);
  afterAll(() => server?.stop());

  async function signedInAndPrepared() {
    const jar = await app.signIn(server.url);
    await route.prepare(server.url, jar);
    return jar;
  }

  it("answers with the route's own cookies, written and deleted, HttpOnly, SameSite=Lax, Path=/", async () => {
    const jar = await signedInAndPrepared();

    const response = await route.send(server.url, jar);

    expect(response.status).toBe(200);
    const setCookies = setCookiesOf(response.headers);
    const linesOf = (name: string) => setCookies.filter((cookie) => cookie.name === name);
    const own = Object.fromEntries([...route.written, ...route.deleted].map((name) => [name, linesOf(name).map((line) => (deletesCookie(line) ? 'deleted' : 'written'))]));
    expect(own).toEqual(Object.fromEntries([...route.written.map((name) => [name, ['written']]), ...route.deleted.map((name) => [name, ['deleted']])]));
    for (const name of route.written) expect(linesOf(name)[0]).toMatchObject({ httpOnly: true, sameSite: 'lax', path: '/' });
  });

  it('answers exactly one Set-Cookie per session-cookie name, the session among them', async () => {
    const jar = await signedInAndPrepared();

    const response = await route.send(server.url, jar);

    const sessionNames = setCookiesOf(response.headers)
      .map((cookie) => cookie.name)
      .filter((name) => name.startsWith(cookieName));
    expect(sessionNames).toContain(cookieName);
    expect(sessionNames.filter((name, index) => sessionNames.indexOf(name) !== index)).toEqual([]);
  });

  it("leaves the browser both: next-auth's GET /api/auth/session reads the update, the route's cookies are kept", async () => {
    const jar = await signedInAndPrepared();

    await applyTo(jar, route.send(server.url, jar));

    const session = (await (await send(`${server.url}/api/auth/session`, jar, 'GET')).json()) as SessionBody;
    expect(route.shows(session)).toBe(true);
    expect(route.written.filter((name) => jar.get(name) === undefined)).toEqual([]);
    expect(route.deleted.filter((name) => jar.get(name) !== undefined)).toEqual([]);
  });

  const page = route.page;
  if (page) {
    it(`shows the route's cookie on ${page.path}, read on the server`, async () => {
      const jar = await signedInAndPrepared();
      await applyTo(jar, route.send(server.url, jar));

      const response = await fetch(`${server.url}${page.path}`, { headers: { cookie: jar.header() } });

      expect(response.status).toBe(200);
      expect(page.shows(await response.text())).toBe(true);
    });
  }
});

/** next-auth's own sign-out over HTTP: GET /api/auth/csrf, then the form POST /api/auth/signout. */
async function signOutOverHttp(url: string, jar: TestCookieJar): Promise<void> {
  const csrf = await applyTo(jar, send(`${url}/api/auth/csrf`, jar, 'GET'));
  const { csrfToken } = (await csrf.json()) as { csrfToken: string };
  await applyTo(jar, postForm(`${url}/api/auth/signout`, jar, { csrfToken, json: 'true' }));
}

describe("the main app's last-added hint on a shared browser", () => {
  const [hintCookie = 'last-added-product'] = mainApp.cookiesNext.written;
  let server: StartedApp;
  beforeAll(async () => {
    server = await mainApp.start('http');
  }, 90_000);
  afterAll(() => server?.stop());

  async function addedBySignedOutAlice(): Promise<TestCookieJar> {
    const jar = await mainApp.signIn(server.url);
    await mainApp.cookiesNext.prepare(server.url, jar);
    await applyTo(jar, mainApp.cookiesNext.send(server.url, jar));
    await signOutOverHttp(server.url, jar);
    return jar;
  }

  it('shows the hint to no one once its user has signed out, though the browser keeps the cookie', async () => {
    const jar = await addedBySignedOutAlice();
    expect(jar.names().filter((name) => name.startsWith(mainApp.cookieName('http')))).toEqual([]);
    expect(jar.get(hintCookie)).toBeDefined();

    const response = await getPage(`${server.url}/shop`, jar);

    expect(response.status).toBe(200);
    expect(await response.text()).not.toContain('data-testid="last-added"');
  });

  it('does not show the hint to the next user who signs in on the same browser', async () => {
    const jar = await addedBySignedOutAlice();
    const { jar: admin } = await signInOverHttp(server.url, 'admin@example.com', 'admin-password');
    for (const name of admin.names()) jar.set(name, admin.get(name) ?? '');

    const response = await getPage(`${server.url}/shop`, jar);

    expect(response.status).toBe(200);
    expect(await response.text()).not.toContain('data-testid="last-added"');
  });
});
