import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { ROOT } from './app-server';

/** Debian's Chromium; never a downloaded browser. */
export const CHROMIUM = '/usr/bin/chromium';
export const RESULTS_DIR = path.join(ROOT, 'test-results');

export const hasChromium = () => existsSync(CHROMIUM);

/** The flags this machine's Chromium needs (closed network, root, no GPU). */
export const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export interface BrowserSession {
  context: BrowserContext;
  /** Everything the pages printed, for the failure report. */
  consoleLines: string[];
  newPage(): Promise<Page>;
  close(): Promise<void>;
}

/**
 * One browser "person": a Chromium with its own fresh profile directory (playwright
 * takes the directory as launchPersistentContext's argument rather than --user-data-dir).
 */
export async function openBrowser(): Promise<BrowserSession> {
  const profile = mkdtempSync(path.join(tmpdir(), 'e2e-profile-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_FLAGS,
    viewport: { width: 1200, height: 800 },
  });
  const consoleLines: string[] = [];
  const watch = (page: Page) => {
    page.on('console', (message) => consoleLines.push(`[${message.type()}] ${message.text()}`));
    page.on('pageerror', (error) => consoleLines.push(`[pageerror] ${error.message}`));
  };
  context.pages().forEach(watch);
  context.on('page', watch);
  return {
    context,
    consoleLines,
    newPage: () => context.newPage(),
    close: async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(RESULTS_DIR, { recursive: true });
  const file = path.join(RESULTS_DIR, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

/**
 * Runs a scenario; on failure keeps a screenshot of every open page and the pages'
 * console output under test-results/, then rethrows.
 */
export async function runScenario(name: string, browsers: BrowserSession[], body: () => Promise<void>): Promise<void> {
  try {
    await body();
  } catch (error) {
    mkdirSync(RESULTS_DIR, { recursive: true });
    let index = 0;
    for (const browser of browsers) {
      for (const page of browser.context.pages()) {
        await screenshot(page, `${name}-failure-${index}`).catch(() => undefined);
        index += 1;
      }
    }
    writeFileSync(path.join(RESULTS_DIR, `${name}-console.log`), browsers.flatMap((browser) => browser.consoleLines).join('\n'));
    throw error;
  }
}

export async function signInThroughForm(page: Page, baseUrl: string, email: string, password: string): Promise<void> {
  await page.goto(`${baseUrl}/signin`);
  await page.fill('#email', email);
  await page.fill('#password', password);
  await page.click('button[type=submit]');
  await page.waitForSelector('[data-testid=header-name]');
}

export function textOf(page: Page, testId: string): Promise<string | null> {
  return page.textContent(`[data-testid=${testId}]`);
}

/** Waits until the element with the test id shows exactly `expected`. */
export async function waitForText(page: Page, testId: string, expected: string, timeoutMs = 10_000): Promise<void> {
  await page.waitForFunction(
    ([id, text]) => document.querySelector(`[data-testid="${id}"]`)?.textContent === text,
    [testId, expected] as const,
    { timeout: timeoutMs },
  );
}
