import type { TaskEngine } from '../engine/task-engine.js';
import type { SocketHub } from './socket-hub.js';
import { toTaskDto } from './task-dto.js';

/**
 * Adapts engine events to the wire: `taskQueued` for an accepted task, `taskProgress` for every
 * later change, each to the sockets of the task's own session only. Returns the unsubscribe.
 */
export function bridgeEngineToSockets(engine: TaskEngine, hub: SocketHub): () => void {
  return engine.subscribe((event) => {
    const timestamp = new Date().toISOString();
    if (event.type === 'tasksDeleted') {
      hub.publish(event.clientId, { type: 'tasksDeleted', data: { ids: [...event.ids] }, timestamp });
      return;
    }
    const data = toTaskDto(event.task);
    if (event.type === 'taskQueued') hub.publish(event.task.clientId, { type: 'taskQueued', data, timestamp });
    else hub.publish(event.task.clientId, { type: 'taskProgress', data, timestamp });
  });
}
