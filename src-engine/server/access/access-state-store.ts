import type { PairedDevice } from './device-registry.js';

/**
 * The paired devices as the access policy sees them. Every check reads it synchronously, so a
 * shared implementation keeps a local copy kept fresh by notifications ({@link DeviceRegistry}
 * is the single-node one, kept in `devices.json`).
 */
export interface DeviceDirectory {
  /** Paired devices, oldest first. */
  list(): PairedDevice[];
  /** Number of paired devices. */
  readonly size: number;
  /** Pairs a new device and answers its token; `saved` is false when it could not be stored durably. */
  pair(info: { name: string; address: string }): Promise<{ device: PairedDevice; token: string; saved: boolean }>;
  /** The device owning this token (noting that it was seen), or undefined for an unknown or revoked one. */
  authenticate(token: string, address: string): PairedDevice | undefined;
  /** Revokes a device everywhere it is known; listeners hear it (to close its sockets). */
  revoke(id: string): Promise<{ found: boolean; saved: boolean }>;
  /** Hears every revocation, including those made elsewhere (another node); answers the unsubscribe. */
  onRevoked(listener: (id: string) => void): () => void;
  /**
   * Looks up a token this copy does not know in the backing store, and learns it if it is paired
   * there (a device paired on another node a moment ago, before its notification arrived).
   * Answers undefined, at once, when there is nothing to look up (a known or a revoked token).
   * Absent: the local state is complete.
   */
  lookUp?(token: string): Promise<void> | undefined;
  /**
   * Why device credentials cannot be trusted right now (a shared copy that may have missed a
   * revocation), or undefined when they can. Absent: always trusted (local state).
   */
  staleness?(): string | undefined;
  /** Writes pending state and stops timers. */
  close(): Promise<void>;
}

/**
 * The one-time pairing code of this server ({@link PairingCodes} keeps it in memory). `spend`
 * may be asynchronous: a shared implementation also accepts the codes other nodes issued.
 */
export interface PairingCodeIssuer {
  /** The code a new pairing URL of this server carries. */
  readonly current: string;
  /** Spends `candidate` if it is a valid code (then it never works again); answers whether it was. */
  spend(candidate: string): boolean | Promise<boolean>;
  /** Issues a new code, invalidating the current one. */
  rotate(): void;
  /** Hears every new code of this server; answers the unsubscribe. */
  onChange(listener: (code: string) => void): () => void;
}

/**
 * Failed credential attempts shared with other nodes, so that guessing is limited per cluster
 * rather than per node. The policy still counts locally; this only adds what the others saw.
 */
export interface SharedFailures {
  /** Tells the others about a failure from this address bucket. */
  report(bucket: string): void;
  /** Hears that a bucket is blocked until a time (ms since the epoch); answers the unsubscribe. */
  onBlocked(listener: (bucket: string, until: number) => void): () => void;
}

/**
 * Where the access state lives: paired devices, pairing codes, the API token. The file-backed
 * store (`openFileAccessStore`) is the single-node one; `openRedisAccessStore`
 * (src-engine/backends/redis/) shares the state between several nodes. The access policy only
 * ever reads it synchronously.
 */
export interface AccessStateStore {
  readonly devices: DeviceDirectory;
  readonly pairing: PairingCodeIssuer;
  /** The API token (`Authorization: Bearer`); undefined: bearer authentication is off. */
  readonly apiToken: string | undefined;
  /** Where the API token is kept, to tell the operator (a file path, a Redis key). */
  readonly tokenLocation?: string;
  /** Things to log once the server has a logger. */
  readonly warnings: readonly string[];
  /**
   * One device cookie name for every node (they may listen on different ports behind one
   * address); absent: named after the port, as on a single node.
   */
  readonly deviceCookieName?: string;
  /** Failures shared across nodes; absent: per node only. */
  readonly failures?: SharedFailures;
  /**
   * Hears what goes wrong after the start (a shared store that cannot reach its backend); the
   * server logs it. Absent: nothing can go wrong later (local state). Answers the unsubscribe.
   */
  onProblem?(listener: (message: string, error?: unknown) => void): () => void;
  /** Writes pending state and lets go of connections and timers. */
  close(): Promise<void>;
}
