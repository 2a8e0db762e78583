import type { Clock } from '../engine/clock.js';

/**
 * A clock that only moves when a test says so. `advance` fires every timer that comes due on the
 * way, in order of due time, with `now()` set to each timer's time as it fires.
 */
export class ManualClock implements Clock {
  private current: number;
  private timers: { at: number; seq: number; fn: () => void }[] = [];
  private seq = 0;

  constructor(start: number | string | Date = Date.UTC(2026, 0, 1)) {
    this.current = typeof start === 'number' ? start : new Date(start).getTime();
  }

  now(): number {
    return this.current;
  }

  setTimer(fn: () => void, ms: number): () => void {
    const timer = { at: this.current + Math.max(0, ms), seq: this.seq++, fn };
    this.timers.push(timer);
    return () => {
      this.timers = this.timers.filter((other) => other !== timer);
    };
  }

  /** Timers waiting. */
  get pending(): number {
    return this.timers.length;
  }

  /** Moves time forward by `ms`, firing due timers in order (including ones they set). */
  advance(ms: number): void {
    this.advanceTo(this.current + ms);
  }

  /** Moves time forward to `target` (epoch ms or a date), firing due timers in order. */
  advanceTo(target: number | string | Date): void {
    const end = typeof target === 'number' ? target : new Date(target).getTime();
    for (;;) {
      const next = this.timers.filter((timer) => timer.at <= end).sort((a, b) => a.at - b.at || a.seq - b.seq)[0];
      if (!next) break;
      this.timers = this.timers.filter((timer) => timer !== next);
      this.current = Math.max(this.current, next.at);
      next.fn();
    }
    this.current = Math.max(this.current, end);
  }

  /** Sets the wall clock without firing anything (a process that was down, a clock change). */
  jumpTo(target: number | string | Date): void {
    this.current = typeof target === 'number' ? target : new Date(target).getTime();
  }
}
