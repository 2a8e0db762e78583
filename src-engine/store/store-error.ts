/** Stable codes of the task database's failures. */
export type StoreErrorCode = 'ERR_STORE_OPEN' | 'ERR_STORE_WRITE' | 'ERR_STORE_SCHEMA' | 'ERR_STORE_LOCKED' | 'ERR_STORE_DAMAGED';

/** A store failure with a stable code; the message says which file, what went wrong and what to do. */
export class StoreError extends Error {
  constructor(
    readonly code: StoreErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'StoreError';
  }
}

/** What SQLite's result codes mean to a person; the code itself follows in parentheses. */
const MEANINGS: ReadonlyArray<[prefix: string, meaning: string]> = [
  ['SQLITE_FULL', 'disk full'],
  ['SQLITE_IOERR', 'input/output error'],
  ['SQLITE_READONLY', 'the file or its folder is read-only'],
  ['SQLITE_PERM', 'permission denied'],
  ['SQLITE_CORRUPT', 'the file is damaged'],
  ['SQLITE_NOTADB', 'the file is not a database (or its header is damaged)'],
  ['SQLITE_CANTOPEN', 'the file cannot be opened'],
  ['SQLITE_BUSY', 'the file is locked by another process'],
  ['SQLITE_NOMEM', 'out of memory'],
];

/**
 * The short cause of a storage error, such as `disk full (SQLITE_FULL)`: what a log line, a 503
 * and `/health` say. Unwraps a {@link StoreError} to the SQLite error it carries.
 */
export function describeStoreError(error: unknown): string {
  let inner: unknown = error;
  while (inner instanceof StoreError && inner.cause !== undefined) inner = inner.cause;
  const code = (inner as { code?: unknown } | undefined)?.code;
  if (typeof code === 'string' && code.startsWith('SQLITE_')) {
    const meaning = MEANINGS.find(([prefix]) => code.startsWith(prefix))?.[1] ?? (inner as Error).message;
    return `${meaning} (${code})`;
  }
  return inner instanceof Error ? inner.message : String(inner);
}
