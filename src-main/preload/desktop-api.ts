import { IPC_CHANNELS, type LanShareState, type TaskMonitorDesktopApi } from '../shared/ipc-contract.js';

/** The one thing of `ipcRenderer` the API needs; the page never sees it. */
export interface InvokeOnly {
  invoke(channel: string, ...args: unknown[]): Promise<unknown>;
}

/**
 * Builds `window.taskMonitor`. Each method wraps one fixed channel with fixed arguments, so the
 * page cannot reach any other channel or pass anything the main process does not expect
 * (Electron's context-isolation guidance: never expose `ipcRenderer` or a generic `invoke`).
 */
export function createDesktopApi(ipc: InvokeOnly, info: { version: string; platform: string }): TaskMonitorDesktopApi {
  return Object.freeze({
    version: info.version,
    platform: info.platform,
    showAbout: async (): Promise<void> => {
      await ipc.invoke(IPC_CHANNELS.showAbout);
    },
    getLanShare: () => ipc.invoke(IPC_CHANNELS.getLanShare) as Promise<LanShareState>,
    setLanShare: (enabled: boolean) => ipc.invoke(IPC_CHANNELS.setLanShare, enabled === true) as Promise<LanShareState>,
  });
}
