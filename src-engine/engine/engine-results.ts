import type { TaskRecord } from './task-record.js';

/**
 * Expected outcomes are values, not exceptions: a full queue or a bad parameter is part of
 * normal operation, and the server maps each reason to an HTTP status in one place.
 */
export type SubmitRefusal = 'queue-full' | 'unknown-kind' | 'invalid-parameters' | 'stopped' | 'storage-failed';

/** Outcome of {@link TaskEngine.submit}. */
export type SubmitResult =
  | { readonly ok: true; readonly task: Readonly<TaskRecord> }
  | { readonly ok: false; readonly reason: SubmitRefusal; readonly message: string };

/** Why a control request (cancel, retry, delete) was refused. */
export type ControlRefusal = 'not-found' | 'invalid-state' | 'queue-full';

/** Outcome of a control request on one task. */
export type ControlResult =
  | { readonly ok: true; readonly task: Readonly<TaskRecord> }
  | { readonly ok: false; readonly reason: ControlRefusal; readonly message: string };
