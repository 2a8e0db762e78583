/** The connection's state as people read it, derived from the socket's phase. */

/**
 * Phase of the live connection:
 * `connecting` (a socket is opening), `connected`, `waiting` (closed, a retry is scheduled),
 * `offline` (the browser says there is no network; a retry is still scheduled).
 */
export type ConnectionPhase = 'connecting' | 'connected' | 'waiting' | 'offline';

/** What the status indicator shows. */
export interface ConnectionStatusView {
  /** Short label: `Connected`, `Connecting…`, `Reconnecting in 3 s`, `Offline`. */
  label: string;
  /**
   * The label without the ticking countdown (`Reconnecting`), for a live region that should
   * announce changes of phase, not every second.
   */
  phaseLabel: string;
  /** Tone for styling (the label is always shown, never colour alone). */
  tone: 'ok' | 'busy' | 'warn' | 'down';
}

/** Label and tone for a phase; `retryAt` and `now` are epoch ms (for the countdown). */
export function connectionStatus(phase: ConnectionPhase, retryAt: number | null, now: number): ConnectionStatusView {
  switch (phase) {
    case 'connected':
      return { label: 'Connected', phaseLabel: 'Connected', tone: 'ok' };
    case 'connecting':
      return { label: 'Connecting…', phaseLabel: 'Connecting…', tone: 'busy' };
    case 'offline':
      return { label: 'Offline', phaseLabel: 'Offline', tone: 'down' };
    case 'waiting': {
      const seconds = retryAt === null ? 0 : Math.max(0, Math.ceil((retryAt - now) / 1000));
      return { label: seconds > 0 ? `Reconnecting in ${seconds} s` : 'Reconnecting…', phaseLabel: 'Reconnecting', tone: 'warn' };
    }
  }
}
