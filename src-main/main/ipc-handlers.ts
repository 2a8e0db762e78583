import { IPC_CHANNELS, IPC_EVENTS, type IpcChannel, type LanShareState } from '../shared/ipc-contract.js';
import { isAppUrl } from './app-origin.js';
import { isTrustedSender, type SenderFrame } from './ipc-sender.js';

/** The part of `ipcMain` used here, so tests can hand in a recorder. */
export interface IpcMainLike {
  handle(channel: string, listener: (event: { senderFrame: SenderFrame | null }, ...args: unknown[]) => unknown): void;
  removeHandler(channel: string): void;
}

/** What the handlers do; the wiring supplies the Electron side. */
export interface DesktopActions {
  showAbout(): Promise<void>;
  getLanShare(): Promise<LanShareState>;
  setLanShare(enabled: boolean): Promise<LanShareState>;
}

/** Refusal of a message from a frame that is not the app's page. */
export class UntrustedSenderError extends Error {
  constructor(channel: string) {
    super(`Refused ${channel}: the sender is not the app's own page`);
    this.name = 'UntrustedSenderError';
  }
}

/**
 * Registers one handler per channel of the contract. Each checks the sender frame's origin
 * first (checklist 17), then the arguments' types, since a compromised page can send anything.
 * Answers a function that removes them all.
 */
export function registerIpcHandlers(ipc: IpcMainLike, getAppOrigin: () => string, actions: DesktopActions): () => void {
  const handle = (channel: IpcChannel, run: (...args: unknown[]) => Promise<unknown>): void => {
    ipc.handle(channel, (event, ...args) => {
      if (!isTrustedSender(event.senderFrame, getAppOrigin())) throw new UntrustedSenderError(channel);
      return run(...args);
    });
  };
  handle(IPC_CHANNELS.showAbout, () => actions.showAbout());
  handle(IPC_CHANNELS.getLanShare, () => actions.getLanShare());
  handle(IPC_CHANNELS.setLanShare, (enabled) => {
    if (typeof enabled !== 'boolean') return Promise.reject(new TypeError('setLanShare takes true or false'));
    return actions.setLanShare(enabled);
  });
  return () => {
    for (const channel of Object.values(IPC_CHANNELS)) ipc.removeHandler(channel);
  };
}

/** The part of `webContents` a push needs. */
export interface PushTarget {
  getURL(): string;
  send(channel: string, ...args: unknown[]): void;
}

/**
 * Pushes a new "Share on LAN" state to the window, but only while it shows the app's own page:
 * the state carries a live pairing link, which no other page may see. Answers whether it sent.
 */
export function pushLanShareState(contents: PushTarget, appOrigin: string, state: LanShareState): boolean {
  if (!appOrigin || !isAppUrl(contents.getURL(), appOrigin)) return false;
  contents.send(IPC_EVENTS.lanShareChanged, state);
  return true;
}
