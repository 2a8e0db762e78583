import type { NumberedEvent } from '../../engine/session-event-log.js';
import type { TaskRecord } from '../../engine/task-record.js';

/** A task as Redis keeps it: the record, plus the id of the BullMQ job that runs it now. */
export type StoredTask = TaskRecord & { jobId?: string };

/** An event as the streams keep it (JSON in field `e`). */
export type StoredEvent =
  | { readonly type: 'taskQueued'; readonly task: StoredTask }
  | { readonly type: 'taskUpdated'; readonly task: StoredTask; readonly stateChanged: boolean };

/** The JSON of an event, as the commit script stores it. */
export function encodeEvent(event: StoredEvent): string {
  return JSON.stringify(event);
}

/** An event read back from a stream entry's fields (`e` the event, `t` its time). */
export function decodeEvent(sessionId: string, seq: number, fields: Record<string, string>): NumberedEvent {
  const raw = JSON.parse(fields.e ?? '{}') as { type: string; task?: StoredTask; stateChanged?: boolean; ids?: string[]; clientId?: string };
  const time = Number(fields.t ?? Date.now());
  if (raw.type === 'tasksDeleted') return { sessionId, seq, time, event: { type: 'tasksDeleted', clientId: sessionId, ids: raw.ids ?? [] } };
  const task = withoutJobId(raw.task!);
  if (raw.type === 'taskQueued') return { sessionId, seq, time, event: { type: 'taskQueued', task } };
  return { sessionId, seq, time, event: { type: 'taskUpdated', task, stateChanged: raw.stateChanged ?? true } };
}

/** The record without the backend's bookkeeping. */
export function withoutJobId(task: StoredTask): TaskRecord {
  const { jobId: _jobId, ...record } = task;
  return record;
}
