import type { Clock } from '../engine/clock.js';
import { MemoryQueueControlStore, type QueueControlState, type QueueControlStore } from './queue-control-store.js';

/** What the gate needs to know of a task. */
export interface GatedTask {
  readonly id: string;
  readonly kind: string;
  readonly state: string;
  /** Why the task waits although a worker could take it; null or absent when it does not. */
  waitReason?: string | null;
}

/** A kind's own limits (from its TaskKind). */
export interface KindLimits {
  concurrency?: number;
  rateLimit?: { max: number; perMs: number };
}

/** Options of {@link AdmissionGate}. */
export interface AdmissionGateOptions<T extends GatedTask> {
  clock: Clock;
  store?: QueueControlStore;
  /** The kind's limits, looked up when a task of it asks to run. */
  limitsOf: (kind: string) => KindLimits | undefined;
  /** Puts a task the gate let through (its slot already taken) back where a worker takes it first. */
  release: (task: T) => void;
  /** A waiting task's `waitReason` changed: tell whoever shows it. */
  reasonChanged: (task: T) => void;
}

interface Lane<T> {
  /** Started and not yet finished, plus let through and not yet started. */
  active: number;
  /** Start times within the rate window, oldest first. */
  starts: number[];
  /** Tasks that came to run while the kind was blocked, in their order (at most the queue's capacity). */
  parked: T[];
  rateTimer: (() => void) | undefined;
}

/**
 * The admission gate workers consult before they run a task: the whole queue may be paused, a kind
 * may be paused, a kind may have a concurrency limit and a rate limit. A task that cannot run now is
 * parked in its kind's lane (the worker moves on: nothing spins, nothing blocks) with a
 * `waitReason`, and is let through, in order, when a slot frees, the rate window moves on or the
 * pause ends. Let-through tasks hold their slot until they finish, so a limit is never overshot.
 * The pause switches are stored; limits come from the kinds.
 */
export class AdmissionGate<T extends GatedTask> {
  private readonly clock: Clock;
  private readonly store: QueueControlStore;
  private readonly lanes = new Map<string, Lane<T>>();
  private readonly pausedKinds: Set<string>;
  private readonly reserved = new Set<string>();
  private pausedAll: boolean;
  private resumeWaiters: (() => void)[] = [];
  private listeners: readonly (() => void)[] = [];

  constructor(private readonly options: AdmissionGateOptions<T>) {
    this.clock = options.clock;
    this.store = options.store ?? new MemoryQueueControlStore();
    const state = this.store.load();
    this.pausedAll = state.paused;
    this.pausedKinds = new Set(state.pausedKinds);
  }

  /** The whole queue is paused. */
  get paused(): boolean {
    return this.pausedAll;
  }

  /** Whether a kind is paused on its own. */
  isKindPaused(kind: string): boolean {
    return this.pausedKinds.has(kind);
  }

  /** Kinds paused on their own. */
  get pausedKindNames(): string[] {
    return [...this.pausedKinds];
  }

  /** Tasks of the kind started (or let through) and not finished. */
  activeOf(kind: string): number {
    return this.lanes.get(kind)?.active ?? 0;
  }

  /** Whether the task was let through and should be read before everything else. */
  isReleased(taskId: string): boolean {
    return this.reserved.has(taskId);
  }

  /** Hears pause and resume (of the whole queue or of a kind) until the returned function is called. */
  subscribe(listener: () => void): () => void {
    this.listeners = [...this.listeners, listener];
    return () => {
      this.listeners = this.listeners.filter((other) => other !== listener);
    };
  }

