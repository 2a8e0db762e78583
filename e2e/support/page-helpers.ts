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

/**
 * Fills and submits the "start a task" form. Advanced options left out are reset to their
 * defaults when that section is open (the form keeps its values between submissions).
 */
export async function startTaskFromForm(
  page: Page,
  name: string,
  duration: number,
  failAtStep?: number,
  advanced: { priority?: number; maxAttempts?: number } = {},
): Promise<void> {
  await page.getByLabel('Task name').fill(name);
  await page.getByLabel(/^Duration/).fill(String(duration));
  const wanted = failAtStep !== undefined || advanced.priority !== undefined || advanced.maxAttempts !== undefined;
  const open = (await page.locator('details.advanced').getAttribute('open')) !== null;
  if (wanted && !open) await page.getByText('Advanced').click();
  if (wanted || open) {
    await page.getByLabel('Simulate a failure').selectOption(failAtStep === undefined ? '' : String(failAtStep));
    await page.getByLabel(/^Priority/).fill(String(advanced.priority ?? 0));
    await page.getByLabel(/^Max attempts/).fill(advanced.maxAttempts === undefined ? '' : String(advanced.maxAttempts));
  }
  await page.getByRole('button', { name: 'Start task' }).click();
}

/** A task as the REST API lists it (the fields the tests read). */
export interface ApiTask {
  id: string;
  name: string;
  state: string;
  progress: number;
}

/** Starts a task for a session over the REST API, as another client of the session would. */
export async function startTaskViaApi(baseUrl: string, clientId: string, body: Record<string, unknown>): Promise<string> {
  const response = await fetch(`${baseUrl}/api/task/start`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ clientId, ...body }),
  });
  if (response.status !== 200) throw new Error(`POST /api/task/start answered ${response.status}: ${await response.text()}`);
  return ((await response.json()) as { taskId: string }).taskId;
}

/** The session's tasks as the server lists them, newest first. */
export async function tasksViaApi(baseUrl: string, clientId: string, query = ''): Promise<ApiTask[]> {
  const response = await fetch(`${baseUrl}/api/tasks?clientId=${encodeURIComponent(clientId)}${query}`);
  if (response.status !== 200) throw new Error(`GET /api/tasks answered ${response.status}`);
  return ((await response.json()) as { items: ApiTask[] }).items;
}

/** The names of the task cards shown, top to bottom. */
export function shownNames(page: Page): Promise<string[]> {
  return page.locator('li.task h3').allTextContents();
}

/** A count shown on the page: a state filter's count (e.g. `completed`, `all`), or `connections` (connection details). */
export async function counter(page: Page, key: string): Promise<number> {
  return Number(await page.locator(`[data-counter="${key}"]`).textContent());
}

/** Opens the connection details popover (socket id, Ping, connections). */
export async function openConnectionDetails(page: Page): Promise<void> {
  const details = page.getByTestId('connection-details');
  if ((await details.getAttribute('open')) === null) await details.getByText('Connection details').click();
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
