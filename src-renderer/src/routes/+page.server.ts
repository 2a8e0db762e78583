import type { PageServerLoad } from './$types';
import type { TaskDto } from '$lib/protocol.js';
import { CLEARED_COOKIE } from '$lib/session/session-id.js';
import { isFiltering, readFilter } from '$lib/tasks/task-filter.js';
import { sortNewestFirst, type TaskCounts } from '$lib/tasks/task-list.js';
import { LIST_LIMIT, PAGE_SIZE, pageCount, readPage } from '$lib/tasks/task-pages.js';
import { readScope, readView, type ListScope } from '$lib/tasks/list-view.js';
import { listTasks } from '$lib/tasks/tasks-api.js';
import { loadJobs } from '$lib/jobs/jobs-api.js';
import { fetchQueue } from '$lib/schedules/schedules-api.js';

/**
 * Renders the first page of the session's tasks into the first HTML (the page the URL asks for,
 * `?page=2`, of the list as the URL filters it: `?state=failed&q=report`), so the page is useful
 * before any script runs, and no more: the page's socket brings the rest in its snapshot, and
 * the list draws one page at a time (`tasks/task-pages.ts`). The HTML stays small whatever the
 * history holds, and the browser hydrates one page of cards, not hundreds.
 */
export const load: PageServerLoad = async ({ fetch, locals, cookies, url }) => {
  // Earlier versions hid "cleared" tasks by a time mark; clearing deletes them now.
  if (cookies.get(CLEARED_COOKIE) !== undefined) cookies.delete(CLEARED_COOKIE, { path: '/', httpOnly: false });
  const filter = readFilter(url.searchParams);
  const view = readView(url.searchParams);
  const size = PAGE_SIZE[view];
  // The owner (this machine, or the API token) may see every session; the API says who is.
  // The jobs of the owner's jobs file this browser may start (none without a file).
  const [isOwner, jobs] = await Promise.all([ownerCheck(fetch), loadJobs(fetch)]);
  const scope: ListScope = isOwner ? readScope(url.searchParams) : 'mine';
  const all = scope === 'all';
  // The owner's header shows whether the queue is paused (null: not the owner, or no queue control).
  const queueAnswer = isOwner ? fetchQueue(fetch) : Promise.resolve(null);
  let tasks: TaskDto[] = [];
  let total = 0;
  let listed = 0;
  let offset = 0;
  let counts: TaskCounts | null = null;
  let loadError: string | null = null;
  try {
    // "All tasks" narrowed by kind, session or time: that scope's total and counts.
    const scopeFilter = all ? { kind: filter.kind, session: filter.session, after: filter.after, before: filter.before } : {};
    const pageOf = (at: number) => listTasks(fetch, locals.sessionId, { ...filter, limit: size, offset: at, all });
    offset = (Math.min(readPage(url.searchParams), pageCount(LIST_LIMIT, size)) - 1) * size;
    const [whole, first] = await Promise.all([
      isFiltering(filter) ? listTasks(fetch, locals.sessionId, { ...scopeFilter, limit: 0, all }) : null,
      pageOf(offset),
    ]);
    let page = first;
    listed = Math.min(page.total, LIST_LIMIT);
    if (offset > 0 && offset >= listed) {
      // A page past the end (the list shrank since the link was made): its last page instead.
      offset = (pageCount(listed, size) - 1) * size;
      page = await pageOf(offset);
    }
    tasks = [...sortNewestFirst(page.items)];
    total = (whole ?? page).total;
    counts = (whole ?? page).counts;
  } catch (error) {
    loadError = `Could not load tasks (${error instanceof Error ? error.message : String(error)}). They will appear once connected.`;
  }
  const queue = await queueAnswer;
  return {
    sessionId: locals.sessionId,
    sessionIsNew: locals.sessionIsNew,
    tasks,
    total,
    listed,
    offset,
    counts,
    filter,
    view,
    scope,
    isOwner,
    jobs,
    queue: queue?.ok ? queue.value : null,
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
