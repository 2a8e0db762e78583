/**
 * Errors raised by channels.
 *
 * Expected outcomes (a full channel, an empty channel) are reported as values by the
 * `try*` methods; only genuinely exceptional situations become errors. Every error
 * carries a stable `code` so callers can branch on it without string-matching messages
 * or depending on class identity across bundles.
 *
 * @packageDocumentation
 */

/** Every `code` value an error raised by this module can carry. */
export type ChannelErrorCode =
  | 'ERR_CHANNEL_CLOSED'
  | 'ERR_ABORTED'
  | 'ERR_INVALID_CHANNEL_OPTIONS';

/**
 * Raised when an operation cannot proceed because the channel was completed:
 * writing after completion, reading once completed and drained, or a writer that was
 * still waiting for space when the channel was completed.
 *
 * When the channel was completed with an error, that error is the `cause`.
 */
export class ChannelClosedError extends Error {
  /** Stable machine-readable identifier. */
  readonly code = 'ERR_CHANNEL_CLOSED' as const;
  /** The error passed to `complete()`, if the channel was completed with one. */
  declare readonly cause: Error | undefined;

  /** @param cause - The error the channel was completed with, if any. */
  constructor(cause?: Error) {
    super(
      cause === undefined
        ? 'The channel has been completed'
        : `The channel has been completed with an error: ${cause.message}`,
      // Only pass `cause` when there is one, so `'cause' in error` stays meaningful.
      cause === undefined ? undefined : { cause },
    );
    this.name = 'ChannelClosedError';
  }
}

/**
 * Raised when a pending channel operation is cancelled through its `AbortSignal`.
 *
 * The signal's `reason` is kept as `cause` (mirroring Node's own `AbortError`), so a
 * caller that aborted with a meaningful reason (e.g. a timeout) can still recover it.
 * `name` is `'AbortError'` because that is what generic cancellation handling in the
 * ecosystem checks for (`err.name === 'AbortError'`).
 */
export class ChannelAbortedError extends Error {
  /** Stable machine-readable identifier. */
  readonly code = 'ERR_ABORTED' as const;

  /** @param reason - The aborting signal's `reason`. */
  constructor(reason?: unknown) {
    super(describeAbortReason(reason), { cause: reason });
    this.name = 'AbortError';
  }
}

/**
 * Raised by the channel factories when options are invalid. It extends `RangeError`
 * because every invalid option is a value outside the accepted range, and callers that
 * only know the built-in error types can still classify it.
 */
export class InvalidChannelOptionsError extends RangeError {
  /** Stable machine-readable identifier. */
  readonly code = 'ERR_INVALID_CHANNEL_OPTIONS' as const;

  /** @param message - What is wrong and what would be accepted instead. */
  constructor(message: string) {
    super(message);
    this.name = 'InvalidChannelOptionsError';
  }
}

/** Builds the abort message, surfacing a caller-supplied reason when there is one. */
function describeAbortReason(reason: unknown): string {
  const base = 'The channel operation was aborted';
  // The default reason (a DOMException named AbortError) adds nothing worth repeating.
  if (reason instanceof Error && reason.name !== 'AbortError') {
    return `${base}: ${reason.message}`;
  }
  return base;
}
