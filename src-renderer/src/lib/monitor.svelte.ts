/**
 * The monitor page's state: the session, its tasks, the live connection, the event log and the
 * server's connection count, wired together. Components read it; only its methods change it.
 */
import type { ServerMessage, StartTaskRequest, TaskDto } from './protocol.js';
import { LiveConnection } from './connection/live-connection.svelte.js';
import { connectionStatus } from './connection/connection-status.js';
import { admit, resumePoint, START, type StreamPosition } from './connection/message-order.js';
import { socketUrl } from './connection/socket-url.js';
import { EventLog } from './logs/event-log.svelte.js';
import { CLEARED_COOKIE, cookieAssignment, isValidSessionId, SESSION_COOKIE, SESSION_STORAGE_KEY } from './session/session-id.js';
import { describeTransition, placeholderTask } from './tasks/task-list.js';
import { TaskStore } from './tasks/task-store.svelte.js';
import { controlTask, fetchActiveConnections, startTask, type StartTaskOutcome, type TaskAction } from './tasks/tasks-api.js';
import { ServerClock } from './time/server-clock.svelte.js';

/** What the server-rendered page hands over (the `+page.server.ts` load result). */
export interface MonitorInit {
  sessionId: string;
  sessionIsNew: boolean;
  tasks: TaskDto[];
  serverTime: string;
  clearedThrough: string | null;
}

/** How often the connection count is refreshed without an event, ms. */
const HEALTH_INTERVAL_MS = 5000;

/** The page's state and actions. Construct anywhere; {@link start} only in the browser. */
export class Monitor {
  readonly sessionId: string;
  readonly clock: ServerClock;
  readonly tasks: TaskStore;
  readonly log = new EventLog();
  readonly connection: LiveConnection;
  /** Whether the list has been brought up to date over the socket (snapshot or resume) at least once. */
  synced = $state(false);
  /** Open WebSockets on the server (`GET /health`), or null until known. */
  activeConnections = $state<number | null>(null);
  /** Connection indicator text and tone. */
  status = $derived.by(() => connectionStatus(this.connection.phase, this.connection.retryAt, this.clock.clientNow));
  /** Whether what is shown may be out of date (not connected after having been, or a failed first try). */
  stale = $derived.by(() => this.connection.phase !== 'connected' && (this.connection.everConnected || this.connection.failures > 0));

  readonly #init: MonitorInit;
  #position: StreamPosition = START;
  #healthTimer: ReturnType<typeof setInterval> | null = null;
  #healthInFlight = false;
  #healthAgain = false;

