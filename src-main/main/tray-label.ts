import type { TaskCounts } from '../../src-engine/engine/task-record.js';

/** What the tray shows about the work in hand. */
export interface TrayLabel {
  /** The icon's tooltip (Windows cuts tooltips at 127 characters; this stays far below). */
  readonly tooltip: string;
  /** Status lines at the top of the tray menu, shown disabled. */
  readonly statusLines: readonly string[];
}

/** One line of counts, e.g. `2 running, 5 queued`, or `Idle`. */
export function countsSummary(counts: Pick<TaskCounts, 'running' | 'queued'>): string {
  if (counts.running === 0 && counts.queued === 0) return 'Idle';
  return `${counts.running} running, ${counts.queued} queued`;
}

/** The tray's tooltip and menu status lines for the current counts. */
export function trayLabel(appName: string, counts: Pick<TaskCounts, 'running' | 'queued'>): TrayLabel {
  return {
    tooltip: `${appName}: ${countsSummary(counts)}`,
    statusLines: [`Running: ${counts.running}`, `Queued: ${counts.queued}`],
  };
}
