/** A ticking "now" on the server's clock, so elapsed times agree with the server's timestamps. */

/** Reactive current time, corrected by the offset between this browser's clock and the server's. */
export class ServerClock {
  /** Current time, epoch ms, server clock; updated every tick. */
  now = $state(0);
  /** Current time, epoch ms, this browser's clock (for client-side deadlines like retry countdowns). */
  clientNow = $state(0);
  #offset = 0;
  #timer: ReturnType<typeof setInterval> | null = null;

  /** @param serverTime the server's time when it rendered the page (ISO), to start with its offset */
  constructor(serverTime: string | null) {
    this.sync(serverTime);
  }

  /** Learns the offset from a server time that was just sent (e.g. `connection.serverTime`). */
  sync(serverTime: string | null): void {
    const t = serverTime === null ? Number.NaN : Date.parse(serverTime);
    if (!Number.isNaN(t)) this.#offset = t - Date.now();
    this.#tick();
  }

  #tick(): void {
    this.clientNow = Date.now();
    this.now = this.clientNow + this.#offset;
  }

  /** The current server time without waiting for a tick. */
  read(): number {
    return Date.now() + this.#offset;
  }

  /** Starts ticking (browser only). */
  start(intervalMs = 500): void {
    if (this.#timer) return;
    this.#timer = setInterval(() => this.#tick(), intervalMs);
  }

  /** Stops ticking. */
  stop(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
  }
}
