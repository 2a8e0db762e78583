/**
 * Chromium for the browser tests, driven by playwright-core (no bundled browser): Debian's
 * /usr/bin/chromium or CHROMIUM_PATH. Missing browser: CI fails loudly, elsewhere the tests skip.
 */
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

/** The Chromium executable the tests use. */
export const CHROMIUM_PATH = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';

/** Whether the browser tests can run here. Under CI a missing browser throws instead. */
export function browserAvailable(): boolean {
  if (existsSync(CHROMIUM_PATH)) return true;
  const message = `Chromium not found at ${CHROMIUM_PATH} (set CHROMIUM_PATH, or apt-get install chromium)`;
  if (process.env['CI']) throw new Error(`${message}: browser tests cannot be skipped in CI`);
  console.warn(`Skipping browser tests: ${message}`);
  return false;
}

/** Launches headless Chromium with flags that suit containers and CI. */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}
