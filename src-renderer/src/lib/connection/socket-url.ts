/** Where the task socket lives: `/ws` on the page's own origin. */

/** Where a reconnecting socket picks up: the last message number it saw in a server run. */
export interface ResumePoint {
  epoch: string;
  lastSeq: number;
}

/**
 * The WebSocket URL for a session, derived from the page location (`ws:` for `http:`, `wss:`
 * for `https:`). With a resume point the server replays exactly the missed messages (or sends a
 * fresh snapshot when it cannot). `allSessions` asks for every session's tasks (the owner only).
 */
export function socketUrl(location: Pick<Location, 'protocol' | 'host'>, sessionId: string, resume: ResumePoint | null = null, allSessions = false): string {
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  const query = new URLSearchParams({ sessionId });
  // The owner's "All tasks" view: every session's messages (refused to anyone else).
  if (allSessions) query.set('scope', 'all');
  if (resume) {
    query.set('lastSeq', String(resume.lastSeq));
    query.set('epoch', resume.epoch);
  }
  return `${scheme}//${location.host}/ws?${query.toString()}`;
}