  constructor(init: MonitorInit) {
    this.#init = init;
    this.sessionId = init.sessionId;
    this.clock = new ServerClock(init.serverTime);
    this.tasks = new TaskStore(init.tasks, init.clearedThrough, () => this.clock.read());
    this.connection = new LiveConnection({
      url: () => socketUrl(location, this.sessionId, resumePoint(this.#position)),
      onMessage: (message) => this.#handle(message),
      onLog: (level, text) => this.log.add(level, text),
      onChange: () => void this.refreshHealth(),
    });
  }

  /** Goes live: session bookkeeping, socket, clock and connection count. Browser only. */
  start(): void {
    if (this.#adoptStoredSession()) return;
    try {
      localStorage.setItem(SESSION_STORAGE_KEY, this.sessionId);
    } catch {
      // storage may be disabled; the cookie still carries the session
    }
    this.clock.start();
    this.connection.start();
    void this.refreshHealth();
    this.#healthTimer = setInterval(() => {
      if (document.visibilityState === 'visible') void this.refreshHealth();
    }, HEALTH_INTERVAL_MS);
  }

  /** Stops everything {@link start} started. */
  stop(): void {
    this.connection.stop();
    this.clock.stop();
    if (this.#healthTimer) clearInterval(this.#healthTimer);
    this.#healthTimer = null;
  }

  /** Starts a task for this session; on success the task shows at once, before its first message. */
  async startTask(request: Omit<StartTaskRequest, 'clientId'>): Promise<StartTaskOutcome> {
    const outcome = await startTask(fetch, { ...request, clientId: this.sessionId });
    if (outcome.ok) {
      this.log.add('info', `Submitted "${request.name}" (${outcome.taskId})`);
      this.tasks.addPlaceholder(
        placeholderTask({
          id: outcome.taskId,
          name: request.name,
          clientId: this.sessionId,
          duration: request.duration ?? null,
          parameters: { ...(request.parameters ?? {}), ...(request.duration === undefined ? {} : { duration: request.duration }) },
          createdAt: new Date(this.clock.read()).toISOString(),
        }),
      );
    } else {
      this.log.add('error', `Could not start "${request.name}": ${outcome.message}`);
    }
    return outcome;
  }

  /**
   * Cancels or retries one of the session's tasks. The change itself arrives as a task message
   * (or with the snapshot after a reconnect). Returns an error message, or null on success.
   */
  async control(task: TaskDto, action: TaskAction): Promise<string | null> {
    const outcome = await controlTask(fetch, task.id, action, this.sessionId);
    if (!outcome.ok) {
      this.log.add('error', `Could not ${action} "${task.name}": ${outcome.message}`);
      return outcome.message;
    }
    this.log.add('info', `${action === 'cancel' ? 'Cancel' : 'Retry'} requested for "${task.name}"`);
    return null;
  }

  /** Hides finished tasks, now and after reloads. */
  clearFinished(): void {
    const before = this.tasks.finished;
    const mark = this.tasks.clearFinished();
    if (mark !== null) document.cookie = cookieAssignment(CLEARED_COOKIE, mark, { secure: location.protocol === 'https:' });
    this.log.add('info', `Cleared ${before} finished task${before === 1 ? '' : 's'} from the view`);
  }

  /** Sends a ping; the round trip shows when the pong arrives. */
  ping(): void {
    if (this.connection.ping()) this.log.add('info', 'Ping sent');
  }

  /** Refreshes the server's connection count: one request at a time, plus one more if asked meanwhile. */
  async refreshHealth(): Promise<void> {
    if (this.#healthInFlight) {
      this.#healthAgain = true;
      return;
    }
    this.#healthInFlight = true;
    try {
      do {
        this.#healthAgain = false;
        const count = await fetchActiveConnections(fetch);
        if (count !== null) this.activeConnections = count;
      } while (this.#healthAgain);
    } finally {
      this.#healthInFlight = false;
    }
  }

  #handle(message: ServerMessage): void {
    const { position, verdict } = admit(this.#position, message);
    this.#position = position;
    if (verdict === 'skip') return;
    switch (message.type) {
      case 'connection':
        this.clock.sync(message.data.serverTime);
        this.log.add('success', `Connected as ${message.data.socketId}`);
        break;
      case 'snapshot': {
        this.tasks.applySnapshot(message.data.tasks);
        this.synced = true;
        const n = message.data.tasks.length;
        this.log.add('info', `Synced ${n} task${n === 1 ? '' : 's'} from the server`);
        break;
      }
      case 'resumed': {
        this.synced = true;
        const n = message.data.replayed;
        this.log.add('info', n === 0 ? 'Resumed: nothing was missed' : `Resumed: caught up on ${n} missed update${n === 1 ? '' : 's'}`);
        break;
      }
      case 'taskQueued':
      case 'taskProgress': {
        const change = this.tasks.merge(message.data, verdict === 'apply');
        const text = change ? describeTransition(change.previous, message.data) : null;
        if (text) this.log.add(message.data.state === 'failed' ? 'error' : message.data.state === 'completed' ? 'success' : 'info', text);
        break;
      }
      case 'tasksDeleted': {
        this.tasks.remove(message.data.ids);
        const n = message.data.ids.length;
        this.log.add('info', `${n} task${n === 1 ? ' was' : 's were'} deleted`);
        break;
      }
      case 'pong':
        this.log.add('info', `Pong: ${this.connection.rttMs ?? '?'} ms round trip`);
        break;
    }
  }

  /**
   * If the session cookie was just made (it had been lost) but this browser remembers an earlier
   * session in localStorage, goes back to that session: sets the cookie and reloads once.
   */
  #adoptStoredSession(): boolean {
    if (!this.#init.sessionIsNew) return false;
    let stored: string | null = null;
    try {
      stored = localStorage.getItem(SESSION_STORAGE_KEY);
    } catch {
      return false;
    }
    if (!isValidSessionId(stored) || stored === this.sessionId) return false;
    document.cookie = cookieAssignment(SESSION_COOKIE, stored, { secure: location.protocol === 'https:' });
    location.reload();
    return true;
  }
}
