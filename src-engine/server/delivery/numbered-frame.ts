import type { NumberedEvent } from '../../engine/session-event-log.js';
import type { ServerMessage } from '../../protocol/messages.js';
import { isoOf, toTaskDto } from '../task-dto.js';

/**
 * The wire message of a numbered event. Every node builds the same bytes from the same stored
 * event (same fields, same order, the change's own time as the timestamp), so a client that
 * resumes on another node cannot tell which node sent what.
 */
export function messageOf(numbered: NumberedEvent): ServerMessage {
  const { event } = numbered;
  const timestamp = isoOf(numbered.time);
  if (event.type === 'tasksDeleted') return { type: 'tasksDeleted', data: { ids: [...event.ids] }, timestamp };
  return { type: event.type === 'taskQueued' ? 'taskQueued' : 'taskProgress', data: toTaskDto(event.task), timestamp };
}

/** The frame of a numbered event: its message with `seq` last, as the single-node journal writes it. */
export function frameOf(numbered: NumberedEvent): Buffer {
  const json = JSON.stringify(messageOf(numbered));
  return Buffer.from(`${json.slice(0, -1)},"seq":${numbered.seq}}`);
}
