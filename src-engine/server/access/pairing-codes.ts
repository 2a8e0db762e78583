import type { PairingCodeIssuer } from './access-state-store.js';
import { newSecret, sameSecret } from './secret.js';

/**
 * The current one-time pairing code. Whoever opens the pairing URL with it pairs their device;
 * the code is then spent and a new one issued (and announced), so a code that was seen once on a
 * screen or in a log cannot pair a second device. Codes live in memory only: a restart issues a
 * fresh one and old printed URLs stop working.
 */
export class PairingCodes implements PairingCodeIssuer {
  private code: string;
  private readonly listeners = new Set<(code: string) => void>();

  constructor(private readonly generate: () => string = () => newSecret(16)) {
    this.code = generate();
  }

  /** The code a new pairing URL carries. */
  get current(): string {
    return this.code;
  }

  /**
   * Spends the code when the candidate is the current one (compared in constant time) and issues
   * the next; answers whether it was.
   */
  spend(candidate: string): boolean {
    if (!sameSecret(candidate, this.code)) return false;
    this.rotate();
    return true;
  }

  /** Issues a new code, invalidating the current one. */
  rotate(): void {
    this.code = this.generate();
    for (const listener of this.listeners) listener(this.code);
  }

  /** Hears every new code (to print it, or to redraw a QR code); answers the unsubscribe. */
  onChange(listener: (code: string) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
