import { IPC_CHANNELS, IPC_EVENTS, type LanShareState, type TaskMonitorDesktopApi } from '../shared/ipc-contract.js';

/** The part of `ipcRenderer` the API needs; the page never sees it. */
export interface RendererIpc {
  invoke(channel: string, ...args: unknown[]): Promise<unknown>;
  on(channel: string, listener: (event: unknown, ...args: unknown[]) => void): unknown;
  removeListener(channel: string, listener: (event: unknown, ...args: unknown[]) => void): unknown;
}

/**
 * Builds `window.taskMonitor`. Each method wraps one fixed channel with fixed arguments, so the
 * page cannot reach any other channel or pass anything the main process does not expect
 * (Electron's context-isolation guidance: never expose `ipcRenderer` or a generic `invoke`).
 * Pushed messages reach the page's callback as their payload only: the IPC event (whose
 * `sender` is ipcRenderer itself) stays in the preload.
 */
export function createDesktopApi(ipc: RendererIpc, info: { version: string; platform: string }): TaskMonitorDesktopApi {
  return Object.freeze({
    version: info.version,
    platform: info.platform,
    showAbout: async (): Promise<void> => {
      await ipc.invoke(IPC_CHANNELS.showAbout);
    },
    getLanShare: () => ipc.invoke(IPC_CHANNELS.getLanShare) as Promise<LanShareState>,
    setLanShare: (enabled: boolean) => ipc.invoke(IPC_CHANNELS.setLanShare, enabled === true) as Promise<LanShareState>,
    onLanShareChange: (listener: (state: LanShareState) => void): (() => void) => {
      if (typeof listener !== 'function') throw new TypeError('onLanShareChange takes a function');
      const forward = (_event: unknown, state: unknown): void => listener(state as LanShareState);
      ipc.on(IPC_EVENTS.lanShareChanged, forward);
      return () => void ipc.removeListener(IPC_EVENTS.lanShareChanged, forward);
    },
  });
}
