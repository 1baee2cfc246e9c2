import type { Page } from 'playwright-core';
import { hashPassword } from '@/lib/auth/password';
import { createStore, type Store } from '@/lib/db';
import { type RunningApp, startApp } from '../../support/app-server';
import { type BrowserSession, hasChromium, openBrowser, runScenario, screenshot, signInThroughForm, textOf, waitForText } from '../../support/browser';

/**
 * Real Chromium against the built app (`next start`, production mode, fresh SQLite).
 * Each scenario ends with a screenshot under test-results/.
 */
const SESSION = '__Secure-next-auth.session-token';
const PASSWORD = 'e2e-password';

const describeWithBrowser = hasChromium() ? describe : describe.skip;
if (!hasChromium()) console.info('Browser tests skipped: install Debian chromium (apt-get install -y chromium) to run them');

describeWithBrowser('in a real browser', () => {
  let app: RunningApp;
  let store: Store;
  const browsers: BrowserSession[] = [];

  beforeAll(async () => {
    app = await startApp();
    store = await createStore(app.databaseUrl);
  }, 90_000);

  afterEach(async () => {
    await Promise.all(browsers.splice(0).map((browser) => browser.close()));
  });

  afterAll(async () => {
    await store?.close();
    await app?.stop();
  });

  async function browser(): Promise<BrowserSession> {
    const opened = await openBrowser();
    browsers.push(opened);
    return opened;
  }

  /** A user of the scenario's own, so scenarios never share carts or roles. */
  async function newUser(name: string, role: 'member' | 'admin' = 'member') {
    const email = `${name.toLowerCase()}-${Date.now()}@example.test`;
    const user = await store.createUser({ email, name, role, passwordHash: await hashPassword(PASSWORD) });
    if (!user) throw new Error('could not create the user');
    return { ...user, email };
  }

  async function signedInPage(session: BrowserSession, email: string, password = PASSWORD): Promise<Page> {
    const page = await session.newPage();
    await signInThroughForm(page, app.url, email, password);
    return page;
  }

  const sessionCookies = async (session: BrowserSession) =>
    (await session.context.cookies()).filter((cookie) => cookie.name === SESSION || cookie.name.startsWith(`${SESSION}.`));

  it('1. signing in as alice through the form shows her name and role in the header', async () => {
    const person = await browser();
    await runScenario('1-sign-in', [person], async () => {
      const page = await signedInPage(person, 'alice@example.com', 'alice-password');

      expect(await textOf(page, 'header-name')).toBe('Alice');
      expect(await textOf(page, 'header-role')).toBe('member');
      await screenshot(page, '1-sign-in');
    });
  }, 60_000);

  it('2. a profile save changes the header name without a navigation or reload', async () => {
    const user = await newUser('Paula');
    const person = await browser();
    await runScenario('2-profile', [person], async () => {
      const page = await signedInPage(person, user.email);
      await page.click('a[href="/profile"]');
      await page.waitForSelector('#profile-name');
      await page.evaluate(() => Object.assign(window, { e2eMarker: 'still-here' }));

      await page.fill('#profile-name', 'Paula Renamed');
      await page.click('button:has-text("Save")');

      await waitForText(page, 'header-name', 'Paula Renamed');
      expect(await page.evaluate(() => (window as unknown as { e2eMarker?: string }).e2eMarker)).toBe('still-here');
      await screenshot(page, '2-profile');
    });
  }, 60_000);

  it("3. adding to the cart in tab A updates tab B's mini-cart without a reload", async () => {
    const user = await newUser('Tabitha');
    const person = await browser();
    await runScenario('3-two-tabs', [person], async () => {
      const tabA = await signedInPage(person, user.email);
      const tabB = await person.newPage();
      await tabB.goto(`${app.url}/`);
      await waitForText(tabB, 'mini-cart-count', '0');
      await tabB.evaluate(() => Object.assign(window, { e2eMarker: 'still-here' }));

      await tabA.goto(`${app.url}/shop`);
      await tabA.click('[data-testid=product-1] button');
      await waitForText(tabA, 'mini-cart-count', '1');

      await waitForText(tabB, 'mini-cart-count', '1');
      expect(await tabB.evaluate(() => (window as unknown as { e2eMarker?: string }).e2eMarker)).toBe('still-here');
      await screenshot(tabB, '3-two-tabs-tab-b');
    });
  }, 60_000);

  it("4. an admin's role change reaches the member's next interaction without signing in again", async () => {
    const member = await newUser('Morgan');
    const admin = await newUser('Ada', 'admin');
    const memberBrowser = await browser();
    const adminBrowser = await browser();
    await runScenario('4-admin-role', [memberBrowser, adminBrowser], async () => {
      const memberPage = await signedInPage(memberBrowser, member.email);
      await memberPage.goto(`${app.url}/shop`);
      expect(await memberPage.$('[data-testid=admin-link]')).toBeNull();

      const adminPage = await signedInPage(adminBrowser, admin.email);
      await adminPage.goto(`${app.url}/admin`);
      await adminPage.waitForSelector(`[data-testid="role-${member.email}"]`);
      await adminPage.selectOption(`[data-testid="role-${member.email}"]`, 'admin');
      await adminPage.waitForFunction((email) => (document.querySelector(`[data-testid="role-${email}"]`) as HTMLSelectElement | null)?.value === 'admin' && !(document.querySelector(`[data-testid="role-${email}"]`) as HTMLSelectElement).disabled, member.email);
      await screenshot(adminPage, '4-admin-page');

      await memberPage.click('[data-testid=product-2] button');

      await memberPage.waitForSelector('[data-testid=admin-link]', { timeout: 10_000 });
      expect(await textOf(memberPage, 'header-role')).toBe('admin');
      await screenshot(memberPage, '4-member-promoted');
    });
  }, 90_000);

  it("5. signing out everywhere sends the other browser's next request to the sign-in page", async () => {
    const user = await newUser('Rita');
    const laptop = await browser();
    const phone = await browser();
    await runScenario('5-sign-out-everywhere', [laptop, phone], async () => {
      const laptopPage = await signedInPage(laptop, user.email);
      const phonePage = await signedInPage(phone, user.email);

      await laptopPage.goto(`${app.url}/profile`);
      await laptopPage.click('[data-testid=revoke-all]');
      await laptopPage.waitForURL(/\/signin/);

      await phonePage.goto(`${app.url}/cart`);

      await phonePage.waitForURL(/\/signin/, { timeout: 10_000 });
      expect(await phonePage.$('[data-testid=header-name]')).toBeNull();
      await screenshot(phonePage, '5-other-browser-signed-out');
    });
  }, 60_000);

  it('6. a burst of 20 parallel mutations causes one session revalidation (at most two)', async () => {
    const user = await newUser('Burt');
    const person = await browser();
    await runScenario('6-burst', [person], async () => {
      const page = await signedInPage(person, user.email);
      await page.goto(`${app.url}/shop`);
      await page.waitForSelector('[data-testid=product-20] button');
      const sessionRequests: string[] = [];
      page.on('request', (request) => {
        if (new URL(request.url()).pathname === '/api/auth/session') sessionRequests.push(request.method());
      });

      await page.evaluate(() => {
        const buttons = Array.from(document.querySelectorAll<HTMLButtonElement>('[data-testid^=product-] button')).slice(0, 20);
        buttons.forEach((button) => button.click());
      });

      await waitForText(page, 'mini-cart-count', '20', 20_000);
      await page.waitForTimeout(1000);
      expect(sessionRequests.length).toBeGreaterThanOrEqual(1);
      expect(sessionRequests.length).toBeLessThanOrEqual(2);
      await screenshot(page, '6-burst');
    });
  }, 60_000);

  it('7. the browser stores the session cookie HttpOnly, SameSite=Lax, path /, once, unchunked when small', async () => {
    const user = await newUser('Cora');
    const person = await browser();
    await runScenario('7-cookies', [person], async () => {
      const page = await signedInPage(person, user.email);
      await page.goto(`${app.url}/profile`);
      await page.fill('#profile-name', 'Cora Cookie');
      await page.click('button:has-text("Save")');
      await waitForText(page, 'header-name', 'Cora Cookie');

      const cookies = await sessionCookies(person);
      expect(cookies.map((cookie) => cookie.name)).toEqual([SESSION]);
      for (const cookie of cookies) expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Lax', path: '/', secure: true });
      const names = (await person.context.cookies()).map((cookie) => cookie.name);
      expect(new Set(names).size).toBe(names.length);
      await screenshot(page, '7-cookies');
    });
  }, 60_000);

  it('8. a large cart keeps working across reloads, chunked, and shrinking it leaves no stale chunk', async () => {
    const user = await newUser('Lars');
    const person = await browser();
    await runScenario('8-large-cart', [person], async () => {
      const page = await signedInPage(person, user.email);
      const lines = 130;
      await page.evaluate(async (count) => {
        for (let productId = 1; productId <= count; productId += 1) {
          const response = await fetch('/api/cart', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ productId, quantity: 1 }) });
          if (!response.ok) throw new Error(`add ${productId}: ${response.status}`);
        }
      }, lines);

      await page.goto(`${app.url}/cart`);
      await waitForText(page, 'mini-cart-count', String(lines));
      await page.reload();
      await waitForText(page, 'mini-cart-count', String(lines));
      const chunked = (await sessionCookies(person)).map((cookie) => cookie.name).sort();
      expect(chunked).toEqual([`${SESSION}.0`, `${SESSION}.1`]);
      await screenshot(page, '8-large-cart');

      await page.evaluate(async (count) => {
        for (let productId = 2; productId <= count; productId += 1) {
          const response = await fetch(`/api/cart/${productId}`, { method: 'DELETE' });
          if (!response.ok) throw new Error(`remove ${productId}: ${response.status}`);
        }
      }, lines);
      await page.reload();
      await waitForText(page, 'mini-cart-count', '1');

      expect((await sessionCookies(person)).map((cookie) => cookie.name)).toEqual([SESSION]);
      await screenshot(page, '8-large-cart-shrunk');
    });
  }, 120_000);

  it('9. signing in from a callbackUrl whose path parses to "//evil.example" ends on the app, never on the other host', async () => {
    const user = await newUser('Callie');
    const appOrigin = new URL(app.url).origin;
    for (const [index, callbackUrl] of ['/.//evil.example', '/%2e//evil.example', '/./\\evil.example', '//evil.example'].entries()) {
      const person = await browser();
      await runScenario(`9-callback-url-${index}`, [person], async () => {
        // The network is closed: another host's page is answered here, so a wrong navigation
        // lands on a real URL and is recorded instead of ending on Chromium's error page.
        const offSite: string[] = [];
        await person.context.route(
          (url) => url.origin !== appOrigin,
          async (route) => {
            if (route.request().isNavigationRequest()) offSite.push(route.request().url());
            await route.fulfill({ status: 200, contentType: 'text/html', body: '<title>off site</title>' });
          },
        );
        const page = await person.newPage();
        await page.goto(`${app.url}/signin?callbackUrl=${encodeURIComponent(callbackUrl)}`);
        await page.fill('#email', user.email);
        await page.fill('#password', PASSWORD);

        await page.click('button[type=submit]');

        await page.waitForURL((url) => url.origin !== appOrigin || url.pathname !== '/signin', { timeout: 10_000 });
        expect({ callbackUrl, origin: new URL(page.url()).origin, offSite }).toEqual({ callbackUrl, origin: appOrigin, offSite: [] });
        expect(await sessionCookies(person)).not.toHaveLength(0);
        await screenshot(page, `9-callback-url-${index}`);
      });
    }
  }, 90_000);
});
