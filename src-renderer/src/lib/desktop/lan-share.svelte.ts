/**
 * The desktop app's "Share on LAN" setting, driven through `window.taskMonitor` (the preload API).
 * In a plain browser there is no such API and nothing here is shown.
 */
import type { LanShareState, TaskMonitorDesktopApi } from '$desktop/ipc-contract.js';

/** The preload API when the page runs inside the desktop app, else null. Browser only. */
export function desktopApi(): TaskMonitorDesktopApi | null {
  const api = (window as { taskMonitor?: TaskMonitorDesktopApi }).taskMonitor;
  return api && typeof api.getLanShare === 'function' ? api : null;
}

/** Reactive "Share on LAN" state and its toggle. */
export class LanShare {
  /** Latest state from the app; null until loaded. */
  state = $state<LanShareState | null>(null);
  /** Whether a change is in progress (the app may be asking the user, or restarting the server). */
  busy = $state(false);
  /** Why the last call failed, if it did. */
  error = $state<string | null>(null);

  readonly api: TaskMonitorDesktopApi;

  constructor(api: TaskMonitorDesktopApi) {
    this.api = api;
    // The app pushes a new pairing link (and QR code) once a device has used the current one.
    // Optional: older or stand-in APIs may not have it.
    api.onLanShareChange?.((state) => (this.state = state));
  }

  /** Reads the current state. */
  async load(): Promise<void> {
    await this.#run(() => this.api.getLanShare());
  }

  /** Turns sharing on or off; the app may ask first, and answers with the resulting state. */
  async set(enabled: boolean): Promise<void> {
    await this.#run(() => this.api.setLanShare(enabled));
  }

  async #run(call: () => Promise<LanShareState>): Promise<void> {
    this.busy = true;
    this.error = null;
    try {
      this.state = await call();
    } catch (error) {
      this.error = error instanceof Error ? error.message : String(error);
    } finally {
      this.busy = false;
    }
  }
}
