import { decode } from 'next-auth/jwt';
import { joinChunks, type OAuthTokens } from 'next-auth-server-session';
import type { Page } from 'playwright-core';
import { appEnv, freePort, ROOT, startNextServer } from '../../support/app-server';
import { type BrowserSession, hasChromium, openBrowser, runScenario, screenshot, textOf } from '../../support/browser';
import { callbackUrlsFor, type IdpEvent, type RunningIdentityProvider, startIdentityProvider } from '../../support/idp';

/**
 * Issue 26, item 5: two Chromium tabs of one person, their SWR loads of /api/notifications
 * and a burst of parallel fetches each, across an expiry of the identity provider's access
 * token. The real provider (idp/, oidc-provider with refresh-token rotation and reuse
 * detection) would revoke the grant if one refresh token were spent twice, and the app
 * would sign the person out; here the provider sees exactly one refresh, no tab sees a
 * 401, and the browser keeps one session cookie layout holding the successor tokens.
 */

// next start runs in production: secure cookie names (Chromium keeps them on http://127.0.0.1).
const SESSION = '__Secure-next-auth.session-token';
const ALICE = { email: 'alice@example.com', password: 'alice-password', name: 'Alice' };
/** Short, so the scenario crosses an expiry within seconds. */
const ACCESS_TOKEN_TTL_SECONDS = 8;
/** The app refreshes this long before the expiry. */
const SKEW_SECONDS = 2;
/** Direct fetches per tab, besides the tab's own SWR load. */
const PARALLEL_FETCHES = 5;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const describeWithBrowser = hasChromium() ? describe : describe.skip;
if (!hasChromium()) console.info('Browser tests skipped: install Debian chromium (apt-get install -y chromium) to run them');

interface Seen {
  method: string;
  path: string;
  status: number;
  at: number;
}

