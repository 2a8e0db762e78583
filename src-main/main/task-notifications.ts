import type { EngineEvent } from '../../src-engine/engine/engine-events.js';

/** A native notification to show. */
export interface TaskNotice {
  readonly title: string;
  readonly body: string;
  /** The task it is about, so a click can bring the window up. */
  readonly taskId: string;
}

/** Notification bodies are cut by every OS anyway; keep error text to something readable. */
const MAX_BODY = 180;

function shorten(text: string): string {
  const single = text.replace(/\s+/g, ' ').trim();
  return single.length > MAX_BODY ? `${single.slice(0, MAX_BODY - 1)}…` : single;
}

/**
 * Decides whether an engine event deserves a native notification: a task that has just
 * completed or failed, while the user is not looking at the window (unfocused, minimised,
 * hidden or closed). While the window has focus the live list already shows it, and progress
 * ticks or other state changes are never worth an interruption.
 */
export function taskNotice(event: EngineEvent, windowFocused: boolean): TaskNotice | null {
  if (windowFocused || event.type !== 'taskUpdated' || !event.stateChanged) return null;
  const { task } = event;
  if (task.state === 'completed') {
    return { title: 'Task completed', body: shorten(`${task.name}${task.result ? `: ${task.result}` : ''}`), taskId: task.id };
  }
  if (task.state === 'failed') {
    return { title: 'Task failed', body: shorten(`${task.name}: ${task.error ?? 'unknown error'}`), taskId: task.id };
  }
  return null;
}
