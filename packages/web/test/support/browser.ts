/**
 * Debian's Chromium (never a downloaded browser), headless, driven by playwright-core. The flags
 * keep it off the network and quiet: no first-run, sync, component updates or background traffic.
 */
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

export const CHROMIUM = process.env.DROPGATE_CHROMIUM ?? '/usr/bin/chromium';

/**
 * A machine without Chromium (a newcomer's first `npm test`) skips the browser tests and says why;
 * CI installs Chromium and sets DROPGATE_REQUIRE_BROWSER=1, so there they can never be skipped.
 */
export const browserMissing = !existsSync(CHROMIUM) && process.env.DROPGATE_REQUIRE_BROWSER !== '1';
if (browserMissing) process.stderr.write(`browser tests skipped: no Chromium at ${CHROMIUM} (apt-get install -y chromium)\n`);

export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`no Chromium at ${CHROMIUM}: apt-get install -y chromium (.ci/run does)`);
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
  });
}

/** Screenshots are taken only when asked (`npm run screenshots`), so a test run never rewrites committed files. */
const SCREENSHOTS = process.env.DROPGATE_SCREENSHOTS;

export async function screenshot(page: Page, name: string): Promise<void> {
  if (!SCREENSHOTS) return;
  const dir = path.resolve(process.cwd(), SCREENSHOTS);
  await mkdir(dir, { recursive: true });
  await page.waitForLoadState('networkidle');
  await page.screenshot({ path: path.join(dir, `${name}.png`), fullPage: true });
}

const promptAnswers = new WeakMap<Page, string[]>();

/** What the page's next prompt() is answered; every dialog is accepted (confirm() says yes). */
export function answerNextPrompt(page: Page, text: string): void {
  promptAnswers.set(page, [...(promptAnswers.get(page) ?? []), text]);
}

/** Pages of a test, each in a browser context of its own (its own cookies), all closed at the end. */
export class Pages {
  readonly #browser: Browser;
  readonly #contexts: BrowserContext[] = [];

  constructor(browser: Browser) {
    this.#browser = browser;
  }

  async open(): Promise<Page> {
    const context = await this.#browser.newContext({ viewport: { width: 1280, height: 860 } });
    this.#contexts.push(context);
    const page = await context.newPage();
    // Generous: the machine is small and shared with other suites running at the same time.
    page.setDefaultTimeout(20_000);
    page.on('dialog', (dialog) => void dialog.accept(dialog.type() === 'prompt' ? promptAnswers.get(page)?.shift() : undefined));
    return page;
  }

  async close(): Promise<void> {
    for (const context of this.#contexts) await context.close().catch(() => {});
  }
}

/** The secret a page shows once (a token, a password, a two-factor secret): the latest one. */
export const secretOn = (page: Page) => page.getByTestId('secret').last().innerText();

/** Signs the page in to the console with the operator token, and waits for the dashboard. */
export async function signInAsOperator(page: Page, hubUrl: string, token: string): Promise<void> {
  await page.goto(`${hubUrl}/`);
  await page.getByRole('tab', { name: 'Operator' }).click();
  await page.getByLabel('Operator token').fill(token);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'Dashboard' }).waitFor();
}
