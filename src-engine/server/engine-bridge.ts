import type { TaskService } from '../engine/task-service.js';
import type { ServerMessage } from '../protocol/messages.js';
import type { SessionJournal } from './session-journal.js';
import type { SocketHub } from './socket-hub.js';
import { isoOf, toTaskDto } from './task-dto.js';

/**
 * Adapts engine events to the wire: `taskQueued` for an accepted task, `taskProgress` for every
 * later change, `tasksDeleted` for deletions, each to the sockets of the task's own session
 * only. Every message is numbered and kept in the journal first (even with no socket open), so a
 * client that reconnects can be given what it missed. Returns the unsubscribe.
 */
export function bridgeEngineToSockets(engine: TaskService, hub: SocketHub, journal: SessionJournal): () => void {
  const publish = (sessionId: string, message: ServerMessage): void => hub.publish(sessionId, message, journal.record(sessionId, message));
  return engine.subscribe((event) => {
    if (event.type === 'taskLog') return; // only to sockets that asked (see logs/task-log-feed.ts)
    // No socket is open and none ever was: nobody can see or resume this message, so it is only
    // numbered. Spares REST-only sessions (and tasks whose page is closed) a DTO and a JSON text.
    const sessionId = event.type === 'tasksDeleted' ? event.clientId : event.task.clientId;
    if (!journal.isWatched(sessionId) && !hub.has(sessionId)) {
      journal.skip(sessionId);
      return;
    }
    const timestamp = isoOf(Date.now());
    if (event.type === 'tasksDeleted') {
      publish(event.clientId, { type: 'tasksDeleted', data: { ids: [...event.ids] }, timestamp });
      return;
    }
    const data = toTaskDto(event.task);
    publish(event.task.clientId, { type: event.type === 'taskQueued' ? 'taskQueued' : 'taskProgress', data, timestamp });
  });
}
