/**
 * How the task list is drawn: `cards` (every detail of each task) or `compact` (one line per task,
 * for many tasks at once). Kept in the page URL (`?view=compact`) like the filter, so a reload or
 * a shared link looks the same and the server renders it so. Pure.
 */

/** The ways to draw the list. */
export type ListView = 'cards' | 'compact';

/** The view a URL asks for; anything but `compact` is the default, cards. */
export function readView(params: URLSearchParams): ListView {
  return params.get('view') === 'compact' ? 'compact' : 'cards';
}

/** Writes the view into a URL's query (absent for the default), keeping its other parameters. */
export function withView(url: URL, view: ListView): URL {
  const next = new URL(url);
  if (view === 'compact') next.searchParams.set('view', 'compact');
  else next.searchParams.delete('view');
  return next;
}

/** Whose tasks the list shows: the browser's session, or every session's (the owner only). */
export type ListScope = 'mine' | 'all';

/** The scope a URL asks for (`?scope=all`); anything else is the session's own. */
export function readScope(params: URLSearchParams): ListScope {
  return params.get('scope') === 'all' ? 'all' : 'mine';
}