  /** Resolves when the whole queue is not paused (at once if it is not); rejects when `signal` aborts. */
  whenResumed(signal: AbortSignal): Promise<void> {
    if (!this.pausedAll) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const onAbort = () => reject(signal.reason);
      signal.addEventListener('abort', onAbort, { once: true });
      this.resumeWaiters.push(() => {
        signal.removeEventListener('abort', onAbort);
        resolve();
      });
    });
  }

  /**
   * A worker took `task` and wants to run it: true when it may (its slot is now taken), false when
   * it was parked (the worker drops it; the gate releases it later).
   */
  admit(task: T): boolean {
    if (this.reserved.delete(task.id)) return true;
    const lane = this.lane(task.kind);
    // Earlier tasks of the kind go first: let through what may go, then queue behind the rest.
    if (lane.parked.length > 0) this.pump(task.kind, lane);
    let reason: string | null;
    if (lane.parked.length === 0) {
      reason = this.blockedReason(task.kind, lane);
      if (reason === null) {
        this.take(task.kind, lane);
        return true;
      }
    } else reason = lane.parked[0]!.waitReason ?? this.blockedReason(task.kind, lane) ?? 'waiting for earlier tasks of this job';
    lane.parked.push(task);
    this.setReason(task, reason);
    return false;
  }

  /** A task that took a slot ended (or was dropped before it started): frees the slot. */
  finished(task: T): void {
    const lane = this.lanes.get(task.kind);
    if (!lane) return;
    this.reserved.delete(task.id);
    lane.active = Math.max(0, lane.active - 1);
    this.pump(task.kind, lane);
  }

  /** A released task turned out cancelled before it ran: gives its slot back. */
  dropped(task: T): void {
    if (this.reserved.has(task.id)) this.finished(task);
  }

  pause(): void {
    if (this.pausedAll) return;
    this.pausedAll = true;
    this.changed();
  }

  resume(): void {
    if (!this.pausedAll) return;
    this.pausedAll = false;
    for (const wake of this.resumeWaiters.splice(0)) wake();
    for (const [kind, lane] of this.lanes) this.pump(kind, lane);
    this.changed();
  }

  pauseKind(kind: string): void {
    if (this.pausedKinds.has(kind)) return;
    this.pausedKinds.add(kind);
    this.changed();
  }

  resumeKind(kind: string): void {
    if (!this.pausedKinds.delete(kind)) return;
    const lane = this.lanes.get(kind);
    if (lane) this.pump(kind, lane);
    this.changed();
  }

  /** Parked tasks of a kind (waiting for its gate, not for a worker). */
  parkedOf(kind: string): number {
    return this.lanes.get(kind)?.parked.length ?? 0;
  }

  /** Why a task of `kind` would wait now, or null if it could start. */
  private blockedReason(kind: string, lane: Lane<T>): string | null {
    if (this.pausedAll || this.pausedKinds.has(kind)) return 'paused';
    const limits = this.options.limitsOf(kind);
    if (limits?.concurrency !== undefined && lane.active >= limits.concurrency) return `job limit ${limits.concurrency} reached`;
    const rate = limits?.rateLimit;
    if (rate) {
      const now = this.clock.now();
      while (lane.starts.length > 0 && lane.starts[0]! <= now - rate.perMs) lane.starts.shift();
      if (lane.starts.length >= rate.max) {
        const nextSlot = lane.starts[0]! + rate.perMs;
        this.armRateTimer(kind, lane, nextSlot - now);
        return `rate limit: next slot in ${Math.max(1, Math.ceil((nextSlot - now) / 1000))} s`;
      }
    }
    return null;
  }

  private take(kind: string, lane: Lane<T>): void {
    lane.active++;
    // Start times matter only under a rate limit (and are pruned only then).
    if (this.options.limitsOf(kind)?.rateLimit) lane.starts.push(this.clock.now());
  }

  /** Lets parked tasks through, in order, while the kind's gate allows; re-words the rest's reason. */
  private pump(kind: string, lane: Lane<T>): void {
    while (lane.parked.length > 0) {
      const head = lane.parked[0]!;
      if (head.state !== 'queued') {
        lane.parked.shift(); // cancelled while it waited
        continue;
      }
      const reason = this.blockedReason(kind, lane);
      if (reason !== null) {
        for (const task of lane.parked) this.setReason(task, reason);
        return;
      }
      lane.parked.shift();
      this.take(kind, lane);
      this.reserved.add(head.id);
      this.setReason(head, null);
      this.options.release(head);
    }
  }

  private armRateTimer(kind: string, lane: Lane<T>, ms: number): void {
    if (lane.rateTimer) return;
    lane.rateTimer = this.clock.setTimer(() => {
      lane.rateTimer = undefined;
      this.pump(kind, lane);
    }, ms);
  }

  private setReason(task: T, reason: string | null): void {
    if ((task.waitReason ?? null) === reason) return;
    task.waitReason = reason;
    this.options.reasonChanged(task);
  }

  private lane(kind: string): Lane<T> {
    let lane = this.lanes.get(kind);
    if (!lane) this.lanes.set(kind, (lane = { active: 0, starts: [], parked: [], rateTimer: undefined }));
    return lane;
  }

  private changed(): void {
    const state: QueueControlState = { paused: this.pausedAll, pausedKinds: [...this.pausedKinds] };
    this.store.save(state);
    for (const listener of this.listeners) {
      try {
        listener();
      } catch {
        // A faulty listener must not break the gate.
      }
    }
  }
}
