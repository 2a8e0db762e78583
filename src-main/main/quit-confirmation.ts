import type { TaskCounts } from '../../src-engine/engine/task-record.js';

/** A question for the user, shaped for `dialog.showMessageBox`. */
export interface ConfirmPrompt {
  readonly type: 'warning' | 'question';
  readonly title: string;
  readonly message: string;
  readonly detail: string;
  /** Button labels; index {@link confirmIndex} goes ahead, {@link cancelIndex} backs out. */
  readonly buttons: readonly string[];
  readonly confirmIndex: number;
  readonly cancelIndex: number;
}

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`;
}

/**
 * The question to ask before quitting, or null when nothing is running: quitting an idle app
 * should just quit. Cancel is the default button, so a reflexive Enter does not stop work.
 * `durable` says whether tasks are kept on disk (the default; not with --in-memory), in which
 * case queued tasks wait for the next start instead of being lost.
 */
export function quitPrompt(counts: Pick<TaskCounts, 'running' | 'queued'>, graceMs: number, durable: boolean): ConfirmPrompt | null {
  if (counts.running === 0) return null;
  const seconds = Math.round(graceMs / 1000);
  const queued =
    counts.queued === 0
      ? ''
      : durable
        ? ` ${plural(counts.queued, 'queued task')} will run the next time the app starts.`
        : ` ${plural(counts.queued, 'queued task')} will be lost (tasks are kept in memory only).`;
  return {
    type: 'warning',
    title: 'Quit Background Task Monitor',
    message: `${plural(counts.running, 'task')} ${counts.running === 1 ? 'is' : 'are'} still running. Quit anyway?`,
    // A durable run puts unfinished tasks back in the queue (docs/durability.md); in memory there is no next start.
    detail: `Running tasks get ${seconds} s to finish; ${durable ? 'any still running then go back to the queue and run again the next time the app starts' : 'any still running then are cancelled'}.${queued}`,
    buttons: ['Cancel', 'Quit'],
    confirmIndex: 1,
    cancelIndex: 0,
  };
}
