import type { TaskLogLine } from '../protocol/messages.js';
import type { TaskRecord } from './task-record.js';

/**
 * What the engine tells its listeners, in order. With a durable store, the task of a state change
 * is a snapshot taken when the change happened (it was made durable before this event); otherwise,
 * and for progress ticks, it is the live record as of the event. Either way listeners must read
 * (or serialise) it synchronously and never mutate it.
 */
export type EngineEvent =
  | { readonly type: 'taskQueued'; readonly task: Readonly<TaskRecord> }
  | {
      readonly type: 'taskUpdated';
      readonly task: Readonly<TaskRecord>;
      /** True when the state changed (running, completed, ...), false for a progress tick. */
      readonly stateChanged: boolean;
    }
  | { readonly type: 'tasksDeleted'; readonly clientId: string; readonly ids: readonly string[] }
  /** A running task wrote a log line (already handed to the log store). */
  | { readonly type: 'taskLog'; readonly task: Readonly<TaskRecord>; readonly line: Readonly<TaskLogLine> };

/** A function that hears every engine event, in order. */
export type EngineListener = (event: EngineEvent) => void;
