/**
 * One task, live, for its own page: starts from the server-rendered story and follows the task on
 * the page's live connection: the session's socket for a task of this session, the owner's
 * all-tasks socket (`scope=all`) for another session's. State changes extend the timeline.
 */
import type { ServerMessage, TaskDto } from '../protocol.js';
import { LiveConnection } from '../connection/live-connection.svelte.js';
import { admit, resumePoint, START, type StreamPosition } from '../connection/message-order.js';
import { socketUrl } from '../connection/socket-url.js';
import { restLogReader, TaskLogFeed } from '../logs/task-log-feed.svelte.js';
import { isNotOlder } from './task-list.js';
import { appendChange, readStory, type StoryEntry, type TaskStory } from './task-story.js';

/** Reactive state of the task page. */
export class TaskWatch {
  task = $state.raw<TaskDto>(null as unknown as TaskDto);
  history = $state.raw<readonly StoryEntry[]>([]);
  /** Whether the task was deleted while the page was open. */
  deleted = $state(false);
  readonly connection: LiveConnection;
  /** The task's log, followed over the same socket. */
  readonly logs: TaskLogFeed;
  #position: StreamPosition = START;
  readonly #sessionId: string;

  constructor(story: TaskStory, sessionId: string) {
    this.#sessionId = sessionId;
    this.task = story.task;
    this.history = story.history;
    const allSessions = story.task.clientId !== sessionId;
    this.connection = new LiveConnection({
      url: () => socketUrl(location, sessionId, resumePoint(this.#position), allSessions),
      onMessage: (message) => this.#handle(message),
      onLog: () => {},
    });
    this.logs = new TaskLogFeed((message) => this.connection.send(message), restLogReader(fetch));
  }

  /** Goes live (browser only). */
  start(): void {
    this.connection.start();
  }

  stop(): void {
    this.connection.stop();
  }

  #handle(message: ServerMessage): void {
    const { position, verdict } = admit(this.#position, message);
    this.#position = position;
    if (verdict === 'skip') return;
    this.logs.handle(message);
    switch (message.type) {
      case 'snapshot': {
        const fresh = message.data.tasks.find((task) => task.id === this.task.id);
        if (fresh) this.#update(fresh, message.timestamp, true);
        // Changes made while no socket was open (before this one, or during a reconnect) are
        // not in the live stream: the server's history has them.
        void this.#reload();
        break;
      }
      case 'taskQueued':
      case 'taskProgress':
        if (message.data.id === this.task.id) this.#update(message.data, message.timestamp, verdict === 'apply');
        break;
      case 'tasksDeleted':
        if (message.data.ids.includes(this.task.id)) this.deleted = true;
        break;
      default:
        break;
    }
  }

  async #reload(): Promise<void> {
    try {
      const url = `/api/tasks/${encodeURIComponent(this.task.id)}/history?clientId=${encodeURIComponent(this.#sessionId)}`;
      const response = await fetch(url, { headers: { Accept: 'application/json' } });
      const story = response.ok ? readStory(await response.json()) : null;
      if (!story) return;
      // Keep anything newer that arrived live meanwhile.
      const latest = isNotOlder(story.task, this.task) ? story.task : this.task;
      this.history = appendChange(story.history, story.task, latest, new Date().toISOString());
      this.task = latest;
    } catch {
      // the live stream still runs; the next connection tries again
    }
  }

  #update(next: TaskDto, at: string, ordered: boolean): void {
    if (!ordered && !isNotOlder(next, this.task)) return;
    this.history = appendChange(this.history, this.task, next, at);
    this.task = next;
  }
}
