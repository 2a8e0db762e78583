/** HTTP calls of the charts page: the stats of a range, and the kinds to choose from. */
import { isObject } from '../tasks/read-task.js';
import { readStatsAnswer, type StatsAnswer, type StatsRange } from './stats-series.js';

/** What asking for the stats gave: the answer, or why there is none. */
export type StatsLoad = { ok: true; stats: StatsAnswer } | { ok: false; reason: 'owner-only' | 'unreadable' | 'unreachable'; message: string };

/** The `GET /api/stats` URL of a range, for all kinds or one. */
export function statsUrl(range: StatsRange, kind: string | null): string {
  const query = new URLSearchParams({ range });
  if (kind) query.set('kind', kind);
  return `/api/stats?${query.toString()}`;
}

/** Asks the server for a range's stats. Expected refusals are values, not exceptions. */
export async function loadStats(fetchFn: typeof fetch, range: StatsRange, kind: string | null): Promise<StatsLoad> {
  let response: Response;
  try {
    response = await fetchFn(statsUrl(range, kind), { headers: { Accept: 'application/json' } });
  } catch (cause) {
    return { ok: false, reason: 'unreachable', message: `Could not reach the server (${cause instanceof Error ? cause.message : String(cause)})` };
  }
  if (response.status === 401 || response.status === 403) {
    return { ok: false, reason: 'owner-only', message: 'The charts show every session’s tasks, so only the owner may see them: open this page on the machine that runs the monitor, or use its API token.' };
  }
  const stats = response.ok ? readStatsAnswer(await response.json().catch(() => null)) : null;
  if (!stats) return { ok: false, reason: 'unreadable', message: `The server answered HTTP ${response.status} with nothing this page can read` };
  return { ok: true, stats };
}

/** The task kinds the queue knows (`GET /api/queue`), sorted; none when it cannot say. */
export async function loadKinds(fetchFn: typeof fetch): Promise<string[]> {
  try {
    const response = await fetchFn('/api/queue', { headers: { Accept: 'application/json' } });
    const body: unknown = response.ok ? await response.json() : null;
    if (!isObject(body) || !Array.isArray(body['kinds'])) return [];
    const kinds = body['kinds'].map((entry) => (isObject(entry) && typeof entry['kind'] === 'string' ? entry['kind'] : null));
    return kinds.filter((kind): kind is string => kind !== null).sort();
  } catch {
    return [];
  }
}
