import { ChannelAbortedError } from './channel-errors.js';

/** What a waiter tells its queue when it is aborted, so the queue can forget it. */
export interface WaiterOwner {
  /** Called exactly once when a still-pending waiter is aborted. */
  discard(): void;
}

/**
 * A promise that a channel operation is waiting on, settled at most once.
 *
 * The settle-once `pending` flag is what makes abort safe: the channel hands items
 * to waiters synchronously and checks `pending` first, and an abort flips it before
 * rejecting. Whichever happens first wins, so an aborted reader can never swallow an
 * item and an aborted writer's item can never be admitted.
 *
 * @typeParam TResult - What the operation resolves with.
 * @typeParam TItem - Payload carried while waiting (the item of a blocked writer).
 */
export class Waiter<TResult, TItem = undefined> {
  /** Settles when the operation completes, fails or is aborted. */
  readonly promise: Promise<TResult>;
  private settleResolve!: (value: TResult) => void;
  private settleReject!: (error: unknown) => void;
  private pending = true;
  private readonly signal: AbortSignal | undefined;
  private readonly abortListener: (() => void) | undefined;

  /**
   * @param item - Payload to keep while waiting.
   * @param signal - Optional signal that cancels the wait.
   * @param owner - Queue to notify when the waiter is aborted.
   */
  constructor(
    readonly item: TItem,
    signal: AbortSignal | undefined,
    owner: WaiterOwner,
  ) {
    this.promise = new Promise<TResult>((resolve, reject) => {
      this.settleResolve = resolve;
      this.settleReject = reject;
    });
    if (signal === undefined) return;
    this.signal = signal;
    this.abortListener = () => {
      if (!this.pending) return;
      this.settle();
      owner.discard();
      this.settleReject(new ChannelAbortedError(signal.reason));
    };
    signal.addEventListener('abort', this.abortListener, { once: true });
  }

  /** Whether the waiter can still be settled (not yet resolved, rejected or aborted). */
  get isPending(): boolean {
    return this.pending;
  }

  /** Fulfils the waiter. Ignored if it already settled. */
  resolve(value: TResult): void {
    if (!this.pending) return;
    this.settle();
    this.settleResolve(value);
  }

  /** Fails the waiter. Ignored if it already settled. */
  reject(error: unknown): void {
    if (!this.pending) return;
    this.settle();
    this.settleReject(error);
  }

  /**
   * Marks the waiter settled and detaches from the signal, so a long-lived signal
   * reused across many operations does not accumulate listeners.
   */
  private settle(): void {
    this.pending = false;
    if (this.abortListener !== undefined) {
      this.signal?.removeEventListener('abort', this.abortListener);
    }
  }
}
