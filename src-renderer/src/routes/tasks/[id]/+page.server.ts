import { error } from '@sveltejs/kit';
import type { PageServerLoad } from './$types';
import { readStory } from '$lib/tasks/task-story.js';

/**
 * A task's own page, rendered on the server: the task and its story (`GET /api/tasks/:id/history`),
 * with the access rule of the API: a task of this browser's session, or any task for the owner.
 */
export const load: PageServerLoad = async ({ fetch, locals, params }) => {
  const url = `/api/tasks/${encodeURIComponent(params.id)}/history?clientId=${encodeURIComponent(locals.sessionId)}`;
  let response: Response;
  try {
    response = await fetch(url, { headers: { Accept: 'application/json' } });
  } catch (cause) {
    error(503, `Could not reach the server (${cause instanceof Error ? cause.message : String(cause)})`);
  }
  if (response.status === 404) error(404, 'No task with this id in this session');
  if (!response.ok) error(response.status, `The server answered HTTP ${response.status}`);
  const story = readStory(await response.json());
  if (!story) error(502, 'The server sent an answer this page cannot read');
  return { story, sessionId: locals.sessionId, serverTime: new Date().toISOString() };
};
