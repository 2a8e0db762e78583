import type { PageServerLoad } from './$types';
import type { TaskDto } from '$lib/protocol.js';
import { CLEARED_COOKIE } from '$lib/session/session-id.js';
import { isFiltering, readFilter } from '$lib/tasks/task-filter.js';
import { addMissing, sortNewestFirst, type TaskCounts } from '$lib/tasks/task-list.js';
import { readScope, readView, type ListScope } from '$lib/tasks/list-view.js';
import { listTasks } from '$lib/tasks/tasks-api.js';
import { loadJobs } from '$lib/jobs/jobs-api.js';
import { fetchQueue } from '$lib/schedules/schedules-api.js';

/** How many of the session's tasks the first HTML holds (its newest). */
const TASK_LIMIT = 200;

/**
 * Renders the session's tasks into the first HTML, so the page is useful before any script runs:
 * its newest tasks (what the counters count and the live updates keep current) and, when the URL
 * filters (`?state=failed&q=report`) and the session has more tasks than that, the matching older
 * ones too. The page filters what it holds; the first HTML already shows the filtered list.
 */
export const load: PageServerLoad = async ({ fetch, locals, cookies, url }) => {
  // Earlier versions hid "cleared" tasks by a time mark; clearing deletes them now.
  if (cookies.get(CLEARED_COOKIE) !== undefined) cookies.delete(CLEARED_COOKIE, { path: '/', httpOnly: false });
  const filter = readFilter(url.searchParams);
  let tasks: TaskDto[] = [];
  let total = 0;
  let counts: TaskCounts | null = null;
  let loadError: string | null = null;
  // The owner (this machine, or the API token) may see every session; the API says who is.
  const isOwner = await ownerCheck(fetch);
  // The owner's header shows whether the queue is paused (null: not the owner, or no queue control).
  const queueAnswer = isOwner ? await fetchQueue(fetch) : null;
  const scope: ListScope = isOwner ? readScope(url.searchParams) : 'mine';
  const all = scope === 'all';
  // The jobs of the owner's jobs file this browser may start (none without a file).
  const jobs = await loadJobs(fetch);
  try {
    // "All tasks" narrowed by kind, session or time: the newest of that scope, and its counts.
    const scope = all ? { kind: filter.kind, session: filter.session, after: filter.after, before: filter.before } : {};
    const page = await listTasks(fetch, locals.sessionId, { ...scope, limit: TASK_LIMIT, all });
    tasks = [...sortNewestFirst(page.items)];
    total = page.total;
    counts = page.counts;
    if (isFiltering(filter) && total > tasks.length) {
      const matching = await listTasks(fetch, locals.sessionId, { ...filter, limit: TASK_LIMIT, all });
      tasks = [...addMissing(tasks, matching.items)];
    }
  } catch (error) {
    loadError = `Could not load tasks (${error instanceof Error ? error.message : String(error)}). They will appear once connected.`;
  }
  return {
    sessionId: locals.sessionId,
    sessionIsNew: locals.sessionIsNew,
    tasks,
    total,
    counts,
    filter,
    view: readView(url.searchParams),
    scope,
    isOwner,
    jobs,
    queue: queueAnswer?.ok ? queueAnswer.value : null,
    loadError,
    serverTime: new Date().toISOString(),
  };
};

/** Whether the browser is the owner: only the owner may list every session (`all=1`). */
async function ownerCheck(fetchFn: typeof fetch): Promise<boolean> {
  try {
    const response = await fetchFn('/api/tasks?all=1&limit=0', { headers: { Accept: 'application/json' } });
    return response.ok;
  } catch {
    return false;
  }
}
