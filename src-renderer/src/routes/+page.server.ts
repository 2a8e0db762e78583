import type { PageServerLoad } from './$types';
import type { TaskDto } from '$lib/protocol.js';
import { CLEARED_COOKIE } from '$lib/session/session-id.js';
import { isFiltering, readFilter } from '$lib/tasks/task-filter.js';
import { addMissing, sortNewestFirst, type TaskCounts } from '$lib/tasks/task-list.js';
import { readView } from '$lib/tasks/list-view.js';
import { listTasks } from '$lib/tasks/tasks-api.js';

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
  try {
    const page = await listTasks(fetch, locals.sessionId, { limit: TASK_LIMIT });
    tasks = [...sortNewestFirst(page.items)];
    total = page.total;
    counts = page.counts;
    if (isFiltering(filter) && total > tasks.length) {
      const matching = await listTasks(fetch, locals.sessionId, { limit: TASK_LIMIT, state: filter.state, q: filter.q });
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
    loadError,
    serverTime: new Date().toISOString(),
  };
};
