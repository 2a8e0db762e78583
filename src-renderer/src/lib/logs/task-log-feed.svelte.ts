/**
 * The task logs a page follows live, over its one WebSocket: `subscribeLog` when a log view
 * opens (each task once, however many views show it), `unsubscribeLog` when the last one closes,
 * and after every reconnect `subscribeLog` again with `after` = the last line held, so no line is
 * lost or shown twice (`appendLog` drops repeats).
 */
import type { ClientMessage, ServerMessage, TaskLogLine } from '../protocol.js';
import { appendLog, EMPTY_LOG, LOG_LINE_CAP, prependLog, type TaskLogState } from './task-log.js';

/** Reads stored lines of a task's log numbered above `after` (`GET /api/tasks/:id/logs`); throws on failure. */
export type LogPageReader = (taskId: string, clientId: string, after: number, limit: number) => Promise<TaskLogLine[]>;

/** Most lines one `GET /api/tasks/:id/logs` answers (the server's `MAX_LOG_PAGE`). */
const MAX_LOG_PAGE = 5000;

/** `GET /api/tasks/:id/logs?clientId=…&after=…&limit=…` with the page's fetch. */
export function restLogReader(fetchFn: typeof fetch): LogPageReader {
  return async (taskId, clientId, after, limit) => {
    const query = new URLSearchParams({ clientId, after: String(after), limit: String(limit) });
    const response = await fetchFn(`/api/tasks/${encodeURIComponent(taskId)}/logs?${query.toString()}`, { headers: { Accept: 'application/json' } });
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    const body = (await response.json()) as { lines?: unknown };
    return Array.isArray(body.lines) ? (body.lines as TaskLogLine[]) : [];
  };
}

/** One followed log, reactive. */
export class FollowedLog {
  /** Lines held, last seq, trimmed and skipped counts. */
  state = $state.raw<TaskLogState>(EMPTY_LOG);
  /** Why the server refused the log (another session's task, too many followed), or null. */
  refused = $state<string | null>(null);
  /** Whether the first frame (the stored lines) has arrived. */
  loaded = $state(false);
  /** Open views showing it. */
  viewers = 0;

  constructor(
    readonly taskId: string,
    readonly clientId: string,
  ) {}
}

/** Every log the page follows; feed it the socket's messages with {@link handle}. */
export class TaskLogFeed {
  readonly #send: (message: ClientMessage) => boolean;
  readonly #read: LogPageReader | null;
  readonly #logs = new Map<string, FollowedLog>();

  /**
   * `send` returns false while the socket is down: the subscription is then made at the next
   * `connection`. `read` (REST) fills in the older lines a first frame leaves out of a long log.
   */
  constructor(send: (message: ClientMessage) => boolean, read: LogPageReader | null = null) {
    this.#send = send;
    this.#read = read;
  }

  /** Starts following a task's log (or joins the views already following it). Pair with {@link close}. */
  open(taskId: string, clientId: string): FollowedLog {
    let log = this.#logs.get(taskId);
    if (!log) {
      log = new FollowedLog(taskId, clientId);
      this.#logs.set(taskId, log);
      this.#subscribe(log);
    }
    log.viewers++;
    return log;
  }

  /** One view of the log closed; the last one unsubscribes and forgets it. */
  close(taskId: string): void {
    const log = this.#logs.get(taskId);
    if (!log) return;
    log.viewers--;
    if (log.viewers > 0) return;
    this.#logs.delete(taskId);
    this.#send({ type: 'unsubscribeLog', taskId });
  }

  /** The followed log of a task, if a view has it open. */
  get(taskId: string): FollowedLog | undefined {
    return this.#logs.get(taskId);
  }

  /** Takes the socket's messages: a new connection resubscribes; log frames go to their log. */
  handle(message: ServerMessage): void {
    switch (message.type) {
      case 'connection':
        // A new socket follows nothing: ask again from the last line held.
        for (const log of this.#logs.values()) this.#subscribe(log);
        break;
      case 'taskLog': {
        const log = this.#logs.get(message.data.taskId);
        if (!log) return;
        const first = !log.loaded;
        log.state = appendLog(log.state, message.data.lines, message.data.seq, message.data.skipped ?? 0);
        log.loaded = true;
        log.refused = null;
        // A long stored log comes with only its latest lines: read the older ones, up to the cap.
        if (first && (message.data.skipped ?? 0) > 0) void this.#fill(log);
        break;
      }
      case 'taskLogRefused': {
        const log = this.#logs.get(message.data.taskId);
        if (log) log.refused = message.data.message;
        break;
      }
      default:
        break;
    }
  }

  async #fill(log: FollowedLog): Promise<void> {
    const first = log.state.lines[0]?.seq;
    const room = LOG_LINE_CAP - log.state.lines.length;
    if (!this.#read || first === undefined || room <= 0) return;
    const limit = Math.min(room, MAX_LOG_PAGE);
    try {
      const older = await this.#read(log.taskId, log.clientId, Math.max(0, first - 1 - limit), limit);
      if (this.#logs.get(log.taskId) === log) log.state = prependLog(log.state, older);
    } catch {
      // The notice and the download still offer the whole log.
    }
  }

  #subscribe(log: FollowedLog): void {
    this.#send({ type: 'subscribeLog', taskId: log.taskId, after: log.state.lastSeq });
  }
}
