import type { Page } from 'playwright-core';
import { appEnv, freePort, startNextServer } from '../../support/app-server';
import { type BrowserSession, hasChromium, openBrowser, runScenario, screenshot, waitForText } from '../../support/browser';
import { FIXTURE_DIR } from '../../support/build-fixture';

/**
 * The adoption fixture (a stock next-auth app that installed the packed toolkit) in real Chromium:
 * its own plain SWR fetcher plus the toolkit's middleware and SessionSync, and a plain
 * `fetch` POST to its refresh route. No toolkit fetch wrapper anywhere.
 */
const describeWithBrowser = hasChromium() ? describe : describe.skip;

describeWithBrowser('the adoption fixture in a real browser', () => {
  let server: Awaited<ReturnType<typeof startNextServer>>;
  let person: BrowserSession;

  beforeAll(async () => {
    const port = await freePort();
    server = await startNextServer(FIXTURE_DIR, port, appEnv(port, { NEXTAUTH_URL: `http://127.0.0.1:${port}` }));
    person = await openBrowser();
  }, 90_000);

  afterAll(async () => {
    await person?.close();
    await server?.stop();
  });

  /** next-auth's built-in sign-in page (the fixture has none of its own). */
  async function signIn(page: Page): Promise<void> {
    await page.goto(`${server.url}/api/auth/signin`);
    await page.fill('input[name=username]', 'robin');
    await page.fill('input[name=password]', 'stock-password');
    await Promise.all([page.waitForURL(`${server.url}/`), page.click('button[type=submit]')]);
    await page.waitForSelector('[data-testid=session-note]');
  }

  it('a note saved on the server shows in this tab and another, without a reload', async () => {
    await runScenario('adopter-note', [person], async () => {
      const tabA = await person.newPage();
      await signIn(tabA);
      const tabB = await person.newPage();
      await tabB.goto(server.url);
      await tabB.waitForSelector('[data-testid=session-note]');

      await tabA.fill('input[aria-label=Note]', 'saved by the server');
      await tabA.click('button[type=submit]');

      await waitForText(tabA, 'session-note', 'Session note: saved by the server');
      await waitForText(tabA, 'api-note', 'Server note: saved by the server'); // refreshKeys refetched
      await waitForText(tabB, 'session-note', 'Session note: saved by the server');
      await screenshot(tabA, 'adopter-note');
    });
  });
});
