/**
 * The task logs a page follows live, over its one WebSocket: `subscribeLog` when a log view
 * opens (each task once, however many views show it), `unsubscribeLog` when the last one closes,
 * and after every reconnect `subscribeLog` again with `after` = the last line held, so no line is
 * lost or shown twice (`appendLog` drops repeats).
 */
import type { ClientMessage, ServerMessage } from '../protocol.js';
import { appendLog, EMPTY_LOG, type TaskLogState } from './task-log.js';

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

  constructor(readonly taskId: string) {}
}

/** Every log the page follows; feed it the socket's messages with {@link handle}. */
export class TaskLogFeed {
  readonly #send: (message: ClientMessage) => boolean;
  readonly #logs = new Map<string, FollowedLog>();

  /** `send` returns false while the socket is down: the subscription is then made at the next `connection`. */
  constructor(send: (message: ClientMessage) => boolean) {
    this.#send = send;
  }

  /** Starts following a task's log (or joins the views already following it). Pair with {@link close}. */
  open(taskId: string): FollowedLog {
    let log = this.#logs.get(taskId);
    if (!log) {
      log = new FollowedLog(taskId);
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
        log.state = appendLog(log.state, message.data.lines, message.data.seq, message.data.skipped ?? 0);
        log.loaded = true;
        log.refused = null;
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

  #subscribe(log: FollowedLog): void {
    this.#send({ type: 'subscribeLog', taskId: log.taskId, after: log.state.lastSeq });
  }
}
