import type { LanShareState } from '../shared/ipc-contract.js';
import type { DesktopSettings } from './desktop-settings.js';
import { bindHostFor } from './lan-addresses.js';
import type { ServerAddress } from './server-controller.js';

/** What the service needs; desktop-app.ts wires Electron and the engine in. */
export interface LanShareDeps {
  settings: { get(): DesktopSettings; update(change: Partial<DesktopSettings>): Promise<DesktopSettings> };
  /** Moves the running server to another address without stopping it (ServerController.rebind). */
  server: { rebind(host: string): Promise<ServerAddress> };
  /** The host the launch config asks for when not sharing (127.0.0.1 by default). */
  configuredHost: string;
  /**
   * The one-time pairing URLs of the running server now (`currentPairingUrls(monitor)`): one per
   * address other devices can reach, the likeliest LAN address first; empty on loopback only.
   */
  pairingUrls(): readonly string[];
  /** Hears every new pairing code (`monitor.access.pairing.onChange`); answers the unsubscribe. */
  onPairingChange(listener: () => void): () => void;
  /** A QR code of a URL as a `data:image/png` URL; may fail (then no code is shown). */
  qrCode(url: string): Promise<string>;
  /** Told after each move, e.g. to reload the window should its origin change. */
  onRebound?(address: ServerAddress): void;
}

/**
 * Devices on the LAN always pair first: the engine's access layer lets in only loopback without
 * credentials (docs/security.md), so sharing never opens the monitor to the whole network.
 */
const PAIRING_REQUIRED = true;

/**
 * "Share on LAN": reads and changes the persisted setting, moves the server to the matching
 * address (same port, nothing stops: no question to ask) and reports what other devices open:
 * the plain addresses, and the one-time pairing link with its QR code, redrawn whenever a
 * device uses it. One change at a time: a second call waits for the first.
 */
export class LanShareService {
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly deps: LanShareDeps) {}

  /** The state now. */
  async state(notice?: string): Promise<LanShareState> {
    const enabled = this.deps.settings.get().lanShare;
    const pairingUrls = enabled ? this.deps.pairingUrls() : [];
    const pairingUrl = pairingUrls[0] ?? null;
    let qrCodeDataUrl: string | null = null;
    if (pairingUrl) {
      try {
        qrCodeDataUrl = await this.deps.qrCode(pairingUrl);
      } catch {
        qrCodeDataUrl = null;
      }
    }
    return { enabled, urls: pairingUrls.map(baseOf), pairingUrl, qrCodeDataUrl, pairingRequired: PAIRING_REQUIRED, ...(notice ? { notice } : {}) };
  }

  /** The plain addresses other devices can open now (empty when not sharing). */
  addresses(): string[] {
    return this.deps.settings.get().lanShare ? this.deps.pairingUrls().map(baseOf) : [];
  }

  /** Turns sharing on or off; answers the state after the change (or after it failed). */
  set(enabled: boolean): Promise<LanShareState> {
    const next = this.queue.then(() => this.change(enabled));
    this.queue = next.catch(() => undefined);
    return next;
  }

  /**
   * Calls `listener` with a fresh state (new link, new QR code) each time the pairing code is
   * spent while sharing is on. When codes change faster than QR codes are drawn, only the
   * newest state is delivered. Answers the unsubscribe.
   */
  watch(listener: (state: LanShareState) => void): () => void {
    let latest = 0;
    return this.deps.onPairingChange(() => {
      if (!this.deps.settings.get().lanShare) return;
      const mine = ++latest;
      void this.state().then((state) => {
        if (mine === latest) listener(state);
      });
    });
  }

  private async change(enabled: boolean): Promise<LanShareState> {
    if (this.deps.settings.get().lanShare === enabled) return this.state();
    let address: ServerAddress;
    try {
      // Running tasks, open pages and WebSockets carry on; a failure leaves it where it was.
      address = await this.deps.server.rebind(bindHostFor(enabled, this.deps.configuredHost));
    } catch (error) {
      // e.g. a security product refusing 0.0.0.0: nothing changed, say why.
      return this.state(`Could not ${enabled ? 'share' : 'stop sharing'}: ${(error as Error).message}`);
    }
    await this.deps.settings.update({ lanShare: enabled });
    this.deps.onRebound?.(address);
    return this.state();
  }
}

/** `http://192.168.1.20:5000/pair?code=…` → `http://192.168.1.20:5000`. */
function baseOf(url: string): string {
  return new URL(url).origin;
}
