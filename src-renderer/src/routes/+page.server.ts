import type { PageServerLoad } from './$types';
import type { TaskDto } from '$lib/protocol.js';
import { CLEARED_COOKIE } from '$lib/session/session-id.js';
import { isFiltering, readFilter, type TaskFilter } from '$lib/tasks/task-filter.js';
import { sortNewestFirst, type TaskCounts } from '$lib/tasks/task-list.js';
import { LIST_LIMIT, PAGE_SIZE, pageCount, readPage } from '$lib/tasks/task-pages.js';
import { readScope, readView, type ListScope } from '$lib/tasks/list-view.js';
import { listTasks } from '$lib/tasks/tasks-api.js';
import { loadJobs } from '$lib/jobs/jobs-api.js';
import { fetchQueue, ownerOnly } from '$lib/schedules/schedules-api.js';

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
  const offset = (Math.min(readPage(url.searchParams), pageCount(LIST_LIMIT, size)) - 1) * size;
  // Every request below goes out at once (each is a round trip through the API): the time to the
  // first byte is one round, not three. The owner (this machine, or the API token) may see every
  // session and the queue; the API says who is: the queue answers only the owner (others 403,
  // by the same check as listing every session), so its answer settles it, and only an answer
  // that is neither (the queue failed) asks the list itself.
  const queueAnswer = fetchQueue(fetch);
  const ownerAnswer = queueAnswer.then((queue) => (queue.ok ? true : ownerOnly(queue) ? false : ownerCheck(fetch)));
  // The jobs of the owner's jobs file this browser may start (none without a file).
  const jobsAnswer = loadJobs(fetch);
  const wantsAll = readScope(url.searchParams) === 'all';
  const mine = wantsAll ? null : firstPage(fetch, locals.sessionId, filter, false, size, offset);
  // Awaited below (its failure shows as loadError), but it may fail while the owner check runs.
  mine?.catch(() => undefined);
  const isOwner = await ownerAnswer;
  const scope: ListScope = isOwner && wantsAll ? 'all' : 'mine';
  let tasks: TaskDto[] = [];
  let total = 0;
  let listed = 0;
  let shownFrom = 0;
  let counts: TaskCounts | null = null;
  let loadError: string | null = null;
  try {
    const first = await (mine ?? firstPage(fetch, locals.sessionId, filter, scope === 'all', size, offset));
    ({ tasks, total, listed, counts } = first);
    shownFrom = first.offset;
  } catch (error) {
    loadError = `Could not load tasks (${error instanceof Error ? error.message : String(error)}). They will appear once connected.`;
  }
  const [queue, jobs] = await Promise.all([queueAnswer, jobsAnswer]);
  return {
    sessionId: locals.sessionId,
    sessionIsNew: locals.sessionIsNew,
    tasks,
    total,
    listed,
    offset: shownFrom,
    counts,
    filter,
    view,
    scope,
    isOwner,
    jobs,
    queue: isOwner && queue?.ok ? queue.value : null,
    loadError,
    serverTime: new Date().toISOString(),
  };
};

/**
 * The page of the (filtered) list at `offset`, with the scope's total and counts: one request, or
 * two at once when filtering (the counts and total are of the whole scope, whatever is shown).
 * A page past the end (the list shrank since the link was made) gives its last page instead.
 */
async function firstPage(fetchFn: typeof fetch, sessionId: string, filter: TaskFilter, all: boolean, size: number, offset: number) {
  // "All tasks" narrowed by kind, session or time: that scope's total and counts.
  const scopeFilter = all ? { kind: filter.kind, session: filter.session, after: filter.after, before: filter.before } : {};
  const pageAt = (at: number) => listTasks(fetchFn, sessionId, { ...filter, limit: size, offset: at, all });
  const [whole, first] = await Promise.all([isFiltering(filter) ? listTasks(fetchFn, sessionId, { ...scopeFilter, limit: 0, all }) : null, pageAt(offset)]);
  let page = first;
  const listed = Math.min(page.total, LIST_LIMIT);
  let at = offset;
  if (at > 0 && at >= listed) {
    at = (pageCount(listed, size) - 1) * size;
    page = await pageAt(at);
  }
  return { tasks: [...sortNewestFirst(page.items)], total: (whole ?? page).total, counts: (whole ?? page).counts, listed, offset: at };
}

/** Whether the browser is the owner: only the owner may list every session (`all=1`). */
async function ownerCheck(fetchFn: typeof fetch): Promise<boolean> {
  try {
    const response = await fetchFn('/api/tasks?all=1&limit=0', { headers: { Accept: 'application/json' } });
    return response.ok;
  } catch {
    return false;
  }
}
