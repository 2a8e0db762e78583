/**
 * The form's live check of an expression and a zone: after a pause in typing, asks the server
 * (`GET /api/schedules/preview`) and holds its next run times, or its error message for the field
 * it concerns. Only the latest request counts: an older answer arriving late is dropped.
 */
import { describeCron } from './cron-text.js';
import { fieldOfRefusal } from './schedule-form.js';
import { previewSchedule } from './schedules-api.js';

/** How long typing must pause before the server is asked, ms. */
export const PREVIEW_DEBOUNCE_MS = 300;

/** What the preview says about the current expression and zone. */
export type PreviewState =
  | { phase: 'idle' }
  | { phase: 'checking' }
  | { phase: 'valid'; runs: string[] }
  | { phase: 'invalid'; field: 'cron' | 'timezone' | null; message: string };

/** Reactive preview of an expression's next runs. */
export class CronPreview {
  state = $state.raw<PreviewState>({ phase: 'idle' });
  /** The expression in words (cronstrue), at once, without waiting for the server. */
  words = $state<string | null>(null);
  readonly #fetch: typeof fetch;
  readonly #delayMs: number;
  #timer: ReturnType<typeof setTimeout> | null = null;
  #generation = 0;
  #controller: AbortController | null = null;
  #last = '';

  constructor(fetchFn: typeof fetch = (...args) => fetch(...args), delayMs = PREVIEW_DEBOUNCE_MS) {
    this.#fetch = fetchFn;
    this.#delayMs = delayMs;
  }

  /** The expression or zone changed: check it after a pause (nothing happens if neither changed). */
  check(cron: string, timezone: string): void {
    const key = `${cron.trim()}\n${timezone.trim()}`;
    if (key === this.#last) return;
    this.#last = key;
    this.words = describeCron(cron);
    this.#cancel();
    const generation = ++this.#generation;
    if (cron.trim() === '' || timezone.trim() === '') {
      this.state = { phase: 'idle' };
      return;
    }
    this.state = { phase: 'checking' };
    this.#timer = setTimeout(() => {
      this.#timer = null;
      void this.#ask(cron.trim(), timezone.trim(), generation);
    }, this.#delayMs);
  }

  /** Stops any pending check (the form closes). */
  stop(): void {
    this.#cancel();
    this.#generation++;
    this.#last = '';
  }

  #cancel(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    this.#controller?.abort();
    this.#controller = null;
  }

  async #ask(cron: string, timezone: string, generation: number): Promise<void> {
    const controller = typeof AbortController === 'undefined' ? null : new AbortController();
    this.#controller = controller;
    const outcome = await previewSchedule(this.#fetch, cron, timezone, 3, controller?.signal);
    if (generation !== this.#generation) return;
    this.#controller = null;
    if (outcome.ok) {
      this.state = { phase: 'valid', runs: outcome.value };
      return;
    }
    const field = fieldOfRefusal(outcome.code);
    this.state = { phase: 'invalid', field: field === 'cron' || field === 'timezone' ? field : null, message: outcome.message };
  }
}
