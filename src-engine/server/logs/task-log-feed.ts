import type WebSocket from 'ws';
import type { TaskService } from '../../engine/task-service.js';
import { TASK_LOG_BACKLOG, type TaskLogData, type TaskLogLine, type TaskLogMessage, type TaskLogRefusedMessage } from '../../protocol/messages.js';
import { sendFrame, sendMessage } from '../socket-hub.js';

/** Options of {@link TaskLogFeed}. */
export interface TaskLogFeedOptions {
  /** Lines are gathered this long into one frame per task. Default 100 ms. */
  flushMs?: number;
  /** Most lines per frame per task; older ones of a batch are left out (counted in `skipped`). Default 500. */
  maxLinesPerFrame?: number;
  /** Most tasks one socket follows at once. Default 32. */
  maxSubscriptionsPerSocket?: number;
}

interface Batch {
  lines: TaskLogLine[];
  skipped: number;
}

/**
 * Streams log lines to the sockets that asked for them (`subscribeLog`), and to no one else, so
 * that a chatty task costs nothing to the clients that do not watch it. A subscription is
 * checked like every task access: only the task's own session may follow it. Lines are batched
 * per task (one frame per {@link TaskLogFeedOptions.flushMs}), and a batch is bounded: a task
 * that writes faster than a person can read has the older lines of a batch left out and counted.
 */
export class TaskLogFeed {
  private readonly subscribers = new Map<string, Set<WebSocket>>();
  private readonly followed = new WeakMap<WebSocket, Map<string, number>>();
  private readonly batches = new Map<string, Batch>();
  private readonly unsubscribeEngine: () => void;
  private timer: NodeJS.Timeout | undefined;
  private readonly flushMs: number;
  private readonly maxLines: number;
  private readonly maxSubscriptions: number;

  constructor(
    private readonly engine: TaskService,
    options: TaskLogFeedOptions = {},
  ) {
    this.flushMs = options.flushMs ?? 100;
    this.maxLines = options.maxLinesPerFrame ?? 500;
    this.maxSubscriptions = options.maxSubscriptionsPerSocket ?? 32;
    this.unsubscribeEngine = engine.subscribe((event) => {
      if (event.type === 'taskLog') this.onLine(event.task.id, event.line);
      else if (event.type === 'tasksDeleted') for (const id of event.ids) this.drop(id);
    });
  }

  /** Handles a client message if it is one of ours; answers whether it was. */
  handle(socket: WebSocket, sessionId: string, message: { type?: unknown; taskId?: unknown; after?: unknown }): boolean {
    if (message.type !== 'subscribeLog' && message.type !== 'unsubscribeLog') return false;
    const taskId = typeof message.taskId === 'string' ? message.taskId : '';
    if (message.type === 'unsubscribeLog') this.unsubscribe(socket, taskId);
    else this.subscribe(socket, sessionId, taskId, typeof message.after === 'number' && Number.isInteger(message.after) && message.after >= 0 ? message.after : 0);
    return true;
  }

  /**
   * Follows a task's log: sends at once the stored lines above `after` (the latest
   * {@link TASK_LOG_BACKLOG}), then the new ones as they come. Nothing can slip between the two:
   * both happen in one synchronous step.
   */
  subscribe(socket: WebSocket, sessionId: string, taskId: string, after: number): void {
    const task = this.engine.get(taskId);
    if (!task || task.clientId !== sessionId) return this.refuse(socket, taskId, 'NOT_FOUND', `No task with id ${taskId.slice(0, 64)} in this session`);
    let mine = this.followed.get(socket);
    if (!mine) {
      this.followed.set(socket, (mine = new Map()));
      socket.once('close', () => this.forgetSocket(socket));
    }
    if (!mine.has(taskId) && mine.size >= this.maxSubscriptions) {
      return this.refuse(socket, taskId, 'TOO_MANY_SUBSCRIPTIONS', `A connection may follow at most ${this.maxSubscriptions} logs at once: unsubscribe one first`);
    }
    const last = this.engine.logs.read(taskId, Number.MAX_SAFE_INTEGER, 1).lastSeq;
    const from = Math.max(after, last - TASK_LOG_BACKLOG);
    const backlog = this.engine.logs.read(taskId, from, TASK_LOG_BACKLOG);
    const seq = Math.max(after, backlog.lastSeq);
    const data: TaskLogData = { taskId, lines: backlog.lines, seq };
    if (from > after) data.skipped = from - after;
    sendMessage(socket, { type: 'taskLog', data, timestamp: new Date().toISOString() } satisfies TaskLogMessage);
    mine.set(taskId, seq);
    let sockets = this.subscribers.get(taskId);
    if (!sockets) this.subscribers.set(taskId, (sockets = new Set()));
    sockets.add(socket);
  }

