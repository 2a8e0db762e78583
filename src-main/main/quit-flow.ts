import type { ConfirmPrompt } from './quit-confirmation.js';

/** What the quit flow needs from the app. */
export interface QuitFlowDeps {
  /** The question to ask now, or null to quit without asking. */
  prompt(): ConfirmPrompt | null;
  /** Asks; true to go ahead. */
  confirm(prompt: ConfirmPrompt): Promise<boolean>;
  /** Graceful shutdown: the engine lets running tasks finish (within the grace period). */
  shutdown(): Promise<void>;
  /** Ends the process for good (`app.quit()` again, which the flow then lets through). */
  finish(): void;
  /** Called when shutdown starts, e.g. to hide the window so quitting feels immediate. */
  onStopping?(): void;
  /** Errors of shutdown, for the log; the app quits anyway. */
  onError?(error: unknown): void;
}

/** Where the flow is. */
export type QuitState = 'running' | 'confirming' | 'stopping' | 'done';

/**
 * Turns Electron's synchronous 'before-quit' into an asynchronous, confirmable, graceful one.
 * The first quit request is cancelled (preventDefault), the user is asked when tasks are running,
 * the engine is stopped, and only then is the quit repeated and let through. Requests made
 * while asking or stopping are absorbed, so pressing Cmd+Q twice does not ask twice.
 */
export class QuitFlow {
  private current: QuitState = 'running';

  constructor(private readonly deps: QuitFlowDeps) {}

  get state(): QuitState {
    return this.current;
  }

  /** True once shutdown has finished: windows may close and the process may end. */
  get done(): boolean {
    return this.current === 'done';
  }

  /** The 'before-quit' listener. Answers the promise of the flow it started, if any. */
  onBeforeQuit(event: { preventDefault(): void }): Promise<void> | undefined {
    if (this.current === 'done') return undefined;
    event.preventDefault();
    if (this.current !== 'running') return undefined;
    return this.run();
  }

  private async run(): Promise<void> {
    const prompt = this.deps.prompt();
    if (prompt) {
      this.current = 'confirming';
      let confirmed = false;
      try {
        confirmed = await this.deps.confirm(prompt);
      } catch (error) {
        this.deps.onError?.(error);
      }
      if (!confirmed) {
        this.current = 'running';
        return;
      }
    }
    this.current = 'stopping';
    this.deps.onStopping?.();
    try {
      await this.deps.shutdown();
    } catch (error) {
      this.deps.onError?.(error);
    }
    this.current = 'done';
    this.deps.finish();
  }
}

/**
 * Whether closing the main window quits the app. On macOS apps stay in the Dock with no window
 * (reopened from the Dock or the tray); on Windows and Linux closing the last window quits, and
 * the quit flow runs before the window goes, so "Cancel" leaves it open.
 */
export function closingWindowQuits(platform: NodeJS.Platform): boolean {
  return platform !== 'darwin';
}
