/** Stable codes of the ways a shared access store can refuse to open. */
export type AccessStoreErrorCode =
  /** `--token` differs from the API token the cluster already has in Redis. */
  | 'ERR_CLUSTER_TOKEN_MISMATCH'
  /** The token given, or the one found in Redis, is not a usable token. */
  | 'ERR_CLUSTER_TOKEN_INVALID'
  /** Redis could not be reached, or answered with an error, while the state was loaded. */
  | 'ERR_ACCESS_STORE_UNAVAILABLE';

/** Why a shared access store could not be opened, with a stable code and what to do about it. */
export class AccessStoreError extends Error {
  constructor(
    readonly code: AccessStoreErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'AccessStoreError';
  }
}
