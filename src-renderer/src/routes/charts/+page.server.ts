import type { PageServerLoad } from './$types';
import { loadKinds, loadStats } from '$lib/stats/stats-api.js';
import { parseRange } from '$lib/stats/stats-series.js';

/**
 * The charts page, rendered on the server with its summaries and data tables (the charts
 * themselves draw in the browser): the range and kind come from the URL (`?range=24h&kind=demo`).
 * Only the owner may see them; anyone else gets the page with an explanation.
 */
export const load: PageServerLoad = async ({ fetch, url, locals }) => {
  const range = parseRange(url.searchParams.get('range'));
  const kind = url.searchParams.get('kind') || null;
  const [stats, kinds] = await Promise.all([loadStats(fetch, range, kind), loadKinds(fetch)]);
  return { range, kind, stats, kinds, sessionId: locals.sessionId };
};
