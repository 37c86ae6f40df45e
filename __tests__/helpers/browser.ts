import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { pathToFileURL } from 'node:url';

import { Browser, chromium as playwright, Page } from 'playwright-core';

/** Debian's Chromium, which scripts/setup installs for the tests (PIPELINE_BROWSER=1). */
function chromium(): string {
  try {
    return execFileSync('sh', ['-c', 'command -v chromium'], { encoding: 'utf8' }).trim();
  } catch {
    throw new Error(
      'chromium is not on the PATH; run PIPELINE_BROWSER=1 scripts/setup (npm test does) to install it.',
    );
  }
}

/** A page of headless Chromium with a file open in it, and every request it made besides. */
export interface OpenedFile {
  readonly browser: Browser;
  readonly page: Page;
  /** Every URL the page asked for after the file itself: what a self-contained page never does. */
  readonly requests: string[];
  /** The message of every dialog (alert, confirm, prompt) a script of the page opened. */
  readonly dialogs: string[];
}

/**
 * Opens a local file in headless Chromium at a window size, in the light or the dark scheme.
 * Close `browser` when done.
 */
export async function openFile(
  file: string,
  size: { readonly width: number; readonly height: number },
  scheme: 'light' | 'dark' = 'light',
): Promise<OpenedFile> {
  const browser = await playwright.launch({
    executablePath: chromium(),
    headless: true,
    // As root, Chromium runs only without its sandbox; the page is a file the test wrote.
    args: ['--no-sandbox', '--disable-gpu'],
  });
  try {
    const page = await browser.newPage({ viewport: size, colorScheme: scheme });
    const url = pathToFileURL(file).href;
    const requests: string[] = [];
    page.on('request', (request) => {
      if (request.url() !== url) requests.push(request.url());
    });
    const dialogs: string[] = [];
    page.on('dialog', (dialog) => {
      dialogs.push(dialog.message());
      void dialog.dismiss();
    });
    await page.goto(url, { waitUntil: 'load' });
    return { browser, page, requests, dialogs };
  } catch (error) {
    await browser.close();
    throw error;
  }
}

/** Saves a screenshot of the whole page as PNG, making its folder. */
export async function screenshot(page: Page, file: string): Promise<void> {
  mkdirSync(dirname(file), { recursive: true });
  await page.screenshot({ path: file, fullPage: true });
}
