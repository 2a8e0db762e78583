import type { TaskState } from '$lib/protocol.js';

/** How each state reads to a person: one wording for badges, filters and anything else. */
export const STATE_LABELS: Readonly<Record<TaskState, string>> = {
  scheduled: 'Scheduled',
  queued: 'Queued',
  running: 'Running',
  completed: 'Completed',
  failed: 'Failed',
  cancelled: 'Cancelled',
};