  unsubscribe(socket: WebSocket, taskId: string): void {
    this.followed.get(socket)?.delete(taskId);
    const sockets = this.subscribers.get(taskId);
    sockets?.delete(socket);
    if (sockets?.size === 0) this.drop(taskId);
  }

  /** Stops listening to the engine. */
  close(): void {
    this.unsubscribeEngine();
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  private onLine(taskId: string, line: TaskLogLine): void {
    if (!this.subscribers.has(taskId)) return;
    let batch = this.batches.get(taskId);
    if (!batch) this.batches.set(taskId, (batch = { lines: [], skipped: 0 }));
    batch.lines.push(line);
    if (batch.lines.length > this.maxLines * 2) {
      // Amortised: trim to the newest maxLines only once twice as many have gathered.
      batch.skipped += batch.lines.length - this.maxLines;
      batch.lines = batch.lines.slice(-this.maxLines);
    }
    this.timer ??= setTimeout(() => this.flush(), this.flushMs);
  }

  private flush(): void {
    this.timer = undefined;
    const timestamp = new Date().toISOString();
    for (const [taskId, batch] of this.batches) {
      const sockets = this.subscribers.get(taskId);
      if (!sockets) continue;
      let { lines, skipped } = batch;
      if (lines.length > this.maxLines) {
        skipped += lines.length - this.maxLines;
        lines = lines.slice(-this.maxLines);
      }
      const seq = lines[lines.length - 1]!.seq;
      let shared: Buffer | undefined;
      for (const socket of sockets) {
        const mine = this.followed.get(socket);
        const sentThrough = mine?.get(taskId) ?? 0;
        mine?.set(taskId, Math.max(sentThrough, seq));
        if (sentThrough >= seq) continue;
        if (sentThrough >= lines[0]!.seq) {
          // Subscribed after some of these lines were gathered: its backlog had them already.
          sendMessage(socket, frame(taskId, lines.filter((line) => line.seq > sentThrough), seq, 0, timestamp));
          continue;
        }
        shared ??= Buffer.from(JSON.stringify(frame(taskId, lines, seq, skipped, timestamp)));
        sendFrame(socket, shared);
      }
    }
    this.batches.clear();
  }

  private refuse(socket: WebSocket, taskId: string, code: string, message: string): void {
    const refusal: TaskLogRefusedMessage = { type: 'taskLogRefused', data: { taskId: taskId.slice(0, 64), code, message }, timestamp: new Date().toISOString() };
    sendMessage(socket, refusal);
  }

  private drop(taskId: string): void {
    this.subscribers.delete(taskId);
    this.batches.delete(taskId);
  }

  private forgetSocket(socket: WebSocket): void {
    for (const taskId of this.followed.get(socket)?.keys() ?? []) {
      const sockets = this.subscribers.get(taskId);
      sockets?.delete(socket);
      if (sockets?.size === 0) this.drop(taskId);
    }
    this.followed.delete(socket);
  }
}

function frame(taskId: string, lines: TaskLogLine[], seq: number, skipped: number, timestamp: string): TaskLogMessage {
  const data: TaskLogData = { taskId, lines, seq };
  if (skipped > 0) data.skipped = skipped;
  return { type: 'taskLog', data, timestamp };
}
