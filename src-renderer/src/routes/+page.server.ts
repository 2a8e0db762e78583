import type { PageServerLoad } from './$types';
import type { TaskDto } from '$lib/protocol.js';
import { CLEARED_COOKIE } from '$lib/session/session-id.js';
import { isHidden, sortNewestFirst } from '$lib/tasks/task-list.js';
import { listTasks } from '$lib/tasks/tasks-api.js';

/** How many of the session's tasks the first HTML lists. */
const TASK_LIMIT = 200;

/** Renders the session's tasks into the first HTML, so the page is useful before any script runs. */
export const load: PageServerLoad = async ({ fetch, locals, cookies }) => {
  const mark = cookies.get(CLEARED_COOKIE) ?? null;
  const clearedThrough = mark !== null && !Number.isNaN(Date.parse(mark)) ? mark : null;
  let tasks: TaskDto[] = [];
  let total = 0;
  let loadError: string | null = null;
  try {
    const page = await listTasks(fetch, locals.sessionId, TASK_LIMIT);
    tasks = [...sortNewestFirst(page.items.filter((task) => !isHidden(task, clearedThrough)))];
    total = page.total;
  } catch (error) {
    loadError = `Could not load tasks (${error instanceof Error ? error.message : String(error)}). They will appear once connected.`;
  }
  return {
    sessionId: locals.sessionId,
    sessionIsNew: locals.sessionIsNew,
    tasks,
    total,
    loadError,
    clearedThrough,
    serverTime: new Date().toISOString(),
  };
};
