import type { LanShareState } from '../shared/ipc-contract.js';
import type { ConfirmPrompt } from './quit-confirmation.js';
import { lanShareChangePrompt } from './quit-confirmation.js';
import type { DesktopSettings } from './desktop-settings.js';
import { bindHostFor } from './lan-addresses.js';
import type { ServerAddress } from './server-controller.js';

/** What the service needs; index.ts wires Electron and the engine in. */
export interface LanShareDeps {
  settings: { get(): DesktopSettings; update(change: Partial<DesktopSettings>): Promise<DesktopSettings> };
  server: { restart(host: string): Promise<ServerAddress>; address(): ServerAddress; counts(): { running: number; queued: number } };
  /** The host the launch config asks for when not sharing (127.0.0.1 by default). */
  configuredHost: string;
  /** Addresses for LAN devices at a port (lan-addresses.ts with os.networkInterfaces()). */
  lanUrls(port: number): string[];
  /** A QR code of a URL as a data URL; may fail (then no code is shown). */
  qrCode(url: string): Promise<string>;
  confirm(prompt: ConfirmPrompt): Promise<boolean>;
  /** Whether devices must pair; false until the engine's pairing option exists. */
  pairingAvailable: boolean;
  /** Told after each restart, e.g. to reload the window on a new origin. */
  onRestarted?(address: ServerAddress): void;
}

/**
 * "Share on LAN": reads and changes the persisted setting, asks first when the change is risky
 * (running tasks stop, or no pairing yet), restarts the server on the matching host and reports
 * the addresses to open. One change at a time: a second call waits for the first.
 */
export class LanShareService {
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly deps: LanShareDeps) {}

  /** The state now. */
  async state(notice?: string): Promise<LanShareState> {
    const enabled = this.deps.settings.get().lanShare;
    const urls = enabled ? this.deps.lanUrls(this.deps.server.address().port) : [];
    let qrCodeDataUrl: string | null = null;
    if (urls[0]) {
      try {
        qrCodeDataUrl = await this.deps.qrCode(urls[0]);
      } catch {
        qrCodeDataUrl = null;
      }
    }
    return { enabled, urls, qrCodeDataUrl, pairingRequired: this.deps.pairingAvailable, ...(notice ? { notice } : {}) };
  }

  /** Turns sharing on or off; answers the state after the change (or after declining it). */
  set(enabled: boolean): Promise<LanShareState> {
    const next = this.queue.then(() => this.change(enabled));
    this.queue = next.catch(() => undefined);
    return next;
  }

  private async change(enabled: boolean): Promise<LanShareState> {
    if (this.deps.settings.get().lanShare === enabled) return this.state();
    const prompt = lanShareChangePrompt(enabled, this.deps.server.counts(), this.deps.pairingAvailable);
    if (prompt && !(await this.deps.confirm(prompt))) return this.state('Nothing changed.');
    await this.deps.settings.update({ lanShare: enabled });
    try {
      const address = await this.deps.server.restart(bindHostFor(enabled, this.deps.configuredHost));
      this.deps.onRestarted?.(address);
    } catch (error) {
      // The new bind failed (e.g. a firewall product refusing 0.0.0.0): go back to the previous
      // setting and host so the app keeps working, and say why.
      await this.deps.settings.update({ lanShare: !enabled });
      const address = await this.deps.server.restart(bindHostFor(!enabled, this.deps.configuredHost));
      this.deps.onRestarted?.(address);
      return this.state(`Could not ${enabled ? 'share' : 'stop sharing'}: ${(error as Error).message}`);
    }
    return this.state();
  }
}