describeWithBrowser('two tabs across an access-token expiry, against the real identity provider', () => {
  let idp: RunningIdentityProvider;
  let app: { url: string; secret: string; stop(): Promise<void> };
  let person: BrowserSession | undefined;

  beforeAll(async () => {
    // The app's port first: the provider only redirects to a callback URL it was given.
    const port = await freePort();
    idp = await startIdentityProvider({ accessTokenTtlSeconds: ACCESS_TOKEN_TTL_SECONDS, redirectUris: callbackUrlsFor(new URL(`http://127.0.0.1:${port}`)) });
    const env = appEnv(port, {
      OIDC_ISSUER: idp.issuer,
      OIDC_CLIENT_ID: idp.clientId,
      OIDC_CLIENT_SECRET: idp.clientSecret,
      OIDC_REFRESH_SKEW_SECONDS: String(SKEW_SECONDS),
    });
    const server = await startNextServer(ROOT, port, env);
    app = { ...server, secret: env.NEXTAUTH_SECRET ?? '' };
  }, 90_000);

  afterAll(async () => {
    await person?.close();
    await app?.stop();
    await idp?.stop();
  });

  /** Every answer of the app a page received (the provider's pages left out). */
  function recordAppResponses(page: Page): Seen[] {
    const seen: Seen[] = [];
    page.on('response', (response) => {
      const url = new URL(response.url());
      if (url.origin !== app.url) return;
      seen.push({ method: response.request().method(), path: url.pathname, status: response.status(), at: Date.now() });
    });
    return seen;
  }

  async function sessionCookies(session: BrowserSession) {
    return (await session.context.cookies(app.url)).filter((cookie) => cookie.name === SESSION || cookie.name.startsWith(`${SESSION}.`));
  }

  /** The provider's tokens in the browser's session cookie, decoded with the app's secret. */
  async function tokensInBrowser(session: BrowserSession): Promise<OAuthTokens> {
    const cookies = Object.fromEntries((await sessionCookies(session)).map((cookie) => [cookie.name, cookie.value]));
    const jwt = await decode({ token: joinChunks(cookies, SESSION), secret: app.secret });
    if (!jwt?.oauth) throw new Error('the browser holds no session with provider tokens');
    return jwt.oauth;
  }

  /** The sign-in page's provider button, the provider's login form, back to the app's home page. */
  async function signInWithProvider(page: Page): Promise<void> {
    await page.goto(`${app.url}/signin`);
    await page.click('button:has-text("Sign in with the identity provider")');
    await page.waitForURL((url) => url.origin === idp.issuer && url.pathname.startsWith('/interaction/'));
    await page.fill('#email', ALICE.email);
    await page.fill('#password', ALICE.password);
    await page.click('form[action$="/login"] button[type=submit]');
    await page.waitForURL((url) => url.origin === app.url && url.pathname === '/');
    await page.waitForSelector('[data-testid=header-name]');
  }

  async function showsNotifications(page: Page): Promise<void> {
    await page.waitForSelector('[data-testid=provider-notifications] [data-testid=notification]', { timeout: 15_000 });
  }

  /**
   * Clears the provider's events when the browser's access token is not due within the next
   * 2 s, and answers that token. A slow start may have brought it near its refresh already:
   * then one load refreshes it first and the round starts from the successor.
   */
  async function startRound(session: BrowserSession, page: Page): Promise<OAuthTokens> {
    for (let attempt = 0; attempt < 3; attempt += 1) {
      const tokens = await tokensInBrowser(session);
      const dueAt = (tokens.accessTokenExpiresAt - SKEW_SECONDS) * 1000;
      if (dueAt - Date.now() > 2_000) {
        await idp.clearEvents();
        return tokens;
      }
      await sleep(Math.max(0, dueAt - Date.now()) + 200);
      await page.evaluate(() => fetch('/api/notifications').then((response) => response.status));
    }
    throw new Error('the access token kept being due for a refresh');
  }

  /** In one tab, at once: PARALLEL_FETCHES fetches of /api/notifications and a click on the card's Refresh (SWR's mutate()). */
  function burst(page: Page) {
    return page.evaluate(async (count) => {
      const fetches = Array.from({ length: count }, async () => {
        const response = await fetch('/api/notifications', { headers: { accept: 'application/json' } });
        const body = (await response.json().catch(() => null)) as { refreshed?: boolean } | null;
        return { status: response.status, refreshed: body?.refreshed ?? null, revalidate: response.headers.get('x-revalidate-session') };
      });
      document.querySelector<HTMLButtonElement>('[data-testid=notifications-refresh]')?.click();
      return Promise.all(fetches);
    }, PARALLEL_FETCHES);
  }

  const grantErrors = (events: IdpEvent[]) => events.filter((event) => event.type === 'grant.error');
  const refreshGrants = (events: IdpEvent[]) => events.filter((event) => event.type === 'grant.success' && event.grantType === 'refresh_token');

  it('parallel SWR loads and fetches in two tabs across an expiry: one refresh, no 401, no sign-out, both tabs on the successor', async () => {
    person = await openBrowser();
    const browser = person;
    await runScenario('access-token-tabs', [browser], async () => {
      const tabA = await browser.newPage();
      const seenA = recordAppResponses(tabA);
      await signInWithProvider(tabA);
      await showsNotifications(tabA);
      const tabB = await browser.newPage();
      const seenB = recordAppResponses(tabB);
      await tabB.goto(`${app.url}/`);
      await showsNotifications(tabB);
      for (const tab of [tabA, tabB]) await tab.evaluate(() => Object.assign(window, { e2eMarker: 'still-here' }));

      const before = await startRound(browser, tabA);
      // Past the expiry itself: the backend would now refuse the old access token.
      await sleep(before.accessTokenExpiresAt * 1000 - Date.now() + 500);
      const roundStart = Date.now();
      const [answersA, answersB] = await Promise.all([burst(tabA), burst(tabB)]);

      // Each tab's own SWR load answered, and each tab revalidated its session (X-Revalidate-Session, next-auth's broadcast).
      const loadsAfter = (seen: Seen[], path: string) => seen.filter((entry) => entry.at >= roundStart && entry.path === path);
      for (const seen of [seenA, seenB]) {
        await waitUntil(() => loadsAfter(seen, '/api/notifications').length >= PARALLEL_FETCHES + 1, 'the tab’s SWR load to answer');
        await waitUntil(() => loadsAfter(seen, '/api/auth/session').length >= 1, 'the tab to revalidate its session');
      }
      await sleep(500); // let a revalidation in flight land
      const events = await idp.events();

      expect([...answersA, ...answersB].map((answer) => answer.status)).toEqual(Array(2 * PARALLEL_FETCHES).fill(200));
      expect(refreshGrants(events)).toHaveLength(1);
      expect(grantErrors(events)).toEqual([]);
      expect(events.filter((event) => event.type === 'grant.revoked')).toEqual([]);
      for (const seen of [seenA, seenB]) {
        expect(seen.filter((entry) => entry.status === 401)).toEqual([]);
        expect(seen.filter((entry) => entry.path.startsWith('/api/auth/signout'))).toEqual([]);
        expect(loadsAfter(seen, '/api/notifications').map((entry) => entry.status)).toEqual(loadsAfter(seen, '/api/notifications').map(() => 200));
        expect(loadsAfter(seen, '/api/auth/session').every((entry) => entry.status === 200)).toBe(true);
      }

      // The browser's jar: one layout (one cookie, or chunks .0..n-1 and no plain one), holding the successor.
      const names = (await sessionCookies(browser)).map((cookie) => cookie.name).sort();
      const chunked = names.every((name) => name !== SESSION);
      expect(names.length).toBeGreaterThan(0);
      expect(names).toEqual(chunked ? names.map((_, index) => `${SESSION}.${index}`).sort() : [SESSION]);
      const after = await tokensInBrowser(browser);
      expect(after.refreshToken).not.toBe(before.refreshToken);
      expect(after.accessToken).not.toBe(before.accessToken);
      expect(after.accessTokenExpiresAt).toBeGreaterThan(before.accessTokenExpiresAt);

      for (const tab of [tabA, tabB]) {
        const session = await tab.evaluate(() => fetch('/api/auth/session').then((response) => response.json() as Promise<{ user?: { email?: string }; oidc?: { linked?: boolean } }>));
        expect(session).toMatchObject({ user: { email: ALICE.email }, oidc: { linked: true } });
        expect(await textOf(tab, 'header-name')).toBe(ALICE.name);
        expect(await tab.$$('[data-testid=provider-notifications] [data-testid=notification]')).not.toHaveLength(0);
        expect(await tab.$('[data-testid=provider-notifications] [role=alert]')).toBeNull();
        expect(await tab.evaluate(() => (window as unknown as { e2eMarker?: string }).e2eMarker)).toBe('still-here');
      }
      await screenshot(tabA, 'access-token-tabs-tab-a');
      await screenshot(tabB, 'access-token-tabs-tab-b');

      // The next expiry refreshes from the tokens the browser kept: one more grant, still no error.
      await sleep(Math.max(0, (after.accessTokenExpiresAt - SKEW_SECONDS) * 1000 - Date.now()) + 500);
      const nextLoad = tabB.waitForResponse((response) => new URL(response.url()).pathname === '/api/notifications');
      await tabB.click('[data-testid=notifications-refresh]');
      expect((await nextLoad).status()).toBe(200);
      const later = await idp.events();
      expect(refreshGrants(later)).toHaveLength(2);
      expect(grantErrors(later)).toEqual([]);
      expect([...seenA, ...seenB].filter((entry) => entry.status === 401)).toEqual([]);
    });
  }, 120_000);
});

async function waitUntil(condition: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}
