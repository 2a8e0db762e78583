import { isAppUrl } from './app-origin.js';

/** The part of an IPC event's `senderFrame` that matters here; Electron's can be null. */
export interface SenderFrame {
  readonly url: string;
}

/**
 * Whether an IPC message comes from a frame showing the app's own origin (checklist 17). The
 * preload runs in every frame it is attached to, so the frame's URL, not the webContents, is
 * what tells the app's page from anything else that might end up loaded.
 */
export function isTrustedSender(frame: SenderFrame | null | undefined, appOrigin: string): boolean {
  return frame !== null && frame !== undefined && isAppUrl(frame.url, appOrigin);
}
