/**
 * The monitor page's state: the session, its tasks, the live connection, the event log and the
 * server's connection count, wired together. Components read it; only its methods change it.
 */
import type { QueueStateDto, ServerMessage, StartTaskRequest, TaskDto, TaskState } from './protocol.js';
import { LiveConnection } from './connection/live-connection.svelte.js';
import { connectionStatus } from './connection/connection-status.js';
import { admit, resumePoint, START, type StreamPosition } from './connection/message-order.js';
import { socketUrl } from './connection/socket-url.js';
import { EventLog } from './logs/event-log.svelte.js';
import { restLogReader, TaskLogFeed } from './logs/task-log-feed.svelte.js';
import { cookieAssignment, isValidSessionId, SESSION_COOKIE, SESSION_STORAGE_KEY } from './session/session-id.js';
import { filterTasks, isFiltering, matchesFilter, NO_FILTER, SCOPE_FILTER_KEYS, sameFilter, type TaskFilter } from './tasks/task-filter.js';
import type { ListScope, ListView } from './tasks/list-view.js';
import { LIST_LIMIT, PAGE_SIZE, pageOf, renderedPage, type PageWindow } from './tasks/task-pages.js';
import { describeTransition, placeholderTask, type TaskCounts } from './tasks/task-list.js';
import { TaskStore } from './tasks/task-store.svelte.js';
import {
  bulkTasks,
  clearFinishedTasks,
  type BulkAction,
  type BulkOutcome,
  type BulkTarget,
  controlTask,
  deleteTask,
  fetchActiveConnections,
  listTasks,
  startTask,
  type StartTaskOutcome,
  type TaskAction,
} from './tasks/tasks-api.js';
import { ServerClock } from './time/server-clock.svelte.js';
import { fetchQueue, setQueuePaused, type Outcome } from './schedules/schedules-api.js';

/** What the server-rendered page hands over (the `+page.server.ts` load result). */
export interface MonitorInit {
  sessionId: string;
  sessionIsNew: boolean;
  tasks: TaskDto[];
  /** How many tasks the session has (the list answer's `total`). */
  total: number;
  /**
   * How many tasks the list shows in all, as the server counted them for the first HTML (those
   * matching the URL's filter, at most {@link LIST_LIMIT}); `tasks` is one page of them, at
   * `offset`. Absent: `tasks` is the whole list.
   */
  listed?: number;
  offset?: number;
  /** Cards or compact lines (the page size follows). */
  view?: ListView;
  /** Counts by state of all the session's tasks (the list answer's `counts`), if known. */
  counts?: TaskCounts | null;
  /** The filter the page's URL asks for. */
  filter: TaskFilter;
  /** The session's tasks, or every session's (the owner's "All tasks" view). */
  scope?: ListScope;
  /** The queue's switches (owner only; null for others or a server without queue control). */
  queue?: QueueStateDto | null;
  serverTime: string;
}

/** How many tasks a search loads from the server when the page does not hold them all. */
const SEARCH_LIMIT = 200;
/** How long typing must pause before such a search goes to the server, ms. */
const SEARCH_DEBOUNCE_MS = 250;

/** How long to wait for more changes before asking the server for its counts again, ms. */
const COUNTS_DEBOUNCE_MS = 300;

/** How often the connection count is refreshed without an event, ms. */
const HEALTH_INTERVAL_MS = 5000;

