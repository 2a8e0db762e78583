import type { TaskRecord } from './task-record.js';

/**
 * What the engine tells its listeners. The task is the engine's live record: listeners must read
 * (or serialise) it synchronously and never mutate it.
 */
export type EngineEvent =
  | { readonly type: 'taskQueued'; readonly task: Readonly<TaskRecord> }
  | {
      readonly type: 'taskUpdated';
      readonly task: Readonly<TaskRecord>;
      /** True when the state changed (running, completed, ...), false for a progress tick. */
      readonly stateChanged: boolean;
    };

/** A function that hears every engine event, in order. */
export type EngineListener = (event: EngineEvent) => void;
