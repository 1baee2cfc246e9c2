import { getToken } from 'next-auth/jwt';
import { type SetCookie, setCookiesOf } from '../helpers/cookie-jar';
import { type TestCookieJar } from 'next-auth-server-session/testing';
import { type AppUnderContract, applyTo, mainApp, type Mode, nextAuthWriters, refresh, send, type SessionBody, stockApp, type StartedApp } from './contract-apps';

/**
 * One contract, two apps: this repository's app and the adoption fixture (a stock next-auth
 * setup with its own cookie name and callbacks), each built and run with `next start`, in
 * http and https modes. What the toolkit writes must be what next-auth itself would write
 * and read, whatever the app's authOptions.
 */
const cases = [mainApp, stockApp].flatMap((app) => (['http', 'https'] as const).map((mode) => [app.name, mode, app] as [string, Mode, AppUnderContract]));

describe.each(cases)('session contract: %s, %s mode', (_name, mode, app) => {
  const cookieName = app.cookieName(mode);
  let server: StartedApp;
  beforeAll(async () => {
    server = await app.start(mode);
  }, 90_000);
  afterAll(() => server?.stop());

  const sessionCookiesOf = (setCookies: SetCookie[]) => setCookies.filter((cookie) => cookie.name.startsWith(cookieName));
  const writtenNames = (setCookies: SetCookie[]) => sessionCookiesOf(setCookies).filter((cookie) => cookie.value !== '').map((cookie) => cookie.name);
  const expiredNames = (setCookies: SetCookie[]) => sessionCookiesOf(setCookies).filter((cookie) => cookie.value === '').map((cookie) => cookie.name);

  /** How the jar stores the session: whole, in chunks, both at once (next-auth then signs the user out), or not at all. */
  function layoutOf(jar: TestCookieJar): 'whole' | 'chunks' | 'mixed' | 'none' {
    const names = jar.names().filter((name) => name.startsWith(cookieName));
    const whole = names.includes(cookieName);
    const chunks = names.some((name) => name.startsWith(`${cookieName}.`));
    return whole && chunks ? 'mixed' : whole ? 'whole' : chunks ? 'chunks' : 'none';
  }

  function readWithNextAuth(jar: TestCookieJar) {
    const req = { headers: { cookie: jar.header() }, cookies: jar.toObject() };
    return getToken({ req: req as never, secret: server.secret, cookieName, secureCookie: cookieName.startsWith('__Secure-') });
  }

  async function nextAuthSession(jar: TestCookieJar): Promise<SessionBody> {
    return (await (await send(`${server.url}/api/auth/session`, jar, 'GET')).json()) as SessionBody;
  }

  it(`refresh writes ${cookieName} with the attributes next-auth gave it at sign-in`, async () => {
    const jar = await app.signIn(server.url);
    expect(layoutOf(jar)).toBe('whole'); // next-auth's own sign-in chose this name

    const response = await refresh(server.url, jar);

    expect(response.status).toBe(200);
    const [cookie, ...others] = sessionCookiesOf(setCookiesOf(response.headers)).filter((written) => written.value !== '');
    expect(others).toEqual([]);
    expect(cookie?.name).toBe(cookieName);
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'lax', path: '/' });
    expect(cookie?.secure === true).toBe(cookieName.startsWith('__Secure-'));
    expect(cookie?.expires?.getTime()).toBeGreaterThan(Date.now() + 24 * 3600 * 1000);
  });

  it('refresh answers X-Revalidate-Session and never two Set-Cookie headers for one name', async () => {
    const jar = await app.signIn(server.url);

    const response = await refresh(server.url, jar);

    expect(response.headers.get('x-revalidate-session')).toBe('true');
    const names = setCookiesOf(response.headers).map((cookie) => cookie.name);
    expect(new Set(names).size).toBe(names.length);
  });

  it("next-auth's getToken and GET /api/auth/session read the update, with the app's session callback output", async () => {
    const jar = await app.signIn(server.url);

    const response = await applyTo(jar, refresh(server.url, jar, app.patch.data));

    const answered = ((await response.json()) as { session: SessionBody }).session;
    const token = await readWithNextAuth(jar);
    const session = await nextAuthSession(jar);
    expect(token).not.toBeNull();
    expect(app.patch.shows(answered)).toBe(true);
    expect(app.patch.shows(session)).toBe(true);
    expect(app.showsSessionCallback(answered, token ?? {})).toBe(true);
    expect(app.showsSessionCallback(session, token ?? {})).toBe(true);
  });

  it('a session that outgrows one cookie is chunked, and shrinking it leaves no chunk behind', async () => {
    const jar = await app.signIn(server.url);
    await app.prepareBoundary(server.url, jar);

    const grown = setCookiesOf((await applyTo(jar, app.grow(server.url, jar))).headers);
    const chunks = writtenNames(grown).sort();
    expect(chunks.length).toBeGreaterThanOrEqual(2);
    expect(chunks).toEqual(chunks.map((_, index) => `${cookieName}.${index}`));
    expect(expiredNames(grown)).toContain(cookieName);
    expect(layoutOf(jar)).toBe('chunks');
    expect(await readWithNextAuth(jar)).not.toBeNull();

    const shrunk = setCookiesOf((await applyTo(jar, app.shrink(server.url, jar))).headers);
    expect(writtenNames(shrunk)).toEqual([cookieName]);
    expect(expiredNames(shrunk)).toEqual(expect.arrayContaining([`${cookieName}.0`, `${cookieName}.1`, `${cookieName}.2`]));
    expect(layoutOf(jar)).toBe('whole');
    expect(await readWithNextAuth(jar)).not.toBeNull();
  });

  describe('error answers carry no session cookie', () => {
    it('without a session: 401', async () => {
      const response = await refresh(server.url, null);

      expect(response.status).toBe(401);
      expect(sessionCookiesOf(setCookiesOf(response.headers))).toEqual([]);
    });

    it('a malformed body: 400', async () => {
      const jar = await app.signIn(server.url);

      const response = await send(`${server.url}/api/session/refresh`, jar, 'POST', '{"data":');

      expect(response.status).toBe(400);
      expect(sessionCookiesOf(setCookiesOf(response.headers))).toEqual([]);
    });
  });

  // Two requests sent with the same cookie; one answer chunks the session, the other does
  // not; the browser applies them in whichever order they arrive.
  describe.each([
    ['a whole cookie', false],
    ['chunks', true],
  ])('answers to two requests that carried %s, applied in either order', (_layout, startChunked) => {
    it.each([
      ['as sent', false],
      ['reversed', true],
    ])('leave one layout that next-auth reads (%s)', async (_order, reversed) => {
      const jar = await app.signIn(server.url);
      await app.prepareBoundary(server.url, jar);
      if (startChunked) await applyTo(jar, app.grow(server.url, jar));
      const sent = jar.clone();

      // Processed in this order, so the first keeps the request's layout and the second changes it.
      const same = await refresh(server.url, sent);
      const changed = await (startChunked ? app.shrink(server.url, sent) : app.grow(server.url, sent));
      const arrived = reversed ? [changed, same] : [same, changed];
      for (const response of arrived) sent.apply(response);

      expect(['whole', 'chunks']).toContain(layoutOf(sent));
      expect(await readWithNextAuth(sent)).not.toBeNull();
      expect((await nextAuthSession(sent)).user).toBeDefined();
    });
  });

  // next-auth's own writers expire only the names their request carried; the app guards them
  // (withSessionCookieGuard / sessions.guard), so an answer computed from the old layout that
  // lands after the toolkit changed it cannot leave both layouts in the browser.
  describe.each(Object.keys(nextAuthWriters))("next-auth's %s racing a toolkit write", (writer) => {
    it.each([
      ['growing', false],
      ['shrinking', true],
    ])('leaves a session next-auth reads after a %s write, in both arrival orders', async (_direction, startChunked) => {
      const jar = await app.signIn(server.url);
      await app.prepareBoundary(server.url, jar);
      if (startChunked) await applyTo(jar, app.grow(server.url, jar));
      const sent = jar.clone();

      // next-auth answers first, from the old cookies; then the toolkit changes the layout.
      const fromNextAuth = await nextAuthWriters[writer]!(app, server.url, sent.clone());
      const fromToolkit = await (startChunked ? app.shrink(server.url, sent.clone()) : app.grow(server.url, sent.clone()));
      expect(writtenNames(setCookiesOf(fromNextAuth.headers))).not.toEqual([]);

      for (const arrived of [[fromToolkit, fromNextAuth], [fromNextAuth, fromToolkit]]) {
        const browser = sent.clone();
        for (const response of arrived) browser.apply(response);
        expect(['whole', 'chunks']).toContain(layoutOf(browser));
        expect(await readWithNextAuth(browser)).not.toBeNull();
        expect((await nextAuthSession(browser)).user).toBeDefined();
      }
    });
  });
});
