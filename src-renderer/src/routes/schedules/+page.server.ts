import type { PageServerLoad } from './$types';
import { fetchJobIds, fetchQueue, listSchedules, ownerOnly as refusedAsNotOwner } from '$lib/schedules/schedules-api.js';

/**
 * The schedules view, rendered on the server: the schedules and the queue's switches (owner only:
 * a paired device is told so instead), and the kinds a schedule may run (`demo` and the jobs).
 */
export const load: PageServerLoad = async ({ fetch, locals }) => {
  const [schedules, queue, jobs] = await Promise.all([listSchedules(fetch), fetchQueue(fetch), fetchJobIds(fetch)]);
  const ownerOnly = refusedAsNotOwner(schedules);
  return {
    sessionId: locals.sessionId,
    ownerOnly,
    loadError: !schedules.ok && !ownerOnly ? schedules.message : null,
    schedules: schedules.ok ? schedules.value : [],
    queue: queue.ok ? queue.value : null,
    kinds: ['demo', ...jobs.filter((id) => id !== 'demo')],
    serverTime: new Date().toISOString(),
  };
};
