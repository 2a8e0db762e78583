import type { TaskService } from '../engine/task-service.js';
import type { Scheduler } from '../schedules/scheduler.js';
import type { OwnerSockets } from './owner-sockets.js';
import { toScheduleDto } from './schedule-dto.js';

/**
 * Announces schedule changes to the owner's sockets: `scheduleUpdated` with the whole schedule
 * (created, edited, switched, and after every run with its new next run times), `scheduleDeleted
 * { id }`. Returns the unsubscribe.
 */
export function bridgeSchedulesToOwner(scheduler: Scheduler, engine: TaskService, owners: OwnerSockets): () => void {
  return scheduler.subscribe((event) => {
    if (owners.size === 0) return;
    const timestamp = new Date().toISOString();
    if (event.type === 'scheduleDeleted') owners.broadcast({ type: 'scheduleDeleted', data: { id: event.id }, timestamp });
    else owners.broadcast({ type: 'scheduleUpdated', data: toScheduleDto(event.schedule, (id) => engine.get(id)), timestamp });
  });
}
