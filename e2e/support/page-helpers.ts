/** Small helpers that read the monitor page the way a person would. */
import type { Locator, Page } from 'playwright-core';

/** The connection indicator's text. */
export function connectionStatus(page: Page): Locator {
  return page.getByTestId('connection-status');
}

/** A task's card, found by its (unique) name. */
export function taskCard(page: Page, name: string): Locator {
  return page.locator('li.task', { has: page.getByRole('heading', { name, exact: true }) });
}

/** The session id the page keeps in localStorage (as the original client did). */
export function sessionIdOf(page: Page): Promise<string> {
  return page.evaluate<string>("localStorage.getItem('sessionId') ?? ''");
}

/** Fills and submits the "start a task" form. */
export async function startTaskFromForm(page: Page, name: string, duration: number, failAtStep?: number): Promise<void> {
  await page.getByLabel('Task name').fill(name);
  await page.getByLabel(/^Duration/).fill(String(duration));
  if (failAtStep !== undefined) {
    await page.getByText('Advanced').click();
    await page.getByLabel('Simulate a failure').selectOption(String(failAtStep));
  }
  await page.getByRole('button', { name: 'Start task' }).click();
}

/** A task card's progress as its progressbar reports it (0-100). */
export async function progressOf(card: Locator): Promise<number> {
  return Number(await card.getByRole('progressbar').getAttribute('aria-valuenow'));
}

/** Polls until `check` passes or the timeout ends (then throws the last failure). */
export async function eventually<T>(check: () => Promise<T>, timeoutMs = 15_000, intervalMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      return await check();
    } catch (error) {
      lastError = error;
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
  throw lastError instanceof Error ? lastError : new Error(String(lastError));
}

/** Records uncaught page errors and console errors, to assert a clean run. */
export function collectPageErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(`pageerror: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error' && !/Failed to load resource|WebSocket connection to/.test(message.text())) {
      errors.push(`console: ${message.text()}`);
    }
  });
  return errors;
}