/** The page's state and actions. Construct anywhere; {@link start} only in the browser. */
export class Monitor {
  readonly sessionId: string;
  /** Whether the page shows every session's tasks (the owner's "All tasks"), not only its own. */
  readonly allSessions: boolean;
  readonly clock: ServerClock;
  readonly tasks: TaskStore;
  readonly log = new EventLog();
  readonly connection: LiveConnection;
  /** The task logs open on the page (cards), followed over the page's socket. */
  readonly logs: TaskLogFeed;
  /** Whether the list has been brought up to date over the socket (snapshot or resume) at least once. */
  synced = $state(false);
  /** Open WebSockets on the server (`GET /health`), or null until known. */
  activeConnections = $state<number | null>(null);
  /** Connection indicator text and tone. */
  status = $derived.by(() => connectionStatus(this.connection.phase, this.connection.retryAt, this.clock.clientNow));
  /** Whether what is shown may be out of date (not connected after having been, or a failed first try). */
  stale = $derived.by(() => this.connection.phase !== 'connected' && (this.connection.everConnected || this.connection.failures > 0));
  /** What the list shows: a state and a name search (kept in the URL by the page). */
  filter = $state<TaskFilter>(NO_FILTER);
  /** The tasks that pass the filter, newest first. */
  visible = $derived.by(() => filterTasks(this.tasks.tasks, this.filter));
  /** Cards or compact lines. */
  view = $state<ListView>('cards');
  /** The page of the list asked for (from 1; {@link listing} clamps it). */
  page = $state(1);
  /**
   * Whether the list is still the one page the server rendered: until the first snapshot (or the
   * person changes the filter, view or page), the page holds only that page of tasks, so it
   * shows it as the server counted it.
   */
  #asRendered = $state(false);
  /** The page of the list on screen: only these tasks are drawn. */
  listing = $derived.by<PageWindow<TaskDto>>(() =>
    this.#asRendered
      ? renderedPage(this.visible, this.#init.offset ?? 0, this.#init.listed ?? this.visible.length, PAGE_SIZE[this.view])
      : pageOf(this.visible, this.page, PAGE_SIZE[this.view]),
  );
  /** How many tasks the page holds, or (while it shows the rendered page only) will hold once live. */
  held = $derived.by(() => (this.#asRendered ? Math.max(this.tasks.tasks.length, Math.min(this.tasks.total, LIST_LIMIT)) : this.tasks.tasks.length));
  /** Whether a search of older tasks (not held by the page) is on its way. */
  searching = $state(false);
  /** The queue's switches (owner only), live from `queueState` frames; null when not known. */
  queue = $state.raw<QueueStateDto | null>(null);

  readonly #init: MonitorInit;
  #position: StreamPosition = START;
  #healthTimer: ReturnType<typeof setInterval> | null = null;
  #healthInFlight = false;
  #healthAgain = false;
  #searchTimer: ReturnType<typeof setTimeout> | null = null;
  #searchGeneration = 0;
  #countsInFlight = false;
  #stopEffects: (() => void) | null = null;
  #countsTimer: ReturnType<typeof setTimeout> | null = null;

  constructor(init: MonitorInit) {
    this.#init = init;
    this.sessionId = init.sessionId;
    this.allSessions = init.scope === 'all';
    this.clock = new ServerClock(init.serverTime);
    this.tasks = new TaskStore(init.tasks, init.total, () => this.clock.read(), init.counts ?? undefined);
    this.filter = init.filter;
    this.view = init.view ?? 'cards';
    this.#asRendered = init.listed !== undefined && init.listed > init.tasks.length;
    this.page = Math.floor((init.offset ?? 0) / PAGE_SIZE[this.view]) + 1;
    this.#scopeCounts(init.filter);
    this.queue = init.queue ?? null;
    this.connection = new LiveConnection({
      url: () => socketUrl(location, this.sessionId, resumePoint(this.#position), this.allSessions),
      onMessage: (message) => this.#handle(message),
      onLog: (level, text) => this.log.add(level, text),
      onChange: () => void this.refreshHealth(),
    });
    this.logs = new TaskLogFeed((message) => this.connection.send(message), restLogReader(fetch));
  }

  /**
   * Opens the page's socket as early as the page can (while its components are still being
   * hydrated); {@link start} takes it over. Browser only.
   */
  preconnect(): void {
    // (If start() then switches to the session this browser remembers, it reloads the page.)
    this.connection.preconnect();
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
    // Counts that drifted (a task the page does not hold changed) are asked for again, shortly.
    this.#stopEffects = $effect.root(() => {
      $effect(() => {
        if (!this.tasks.countsStale || this.#countsTimer) return;
        this.#countsTimer = setTimeout(() => {
          this.#countsTimer = null;
          void this.refreshCounts();
        }, COUNTS_DEBOUNCE_MS);
      });
    });
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
    if (this.#searchTimer) clearTimeout(this.#searchTimer);
    this.#searchTimer = null;
    if (this.#countsTimer) clearTimeout(this.#countsTimer);
    this.#countsTimer = null;
    this.#stopEffects?.();
    this.#stopEffects = null;
  }

  /**
   * Shows only the tasks that pass `filter`. Filtering is done on the tasks the page holds; when
   * the session has more than that (older ones were not loaded), the server is also asked for
   * the matching ones, after a short pause in typing.
   */
  setFilter(filter: TaskFilter): void {
    if (sameFilter(filter, this.filter) && filter.q === this.filter.q) return;
    const rescoped = this.allSessions && SCOPE_FILTER_KEYS.some((key) => (filter[key] ?? '') !== (this.filter[key] ?? ''));
    this.filter = filter;
    this.#asRendered = false;
    this.page = 1;
    if (rescoped) {
      this.#scopeCounts(filter);
      void this.refreshCounts();
    }
    this.#searchOlderSoon(SEARCH_DEBOUNCE_MS);
  }

  /** Shows another page of the list (clamped to the pages there are). */
  setPage(page: number): void {
    this.#asRendered = false;
    this.page = page;
  }

  /** Cards or compact lines; the page changes so that the first task shown stays on screen. */
  setView(view: ListView): void {
    const first = this.listing.offset;
    this.#asRendered = false;
    this.view = view;
    this.page = Math.floor(first / PAGE_SIZE[view]) + 1;
  }

  /**
   * When the session has more tasks than the page holds and the list is filtered, asks the server
   * for the older matching ones after `delayMs` (typing may go on); otherwise cancels such a search.
   */
  #searchOlderSoon(delayMs: number): void {
    if (this.#searchTimer) clearTimeout(this.#searchTimer);
    this.#searchTimer = null;
    const generation = ++this.#searchGeneration;
    this.searching = false;
    const filter = this.filter;
    if (!isFiltering(filter) || this.tasks.total <= this.tasks.tasks.length) return;
    this.searching = true;
    this.#searchTimer = setTimeout(() => {
      this.#searchTimer = null;
      void this.#searchOlder(filter, generation);
    }, delayMs);
  }

  async #searchOlder(filter: TaskFilter, generation: number): Promise<void> {
    try {
      const page = await listTasks(fetch, this.sessionId, { ...filter, all: this.allSessions, limit: SEARCH_LIMIT });
      this.tasks.addLoaded(page.items);
    } catch (error) {
      this.log.add('warn', `Could not search older tasks: ${error instanceof Error ? error.message : String(error)}`);
    } finally {
      if (generation === this.#searchGeneration) this.searching = false;
    }
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
          priority: request.priority,
          maxAttempts: request.maxAttempts,
          job: request.job,
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
    // Logged before the request: its effect (e.g. "cancelled") arrives on the socket, usually
    // before the HTTP answer, and must read after the request in the log.
    this.log.add('info', `${action === 'cancel' ? 'Cancel' : 'Retry'} requested for "${task.name}"`);
    // A task of another session (the owner's "All tasks") is addressed in its own session.
    const outcome = await controlTask(fetch, task.id, action, task.clientId || this.sessionId);
    if (!outcome.ok) {
      this.log.add('error', `Could not ${action} "${task.name}": ${outcome.message}`);
      return outcome.message;
    }
    return null;
  }

  /**
   * Deletes one finished task on the server (for every tab of the session: the server announces
   * it with `tasksDeleted`). The list drops it as soon as the server confirms, even if the socket
   * is down. Returns an error message, or null on success.
   */
  async deleteTask(task: TaskDto): Promise<string | null> {
    const outcome = await deleteTask(fetch, task.id, task.clientId || this.sessionId);
    if (!outcome.ok) {
      this.log.add('error', `Could not delete "${task.name}": ${outcome.message}`);
      return outcome.message;
    }
    this.tasks.remove([task.id]);
    this.log.add('info', `Deleted "${task.name}"`);
    return null;
  }

  /**
   * Deletes the session's finished tasks on the server (of one final state, or all), including
   * ones the page does not hold. Returns an error message, or null on success.
   */
  async clearFinished(state: TaskState | null = null): Promise<string | null> {
    const held = this.tasks.finishedIds(state);
    const outcome = await clearFinishedTasks(fetch, this.sessionId, state);
    if (!outcome.ok) {
      this.log.add('error', `Could not clear finished tasks: ${outcome.message}`);
      return outcome.message;
    }
    // What was finished when asked is gone now (the server's view is never behind the page's),
    // unless it was retried meanwhile; `tasksDeleted` brings the exact list too.
    this.tasks.remove(this.tasks.stillFinished(held));
    const n = outcome.deleted;
    const what = state === null ? 'finished' : state;
    this.log.add('info', `Deleted ${n} ${what} task${n === 1 ? '' : 's'}`);
    return null;
  }

  /**
   * The owner's bulk action on some tasks (by id) or on every task matching a filter, of any
   * session. The changes arrive live (the all-tasks feed); deleted ids leave the list at once.
   */
  async bulk(action: BulkAction, target: BulkTarget): Promise<BulkOutcome> {
    const outcome = await bulkTasks(fetch, action, target);
    if (!outcome.ok) {
      this.log.add('error', `Could not ${action} the tasks: ${outcome.message}`);
      return outcome;
    }
    if (action === 'delete' && 'ids' in target) {
      const failed = new Set(outcome.failed.map((failure) => failure.id));
      this.tasks.remove(target.ids.filter((id) => !failed.has(id)));
    }
    const verb = action === 'cancel' ? 'Cancelled' : action === 'retry' ? 'Retried' : 'Deleted';
    const refused = outcome.failed.length === 0 ? '' : `; ${outcome.failed.length} refused (${outcome.failed[0]!.message})`;
    this.log.add(outcome.failed.length === 0 ? 'success' : 'warn', `${verb} ${outcome.succeeded} of ${outcome.matched} task${outcome.matched === 1 ? '' : 's'}${refused}`);
    return outcome;
  }

  /** How many tasks of every session match a filter, on the server (for a bulk action's confirmation). */
  async countMatching(filter: TaskFilter): Promise<number | null> {
    try {
      return (await listTasks(fetch, this.sessionId, { ...filter, all: true, limit: 0 })).total;
    } catch {
      return null;
    }
  }

  /** Pauses or resumes the whole queue (the owner only); the header shows the answer at once. */
  async setQueuePaused(paused: boolean): Promise<Outcome<QueueStateDto>> {
    const outcome = await setQueuePaused(fetch, paused);
    if (outcome.ok) this.queue = outcome.value;
    this.log.add(outcome.ok ? 'info' : 'error', outcome.ok ? `Queue ${paused ? 'paused' : 'resumed'}` : `Could not ${paused ? 'pause' : 'resume'} the queue: ${outcome.message}`);
    return outcome;
  }

  /** Sends a ping; the round trip shows when the pong arrives. */
  ping(): void {
    if (this.connection.ping()) this.log.add('info', 'Ping sent');
  }

  /**
   * Asks the server for the session's counts by state again (a page of 0 tasks), once the live
   * updates could not keep them exact (see `TaskStore.countsStale`); at most one request at a time.
   */
  async refreshCounts(): Promise<void> {
    if (this.#countsInFlight) return;
    this.#countsInFlight = true;
    try {
      const scope = this.allSessions ? scopeOnly(this.filter) : {};
      const page = await listTasks(fetch, this.sessionId, { ...scope, limit: 0, all: this.allSessions });
      if (page.counts) this.tasks.setServerCounts(page.counts);
    } catch {
      // the next change or snapshot tries again
    } finally {
      this.#countsInFlight = false;
    }
  }

  /** In "All tasks" narrowed by kind, session or time, counts cover only the tasks in that scope. */
  #scopeCounts(filter: TaskFilter): void {
    const scope = scopeOnly(filter);
    const narrowed = this.allSessions && Object.keys(scope).length > 0;
    this.tasks.countScope = narrowed ? (task) => matchesFilter(task, { state: null, q: '', ...scope }) : null;
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
    this.logs.handle(message);
    switch (message.type) {
      case 'connection':
        this.clock.sync(message.data.serverTime);
        // `queueState` frames are not replayed after a reconnect: the owner's page reads it again.
        if (this.queue !== null) void fetchQueue(fetch).then((queue) => queue.ok && (this.queue = queue.value));
        this.log.add('success', `Connected as ${message.data.socketId}`);
        break;
      case 'snapshot': {
        // The all-tasks feed counts every session; narrowed by kind, session or time, ask instead.
        const scoped = this.tasks.countScope !== null;
        this.tasks.applySnapshot(message.data.tasks, scoped ? undefined : message.data.counts);
        if (scoped) void this.refreshCounts();
        const first = !this.synced;
        this.synced = true;
        // The page now holds the list: the page on screen is cut from it, at the same place.
        this.#asRendered = false;
        // The first HTML held one page; a filtered list may match older tasks than the snapshot's.
        if (first) this.#searchOlderSoon(0);
        const n = message.data.tasks.length;
        this.log.add('info', `Synced ${n} task${n === 1 ? '' : 's'} from the server`);
        break;
      }
      case 'resumed': {
        this.synced = true;
        this.#asRendered = false;
        const n = message.data.replayed;
        this.log.add('info', n === 0 ? 'Resumed: nothing was missed' : `Resumed: caught up on ${n} missed update${n === 1 ? '' : 's'}`);
        break;
      }
      case 'taskQueued':
      case 'taskProgress': {
        const change = this.tasks.merge(message.data, { ordered: verdict === 'apply', created: message.type === 'taskQueued' });
        const text = change ? describeTransition(change.previous, message.data) : null;
        if (text) this.log.add(message.data.state === 'failed' ? 'error' : message.data.state === 'completed' ? 'success' : 'info', text);
        break;
      }
      case 'tasksDeleted': {
        const held = new Set(this.tasks.tasks.map((task) => task.id));
        const shown = message.data.ids.filter((id) => held.has(id)).length;
        this.tasks.remove(message.data.ids);
        // This page's own deletions are logged when confirmed; here only those made elsewhere.
        if (shown > 0) this.log.add('info', `${shown} task${shown === 1 ? ' was' : 's were'} deleted`);
        break;
      }
      case 'pong':
        this.log.add('info', `Pong: ${this.connection.rttMs ?? '?'} ms round trip`);
        break;
      case 'queueState':
        this.queue = message.data;
        this.log.add('info', message.data.paused ? 'The queue is paused' : 'The queue runs');
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

/** A filter's kind, session and time range only: what the server's counts follow. */
function scopeOnly(filter: TaskFilter): Pick<TaskFilter, (typeof SCOPE_FILTER_KEYS)[number]> {
  const scope: Pick<TaskFilter, (typeof SCOPE_FILTER_KEYS)[number]> = {};
  for (const key of SCOPE_FILTER_KEYS) if (filter[key]) scope[key] = filter[key];
  return scope;
}
